import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'
import { createServer } from 'node:net'
import { adminRpc, closeAdmin, openAdminPage, SCREENSHOTS, serve, type Served } from './headless-admin'

/**
 * The Settings page's server, backup and data sections against the real server (`clawhq-local serve` on a
 * fresh data directory): plain HTTP beyond loopback refused with nothing changed, a backup made and restored
 * from the list, the demo data reset, and last the port changed from the page, the browser following the
 * server to its new address. Needs the build.
 */
test.describe.configure({ mode: 'serial' })

let served: Served
let page: Page
const problems: string[] = []

interface ConfigView {
  saved: { host: string; port: number; tls: { mode: string } }
  running: { host: string; port: number; apiBaseUrl: string }
}

/**
 * Chromium logs a failed load as a console error: the old address refusing while the page follows the
 * server, and the server's own refusals (400, 409) the page shows. Anything else is a problem.
 */
const unexpectedProblems = () => problems.filter((problem) => !/ERR_CONNECTION_REFUSED|ERR_CONNECTION_RESET|ERR_EMPTY_RESPONSE|status of (400|409|503)/.test(problem))

const shot = (name: string) => (process.env.UPDATE_DOCS_SCREENSHOTS ? `docs/screenshot-${name}.png` : `${SCREENSHOTS}/${name}.png`)

function freePort(): Promise<number> {
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

async function openSettings() {
  await page.getByTestId('nav-settings').click()
  await expect(page.getByRole('heading', { name: 'Settings', level: 2 })).toBeVisible()
  await expect(page.getByTestId('server-api-base-url')).toBeVisible()
}

/** Notifications closed, nothing focused or hovered, no spinner: what a screenshot or a scan should see. */
async function settle() {
  const notices = page.locator('.mantine-Notification-closeButton')
  while ((await notices.count()) > 0) await notices.first().click({ timeout: 2000 }).catch(() => undefined)
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
  await page.mouse.move(1350, 850)
  await expect(page.locator('main .mantine-Loader-root')).toHaveCount(0, { timeout: 15_000 })
}

async function expectAccessible(label: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  const grave = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  const report = grave.map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join('\n  ')}`).join('\n')
  expect(grave, `${label}:\n${report}`).toEqual([])
}

test.beforeAll(async ({ browser }) => {
  served = await serve()
  page = await openAdminPage(browser, served, problems, { permissions: ['clipboard-read', 'clipboard-write'] })
  await page.goto(`${served.adminUrl}#/settings`)
})

test.afterAll(() => closeAdmin(served, page))

test('the page shows where the server listens, with nothing exposed, and the data directory to copy', async () => {
  await expect(page.getByRole('heading', { name: 'Settings', level: 2 })).toBeVisible()
  await expect(page.getByTestId('server-api-base-url')).toHaveText(`${served.origin}/api/v1`)
  await expect(page.getByTestId('server-exposure')).toHaveText('This machine only')
  await expect(page.getByTestId('server-exposed-warning')).toHaveCount(0)
  await expect(page.getByTestId('server-host')).toHaveValue('127.0.0.1')
  await expect(page.getByTestId('server-port')).toHaveValue(new URL(served.origin).port)
  await expect(page.getByTestId('server-apply')).toBeDisabled()
  await expect(page.getByTestId('settings-data-dir')).toHaveText(served.dataDir)
  await expect(page.getByTestId('backup-empty')).toBeVisible()
  // The existing fields stay: retention, CORS, allowed hosts.
  await expect(page.getByTestId('settings-retention')).toHaveValue('30')

  await page.getByTestId('settings-data-dir-copy').click()
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(served.dataDir)
  expect(unexpectedProblems()).toEqual([])
})

test('plain HTTP on 0.0.0.0 is refused, and a port in use is refused with the server’s reason; nothing changes', async () => {
  const before = await adminRpc<ConfigView>(served, 'config.get', {})
  const apply = page.getByTestId('server-apply')
  await page.getByTestId('server-host').fill('0.0.0.0')
  await expect(page.getByTestId('server-exposed-warning')).toContainText('Other machines on your network will be able to reach the API')
  await expect(page.getByTestId('server-tls-rule')).toContainText('Plain HTTP is refused on 0.0.0.0: an address other than loopback needs TLS')
  await expect(apply).toBeDisabled()
  await settle()
  await expectAccessible('the warnings shown')
  await page.screenshot({ path: `${SCREENSHOTS}/settings-refused.png`, fullPage: true })

  // Going over the Allowed-hosts link reaches the field it names.
  await page.getByTestId('server-go-allowed-hosts').click()
  await expect(page.locator('#settings-allowed-hosts')).toBeFocused()

  // With TLS chosen, the rule is met; a new certificate can name what clients use.
  await page.getByTestId('server-tls').getByText('Self-signed').click()
  await expect(page.getByTestId('server-tls-rule')).toHaveCount(0)
  await expect(apply).toBeEnabled()
  await page.getByTestId('server-cert-names').fill('clawhq.test')
  await page.getByTestId('server-generate-cert').click()
  await expect(page.getByText('Certificate made')).toBeVisible()
  const certificate = page.getByTestId('server-certificate')
  await expect(certificate.getByTestId('server-certificate-names')).toContainText('clawhq.test')
  await expect(certificate.getByTestId('server-certificate-names')).toContainText('localhost')
  await expect(certificate.getByTestId('server-certificate-fingerprint')).toHaveText(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
  await expect(certificate).toContainText('Self-signed')
  await settle()
  await expectAccessible('a new certificate shown')
  await page.getByTestId('server-certificate').scrollIntoViewIfNeeded()
  await page.screenshot({ path: `${SCREENSHOTS}/settings-certificate.png` })

  // The server's own checks: a port something else listens on.
  const holder = createServer()
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
  const taken = (holder.address() as { port: number }).port
  try {
    await page.getByTestId('server-discard').click()
    await page.getByTestId('server-port').fill(String(taken))
    await apply.click()
    await expect(page.getByTestId('server-error')).toContainText(`Port ${taken} is in use on 127.0.0.1`)
  } finally {
    holder.close()
  }
  expect(await adminRpc<ConfigView>(served, 'config.get', {})).toEqual(before)
  expect((await fetch(`${served.origin}/api/v1/health`)).status).toBe(200)

  await page.getByTestId('server-discard').click()
  await expect(page.getByTestId('server-port')).toHaveValue(new URL(served.origin).port)
  await expect(page.getByTestId('server-error')).toHaveCount(0)
  await expect(page.getByTestId('server-exposed-warning')).toHaveCount(0)
  expect(unexpectedProblems()).toEqual([])
})

test('a file that is not a backup is refused in the confirmation, and nothing changes', async () => {
  await page.getByTestId('restore-source').fill('/nonexistent/clawhq-backup.db')
  await page.getByTestId('restore-from-path').click()
  await expect(page.getByTestId('restore-file')).toHaveText('/nonexistent/clawhq-backup.db')
  await page.getByTestId('confirm-restore').click()
  await expect(page.getByTestId('restore-error')).toContainText('Nothing was changed')
  await page.getByTestId('cancel-restore').click()
  await expect(page.getByTestId('restore-file')).toHaveCount(0)
  // No safety copy was made: nothing was replaced.
  await expect(page.getByTestId('backup-empty')).toBeVisible()
})

test('a backup made in the page and restored from its list takes away a key made since', async () => {
  await page.getByTestId('backup-create').click()
  await expect(page.getByText('Backup made')).toBeVisible()
  const rows = page.getByTestId('backup-list').locator('tbody tr')
  await expect(rows).toHaveCount(1)
  await expect(rows.first()).toContainText(/^clawhq-.*\.db/)

  const key = await adminRpc<{ key: { id: string } }>(served, 'keys.create', { name: 'Made after the backup' })
  await page.getByTestId('nav-keys').click()
  await expect(page.getByTestId(`key-row-${key.key.id}`)).toBeVisible()

  await openSettings()
  await rows.first().getByTestId('backup-restore').click()
  await expect(page.getByRole('dialog', { name: 'Restore this backup?' })).toContainText('safety backup')
  await page.getByTestId('confirm-restore').click()
  await expect(page.getByText('Backup restored')).toBeVisible()
  await expect(page.getByRole('dialog')).toHaveCount(0)
  // The data as it was is kept: a safety copy joins the list.
  await expect(rows).toHaveCount(2)
  await expect(page.getByTestId('backup-list')).toContainText('Safety copy')

  await page.getByTestId('nav-keys').click()
  await expect(page.getByRole('heading', { name: 'API keys' })).toBeVisible()
  await expect(page.getByTestId(`key-row-${key.key.id}`)).toHaveCount(0)
  await expect(page.getByText('Made after the backup')).toHaveCount(0)
  expect(unexpectedProblems()).toEqual([])
})

test('the demo data is reset from Settings after a confirmation', async () => {
  await openSettings()
  await page.getByTestId('settings-reset-demo').click()
  await expect(page.getByRole('dialog', { name: 'Reset the demo data?' })).toBeVisible()
  await page.getByTestId('settings-confirm-reset-demo').click()
  await expect(page.getByText('Demo data reset')).toBeVisible()
  await expect(page.getByRole('dialog')).toHaveCount(0)
  const audit = await adminRpc<{ entries: { action: string }[] }>(served, 'audit.list', { limit: 5 })
  expect(audit.entries.map((entry) => entry.action)).toContain('demo.reset')
  expect(unexpectedProblems()).toEqual([])
})

test('screenshots of the page in the light and dark themes', async () => {
  for (const scheme of ['light', 'dark'] as const) {
    if ((await page.locator('html').getAttribute('data-mantine-color-scheme')) !== scheme) await page.getByTestId('toggle-theme').click()
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', scheme)
    await settle()
    await expectAccessible(scheme)
    const dark = scheme === 'dark' ? '-dark' : ''
    await page.evaluate(() => window.scrollTo(0, 0))
    await page.screenshot({ path: shot(`settings${dark}`) })
    await page.getByTestId('settings-data').evaluate((section) => section.scrollIntoView({ block: 'end' }))
    await page.screenshot({ path: shot(`settings-backups${dark}`) })
  }
  if ((await page.locator('html').getAttribute('data-mantine-color-scheme')) !== 'light') await page.getByTestId('toggle-theme').click()
  await page.evaluate(() => window.scrollTo(0, 0))
})

test('a new port applied in the page moves the server, and the browser follows it there', async () => {
  const oldOrigin = served.origin
  const port = await freePort()
  const newOrigin = `http://127.0.0.1:${port}`
  await page.getByTestId('server-port').fill(String(port))
  await page.getByTestId('server-apply').click()
  await expect(page.getByTestId('server-moving')).toContainText(`Moving to ${newOrigin}/api/v1…`)

  await page.waitForURL(`${newOrigin}/admin/**`, { timeout: 20_000 })
  await expect(page.getByRole('heading', { name: 'Settings', level: 2 })).toBeVisible()
  await expect(page.getByText('Server moved')).toBeVisible()
  // On Settings still, the token out of the address bar again.
  await expect.poll(() => new URL(page.url()).hash).toBe('#/settings')
  expect(page.url()).not.toContain('token=')
  await expect(page.getByTestId('server-api-base-url')).toHaveText(`${newOrigin}/api/v1`)
  await expect(page.getByTestId('server-port')).toHaveValue(String(port))
  await expect(page.getByTestId('backup-list').locator('tbody tr')).toHaveCount(2)

  await expect(fetch(`${oldOrigin}/api/v1/health`)).rejects.toThrow()
  expect((await fetch(`${newOrigin}/api/v1/health`)).status).toBe(200)
  const view = await adminRpc<ConfigView>({ ...served, origin: newOrigin }, 'config.get', {})
  expect(view.saved.port).toBe(port)
  expect(view.running.apiBaseUrl).toBe(`${newOrigin}/api/v1`)

  // The page works there: another page and back.
  await page.getByTestId('nav-keys').click()
  await expect(page.getByRole('heading', { name: 'API keys' })).toBeVisible()
  await openSettings()
  await page.screenshot({ path: `${SCREENSHOTS}/settings-moved.png` })
  expect(unexpectedProblems()).toEqual([])
})
