import { expect, test, type Page } from '@playwright/test'
import { spawn } from 'node:child_process'
import { closeAdmin, openAdminPage, SCREENSHOTS, serve, type Served } from './headless-admin'

/**
 * An operator's day (issue 12), in the GUI only, against `clawhq-local serve` on a fresh data directory:
 * create a key; send GET /api/v1/listings from the Playground and read the request and the response;
 * stream a chat and see its text arrive before the end; copy the cURL snippet and run it; connect the
 * built-in inbox as a webhook endpoint; buy a listing from the Playground and find the signed delivery on
 * the Webhooks page; open Analytics and see those requests charted. One flow, in order. Needs the build.
 */
test.describe.configure({ mode: 'serial' })

const ACADEMIC_PAPER_CRAWLER = 'listing_125fa408090f6203fa094da7' // 25.00 USDT, one-time

let served: Served
let page: Page
const problems: string[] = []
let secret = ''
let keyHint = ''
let curlSnippet = ''

const byTestId = (id: string) => page.getByTestId(id)

async function pickEndpoint(id: string, search: string) {
  await byTestId('endpoint-select').click()
  await byTestId('endpoint-select').fill(search)
  await page.locator(`[data-endpoint="${id}"]`).click()
  await expect(byTestId('endpoint-select')).toHaveValue(id)
}

function bash(script: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { env: { ...process.env, ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

test.beforeAll(async ({ browser }) => {
  served = await serve()
  page = await openAdminPage(browser, served, problems, { permissions: ['clipboard-read', 'clipboard-write'] })
})

test.afterAll(() => closeAdmin(served, page))

test('morning: the Dashboard, then a key made on the Keys page', async () => {
  await page.goto(served.adminUrl)
  await expect(page.getByRole('heading', { name: 'Dashboard', exact: true })).toBeVisible()
  await byTestId('nav-keys').click()
  await byTestId('create-key').click()
  await byTestId('key-name-input').fill('Operator laptop')
  await byTestId('create-key-submit').click()
  await expect(byTestId('new-key-secret')).toHaveText(/^clw_[A-Za-z0-9]{32}$/)
  secret = (await byTestId('new-key-secret').textContent()) ?? ''
  await byTestId('secret-done').click()
  const row = page.locator('[data-testid^="key-row-"]').filter({ hasText: 'Operator laptop' })
  await expect(row).toBeVisible()
  keyHint = `${secret.slice(0, 8)}…${secret.slice(-4)}`
  await expect(row).toContainText(keyHint)
})

test('GET /api/v1/listings from the Playground: the request and the response side by side', async () => {
  await byTestId('nav-playground').click()
  await expect(page.getByRole('heading', { name: 'Playground', exact: true })).toBeVisible()
  await pickEndpoint('GET /api/v1/listings', 'listings browse')
  await byTestId('param-limit').fill('5')
  await byTestId('key-select').click()
  await byTestId('key-option').filter({ hasText: 'Operator laptop' }).click()
  await byTestId('send-button').click()
  await expect(byTestId('response-status')).toHaveText('200 OK')
  await expect(byTestId('request-url')).toHaveText(/\/api\/v1\/listings\?limit=5$/)
  await expect(byTestId('request-headers').locator('[data-header="authorization"]')).toContainText(`Bearer ${keyHint}`)
  const body = JSON.parse((await byTestId('response-body').textContent()) ?? '') as { data: unknown[]; meta: { total: number } }
  expect(body.data).toHaveLength(5)
  expect(body.meta.total).toBe(150)
  await expect(byTestId('rate-limit-remaining')).toHaveText('59')
})

test('copy the request as cURL and run it in a shell: the same listings', async () => {
  await byTestId('snippet-tab-curl').click()
  await byTestId('copy-snippet-curl').click()
  curlSnippet = await page.evaluate(() => navigator.clipboard.readText())
  expect(curlSnippet).toContain('$CLAWHQ_API_KEY')
  const ran = await bash(curlSnippet, { CLAWHQ_API_KEY: secret })
  expect(ran.code, ran.stderr).toBe(0)
  const printed = JSON.parse(ran.stdout) as { data: Array<{ id: string }> }
  const onPage = JSON.parse((await byTestId('response-body').textContent()) ?? '') as { data: Array<{ id: string }> }
  expect(printed.data.map((l) => l.id)).toEqual(onPage.data.map((l) => l.id))
})

test('a streamed chat: text on the page before the answer is complete', async () => {
  await pickEndpoint('POST /api/v1/chat', 'chat')
  // support-bot streams in small chunks 40 ms apart: a long answer takes a while.
  await byTestId('body-editor').fill(JSON.stringify({ message: 'Explain how webhooks work', agent: 'support-bot', stream: true }, null, 2))
  await byTestId('send-button').click()
  await expect
    .poll(
      () =>
        page.evaluate(() => ({
          text: document.querySelector('[data-testid="stream-text"]')?.textContent ?? '',
          finished: document.querySelector('[data-testid="response-status"]') !== null,
        })),
      { timeout: 10_000, intervals: [20] },
    )
    .toMatchObject({ text: expect.stringMatching(/\S/), finished: false })
  await expect(byTestId('response-status')).toHaveText('200 OK', { timeout: 30_000 })
  await expect(byTestId('stream-events')).toContainText('data: [DONE]')
})

test('noon: the built-in inbox becomes a webhook endpoint in one click', async () => {
  await byTestId('nav-inbox').click()
  await byTestId('inbox-connect-first').click()
  await expect(byTestId('inbox-panel').getByTestId('inbox-url')).toHaveText(`POST ${served.origin}/inbox/default`)
})

test('a purchase from the Playground is delivered, signed, and shows on the Webhooks page', async () => {
  await byTestId('nav-playground').click()
  await pickEndpoint('POST /api/v1/listings/{id}/purchase', 'purchase')
  await byTestId('param-id').fill(ACADEMIC_PAPER_CRAWLER)
  await byTestId('key-select').click()
  await byTestId('key-option').filter({ hasText: 'Operator laptop' }).click()
  await byTestId('send-button').click()
  await expect(byTestId('response-status')).toHaveText('201 Created')
  expect(JSON.parse((await byTestId('response-body').textContent()) ?? '').data.licenseKey).toMatch(/^lic_/)

  await byTestId('nav-webhooks').click()
  await byTestId('webhooks-tab-deliveries').click()
  const delivery = page.locator('[data-testid="delivery-row"][data-event="purchase.completed"]')
  await expect(delivery).toHaveAttribute('data-status', 'succeeded', { timeout: 15_000 })
  await expect(delivery).toContainText(`${served.origin}/inbox/default`)
  await page.screenshot({ path: `${SCREENSHOTS}/operator-day-webhooks.png` })

  // And the inbox verified it under both schemes.
  await byTestId('nav-inbox').click()
  await expect(page.locator('[data-testid="inbox-message-row"][data-event="purchase.completed"]')).toHaveAttribute('data-verified', 'standard-webhooks clawget')
})

test('evening: Analytics charts the day\'s requests', async () => {
  await byTestId('nav-analytics').click()
  await expect(page.getByRole('heading', { name: 'Analytics', exact: true })).toBeVisible()
  // listings, the streamed chat and the purchase from the Playground, and the cURL run: 4 requests at least.
  await expect.poll(async () => Number(await byTestId('analytics-total-requests').textContent()), { timeout: 15_000 }).toBeGreaterThanOrEqual(4)
  const chart = byTestId('analytics-traffic-chart')
  await expect(chart.locator('svg.recharts-surface').first()).toBeVisible()
  await expect.poll(() => chart.locator('svg.recharts-surface path[d]:not([d=""])').count()).toBeGreaterThan(0)
  await expect(byTestId('analytics-top-key').filter({ hasText: 'Operator laptop' })).toBeVisible()
  await page.screenshot({ path: `${SCREENSHOTS}/operator-day-analytics.png` })
  expect(problems).toEqual([])
})
