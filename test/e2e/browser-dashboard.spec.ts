import { expect, test, type Page } from '@playwright/test'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { adminRpc, closeAdmin, openAdminPage, SCREENSHOTS, serve, type Served } from './headless-admin'

/**
 * The landing page, the command palette and About, against the real server: the dashboard's figures
 * are what this test did through the API (requests, errors, 429s, keys, failing endpoints); Ctrl-K
 * goes to pages, keys and actions; About names the versions the server reports. Screenshots of all
 * three in both themes (to docs/screenshots/ with UPDATE_DOCS_SCREENSHOTS=1). Needs the build.
 */
test.describe.configure({ mode: 'serial' })

let served: Served
let page: Page
const problems: string[] = []
let keyId = ''
let failingEndpointId = ''
let disabledEndpointId = ''

const shot = (name: string, scheme: 'light' | 'dark') =>
  process.env.UPDATE_DOCS_SCREENSHOTS ? `docs/screenshots/${name}-${scheme}.png` : `${SCREENSHOTS}/${name}-${scheme}.png`

/** A loopback port nothing listens on: deliveries to it are refused at once. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      const port = typeof address === 'object' && address ? address.port : 0
      probe.close(() => resolve(port))
    })
  })
}

/** The page as it stands: no notification, focus ring or tooltip over it. */
async function settle() {
  const notices = page.locator('.mantine-Notification-closeButton')
  while ((await notices.count()) > 0) await notices.first().click({ timeout: 2000 }).catch(() => undefined)
  await expect(page.locator('.mantine-Notification-root')).toHaveCount(0)
  await page.mouse.move(1350, 850)
  await expect(page.getByRole('tooltip')).toHaveCount(0)
}

async function useScheme(scheme: 'light' | 'dark') {
  const html = page.locator('html')
  if ((await html.getAttribute('data-mantine-color-scheme')) !== scheme)
    await page.evaluate(() => document.querySelector<HTMLElement>('[data-testid="toggle-theme"]')?.click())
  await expect(html).toHaveAttribute('data-mantine-color-scheme', scheme)
}

const hash = () => new URL(page.url()).hash

test.beforeAll(async ({ browser }) => {
  served = await serve()
  page = await openAdminPage(browser, served, problems, { permissions: ['clipboard-read', 'clipboard-write'] })
})

test.afterAll(() => closeAdmin(served, page))

test('the admin URL opens the dashboard: the server, where it answers, and nothing to report yet', async () => {
  await page.goto(served.adminUrl)
  await expect(page.getByRole('heading', { name: 'Dashboard', exact: true })).toBeVisible()
  await expect(page).toHaveTitle('Dashboard · ClawHQ Local')
  await expect(page.getByTestId('dashboard-server-state')).toHaveText('Running')
  await expect(page.getByTestId('dashboard-api-url')).toHaveText(`${served.origin}/api/v1`)
  await expect(page.getByTestId('dashboard-keys-active')).toHaveText('0')
  await expect(page.getByTestId('dashboard-requests-count')).toHaveText('0')
  await expect(page.getByTestId('dashboard-webhooks-healthy')).toContainText('Every endpoint is delivering')

  await page.getByTestId('copy-api-url').click()
  await expect(page.getByTestId('copy-api-url')).toHaveAccessibleName('API base URL copied')
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${served.origin}/api/v1`)
})

test('the dashboard counts what was done through the API: keys, requests, errors, 429s and failing endpoints', async () => {
  // A key on a tier of 2 requests a minute: 2 answered, then 3 refused with 429; and one call with a bad key (401).
  const tier = await adminRpc<{ id: string }>(served, 'tiers.create', { name: 'Two a minute', limit: 2, windowSeconds: 60 })
  const created = await adminRpc<{ key: { id: string }; secret: string }>(served, 'keys.create', { name: 'dashboard-e2e', tierId: tier.id })
  keyId = created.key.id
  await adminRpc(served, 'keys.create', { name: 'revoked-e2e' }).then((revoked) => adminRpc(served, 'keys.revoke', { id: (revoked as { key: { id: string } }).key.id }))
  const statuses: number[] = []
  for (const secret of [created.secret, created.secret, created.secret, created.secret, created.secret, 'clw_notarealkey']) {
    const response = await fetch(`${served.origin}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } })
    await response.arrayBuffer()
    statuses.push(response.status)
  }
  expect(statuses).toEqual([200, 200, 429, 429, 429, 401])

  // One endpoint nothing listens at (its ping fails, and is retried), one disabled by hand.
  const failing = await adminRpc<{ endpoint: { id: string } }>(served, 'webhooks.create', { url: `http://127.0.0.1:${await closedPort()}/hooks`, events: ['*'], description: 'Nobody home' })
  failingEndpointId = failing.endpoint.id
  await adminRpc(served, 'webhooks.ping', { id: failingEndpointId })
  const disabled = await adminRpc<{ endpoint: { id: string } }>(served, 'webhooks.create', { url: 'https://hooks.example/paused', events: ['*'] })
  disabledEndpointId = disabled.endpoint.id
  await adminRpc(served, 'webhooks.update', { id: disabledEndpointId, enabled: false })
  await expect
    .poll(async () => {
      const { data } = await adminRpc<{ data: Array<{ id: string; failingSince: string | null }> }>(served, 'webhooks.list', {})
      return data.find((endpoint) => endpoint.id === failingEndpointId)?.failingSince ?? null
    })
    .not.toBeNull()

  // What the core says, and what the page shows: the same figures, and the ones the test caused.
  const summary = await adminRpc<{
    keys: { active: number; revoked: number }
    lastHour: { requests: number; errors: number; limited: number }
    webhooks: { endpoints: number; failing: Array<{ endpoint: { id: string } }> }
  }>(served, 'dashboard.summary', {})
  expect(summary.keys).toMatchObject({ active: 1, revoked: 1 })
  expect(summary.lastHour).toMatchObject({ requests: 6, errors: 4, limited: 3 })
  expect(summary.webhooks.endpoints).toBe(2)
  expect(summary.webhooks.failing.map((item) => item.endpoint.id)).toEqual([disabledEndpointId, failingEndpointId])

  await page.reload()
  await expect(page.getByTestId('dashboard-keys-active')).toHaveText('1')
  await expect(page.getByTestId('dashboard-keys-other')).toContainText('1 revoked')
  await expect(page.getByTestId('dashboard-requests-count')).toHaveText('6')
  await expect(page.getByTestId('dashboard-errors-count')).toHaveText('4')
  await expect(page.getByTestId('dashboard-limited-count')).toHaveText('3')
  await expect(page.getByTestId('dashboard-endpoints-count')).toHaveText('2')
  await expect(page.getByTestId('dashboard-failing-count')).toHaveText('2')
  const rows = page.getByTestId('dashboard-failing-endpoint')
  await expect(rows).toHaveCount(2)
  await expect(rows.nth(0)).toHaveAttribute('data-endpoint-id', disabledEndpointId)
  await expect(rows.nth(0)).toHaveAttribute('data-state', 'disabled')
  await expect(rows.nth(1)).toHaveAttribute('data-state', 'failing')
  await expect(rows.nth(1)).toContainText('Nobody home')
  await expect(rows.nth(1)).toContainText(/ECONNREFUSED|refused/i)

  await settle()
  for (const scheme of ['light', 'dark'] as const) {
    await useScheme(scheme)
    await page.screenshot({ path: shot('dashboard-attention', scheme), fullPage: true })
  }
  await useScheme('light')
})

test('a failing endpoint leads to its deliveries, and the quick link opens the create-key dialog', async () => {
  await page.getByTestId('dashboard-failing-endpoint').nth(1).getByRole('button', { name: /Deliveries to/ }).click()
  expect(hash()).toBe('#/webhooks/deliveries')
  const deliveries = page.getByTestId('delivery-row')
  await expect(deliveries).toHaveCount(1)
  await expect(deliveries.first()).toHaveAttribute('data-endpoint-id', failingEndpointId)
  await expect(deliveries.first()).toHaveAttribute('data-event', 'ping')

  await page.getByTestId('nav-dashboard').click()
  await page.getByTestId('quick-create-key').click()
  const dialog = page.getByRole('dialog', { name: 'Create an API key' })
  await expect(dialog).toBeVisible()
  expect(hash()).toBe('#/keys?new=1')
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  // Closing drops the request from the address: a reload does not open the dialog again.
  expect(hash()).toBe('#/keys')
})

test('Ctrl-K goes to a page by name, to a key by name, and runs actions', async () => {
  await page.getByTestId('nav-dashboard').click()
  const palette = page.getByTestId('palette-search')

  // A page: its name, then Enter.
  await page.keyboard.press('Control+k')
  await expect(palette).toBeFocused()
  await palette.fill('webhooks')
  await expect(page.getByTestId('palette-page-webhooks')).toBeVisible()
  await page.keyboard.press('Enter')
  await expect(palette).toBeHidden()
  await expect(page.getByRole('heading', { name: 'Webhooks', exact: true })).toBeVisible()
  expect(hash()).toBe('#/webhooks')

  // From a text field too: the shortcut works wherever focus is.
  await page.getByTestId('nav-requests').click()
  await page.getByTestId('requests-path-filter').focus()
  await page.keyboard.press('Control+k')
  await expect(palette).toBeFocused()
  await palette.fill('request log')
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('ArrowUp')
  await page.keyboard.press('Enter')
  expect(hash()).toBe('#/requests')

  // A key: its name, then Enter opens the Keys page on it, marked and focused.
  await page.keyboard.press('Control+k')
  await palette.fill('dashboard-e2e')
  const keyAction = page.getByTestId(`palette-key-${keyId}`)
  await expect(keyAction).toBeVisible()
  await expect(keyAction).toContainText('active')
  await settle()
  for (const scheme of ['light', 'dark'] as const) {
    await useScheme(scheme)
    await page.screenshot({ path: shot('palette', scheme) })
  }
  await useScheme('light')
  await page.keyboard.press('Enter')
  expect(hash()).toBe(`#/keys?key=${keyId}`)
  const row = page.getByTestId(`key-row-${keyId}`)
  await expect(row).toHaveAttribute('data-highlighted', 'true')
  await expect(row).toBeFocused()
  await expect(row).toBeInViewport()

  // An action: the theme, by a word of it.
  await page.keyboard.press('Control+k')
  await palette.fill('dark theme')
  await page.keyboard.press('Enter')
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark')
  await page.keyboard.press('Control+k')
  await palette.fill('light theme')
  await page.keyboard.press('Enter')
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'light')

  // Nothing matches: the palette says so.
  await page.keyboard.press('Control+k')
  await palette.fill('zzz no such thing')
  await expect(page.getByTestId('command-palette')).toContainText('Nothing matches')
  await page.keyboard.press('Escape')
  await expect(palette).toBeHidden()
})

test('About names the versions, the schema, the platform and the data directory the server reports', async () => {
  const status = await adminRpc<{ version: string; sqliteVersion: string; schemaVersion: string; dataDir: string }>(served, 'server.status', {})
  const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version
  expect(status.version).toBe(version)

  // From the palette…
  await page.keyboard.press('Control+k')
  await page.getByTestId('palette-search').fill('about')
  await page.keyboard.press('Enter')
  const about = page.getByRole('dialog', { name: 'About ClawHQ Local' })
  await expect(about).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(about).toBeHidden()

  // …and from the header.
  await page.getByTestId('open-about').click()
  await expect(about).toBeVisible()
  await expect(page.getByTestId('about-version')).toHaveText(version)
  await expect(page.getByTestId('about-mode')).toHaveText('headless')
  // The headless server runs on the Node.js of this test (the same executable spawned it).
  await expect(page.getByTestId('about-node')).toHaveText(process.versions.node)
  await expect(page.getByTestId('about-v8')).toHaveText(process.versions.v8)
  await expect(page.getByTestId('about-electron')).toHaveText('none (headless)')
  await expect(page.getByTestId('about-sqlite')).toHaveText(status.sqliteVersion)
  await expect(page.getByTestId('about-schema')).toHaveText(status.schemaVersion)
  await expect(page.getByTestId('about-platform')).toHaveText(`${process.platform} ${process.arch}`)
  await expect(page.getByTestId('about-data-dir')).toHaveText(served.dataDir)
  expect(status.dataDir).toBe(served.dataDir)

  await page.getByTestId('about-copy').click()
  const copied = await page.evaluate(() => navigator.clipboard.readText())
  expect(copied).toContain(`SQLite: ${status.sqliteVersion}`)
  expect(copied).toContain(`Data directory: ${served.dataDir}`)

  await settle()
  for (const scheme of ['light', 'dark'] as const) {
    await useScheme(scheme)
    await page.screenshot({ path: shot('about', scheme) })
  }
  await useScheme('light')
  await page.getByTestId('about-close').click()
  await expect(about).toBeHidden()
})

test('the pages ran without a script error or a Content-Security-Policy violation', () => {
  expect(problems).toEqual([])
})
