import { expect, test, type Page } from '@playwright/test'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { adminRpc, closeAdmin, openAdminPage, SCREENSHOTS, serve, type Served } from './headless-admin'

/**
 * The Webhooks and Inbox pages of the headless admin UI against the real server (`clawhq-local serve`
 * on a fresh data directory): an endpoint made in the GUI against a receiver of this test that answers
 * 410 and then 2xx (disabled with its reason, enabled again, its failure redelivered), rotation and
 * deletion; then the built-in inbox connected in one click, a purchase through the API delivered to it
 * and verified under both schemes, and a redelivery seen as a second attempt and a second message.
 * One flow, in order. Needs the build.
 */
test.describe.configure({ mode: 'serial' })

const ACADEMIC_PAPER_CRAWLER = 'listing_125fa408090f6203fa094da7'

let served: Served
let page: Page
const pageProblems: string[] = []
/** A webhook receiver of this test: answers with `receiverStatus`. */
let receiver: Server
let receiverUrl = ''
let receiverStatus = 410
let receiverHits = 0
let buyerSecret = ''
let testEndpointId = ''
let firstSecret = ''
let purchaseDeliveryId = ''

const docsOr = (name: string) => (process.env.UPDATE_DOCS_SCREENSHOTS ? `docs/screenshot-${name}.png` : `${SCREENSHOTS}/${name}.png`)

/** Both themes of what is on screen: the light one first, the dark one after, then back to light. */
async function screenshotBothThemes(name: string, options: { docs?: boolean; fullPage?: boolean } = {}) {
  const path = (variant: string) => (options.docs ? docsOr(`${name}${variant}`) : `${SCREENSHOTS}/${name}${variant}.png`)
  // No notification over the page, no focus ring on what was clicked last, no tooltip: the page as it stands.
  // (Closed one by one, the first each time: others may close by themselves meanwhile.)
  const notices = page.locator('.mantine-Notification-closeButton')
  while ((await notices.count()) > 0) await notices.first().click({ timeout: 2000 }).catch(() => undefined)
  await expect(page.locator('.mantine-Notification-root')).toHaveCount(0)
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
  await page.mouse.move(1350, 850)
  await expect(page.getByRole('tooltip')).toHaveCount(0)
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'light')
  await page.screenshot({ path: path(''), fullPage: options.fullPage })
  await page.evaluate(() => document.querySelector<HTMLElement>('[data-testid="toggle-theme"]')?.click())
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark')
  await page.mouse.move(1350, 850)
  await expect(page.getByRole('tooltip')).toHaveCount(0)
  await page.screenshot({ path: path('-dark'), fullPage: options.fullPage })
  await page.evaluate(() => document.querySelector<HTMLElement>('[data-testid="toggle-theme"]')?.click())
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'light')
}

/** A time as a `datetime-local` field takes it: local wall time to the minute. */
const localInput = (ms: number) => new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16)

const webhookRow = (url: string) => page.locator(`[data-testid="webhook-row"][data-url="${url}"]`)
const deliveryRows = () => page.getByTestId('delivery-row')

test.beforeAll(async ({ browser }) => {
  receiver = createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      receiverHits++
      response.writeHead(receiverStatus, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ received: receiverStatus < 300 }))
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/test`

  served = await serve()
  page = await openAdminPage(browser, served, pageProblems)
  // A buyer: a key of the operator's own soul allowed to purchase, and money to buy with.
  await adminRpc(served, 'wallet.deposit', { soulId: 'soul_operator', amount: '100.00' })
  const created = await adminRpc<{ secret: string }>(served, 'keys.create', { name: 'webhook buyer', scopes: ['purchases', 'listings:read'] })
  buyerSecret = created.secret
})

test.afterAll(async () => {
  await closeAdmin(served, page)
  await new Promise<void>((resolve) => receiver.close(() => resolve()))
})

test('an endpoint made in the GUI shows its generated secret once, then only its hint', async () => {
  await page.goto(served.adminUrl)
  await expect(page.getByRole('heading', { name: 'Dashboard', exact: true })).toBeVisible()
  await page.getByTestId('nav-webhooks').click()
  await expect(page.getByRole('heading', { name: 'Webhooks', exact: true })).toBeVisible()
  expect(new URL(page.url()).hash).toBe('#/webhooks')
  await expect(page).toHaveTitle('Webhooks · ClawHQ Local')
  await expect(page.getByTestId('webhooks-table')).toContainText('No endpoints yet')

  await page.getByTestId('create-webhook').click()
  const dialog = page.getByRole('dialog', { name: 'New webhook endpoint' })
  // Plain HTTP to another machine is refused by the core, and the form says why.
  await dialog.getByTestId('webhook-url-input').fill('http://example.com/hooks')
  await dialog.getByTestId('webhook-submit').click()
  await expect(dialog.getByRole('alert')).toContainText('Plain HTTP is allowed only to this machine')
  // The refused call is the browser's one logged failure so far, and an expected one.
  expect(pageProblems).toEqual(['console error: Failed to load resource: the server responded with a status of 400 (Bad Request)'])
  pageProblems.length = 0

  await dialog.getByTestId('webhook-url-input').fill(receiverUrl)
  // "All events" is the default; picking one event replaces it.
  await expect(dialog.getByTestId('webhook-events-input')).toBeVisible()
  await dialog.getByTestId('webhook-events-input').click()
  await page.getByRole('option', { name: 'listing.deleted' }).click()
  await page.keyboard.press('Escape')
  await dialog.getByTestId('webhook-description-input').fill('A receiver of the browser test')
  await dialog.getByTestId('webhook-submit').click()

  const secretDialog = page.getByRole('dialog', { name: 'Endpoint created' })
  firstSecret = (await secretDialog.getByTestId('webhook-secret').textContent()) ?? ''
  expect(firstSecret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/)
  await page.screenshot({ path: `${SCREENSHOTS}/webhook-secret.png` })
  await secretDialog.getByTestId('webhook-secret-done').click()
  await expect(secretDialog).toBeHidden()

  const row = webhookRow(receiverUrl)
  await expect(row).toContainText('listing.deleted')
  await expect(row).toContainText('A receiver of the browser test')
  await expect(row).toHaveAttribute('data-state', 'enabled')
  testEndpointId = (await row.getAttribute('data-webhook-id')) ?? ''
  expect(testEndpointId).toMatch(/^whk_/)
  await expect(page.getByTestId(`webhook-secret-hint-${testEndpointId}`)).toHaveText(`${firstSecret.slice(0, 10)}…`)
  await expect(page.getByText(firstSecret)).toHaveCount(0)
})

test('a ping answered 410 disables the endpoint with the reason; enabled again, "redeliver failed" sends it once more', async () => {
  await page.getByTestId(`webhook-ping-${testEndpointId}`).click()
  const row = webhookRow(receiverUrl)
  await expect(row).toHaveAttribute('data-state', 'disabled')
  await expect(page.getByTestId(`webhook-disabled-reason-${testEndpointId}`)).toHaveText('the receiver answered 410 Gone')
  await expect(page.getByTestId(`webhook-ping-${testEndpointId}`)).toBeDisabled()

  // The endpoint's deliveries: the ping, failed with the receiver's 410.
  await page.getByTestId(`webhook-deliveries-${testEndpointId}`).click()
  expect(new URL(page.url()).hash).toBe('#/webhooks/deliveries')
  await expect(deliveryRows()).toHaveCount(1)
  const ping = deliveryRows().first()
  await expect(ping).toHaveAttribute('data-event', 'ping')
  await expect(ping).toHaveAttribute('data-status', 'failed')
  await expect(ping).toContainText('410')
  await expect(ping.getByTestId('delivery-attempts')).toHaveText('1')

  // The receiver is back; the operator enables the endpoint and sends the last hour's failures again.
  receiverStatus = 204
  await page.getByTestId('webhooks-tab-endpoints').click()
  await page.getByTestId(`webhook-enable-${testEndpointId}`).click()
  await expect(row).toHaveAttribute('data-state', 'enabled')
  await page.getByTestId('webhooks-tab-deliveries').click()
  await expect(page.getByTestId('deliveries-endpoint-filter')).toHaveValue(receiverUrl)
  await expect(page.getByTestId('redeliver-failed')).toHaveText('Redeliver this endpoint’s failures of the last hour')
  await page.getByTestId('redeliver-failed').click()
  await expect(page.getByText('1 failed delivery of the last hour goes out now.')).toBeVisible()
  await expect(ping).toHaveAttribute('data-status', 'succeeded')
  await expect(ping.getByTestId('delivery-attempts')).toHaveText('2')
  await expect(ping).toContainText('204')
  expect(receiverHits).toBe(2)

  // The status filter: no failure is left.
  await page.getByTestId('deliveries-status-filter').getByText('Failed', { exact: true }).click()
  await expect(page.getByTestId('deliveries-table')).toContainText('No deliveries match')
  await page.getByTestId('deliveries-status-filter').getByText('All', { exact: true }).click()
  await expect(deliveryRows()).toHaveCount(1)
})

test('rotating the secret shows the new one once and the overlap; the endpoint is edited, then deleted', async () => {
  await page.getByTestId('webhooks-tab-endpoints').click()
  await page.getByTestId(`webhook-more-${testEndpointId}`).click()
  await page.getByTestId(`webhook-rotate-${testEndpointId}`).click()
  const dialog = page.getByRole('dialog', { name: 'Rotate the signing secret' })
  await dialog.getByTestId('rotation-overlap').getByText('1 hour', { exact: true }).click()
  await dialog.getByTestId('rotate-secret-submit').click()
  const secretDialog = page.getByRole('dialog', { name: 'Secret rotated: the new secret' })
  const secret = (await secretDialog.getByTestId('webhook-secret').textContent()) ?? ''
  expect(secret).toMatch(/^whsec_/)
  expect(secret).not.toBe(firstSecret)
  await secretDialog.getByTestId('webhook-secret-done').click()
  await expect(page.getByTestId(`webhook-secret-hint-${testEndpointId}`)).toHaveText(`${secret.slice(0, 10)}…`)
  await expect(page.getByTestId(`webhook-rotating-${testEndpointId}`)).toContainText(/rotating · in (60 min|1 h)/)

  await page.getByTestId(`webhook-edit-${testEndpointId}`).click()
  const edit = page.getByRole('dialog', { name: 'Edit endpoint' })
  await expect(edit.getByTestId('webhook-url-input')).toHaveValue(receiverUrl)
  await edit.getByTestId('webhook-description-input').fill('Renamed in the browser test')
  await edit.getByTestId('webhook-submit').click()
  await expect(edit).toBeHidden()
  await expect(webhookRow(receiverUrl)).toContainText('Renamed in the browser test')

  await page.getByTestId(`webhook-more-${testEndpointId}`).click()
  await page.getByTestId(`webhook-delete-${testEndpointId}`).click()
  const confirm = page.getByRole('dialog', { name: 'Delete this endpoint?' })
  await expect(confirm).toContainText('Its delivery log and every attempt in it are deleted with it')
  await confirm.getByTestId('confirm-delete-webhook').click()
  await expect(webhookRow(receiverUrl)).toHaveCount(0)
  // Its deliveries went with it, and the log's filter on it was let go.
  await page.getByTestId('webhooks-tab-deliveries').click()
  await expect(page.getByTestId('deliveries-endpoint-filter')).toHaveValue('')
  await expect(page.getByTestId('deliveries-table')).toContainText('No deliveries match')
})

test('"Connect an endpoint" on the Inbox page makes the inbox and an endpoint aimed at it, with the secret shared', async () => {
  await page.getByTestId('nav-inbox').click()
  await expect(page.getByRole('heading', { name: 'Inbox', exact: true })).toBeVisible()
  await expect(page).toHaveTitle('Inbox · ClawHQ Local')
  await page.getByTestId('inbox-connect-first').click()
  const panel = page.getByTestId('inbox-panel')
  await expect(panel).toHaveAttribute('data-inbox', 'default')
  await expect(panel.getByTestId('inbox-url')).toHaveText(`POST ${served.origin}/inbox/default`)
  await expect(panel).toContainText('1 endpoint points here (Webhooks).')
  await expect(panel.getByTestId('inbox-secret-input')).toHaveAttribute('placeholder', '•••••••• (set)')
  await expect(page.getByTestId('inbox-messages-table')).toContainText('Nothing yet')

  const endpoints = await adminRpc<{ data: { url: string; events: string[] }[] }>(served, 'webhooks.list', {})
  expect(endpoints.data.map((endpoint) => [endpoint.url, endpoint.events])).toEqual([[`${served.origin}/inbox/default`, ['*']]])
})

test('a purchase through the API arrives in the inbox as it happens, verified under both schemes', async () => {
  const response = await fetch(`${served.origin}/api/v1/listings/${ACADEMIC_PAPER_CRAWLER}/purchase`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${buyerSecret}` },
  })
  expect(response.status).toBe(201)

  // The page stays open: the message comes over the live inbox.new event.
  const message = page.locator('[data-testid="inbox-message-row"][data-event="purchase.completed"]')
  await expect(message).toHaveCount(1)
  await expect(message).toHaveAttribute('data-verified', 'standard-webhooks clawget')
  await expect(message.getByTestId('message-verdict-standard-webhooks')).toHaveText('Standard Webhooks: verified')
  await expect(page.getByTestId('inbox-count-default')).toHaveText('1')
  await expect(page.getByTestId('inbox-live')).toHaveText('Live · 1')

  // A forged message beside it: signed with another secret, it fails, and says why.
  const forged = JSON.stringify({ event: 'purchase.completed', timestamp: new Date().toISOString(), data: { amount: '0.01' } })
  await fetch(`${served.origin}/inbox/default`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Clawget-Signature': 'f'.repeat(64), 'X-Clawget-Timestamp': String(Date.now()) },
    body: forged,
  })
  await expect(page.getByTestId('inbox-message-row')).toHaveCount(2)
  const forgedRow = page.getByTestId('inbox-message-row').first()
  await expect(forgedRow.getByTestId('message-verdict-clawget')).toHaveText('X-Clawget-Signature: not verified')
  await expect(forgedRow.getByTestId('message-verdict-standard-webhooks')).toHaveText('Standard Webhooks: not sent')
})

test('the Webhooks page shows the purchase delivered; its drawer shows the request and the response, and Redeliver adds an attempt', async () => {
  await page.getByTestId('nav-webhooks').click()
  await page.getByTestId('webhooks-tab-deliveries').click()
  const row = page.locator('[data-testid="delivery-row"][data-event="purchase.completed"]')
  await expect(row).toHaveAttribute('data-status', 'succeeded')
  await expect(row).toContainText(`${served.origin}/inbox/default`)
  await expect(row).toContainText('200')
  purchaseDeliveryId = (await row.getAttribute('data-delivery-id')) ?? ''

  // Filters: by event, and by time.
  await page.getByTestId('deliveries-event-filter').click()
  await page.getByRole('option', { name: 'purchase.completed' }).click()
  await expect(deliveryRows()).toHaveCount(1)
  await page.getByTestId('deliveries-range-filter').click()
  await page.getByRole('option', { name: 'Last hour' }).click()
  await expect(deliveryRows()).toHaveCount(1)
  // Given bounds, in local wall time: from an hour ago it is there, from an hour ahead it is not.
  await page.getByTestId('deliveries-range-filter').click()
  await page.getByRole('option', { name: 'Between…' }).click()
  await page.getByTestId('deliveries-since').fill(localInput(Date.now() - 3_600_000))
  await expect(deliveryRows()).toHaveCount(1)
  await page.getByTestId('deliveries-since').fill(localInput(Date.now() + 3_600_000))
  await expect(page.getByTestId('deliveries-table')).toContainText('No deliveries match')
  await page.getByTestId('deliveries-range-filter').click()
  await page.getByRole('option', { name: 'Last hour' }).click()
  await expect(deliveryRows()).toHaveCount(1)

  await row.click()
  const drawer = page.getByRole('dialog', { name: 'Delivery' })
  await expect(drawer.getByTestId('delivery-drawer-event')).toHaveText('purchase.completed')
  await expect(drawer.getByTestId('delivery-drawer-id')).toHaveText(purchaseDeliveryId)
  const attempts = drawer.getByTestId('delivery-attempt')
  await expect(attempts).toHaveCount(1)
  const request = drawer.getByTestId('attempt-request').first()
  await expect(request.locator('[data-header="webhook-signature"]')).toContainText('v1,')
  await expect(request.locator('[data-header="x-clawget-signature"]')).toBeVisible()
  // The body as sent, indented.
  await expect(request.getByTestId('attempt-request-body')).toContainText('"event": "purchase.completed"')
  await expect(request.getByTestId('attempt-request-body')).toContainText(ACADEMIC_PAPER_CRAWLER)
  const answer = drawer.getByTestId('attempt-response').first()
  await expect(answer).toContainText('HTTP 200')
  await expect(answer.getByTestId('attempt-response-body')).toContainText('"received": true')
  await expect(drawer.getByTestId('attempt-error')).toHaveCount(0)

  // The README's picture: the log with one delivery open, its attempt's request beside its response.
  await screenshotBothThemes('webhooks', { docs: true })

  await drawer.getByTestId('delivery-drawer-redeliver').click()
  await expect(attempts).toHaveCount(2)
  await expect(drawer.getByTestId('delivery-drawer-attempts')).toHaveText('2')
  await expect(attempts.first()).toContainText('Attempt 2')
  await expect(attempts.first()).toHaveAttribute('data-attempt-status', '200')
  await expect(drawer.getByTestId('delivery-drawer-status')).toHaveAttribute('data-status', 'succeeded')
  await page.keyboard.press('Escape')
  await expect(drawer).toBeHidden()
  await expect(row.getByTestId('delivery-attempts')).toHaveText('2')
  await screenshotBothThemes('webhooks-deliveries')
  await page.getByTestId('webhooks-tab-endpoints').click()
  await screenshotBothThemes('webhooks-endpoints')
})

test('the redelivery arrives in the inbox with the same webhook-id, verified; its drawer shows the workings', async () => {
  await page.getByTestId('nav-inbox').click()
  const purchases = page.locator('[data-testid="inbox-message-row"][data-event="purchase.completed"][data-verified="standard-webhooks clawget"]')
  await expect(purchases).toHaveCount(2)
  const ids = await purchases.getByTestId('inbox-message-webhook-id').allTextContents()
  expect(ids[0]).toMatch(/^evt_/)
  expect(ids[0]).toBe(ids[1])

  await purchases.first().click()
  const drawer = page.getByRole('dialog', { name: 'Received message' })
  await expect(drawer.getByTestId('inbox-message-title')).toHaveText('purchase.completed')
  for (const scheme of ['standard-webhooks', 'clawget']) {
    const card = drawer.getByTestId(`verification-${scheme}`)
    await expect(card).toHaveAttribute('data-verified', 'true')
    await expect(card.getByTestId(`verdict-${scheme}`)).toHaveText('verified')
    await expect(card.getByTestId(`timestamp-${scheme}`)).toContainText('fresh')
  }
  const standard = drawer.getByTestId('verification-standard-webhooks')
  await expect(standard.getByTestId('signed-string-standard-webhooks')).toContainText(/^evt_\w+\.\d+\.\{"event":"purchase\.completed"/)
  const expected = await standard.getByTestId('expected-standard-webhooks').textContent()
  await expect(standard.getByTestId('received-standard-webhooks')).toContainText(expected ?? '-')
  const clawget = drawer.getByTestId('verification-clawget')
  await expect(clawget.getByTestId('received-clawget')).toHaveText((await clawget.getByTestId('expected-clawget').textContent()) ?? '-')
  await expect(drawer.getByTestId('inbox-message-request-headers').locator('[data-header="webhook-id"]')).toContainText(ids[0] ?? '-')
  await screenshotBothThemes('inbox-message')
  await page.keyboard.press('Escape')
  await expect(drawer).toBeHidden()

  // The forged one says why it fails: the signatures differ.
  await page.getByTestId('inbox-message-row').filter({ hasText: 'not verified' }).click()
  const forged = page.getByRole('dialog', { name: 'Received message' }).getByTestId('verification-clawget')
  await expect(forged).toHaveAttribute('data-verified', 'false')
  await expect(forged.getByTestId('received-clawget')).toHaveText('f'.repeat(64))
  await expect(forged.getByTestId('expected-clawget')).not.toHaveText('f'.repeat(64))
  await page.keyboard.press('Escape')

  // The README's picture: the inbox with what arrived.
  await screenshotBothThemes('inbox', { docs: true })
})

test('a rotated secret of the inbox endpoint is offered to the inbox; a ping then verifies with it', async () => {
  await page.getByTestId('nav-webhooks').click()
  await page.getByTestId('webhooks-tab-endpoints').click()
  const row = webhookRow(`${served.origin}/inbox/default`)
  const id = (await row.getAttribute('data-webhook-id')) ?? ''
  await page.getByTestId(`webhook-more-${id}`).click()
  await page.getByTestId(`webhook-rotate-${id}`).click()
  const dialog = page.getByRole('dialog', { name: 'Rotate the signing secret' })
  await dialog.getByTestId('rotation-overlap').getByText('None', { exact: true }).click()
  await dialog.getByTestId('rotate-secret-submit').click()
  const secretDialog = page.getByRole('dialog', { name: 'Secret rotated: the new secret' })
  await expect(secretDialog).toContainText('This endpoint points at the built-in inbox “default”')
  await secretDialog.getByTestId('webhook-secret-to-inbox').click()
  await expect(secretDialog.getByTestId('webhook-secret-to-inbox')).toHaveText('Inbox verifies with it')
  await secretDialog.getByTestId('webhook-secret-done').click()
  await expect(page.getByTestId(`webhook-rotating-${id}`)).toHaveCount(0)

  await page.getByTestId(`webhook-ping-${id}`).click()
  await page.getByTestId('nav-inbox').click()
  const ping = page.locator('[data-testid="inbox-message-row"][data-event="ping"]')
  await expect(ping).toHaveAttribute('data-verified', 'standard-webhooks clawget')
})

test('a secret removed, nothing verifies; clearing empties the inbox', async () => {
  await page.getByTestId('inbox-secret-remove').click()
  await expect(page.getByTestId('inbox-secret-input')).toHaveAttribute('placeholder', 'whsec_…')
  await expect(page.locator('[data-testid="inbox-message-row"][data-verified]')).toHaveCount(0)
  await expect(page.getByTestId('message-verdict-clawget').first()).toHaveText('X-Clawget-Signature: not verified')

  await page.getByTestId('inbox-clear').click()
  await page.getByRole('dialog', { name: 'Clear inbox “default”?' }).getByTestId('confirm-clear-inbox').click()
  await expect(page.getByTestId('inbox-messages-table')).toContainText('Nothing yet')
  await expect(page.getByTestId('inbox-count-default')).toHaveText('0')
})

test('the pages logged no errors', () => {
  expect(pageProblems).toEqual([])
})
