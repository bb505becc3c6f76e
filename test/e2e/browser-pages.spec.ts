import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'
import { ROUTES, type Route } from '../../src-renderer/router'
import { adminRpc, closeAdmin, openAdminPage, SCREENSHOTS, serve, type Served } from './headless-admin'

/**
 * Every page of the admin GUI, in both themes, on a server with some of everything in it: each page
 * renders without a script error, the accessibility scan (axe-core, WCAG 2 A/AA rules) finds nothing
 * serious or critical, and a screenshot is taken (to docs/screenshots/ with UPDATE_DOCS_SCREENSHOTS=1,
 * where the README links them). Needs the build.
 */
// Not serial: one page's failure is reported without skipping the others (a failure restarts the worker and beforeAll).

let served: Served
let page: Page
const problems: string[] = []

const shotPath = (route: Route, scheme: 'light' | 'dark') =>
  process.env.UPDATE_DOCS_SCREENSHOTS ? `docs/screenshots/${route}-${scheme}.png` : `${SCREENSHOTS}/page-${route}-${scheme}.png`

test.beforeAll(async ({ browser }) => {
  served = await serve()
  // Something on every page: a key that has made requests (a 429 among them), an agent conversation,
  // an inbox endpoint with a delivery, a purchase.
  const tier = await adminRpc<{ id: string }>(served, 'tiers.create', { name: 'Tiny', limit: 5, windowSeconds: 60 })
  const { secret } = await adminRpc<{ secret: string }>(served, 'keys.create', { name: 'Dashboard demo', tierId: tier.id })
  await adminRpc(served, 'keys.create', { name: 'CI runner' })
  const api = `${served.origin}/api/v1`
  const auth = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }
  await adminRpc(served, 'inbox.connect', { name: 'demo', events: ['*'] })
  for (const path of ['/me', '/listings?limit=3', '/listings/search?query=web', '/nope']) await fetch(`${api}${path}`, { headers: auth })
  await fetch(`${api}/chat`, { method: 'POST', headers: auth, body: JSON.stringify({ message: 'What are your business hours?', agent: 'support-bot' }) })
  await fetch(`${api}/listings/listing_125fa408090f6203fa094da7/purchase`, { method: 'POST', headers: auth })
  for (let i = 0; i < 2; i++) await fetch(`${api}/me`, { headers: auth }) // past the tier: 429s
  await adminRpc(served, 'playground.send', { method: 'GET', path: '/api/v1/listings', query: [['limit', '2']], auth: { kind: 'none' }, runId: 'run_pagespec1' })
  page = await openAdminPage(browser, served, problems, { permissions: ['clipboard-read', 'clipboard-write'] })
  await page.goto(served.adminUrl)
})

test.afterAll(async () => {
  await closeAdmin(served, page)
})

async function settle() {
  const notices = page.locator('.mantine-Notification-closeButton')
  while ((await notices.count()) > 0) await notices.first().click({ timeout: 2000 }).catch(() => undefined)
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
  await page.mouse.move(1350, 850)
  // Loaders gone: the page shows what it has, not a spinner.
  await expect(page.locator('main .mantine-Loader-root')).toHaveCount(0, { timeout: 15_000 })
}

for (const scheme of ['light', 'dark'] as const) {
  for (const route of ROUTES) {
    test(`${route} (${scheme}): renders, no serious or critical accessibility violations`, async () => {
      const scheme0 = await page.locator('html').getAttribute('data-mantine-color-scheme')
      if (scheme0 !== scheme) await page.getByTestId('toggle-theme').click()
      await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', scheme)
      await page.evaluate((r) => (window.location.hash = `#/${r}`), route)
      await expect(page.locator('main h2').first()).toBeVisible()
      await settle()

      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
      const grave = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      const report = grave.map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')}: ${n.any[0]?.message ?? ''}`).join('\n  ')}`).join('\n')
      if (grave.length > 0) console.log(`${route} ${scheme}:\n${report}`)
      expect(grave, report).toEqual([])

      await page.screenshot({ path: shotPath(route, scheme) })
      expect(problems).toEqual([])
    })
  }
}
