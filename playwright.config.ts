import { existsSync } from 'node:fs'
import { defineConfig } from '@playwright/test'

/** Debian's Chromium where it is installed (these machines can't download Playwright's); else $CHROMIUM_PATH, else Playwright's own. */
const chromium = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined)

/**
 * Two projects: `browser` drives the headless admin UI (`clawhq-local serve`) in Debian's Chromium
 * (Playwright's own browser download is not reachable here); `electron` drives the desktop app.
 * Both need a build first (`npm test` builds before it runs them).
 */
export default defineConfig({
  testDir: 'test/e2e',
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: 'list',
  outputDir: 'test-results/artifacts',
  use: {
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'browser',
      testMatch: /browser.*\.spec\.ts/,
      use: {
        browserName: 'chromium',
        headless: true,
        viewport: { width: 1360, height: 860 },
        launchOptions: {
          ...(chromium ? { executablePath: chromium } : {}),
          args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
        },
      },
    },
    {
      name: 'electron',
      testMatch: /electron.*\.spec\.ts/,
    },
  ],
})
