import { expect, test } from '@playwright/test'
import type { ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { rmSync } from 'node:fs'
import { mountSmallDisk, smallDiskUnavailable, type SmallDisk } from '../helpers/small-disk'
import { adminUrlOf, SCREENSHOTS } from './headless-admin'

/**
 * The operator sees a full disk: the request log's warning in the header while it cannot write, and
 * gone once space returns. `serve` runs on a real 3 MB tmpfs (see test/helpers/small-disk.ts).
 */
const TOKEN = 'e2e-disk-full-token'
let disk: SmallDisk | null = null
let child: ChildProcess | null = null

test.afterAll(() => {
  child?.kill('SIGKILL')
  disk?.close()
})

test('the header warns while the request log cannot write, and the warning clears once space returns', async ({ page }) => {
  test.skip(smallDiskUnavailable !== null, `skipped: ${smallDiskUnavailable}`)
  disk = await mountSmallDisk(3 * 1024 * 1024)
  child = disk.spawn(process.execPath, [join(process.cwd(), 'bin', 'clawhq-local.js'), 'serve', '--data-dir', disk.dir, '--port', '0', '--admin-token', TOKEN])
  const adminUrl = await adminUrlOf(child, 20_000)
  const origin = new URL(adminUrl).origin
  disk.fill('ballast')
  // Requests keep coming while the disk is full: their log rows cannot be written.
  for (let i = 0; i < 50; i++) await (await fetch(`${origin}/api/v1/health`)).arrayBuffer()

  await page.goto(adminUrl)
  const warning = page.getByTestId('request-log-warning')
  await expect(warning).toBeVisible({ timeout: 15_000 })
  await expect(warning).toContainText(/Request log not writing: [\d,]+ rows waiting/)
  await page.screenshot({ path: `${SCREENSHOTS}/disk-full-warning.png` })

  rmSync(join(disk.hostDir, 'ballast'))
  await expect(warning).toBeHidden({ timeout: 30_000 })
  await page.getByTestId('nav-requests').click()
  await expect(page.getByText('/api/v1/health').first()).toBeVisible()
})
