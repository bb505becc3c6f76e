import { expect, test, type Page } from '@playwright/test'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { adminUrlOf, closeAdmin, openAdminPage, SCREENSHOTS, type Served } from './headless-admin'

/**
 * The request log at scale: 100,000 rows in the store, the GUI scrolled from the newest to the oldest
 * (fetching older pages as it goes, until every row has been reachable) and back, with every frame's
 * duration measured in the page by requestAnimationFrame. The table must stay smooth (p95 frame time
 * under a bound) and small in the DOM (virtualized). The figures are printed and written to
 * test-results/browser-scale.json for the README.
 */
test.describe.configure({ mode: 'serial' })
// No trace: its screencast captures every frame, which would be measured with the page's own work.
test.use({ trace: 'off' })

const ROWS = 100_000
/**
 * The p95 of the frame times while scrolling may be at most this, in ms: four frames at 60 Hz (frame times
 * come in whole frames; on a loaded 2-core machine the p95 reaches three). A table that draws every row,
 * or re-renders them all each frame, misses it by far.
 */
const P95_BOUND_MS = 67
/** Request-log rows in the DOM at any moment once virtualized: the window's rows and the overscan, never the log. */
const DOM_ROWS_BOUND = 100
/** Pixels scrolled per frame: a fast fling, so that every frame draws a window of rows not drawn before. */
const STEP_PX = 3_000

let served: Served | undefined
let page: Page | undefined
const problems: string[] = []

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

/**
 * A data directory with ROWS request-log rows, written straight into its SQLite file before the server
 * starts (the built core's openServices makes and migrates the store; one transaction fills it), the
 * oldest first so that seq grows with time as the writer's would.
 */
async function seedDataDir(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'clawhq-e2e-scale-'))
  const { openServices } = (await import(new URL('../../out/main/cli.js', import.meta.url).href)) as {
    openServices(dir: string): Promise<{ store: { sqlite: import('better-sqlite3').Database }; close(): void }>
  }
  const services = await openServices(dataDir)
  try {
    const db = services.store.sqlite
    const insert = db.prepare(
      `insert into request_log (id, at, key_id, method, path, status, latency_ms, error_code, source, tokens_in, tokens_out, fault)
       values (?, ?, null, ?, ?, ?, ?, ?, ?, ?, ?, null)`,
    )
    const paths = ['/api/v1/me', '/api/v1/listings', '/api/v1/listings/listing_125fa408090f6203fa094da7', '/api/v1/chat', '/api/v1/souls/soul_operator/activity']
    const statuses = [200, 200, 200, 200, 200, 201, 401, 404, 429, 500]
    const start = Date.now() - ROWS * 1_000
    db.transaction(() => {
      for (let i = 0; i < ROWS; i++) {
        const path = paths[i % paths.length]
        const status = statuses[i % statuses.length]
        const chat = path === '/api/v1/chat'
        insert.run(
          `req_scale${i.toString(16).padStart(15, '0')}`,
          start + i * 1_000,
          chat ? 'POST' : 'GET',
          path,
          status,
          0.2 + (i % 37) / 3,
          status === 429 ? 'RATE_LIMIT_EXCEEDED' : status >= 400 ? 'SOME_ERROR' : null,
          i % 11 === 0 ? 'playground' : 'api',
          chat ? 40 + (i % 50) : null,
          chat ? 120 + (i % 80) : null,
        )
      }
    })()
  } finally {
    services.close()
  }
  return dataDir
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000)
  const dataDir = await seedDataDir()
  const port = await freePort()
  const token = randomBytes(18).toString('base64url')
  const child = spawn(process.execPath, ['bin/clawhq-local.js', 'serve', '--data-dir', dataDir, '--port', String(port), '--admin-token', token], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  served = { child, dataDir, origin: `http://127.0.0.1:${port}`, adminUrl: '', token }
  served.adminUrl = await adminUrlOf(child)
  page = await openAdminPage(browser, served, problems)
})

test.afterAll(() => closeAdmin(served, page))

interface ScrollRun {
  frames: number[]
  maxDomRows: number
  shown: number
  total: number
  ms: number
}

/**
 * Scrolls the window by `step` px a frame until it reaches the end of the document (down: with every row
 * of the log loaded; up: the top), recording each frame's duration and the most request rows in the DOM.
 */
function scrollThrough(p: Page, direction: 1 | -1, step: number): Promise<ScrollRun> {
  return p.evaluate(
    ({ direction, step }) =>
      new Promise<ScrollRun>((resolve, reject) => {
        const live = document.querySelector<HTMLElement>('[data-testid="requests-live"]')!
        const frames: number[] = []
        let maxDomRows = 0
        const began = performance.now()
        let last = began
        const tick = (now: number) => {
          frames.push(now - last)
          last = now
          // Counted once the table is virtualized: the first page (200 rows) is drawn whole, by design.
          if (document.querySelector('[data-testid="requests-table"][data-virtual]'))
            maxDomRows = Math.max(maxDomRows, document.querySelectorAll('[data-testid="request-row"]').length)
          const shown = Number(live.dataset.shown)
          const total = Number(live.dataset.total)
          const atEnd =
            direction === 1 ? window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2 && shown >= total : window.scrollY <= 0
          if (atEnd) return resolve({ frames, maxDomRows, shown, total, ms: now - began })
          if (now - began > 240_000) return reject(new Error(`still scrolling after 240 s: ${shown} of ${total} rows loaded, at ${window.scrollY} px`))
          window.scrollBy(0, direction * step)
          requestAnimationFrame(tick)
        }
        requestAnimationFrame((now) => {
          last = now
          requestAnimationFrame(tick)
        })
      }),
    { direction, step },
  )
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
const summary = (frames: number[]) => {
  const sorted = [...frames].sort((a, b) => a - b)
  const round = (ms: number) => Math.round(ms * 10) / 10
  return { frames: frames.length, p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p99: round(percentile(sorted, 99)), max: round(sorted[sorted.length - 1]) }
}

test('the request log scrolls through 100,000 rows and back at a smooth frame rate, virtualized', async () => {
  test.setTimeout(600_000)
  const p = page!
  await p.goto(`${served!.adminUrl}#/requests`)
  await expect(p.getByRole('heading', { name: 'Request log' })).toBeVisible()
  const live = p.getByTestId('requests-live')
  await expect(live).toHaveAttribute('data-total', String(ROWS))
  await expect(live).toHaveAttribute('data-shown', '200')
  await expect(p.getByTestId('request-row').first()).toContainText(`req_scale${(ROWS - 1).toString(16).padStart(15, '0')}`) // the newest
  await p.screenshot({ path: `${SCREENSHOTS}/requests-100k-top.png` })

  const down = await scrollThrough(p, 1, STEP_PX)
  expect(down.shown).toBe(ROWS)
  // The oldest row of all is on screen at the bottom.
  const oldest = p.locator('[data-testid="request-row"]').last()
  await expect(oldest).toContainText('req_scale000000000000000')
  await expect(oldest).toBeInViewport()
  await p.screenshot({ path: `${SCREENSHOTS}/requests-100k-bottom.png` })

  const up = await scrollThrough(p, -1, STEP_PX)
  await expect(p.getByTestId('request-row').first()).toBeInViewport()
  await expect(p.getByTestId('request-row').first()).toContainText(`req_scale${(ROWS - 1).toString(16).padStart(15, '0')}`)

  const all = summary([...down.frames, ...up.frames])
  const figures = {
    rows: ROWS,
    rowsLoaded: down.shown,
    stepPx: STEP_PX,
    viewport: p.viewportSize(),
    down: { ...summary(down.frames), seconds: Math.round(down.ms / 100) / 10 },
    up: { ...summary(up.frames), seconds: Math.round(up.ms / 100) / 10 },
    all,
    maxDomRows: Math.max(down.maxDomRows, up.maxDomRows),
  }
  console.log(
    `[scale] ${ROWS.toLocaleString('en-US')} request-log rows, ${figures.rowsLoaded.toLocaleString('en-US')} loaded while scrolling ${STEP_PX} px a frame: ` +
      `down ${figures.down.frames} frames in ${figures.down.seconds} s (p50 ${figures.down.p50} ms, p95 ${figures.down.p95} ms, max ${figures.down.max} ms); ` +
      `up ${figures.up.frames} frames in ${figures.up.seconds} s (p50 ${figures.up.p50} ms, p95 ${figures.up.p95} ms, max ${figures.up.max} ms); ` +
      `all: p50 ${all.p50} ms, p95 ${all.p95} ms, p99 ${all.p99} ms, max ${all.max} ms; at most ${figures.maxDomRows} rows in the DOM`,
  )
  mkdirSync('test-results', { recursive: true })
  writeFileSync('test-results/browser-scale.json', `${JSON.stringify(figures, null, 2)}\n`)

  expect(figures.maxDomRows).toBeGreaterThan(10) // it was counted: the table was virtualized
  expect(figures.maxDomRows).toBeLessThan(DOM_ROWS_BOUND)
  expect(all.p95).toBeLessThanOrEqual(P95_BOUND_MS)
  // And most frames are whole 60 Hz frames: the scroll keeps up.
  expect(all.p50).toBeLessThanOrEqual(20)
})

test('a row far down the log is reached from the keyboard, and the page ran without a script error', async () => {
  const p = page!
  // End, then arrows: the window scrolls with the keys, the virtualizer follows.
  await p.keyboard.press('End')
  await expect.poll(() => p.evaluate(() => window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2)).toBe(true)
  await expect(p.locator('[data-testid="request-row"]').last()).toContainText('req_scale000000000000000')
  await p.keyboard.press('Home')
  await expect.poll(() => p.evaluate(() => window.scrollY)).toBe(0)
  expect(problems).toEqual([])
})
