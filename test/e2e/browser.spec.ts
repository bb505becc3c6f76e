import { expect, test, type Page } from '@playwright/test'
import { closeAdmin, openAdminPage, recordProblems, SCREENSHOTS, serve, type Served } from './headless-admin'

/**
 * The headless admin UI against the real server: `clawhq-local serve` as its own process on a fresh
 * data directory, driven in Chromium the way an operator would use it. Needs the build (`npm test`
 * builds first). One flow, in order: each step builds on the one before.
 */
test.describe.configure({ mode: 'serial' })

async function getMe(origin: string, secret: string) {
  const response = await fetch(`${origin}/api/v1/me`, { headers: { Authorization: `Bearer ${secret}` } })
  return { status: response.status, body: (await response.json()) as Record<string, Record<string, unknown>> }
}

let served: Served
let page: Page
const pageProblems: string[] = []
let secret = ''
let keyId = ''
let rolledKey = { id: '', secret: '' }

test.beforeAll(async ({ browser }) => {
  served = await serve()
  page = await openAdminPage(browser, served, pageProblems, { permissions: ['clipboard-read', 'clipboard-write'] })
})

test.afterAll(() => closeAdmin(served, page))

test('the admin URL opens the dashboard and its token leaves the address bar', async () => {
  expect(served.adminUrl).toBe(`${served.origin}/admin/?token=${served.token}`)
  await page.goto(served.adminUrl)
  await expect(page.getByRole('heading', { name: 'Dashboard', exact: true })).toBeVisible()
  await expect.poll(() => page.url()).not.toContain('token=')
  expect(new URL(page.url()).pathname).toBe('/admin/')
  await expect(page.getByTestId('server-status')).toContainText(`${served.origin}/api/v1`)
  await expect(page.getByTestId('server-status')).toContainText('headless')
  await page.getByTestId('nav-keys').click()
  await expect(page.getByRole('heading', { name: 'API keys' })).toBeVisible()
})

test('a key created in the GUI authenticates against the API', async () => {
  await page.getByTestId('create-key').click()
  await page.getByTestId('key-name-input').fill('e2e')
  await page.screenshot({ path: `${SCREENSHOTS}/create-key.png` })
  await page.getByTestId('create-key-submit').click()

  const secretModal = page.getByRole('dialog', { name: 'Key created' })
  await expect(secretModal).toContainText('Copy it now: it will not be shown again')
  await expect(page.getByRole('dialog', { name: 'Create an API key' })).toBeHidden()
  await expect(page.getByTestId('new-key-secret')).toHaveText(/^clw_[A-Za-z0-9]{32}$/)
  await page.screenshot({ path: `${SCREENSHOTS}/secret-modal.png` })

  await page.getByTestId('copy-secret').click()
  await expect(page.getByTestId('copy-secret')).toHaveAccessibleName('Secret copied')
  // The copy button is what an operator uses, so the secret is read back from the clipboard.
  // Only where this Chromium has no clipboard does the test fall back to the text on screen.
  secret = await page.evaluate(() => navigator.clipboard.readText()).catch(() => '')
  if (!secret) {
    console.warn('clipboard unavailable: reading the secret from the modal instead')
    secret = (await page.getByTestId('new-key-secret').textContent()) ?? ''
  }
  expect(secret).toMatch(/^clw_[A-Za-z0-9]{32}$/)
  await expect(page.getByTestId('new-key-secret')).toHaveText(secret)

  await page.getByTestId('secret-done').click()
  await expect(secretModal).toBeHidden()

  const me = await getMe(served.origin, secret)
  expect(me.status).toBe(200)
  const key = me.body.data.key as { id: string; name: string }
  expect(key.name).toBe('e2e')
  keyId = key.id

  const row = page.getByTestId(`key-row-${keyId}`)
  await expect(row).toContainText('e2e')
  await expect(page.getByTestId(`status-${keyId}`)).toHaveText('active')
  await expect(row).toContainText(secret.slice(0, 8))
  await page.screenshot({ path: `${SCREENSHOTS}/keys.png` })
})

test('the request log shows API calls as they happen', async () => {
  await page.getByTestId('nav-requests').click()
  await expect(page.getByRole('heading', { name: 'Request log' })).toBeVisible()
  const meRows = page.locator('[data-testid="request-row"][data-path="/api/v1/me"]')
  await expect(meRows.first()).toBeVisible()
  const before = await meRows.count()

  // No reload: the new row has to arrive over the live event stream.
  expect((await getMe(served.origin, secret)).status).toBe(200)
  await expect(meRows).toHaveCount(before + 1)
  await expect(meRows.first()).toHaveAttribute('data-status', '200')
  await expect(meRows.first()).toContainText('e2e')
  await page.screenshot({ path: `${SCREENSHOTS}/requests.png` })
})

test('a key revoked in the GUI is refused on the next request', async () => {
  await page.getByTestId('nav-keys').click()
  await page.getByTestId(`revoke-${keyId}`).click()
  const confirm = page.getByRole('dialog', { name: 'Revoke key “e2e”?' })
  await expect(confirm).toBeVisible()
  await page.getByTestId('confirm-revoke').click()
  await expect(confirm).toBeHidden()
  await expect(page.getByTestId(`status-${keyId}`)).toHaveText('revoked')
  await expect(page.getByTestId(`revoke-${keyId}`)).toBeDisabled()

  const me = await getMe(served.origin, secret)
  expect(me.status).toBe(401)
  expect(me.body.error.code).toBe('INVALID_API_KEY')

  await page.getByTestId('nav-requests').click()
  await expect(page.locator('[data-testid="request-row"][data-path="/api/v1/me"]').first()).toHaveAttribute('data-status', '401')
})

test('the audit log records the creation and the revocation', async () => {
  await page.getByTestId('nav-audit').click()
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible()
  await expect(page.locator('[data-testid="audit-row"][data-action="key.created"]')).toHaveCount(1)
  await expect(page.locator('[data-testid="audit-row"][data-action="key.revoked"]')).toHaveCount(1)

  const revoked = page.locator('[data-testid="audit-row"][data-action="key.revoked"]')
  await revoked.getByRole('button').click()
  await expect(page.getByText('"status": "revoked"')).toBeVisible()
  // The audit log never holds a secret.
  await expect(page.locator('body')).not.toContainText(secret)
  await page.screenshot({ path: `${SCREENSHOTS}/audit.png` })
})

test('rolling a key shows the new secret once and keeps the old one for the grace period', async () => {
  await page.getByTestId('nav-keys').click()
  await page.getByTestId('create-key').click()
  await page.getByTestId('key-name-input').fill('e2e-roll')
  await page.getByTestId('create-key-submit').click()
  const oldSecret = (await page.getByTestId('new-key-secret').textContent()) ?? ''
  await page.getByTestId('secret-done').click()
  const oldId = ((await getMe(served.origin, oldSecret)).body.data.key as { id: string }).id

  await page.getByTestId(`roll-${oldId}`).click()
  await page.getByTestId('roll-grace-select').click()
  await page.getByRole('option', { name: '15 minutes' }).click()
  await page.getByTestId('confirm-roll').click()
  await expect(page.getByRole('dialog', { name: 'Key rolled: the new secret' })).toContainText('Copy it now: it will not be shown again')
  const newSecret = (await page.getByTestId('new-key-secret').textContent()) ?? ''
  expect(newSecret).toMatch(/^clw_[A-Za-z0-9]{32}$/)
  expect(newSecret).not.toBe(oldSecret)
  await page.getByTestId('secret-done').click()

  await expect(page.getByTestId(`status-${oldId}`)).toHaveText('grace')
  expect((await getMe(served.origin, oldSecret)).status).toBe(200)
  const rolled = await getMe(served.origin, newSecret)
  expect(rolled.status).toBe(200)
  rolledKey = { id: (rolled.body.data.key as { id: string }).id, secret: newSecret }
  await expect(page.getByTestId(`status-${rolledKey.id}`)).toHaveText('active')
})

test('a custom tier can be added, given to a key, and deleted once unused; built-ins cannot', async () => {
  await page.getByTestId('nav-tiers').click()
  await expect(page.getByTestId('tier-row-rpm-60')).toContainText('built-in')
  await expect(page.getByTestId('delete-tier-rpm-60')).toHaveCount(0)

  const form = page.getByRole('form', { name: 'Add a custom tier' })
  await page.getByTestId('tier-name-input').fill('E2E burst')
  await page.getByTestId('tier-limit-input').fill('5')
  await form.getByText('1 hour', { exact: true }).click()
  await expect(page.getByTestId('tier-window-input')).toHaveValue('3600')
  await page.getByTestId('create-tier-submit').click()
  const row = page.locator('[data-testid^="tier-row-"]', { hasText: 'E2E burst' })
  await expect(row).toContainText('5 requests')
  await expect(row).toContainText('1 hour')
  await page.screenshot({ path: `${SCREENSHOTS}/tiers.png` })

  // Move the rolled key onto the new tier: the API applies its limit from the next request.
  const moveKeyTo = async (tierLabel: RegExp) => {
    await page.getByTestId('nav-keys').click()
    await page.getByTestId(`edit-${rolledKey.id}`).click()
    await page.getByTestId('edit-key-tier-select').click()
    await page.getByRole('option', { name: tierLabel }).click()
    await page.getByTestId('edit-key-submit').click()
    await expect(page.getByRole('dialog', { name: /Edit key/ })).toBeHidden()
  }
  await moveKeyTo(/^E2E burst/)
  await expect(page.getByTestId(`key-row-${rolledKey.id}`)).toContainText('E2E burst')
  const limited = await fetch(`${served.origin}/api/v1/me`, { headers: { Authorization: `Bearer ${rolledKey.secret}` } })
  expect(limited.status).toBe(200)
  expect(limited.headers.get('x-ratelimit-limit')).toBe('5')

  await page.getByTestId('nav-tiers').click()
  await expect(row).toContainText('1')
  await expect(row.getByRole('button', { name: 'Delete tier E2E burst' })).toBeDisabled()
  await moveKeyTo(/^60 RPM/)
  await page.getByTestId('nav-tiers').click()
  await row.getByRole('button', { name: 'Delete tier E2E burst' }).click()
  await page.getByTestId('confirm-delete-tier').click()
  await expect(row).toHaveCount(0)
})

test('settings saved in the GUI are kept across a reload and the API follows them', async () => {
  await page.getByTestId('nav-settings').click()
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible()
  const retention = page.getByTestId('settings-retention')
  const cors = page.getByTestId('settings-cors')
  const save = page.getByTestId('settings-save')
  await expect(retention).toHaveValue('30')
  await expect(cors).toHaveValue('')
  await expect(save).toBeDisabled()

  // Before: the origin is foreign, so the API refuses it.
  const foreign = await fetch(`${served.origin}/api/v1/health`, { headers: { Origin: 'http://allowed.example' } })
  expect(foreign.status).toBe(403)
  expect(foreign.headers.get('access-control-allow-origin')).toBeNull()

  await retention.fill('7')
  await cors.fill('http://allowed.example')
  await expect(save).toBeEnabled()
  await save.click()
  await expect(page.getByText('Settings saved')).toBeVisible()
  await expect(save).toBeDisabled()

  await page.reload()
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible()
  await expect(retention).toHaveValue('7')
  await expect(cors).toHaveValue('http://allowed.example')
  await expect(save).toBeDisabled()
  await page.screenshot({ path: `${SCREENSHOTS}/settings.png` })

  const allowed = await fetch(`${served.origin}/api/v1/health`, { headers: { Origin: 'http://allowed.example' } })
  expect(allowed.status).toBe(200)
  expect(allowed.headers.get('access-control-allow-origin')).toBe('http://allowed.example')
})

test('an invalid CORS origin shows the server’s reason and changes nothing', async () => {
  // Its own tab: the refused save is an HTTP 400, which Chromium logs as a console error, and the
  // main tab's console must stay clean for the last test. Here only that one error is allowed.
  const other = await page.context().newPage()
  const problems: string[] = []
  recordProblems(other, problems)
  await other.goto(`${served.adminUrl}#/settings`)
  await expect(other.getByRole('heading', { name: 'Settings' })).toBeVisible()
  const cors = other.getByTestId('settings-cors')
  await expect(cors).toHaveValue('http://allowed.example')
  await cors.fill('not a url')
  await other.getByTestId('settings-save').click()
  const failure = other.getByTestId('settings-error')
  await expect(failure).toContainText('Invalid input for settings.set')
  await expect(failure).toContainText(/invalid url/i)
  await expect(failure).toContainText('corsOrigins')
  await other.screenshot({ path: `${SCREENSHOTS}/settings-invalid.png` })

  await other.reload()
  await expect(other.getByTestId('settings-retention')).toHaveValue('7')
  await expect(other.getByTestId('settings-cors')).toHaveValue('http://allowed.example')
  const allowed = await fetch(`${served.origin}/api/v1/health`, { headers: { Origin: 'http://allowed.example' } })
  expect(allowed.headers.get('access-control-allow-origin')).toBe('http://allowed.example')
  expect(problems.filter((problem) => !/status of 400/.test(problem))).toEqual([])
  await other.close()
})

test('the request log shows 200 rows and loads older ones on demand', async () => {
  const calls = 230
  for (let done = 0; done < calls; done += 10) {
    const batch = Array.from({ length: Math.min(10, calls - done) }, async () => {
      const response = await fetch(`${served.origin}/api/v1/health`)
      await response.arrayBuffer()
      return response.status
    })
    expect(await Promise.all(batch)).toEqual(batch.map(() => 200))
  }
  // A fresh start: otherwise the live tail would already have brought every one of those rows.
  await page.reload()
  await page.getByTestId('nav-requests').click()
  await expect(page.getByRole('heading', { name: 'Request log' })).toBeVisible()
  const rows = page.getByTestId('request-row')
  await expect(rows).toHaveCount(200)
  const loadOlder = page.getByRole('button', { name: 'Load older' })
  await expect(loadOlder).toBeVisible()
  await loadOlder.click()
  await expect(loadOlder).toBeHidden()
  const all = await rows.count()
  expect(all).toBeGreaterThan(calls)
  await expect(page.getByText(`${all} shown of ${all.toLocaleString('en-US')}`)).toBeVisible()

  // The older rows stay, and the live tail still adds new ones on top.
  expect((await fetch(`${served.origin}/api/v1/health`)).status).toBe(200)
  await expect(rows).toHaveCount(all + 1)
  await expect(rows.first()).toHaveAttribute('data-path', '/api/v1/health')
})

test('the dark theme is kept across a reload, and so is the session', async () => {
  await page.getByTestId('nav-keys').click()
  await page.getByTestId('toggle-theme').click()
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark')
  await page.reload()
  await expect(page.getByRole('heading', { name: 'API keys' })).toBeVisible()
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark')
  await expect(page.getByTestId(`key-row-${keyId}`)).toBeVisible()
  await page.screenshot({ path: `${SCREENSHOTS}/keys-dark.png` })
})

test('without a token the page says where to get the admin URL', async () => {
  const stranger = await page.context().newPage()
  await stranger.goto(`${served.origin}/admin/`)
  await expect(stranger.getByTestId('no-access')).toContainText('Open the admin URL printed by clawhq-local serve')
  await stranger.screenshot({ path: `${SCREENSHOTS}/no-token.png` })
  await stranger.close()
})

test('the pages ran without a script error or a Content-Security-Policy violation', () => {
  expect(pageProblems).toEqual([])
})
