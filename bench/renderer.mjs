/* global document */
// npm run bench (issue 12): the admin GUI's initial bundle (what index.html loads before the first page
// renders, raw and gzipped) beside React and ReactDOM alone (the floor any React GUI pays), and the time
// from navigation to the first interactive page in Chromium (the Dashboard, its "Create a key" button
// enabled) beside a bare HTML page served by node:http in the same run. Cold cache each round.
import { readFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { chromium } from '@playwright/test'
import { startSubject, stopSubject } from './processes.mjs'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7)
const RENDERER = 'out/renderer'

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

/** The files index.html loads up front: its module script, modulepreloads and stylesheets. */
function initialAssets() {
  const html = readFileSync(join(RENDERER, 'index.html'), 'utf8')
  const refs = [...html.matchAll(/<(?:script[^>]+src|link[^>]+href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1].replace(/^\.\//, ''))
  return [...new Set(refs)].map((ref) => {
    const bytes = readFileSync(join(RENDERER, ref))
    return { ref, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length }
  })
}

function reactFloor() {
  const files = ['node_modules/react/cjs/react.production.js', 'node_modules/react-dom/cjs/react-dom-client.production.js', 'node_modules/react-dom/cjs/react-dom.production.js']
  let raw = 0
  let gzip = 0
  for (const file of files.filter(existsSync)) {
    const bytes = readFileSync(file)
    raw += bytes.length
    gzip += gzipSync(bytes, { level: 9 }).length
  }
  return { raw, gzip }
}

const assets = initialAssets()
const total = assets.reduce((sum, a) => ({ raw: sum.raw + a.raw, gzip: sum.gzip + a.gzip }), { raw: 0, gzip: 0 })
const floor = reactFloor()
console.log('\nAdmin GUI: initial bundle (index.html and what it loads up front)')
for (const a of assets) console.log(`  ${a.ref.padEnd(40)} ${kib(a.raw).padStart(11)} raw ${kib(a.gzip).padStart(10)} gzip`)
console.log(`  ${'total'.padEnd(40)} ${kib(total.raw).padStart(11)} raw ${kib(total.gzip).padStart(10)} gzip`)
console.log(`  ${'baseline: React + ReactDOM alone'.padEnd(40)} ${kib(floor.raw).padStart(11)} raw ${kib(floor.gzip).padStart(10)} gzip  (${(total.gzip / floor.gzip).toFixed(1)}× the floor)`)

const executablePath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined)
const browser = await chromium.launch({
  headless: true,
  ...(executablePath ? { executablePath } : {}),
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
})
const dataDir = mkdtempSync(join(tmpdir(), 'clawhq-bench-gui-'))
const bare = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
  res.end('<!doctype html><html><head><title>bare</title></head><body><button id="ready">ready</button></body></html>')
})
try {
  await new Promise((resolve) => bare.listen(0, '127.0.0.1', resolve))
  // The server under test on a port found free, with a token of this run's choosing.
  const port = await new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address()
      probe.close(() => resolve(free))
    })
  })
  const subject = await startSubject(dataDir, port, '--admin-token', 'bench-token')
  const adminUrl = `http://127.0.0.1:${port}/admin/?token=bench-token`
  const bareUrl = `http://127.0.0.1:${bare.address().port}/`

  /** ms from navigation start until `selector` is visible and enabled, in a fresh context (cold cache). */
  async function timeToInteractive(url, selector) {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(url, { waitUntil: 'commit' })
    await page.locator(selector).first().waitFor({ state: 'visible', timeout: 30_000 })
    await page.waitForFunction((sel) => {
      const element = document.querySelector(sel)
      return element !== null && !element.hasAttribute('disabled')
    }, selector)
    const ms = await page.evaluate(() => performance.now())
    await context.close()
    return ms
  }

  const gui = []
  const baseline = []
  for (let round = 0; round < ROUNDS; round++) {
    baseline.push(await timeToInteractive(bareUrl, '#ready'))
    gui.push(await timeToInteractive(adminUrl, '[data-testid="dashboard-create-key"], main button'))
  }
  console.log(`\nAdmin GUI: time to the first interactive page in Chromium (median of ${ROUNDS}, cold cache)`)
  console.log(`  Dashboard, first button enabled:  ${median(gui).toFixed(0).padStart(5)} ms (min ${Math.min(...gui).toFixed(0)}, max ${Math.max(...gui).toFixed(0)})`)
  console.log(`  baseline: bare HTML page:         ${median(baseline).toFixed(0).padStart(5)} ms (min ${Math.min(...baseline).toFixed(0)}, max ${Math.max(...baseline).toFixed(0)})`)
  await stopSubject(subject)
} finally {
  bare.close()
  await browser.close()
  rmSync(dataDir, { recursive: true, force: true })
}
