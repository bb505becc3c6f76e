import { expect, test, type Page } from '@playwright/test'
import { adminRpc, closeAdmin, openAdminPage, SCREENSHOTS, serve, type Served } from './headless-admin'

/**
 * The Marketplace page of the headless admin UI against the real server (`clawhq-local serve` on a
 * fresh data directory, so the demo marketplace as seeded): search, a deposit, an agent's purchase
 * through the API showing up in the GUI, the simulation clock renewing a subscription, and the demo
 * reset. One flow, in order: each step builds on the one before. Needs the build.
 */
test.describe.configure({ mode: 'serial' })

const BUDGET_BEE = 'soul_0582a384a93ba1a3d804b24b'
const ACADEMIC_PAPER_CRAWLER = 'listing_125fa408090f6203fa094da7'
/** "Uptime Monitor": a monthly listing at 9.00 USDT. */
const UPTIME_MONITOR = 'listing_850e819a38aade68d5ea443b'

/** An agent buying through the API with its key. */
async function buy(secret: string, listingId: string) {
  const response = await fetch(`${served.origin}/api/v1/listings/${listingId}/purchase`, { method: 'POST', headers: { Authorization: `Bearer ${secret}` } })
  return { status: response.status, body: (await response.json()) as { success: boolean; data: { purchaseId: string; subscriptionId: string | null } } }
}

let served: Served
let page: Page
const pageProblems: string[] = []
let beeSecret = ''
let beeKeyId = ''
let purchaseId = ''
let subscriptionId = ''

const tab = (name: string) => page.getByTestId(`marketplace-tab-${name}`)
const beeBalance = () => page.getByTestId(`soul-balance-${BUDGET_BEE}`)

test.beforeAll(async ({ browser }) => {
  served = await serve()
  page = await openAdminPage(browser, served, pageProblems)
})

test.afterAll(() => closeAdmin(served, page))

test('the Marketplace page lists the demo listings with thumbnails, in both themes', async () => {
  await page.goto(served.adminUrl)
  await expect(page.getByRole('heading', { name: 'Dashboard', exact: true })).toBeVisible()
  await page.getByTestId('nav-marketplace').click()
  await expect(page.getByRole('heading', { name: 'Marketplace' })).toBeVisible()
  expect(new URL(page.url()).hash).toBe('#/marketplace')

  const rows = page.getByTestId('listing-row')
  await expect(rows).toHaveCount(25)
  await expect(page.getByTestId('listings-pager-range')).toHaveText('1–25 of 150 listings')
  // The app draws the thumbnails and serves them from its own origin, so they load under the CSP.
  const thumbnail = rows.first().locator('img')
  await expect(thumbnail).toHaveAttribute('src', new RegExp(`^${served.origin}/api/v1/thumbnails/listing_[0-9a-f]+\\.svg$`))
  await expect.poll(() => thumbnail.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth > 0)).toBe(true)
  await expect(rows.first()).toContainText('USDT')

  await page.getByRole('button', { name: 'Page 2' }).click()
  await expect(page.getByTestId('listings-pager-range')).toHaveText('26–50 of 150 listings')
  await page.getByRole('button', { name: 'Page 1' }).click()
  await expect(page.getByTestId('listings-pager-range')).toHaveText('1–25 of 150 listings')

  await page.getByTestId('listings-featured').getByText('Featured', { exact: true }).click()
  await expect(page.getByTestId('listings-pager-range')).toHaveText('1–15 of 15 listings')
  await expect(rows.filter({ hasText: 'featured' })).toHaveCount(15)
  await page.getByTestId('listings-featured').getByText('All', { exact: true }).click()
  await expect(page.getByTestId('listings-pager-range')).toHaveText('1–25 of 150 listings')

  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'light')
  await page.screenshot({ path: `${SCREENSHOTS}/marketplace-light.png` })
  await page.getByTestId('toggle-theme').click()
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark')
  // Away from the toggle, so its tooltip is not in the picture.
  await page.mouse.move(700, 500)
  await expect(page.getByRole('tooltip')).toHaveCount(0)
  await page.screenshot({ path: `${SCREENSHOTS}/marketplace-dark.png` })
  await page.getByTestId('toggle-theme').click()
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'light')
})

test('searching "web scraping" puts Web Scraping Toolkit first, and its detail can be edited', async () => {
  await page.getByTestId('listings-search').fill('web scraping')
  await expect(page.getByTestId('listings-pager-range')).toContainText('found')
  const first = page.getByTestId('listing-row').first()
  await expect(first.getByTestId('listing-title')).toHaveText('Web Scraping Toolkit')
  await expect(first).toContainText('29.00 USDT')

  await first.click()
  const drawer = page.getByRole('dialog', { name: 'Listing' })
  await expect(drawer.getByTestId('listing-drawer-title')).toHaveText('Web Scraping Toolkit')
  await expect(drawer.getByTestId('stat-revenue')).toContainText('USDT')
  await drawer.getByTestId('listing-stats-period').getByText('90 days').click()
  await expect(drawer.getByTestId('stat-purchases')).toBeVisible()
  await page.screenshot({ path: `${SCREENSHOTS}/listing-detail.png` })

  // A price with three decimals is refused before it is sent.
  const price = drawer.getByTestId('listing-price-input')
  await price.fill('31.505')
  await expect(drawer.getByTestId('save-listing')).toBeDisabled()
  await price.fill('31.50')
  await drawer.getByTestId('save-listing').click()
  await expect(page.getByText('Listing saved')).toBeVisible()
  await expect(first).toContainText('31.50 USDT')
  await page.keyboard.press('Escape')
  await expect(drawer).toBeHidden()
})

test('a deposit into Budget Bee shows the new balance', async () => {
  await tab('souls').click()
  expect(new URL(page.url()).hash).toBe('#/marketplace/souls')
  await expect(beeBalance()).toHaveText('10.50 USDT')
  await page.getByTestId(`deposit-${BUDGET_BEE}`).click()
  const dialog = page.getByRole('dialog', { name: 'Deposit into “Budget Bee”' })
  await expect(dialog).toBeVisible()
  const amount = dialog.getByTestId('deposit-amount')
  await amount.fill('50.001')
  await expect(dialog).toContainText('at most two decimals')
  await expect(dialog.getByTestId('deposit-submit')).toBeDisabled()
  await amount.fill('50.00')
  await dialog.getByTestId('deposit-submit').click()
  await expect(dialog).toBeHidden()
  await expect(beeBalance()).toHaveText('60.50 USDT')
})

test('a purchase by a key acting as Budget Bee shows in the GUI as it happens', async () => {
  const created = await adminRpc<{ key: { id: string }; secret: string }>(served, 'keys.create', { name: 'bee', soulId: BUDGET_BEE })
  beeSecret = created.secret
  beeKeyId = created.key.id

  // The Souls tab stays open: the purchase reaches it over the live request stream, no click needed.
  const bought = await buy(beeSecret, ACADEMIC_PAPER_CRAWLER)
  expect(bought.status).toBe(201)
  purchaseId = bought.body.data.purchaseId
  await expect(beeBalance()).toHaveText('35.50 USDT')

  await tab('purchases').click()
  const row = page.locator(`[data-testid="purchase-row"][data-purchase-id="${purchaseId}"]`)
  await expect(row).toContainText(ACADEMIC_PAPER_CRAWLER)
  await expect(row).toContainText('Budget Bee')
  await expect(row).toContainText('Atlas Research Agent')
  await expect(row).toContainText('25.00 USDT')
  await expect(page.getByTestId('purchase-row').first()).toHaveAttribute('data-purchase-id', purchaseId)
  await page.screenshot({ path: `${SCREENSHOTS}/purchases.png` })

  // The keys table names the soul the key buys as.
  await page.getByTestId('nav-keys').click()
  await expect(page.getByTestId(`key-soul-${beeKeyId}`)).toContainText('Budget Bee')
  await expect(page.getByTestId(`key-limits-${beeKeyId}`)).toHaveText('no limits')
  await page.screenshot({ path: `${SCREENSHOTS}/keys-with-souls.png` })
})

test('the soul detail shows the activity and the ledger', async () => {
  await page.getByTestId('nav-marketplace').click()
  await tab('souls').click()
  await page.getByTestId(`soul-row-${BUDGET_BEE}`).click()
  const drawer = page.getByRole('dialog', { name: 'Soul' })
  await expect(drawer.getByTestId('soul-drawer-name')).toHaveText('Budget Bee')
  await expect(drawer.getByTestId('soul-drawer-balance')).toHaveText('35.50 USDT')
  await expect(drawer.locator('[data-testid="activity-row"][data-kind="purchase.completed"]')).toContainText('Academic Paper Crawler')
  await drawer.getByTestId('soul-tab-ledger').click()
  const ledger = drawer.getByTestId('ledger-row')
  await expect(ledger).toHaveCount(3)
  await expect(ledger.nth(0)).toContainText('-25.00 USDT')
  await expect(ledger.nth(0)).toContainText('35.50 USDT')
  await expect(ledger.nth(1)).toContainText('+50.00 USDT')
  await page.screenshot({ path: `${SCREENSHOTS}/soul-detail.png` })
  await page.keyboard.press('Escape')
  await expect(drawer).toBeHidden()

  // The same in the dark theme, opened from the keyboard this time.
  await page.getByTestId('toggle-theme').click()
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark')
  await page.getByTestId(`soul-row-${BUDGET_BEE}`).focus()
  await page.keyboard.press('Enter')
  await expect(drawer.getByTestId('soul-drawer-name')).toHaveText('Budget Bee')
  await expect(drawer.getByTestId('activity-row').first()).toBeVisible()
  await page.screenshot({ path: `${SCREENSHOTS}/soul-detail-dark.png` })
  await page.keyboard.press('Escape')
  await expect(drawer).toBeHidden()
  await page.getByTestId('toggle-theme').click()
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'light')
})

test('advancing the clock 31 days shows the sim time and renews a subscription', async () => {
  const subscribed = await buy(beeSecret, UPTIME_MONITOR)
  expect(subscribed.status).toBe(201)
  subscriptionId = subscribed.body.data.subscriptionId ?? ''
  expect(subscriptionId).toMatch(/^sub_/)
  await expect(beeBalance()).toHaveText('26.50 USDT')
  await expect(page.getByTestId('sim-time')).toHaveCount(0)

  await page.getByTestId('sim-clock').click()
  await expect(page.getByTestId('sim-clock-reset')).toBeDisabled()
  await page.screenshot({ path: `${SCREENSHOTS}/sim-clock-menu.png` })
  await page.getByTestId('sim-advance-31d').click()
  await expect(page.getByTestId('sim-time')).toContainText('Sim time:')
  await expect(page.getByTestId('sim-time')).toContainText('(+31d)')
  // The renewal fell due and was charged: the balance follows without a reload.
  await expect(beeBalance()).toHaveText('17.50 USDT')
  await page.screenshot({ path: `${SCREENSHOTS}/sim-clock.png` })

  await tab('subscriptions').click()
  const row = page.locator(`[data-testid="subscription-row"][data-subscription-id="${subscriptionId}"]`)
  await expect(row).toHaveAttribute('data-status', 'active')
  await expect(row).toContainText('Uptime Monitor')
  await expect(row).toContainText('9.00 USDT')

  await page.getByTestId(`cancel-${subscriptionId}`).click()
  await page.getByTestId('confirm-cancel-subscription').click()
  await expect(row).toHaveAttribute('data-status', 'cancelled')
  await expect(page.getByTestId(`subscription-status-${subscriptionId}`)).toHaveText('cancelled')
  await expect(page.getByTestId(`cancel-${subscriptionId}`)).toBeDisabled()
  await page.screenshot({ path: `${SCREENSHOTS}/subscriptions.png` })
})

test('resetting the demo data puts Budget Bee back at 10.50 and empties the purchases', async () => {
  await page.getByTestId('reset-demo').click()
  const dialog = page.getByRole('dialog', { name: 'Reset the demo data?' })
  await expect(dialog).toContainText('every purchase, license and subscription')
  await dialog.getByTestId('confirm-reset-demo').click()
  await expect(dialog).toBeHidden()
  await expect(page.getByText('Demo data reset')).toBeVisible()

  await expect(page.getByTestId('subscription-row')).toHaveCount(0)
  await tab('purchases').click()
  await expect(page.getByTestId('purchase-row')).toHaveCount(0)
  await tab('souls').click()
  await expect(beeBalance()).toHaveText('10.50 USDT')
  await tab('listings').click()
  await expect(page.getByTestId('listing-row').first()).toContainText('29.00 USDT')

  // Back to real time: the badge goes.
  await page.getByTestId('sim-clock').click()
  await page.getByTestId('sim-clock-reset').click()
  await expect(page.getByTestId('sim-time')).toHaveCount(0)
})

test('the key dialogs set the soul and the spending limits', async () => {
  await page.getByTestId('nav-keys').click()
  await page.getByTestId(`edit-${beeKeyId}`).click()
  const dialog = page.getByRole('dialog', { name: 'Edit key “bee”' })
  await expect(dialog.getByTestId('edit-key-soul-select')).toHaveValue(/^Budget Bee/)
  await dialog.getByTestId('edit-key-limit-per-purchase').fill('5')
  await dialog.getByTestId('edit-key-limit-per-day').fill('12.345')
  await expect(dialog.getByTestId('edit-key-submit')).toBeDisabled()
  await dialog.getByTestId('edit-key-limit-per-day').fill('12.50')
  await dialog.getByTestId('edit-key-submit').click()
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId(`key-limits-${beeKeyId}`)).toHaveText('5.00 USDT per purchase · 12.50 USDT a day')

  // The API holds the key to them: Academic Paper Crawler costs more than 5.00.
  const refused = await buy(beeSecret, ACADEMIC_PAPER_CRAWLER)
  expect(refused.status).toBeGreaterThanOrEqual(400)

  await page.getByTestId('create-key').click()
  const create = page.getByRole('dialog', { name: 'Create an API key' })
  await create.getByTestId('key-name-input').fill('operator-buyer')
  await expect(create.getByTestId('key-soul-select')).toHaveValue('Operator (own soul)')
  await create.getByTestId('key-soul-select').click()
  await page.getByRole('option', { name: /^Budget Bee/ }).click()
  await create.getByTestId('key-limit-per-purchase').fill('30')
  await page.screenshot({ path: `${SCREENSHOTS}/create-key-marketplace.png` })
  await create.getByTestId('create-key-submit').click()
  await page.getByTestId('secret-done').click()
  const row = page.locator('[data-key-name="operator-buyer"]')
  await expect(row).toContainText('Budget Bee')
  await expect(row).toContainText('30.00 USDT per purchase')
})

test('the pages ran without a script error or a Content-Security-Policy violation', () => {
  // The refused purchase above is the API's answer to a fetch from the test, not from the page.
  expect(pageProblems).toEqual([])
})
