import { expect, test, type Page } from '@playwright/test'
import { adminRpc, closeAdmin, openAdminPage, serve, type Served } from './headless-admin'

/**
 * The Settings page's Chat section against the real server (`clawhq-local serve` on a fresh data
 * directory): a chat limit saved in the GUI is kept across a reload and is what the server holds.
 * Needs the build.
 */
test.describe.configure({ mode: 'serial' })

let served: Served
let page: Page
const pageProblems: string[] = []

test.beforeAll(async ({ browser }) => {
  served = await serve()
  page = await openAdminPage(browser, served, pageProblems)
})

test.afterAll(() => closeAdmin(served, page))

test('a chat limit saved in the GUI is kept across a reload and the server holds it', async () => {
  await page.goto(served.adminUrl)
  await expect(page.getByRole('heading', { name: 'Dashboard', exact: true })).toBeVisible()
  await page.getByTestId('nav-settings').click()
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible()
  const streams = page.getByTestId('settings-chat-max-streams')
  const save = page.getByTestId('settings-save')
  await expect(streams).toHaveValue('20')
  await expect(save).toBeDisabled()

  await streams.fill('3')
  await expect(save).toBeEnabled()
  await save.click()
  await expect(page.getByText('Settings saved')).toBeVisible()
  await expect(save).toBeDisabled()

  await page.reload()
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible()
  await expect(streams).toHaveValue('3')
  await expect(save).toBeDisabled()

  const settings = await adminRpc<{ chatMaxStreamsPerKey: number; chatMaxMessageChars: number }>(served, 'settings.get', {})
  expect(settings.chatMaxStreamsPerKey).toBe(3)
  // Only the field changed was sent: the others keep their defaults.
  expect(settings.chatMaxMessageChars).toBe(32_000)
  expect(pageProblems).toEqual([])
})
