import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'
import { adminRpc, closeAdmin, openAdminPage, SCREENSHOTS, serve, type Served } from './headless-admin'

/**
 * The Analytics page against the real server (`clawhq-local serve` on a fresh data directory), after
 * real API traffic sent by this test: a key on a tiny tier (3 answered, 2 refused with 429), another
 * with answers and 404s, a call without a key, and a purchase (seller revenue). The totals are what was
 * sent, the charts draw (SVG paths), the range and key controls change what is shown, a key without
 * traffic says what to do next, the accessibility scan finds nothing serious, and screenshots are taken
 * in both themes (to docs/screenshots/ with UPDATE_DOCS_SCREENSHOTS=1). Needs the build.
 */
test.describe.configure({ mode: 'serial' })

const PAPER_CRAWLER = 'listing_125fa408090f6203fa094da7' // 25.00, one-time

let served: Served
let page: Page
const problems: string[] = []
const keys = { tiny: '', ci: '', idle: '' }

const shot = (scheme: 'light' | 'dark') =>
  process.env.UPDATE_DOCS_SCREENSHOTS ? `docs/screenshots/analytics-charts-${scheme}.png` : `${SCREENSHOTS}/analytics-charts-${scheme}.png`

async function useScheme(scheme: 'light' | 'dark') {
  const html = page.locator('html')
  if ((await html.getAttribute('data-mantine-color-scheme')) !== scheme)
    await page.evaluate(() => document.querySelector<HTMLElement>('[data-testid="toggle-theme"]')?.click())
  await expect(html).toHaveAttribute('data-mantine-color-scheme', scheme)
}

/** The page as it stands: no notification, focus ring or tooltip over it. */
async function settle() {
  const notices = page.locator('.mantine-Notification-closeButton')
  while ((await notices.count()) > 0) await notices.first().click({ timeout: 2000 }).catch(() => undefined)
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
  await page.mouse.move(1350, 850)
  await expect(page.getByRole('tooltip')).toHaveCount(0)
  await expect(page.locator('main .mantine-Loader-root')).toHaveCount(0)
}

async function pickKey(label: RegExp | string) {
  await page.getByTestId('analytics-key-filter').click()
  await page.getByRole('option', { name: label }).click()
}

/** A chart has drawn when its SVG holds paths with a shape (recharts' areas, lines or bars). */
async function expectDrawn(testId: string) {
  const figure = page.getByTestId(testId)
  await expect(figure).toBeVisible()
  await expect(figure.locator('svg.recharts-surface').first()).toBeVisible()
  await expect.poll(() => figure.locator('svg.recharts-surface path[d]:not([d=""])').count()).toBeGreaterThan(0)
}

test.beforeAll(async ({ browser }) => {
  served = await serve()
  const api = `${served.origin}/api/v1`
  const tier = await adminRpc<{ id: string }>(served, 'tiers.create', { name: 'Tiny', limit: 3, windowSeconds: 60 })
  const tiny = await adminRpc<{ key: { id: string }; secret: string }>(served, 'keys.create', { name: 'Tiny tier', tierId: tier.id })
  const ci = await adminRpc<{ key: { id: string }; secret: string }>(served, 'keys.create', { name: 'CI runner' })
  const idle = await adminRpc<{ key: { id: string } }>(served, 'keys.create', { name: 'Idle key' })
  Object.assign(keys, { tiny: tiny.key.id, ci: ci.key.id, idle: idle.key.id })
  const send = async (secret: string | null, path: string, init: RequestInit = {}) => {
    const response = await fetch(`${api}${path}`, { ...init, headers: secret ? { authorization: `Bearer ${secret}` } : {} })
    await response.arrayBuffer()
    return response.status
  }
  const statuses: number[] = []
  for (let i = 0; i < 5; i++) statuses.push(await send(tiny.secret, '/me'))
  for (let i = 0; i < 4; i++) statuses.push(await send(ci.secret, '/me'))
  for (let i = 0; i < 2; i++) statuses.push(await send(ci.secret, '/listings/listing_doesnotexist'))
  statuses.push(await send(null, '/me'))
  statuses.push(await send(ci.secret, `/listings/${PAPER_CRAWLER}/purchase`, { method: 'POST' }))
  expect(statuses).toEqual([200, 200, 200, 429, 429, 200, 200, 200, 200, 404, 404, 401, 201])

  page = await openAdminPage(browser, served, problems)
  await page.goto(served.adminUrl)
  await expect(page.locator('main h2').first()).toBeVisible()
})

test.afterAll(() => closeAdmin(served, page))

test('the page shows the totals of the traffic sent, and draws its charts', async () => {
  await page.evaluate(() => (window.location.hash = '#/analytics'))
  await expect(page.getByRole('heading', { name: 'Analytics', exact: true })).toBeVisible()
  await expect(page).toHaveTitle('Analytics · ClawHQ Local')
  await expect(page.getByTestId('analytics-total-requests')).toHaveText('13')
  await expect(page.getByTestId('analytics-total-errors')).toHaveText('5') // two 429s, two 404s, one 401
  await expect(page.getByTestId('analytics-total-limited')).toHaveText('2')
  await expect(page.getByTestId('analytics-total-p95')).toHaveText(/\d ms$/)
  await expect(page.getByTestId('analytics-span')).toContainText('60 points')

  for (const chart of ['analytics-traffic-chart', 'analytics-latency-chart', 'analytics-per-key-chart', 'analytics-status-mix', 'analytics-revenue'])
    await expectDrawn(chart)
  // Each chart is a figure named by its caption.
  await expect(page.getByRole('figure', { name: 'Requests, errors and 429s' })).toBeVisible()
  await expect(page.getByRole('figure', { name: 'Latency percentiles' })).toBeVisible()
  await expect(page.getByRole('figure', { name: 'Seller revenue' })).toBeVisible()

  await expect(page.getByTestId('analytics-status-2xx')).toHaveText('8')
  await expect(page.getByTestId('analytics-status-4xx')).toHaveText('3')
  await expect(page.getByTestId('analytics-status-429')).toHaveText('2')
  await expect(page.getByTestId('analytics-status-5xx')).toHaveText('0')

  const topKeys = page.getByTestId('analytics-top-key')
  await expect(topKeys).toHaveCount(3)
  await expect(topKeys.nth(0)).toHaveAttribute('data-key-id', keys.ci)
  await expect(topKeys.nth(1)).toHaveAttribute('data-key-id', keys.tiny)
  await expect(topKeys.nth(2)).toHaveAttribute('data-key-id', 'none')

  // The purchase earned its seller 25.00.
  await expect(page.getByTestId('analytics-revenue')).toContainText('25.00 USDT from 1 sales')
  await expect(page.getByTestId('analytics-seller')).toHaveCount(1)
  await expect(page.getByTestId('analytics-seller')).toContainText('25.00')

  // The per-key chart can count 429s instead: only the tiny tier's key has any.
  await page.getByTestId('analytics-per-key-metric').getByText('429s').click()
  await expect(page.getByTestId('analytics-per-key-chart')).toContainText('429s per minute')
  await expectDrawn('analytics-per-key-chart')
  expect(problems).toEqual([])
})

test('the range switches to 96 quarter-hours and to 120 six-hour buckets, with the same totals', async () => {
  await page.getByTestId('analytics-range').getByText('Last 24 hours').click()
  await expect(page.getByTestId('analytics-span')).toContainText('96 points')
  await expect(page.getByTestId('analytics-total-requests')).toHaveText('13')
  await expect(page.getByTestId('analytics-traffic-chart')).toContainText('per 15 minutes')
  await expectDrawn('analytics-traffic-chart')

  await page.getByTestId('analytics-range').getByText('Last 30 days').click()
  await expect(page.getByTestId('analytics-span')).toContainText('120 points')
  await expect(page.getByTestId('analytics-total-limited')).toHaveText('2')
  await expect(page.getByTestId('analytics-traffic-chart')).toContainText('per 6 hours')
  await expectDrawn('analytics-latency-chart')

  await page.getByTestId('analytics-range').getByText('Last hour').click()
  await expect(page.getByTestId('analytics-span')).toContainText('60 points')
})

test('the key filter narrows every figure to one key, to the calls without a key, and back', async () => {
  await pickKey(/^Tiny tier/)
  await expect(page.getByTestId('analytics-total-requests')).toHaveText('5')
  await expect(page.getByTestId('analytics-total-limited')).toHaveText('2')
  await expect(page.getByTestId('analytics-top-key')).toHaveCount(1)
  await expect(page.getByTestId('analytics-per-key-chart')).toHaveCount(0) // one key: its own charts say it all
  await expectDrawn('analytics-traffic-chart')

  await pickKey('No key (refused calls)')
  await expect(page.getByTestId('analytics-total-requests')).toHaveText('1')
  await expect(page.getByTestId('analytics-status-4xx')).toHaveText('1')

  // Picking a key in the top-keys table does the same.
  await page.getByTestId('analytics-all-keys').click()
  await expect(page.getByTestId('analytics-total-requests')).toHaveText('13')
  await page.getByRole('button', { name: 'Show only the calls of CI runner' }).click()
  await expect(page.getByTestId('analytics-total-requests')).toHaveText('7')
  await expect(page.getByTestId('analytics-key-filter')).toHaveValue(/^CI runner/)
})

test('a key without traffic says how to send some', async () => {
  await pickKey(/^Idle key/)
  await expect(page.getByTestId('analytics-total-requests')).toHaveText('0')
  const empty = page.getByTestId('analytics-empty')
  await expect(empty).toContainText('No requests from Idle key in the last hour')
  await expect(empty).toContainText('Send a request from the Playground, or with curl')
  await expect(empty).toContainText(`curl -H "Authorization: Bearer $CLAWHQ_API_KEY" ${served.origin}/api/v1/me`)
  await expect(empty.getByRole('link', { name: 'Open the Playground' })).toHaveAttribute('href', '#/playground')
  await expect(page.getByTestId('analytics-traffic-chart')).toHaveCount(0)
  await page.getByTestId('analytics-all-keys').click()
  await expect(page.getByTestId('analytics-total-requests')).toHaveText('13')
})

for (const scheme of ['light', 'dark'] as const) {
  test(`readable in the ${scheme} theme: no serious or critical accessibility violations, and a screenshot`, async () => {
    await useScheme(scheme)
    await expectDrawn('analytics-traffic-chart')
    await settle()
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
    const grave = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    const report = grave.map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')}: ${n.any[0]?.message ?? ''}`).join('\n  ')}`).join('\n')
    expect(grave, report).toEqual([])
    await page.screenshot({ path: shot(scheme), fullPage: true })
    expect(problems).toEqual([])
  })
}
