import { expect, type Browser, type Page } from '@playwright/test'
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * What the browser specs share: `clawhq-local serve` as its own process on a fresh data directory, a
 * Chromium tab on its admin UI, and the admin RPC. Plain functions for each spec's beforeAll/afterAll
 * rather than a worker fixture: with one worker, a worker fixture would hand one server to every spec
 * file, and each spec needs its own fresh data (the demo marketplace as seeded, no keys yet).
 */

export const SCREENSHOTS = 'test-results/screenshots'

export interface Served {
  child: ChildProcess
  dataDir: string
  origin: string
  adminUrl: string
  token: string
}

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

/** The admin URL a starting `serve` prints; rejects, with what it printed, if it exits first or takes longer than `timeoutMs`. */
export function adminUrlOf(child: ChildProcess, timeoutMs = 30_000): Promise<string> {
  let output = ''
  child.stdout?.setEncoding('utf8')
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string) => (output += chunk))
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "Admin:" line within ${timeoutMs / 1000} s; output:\n${output}`)), timeoutMs)
    child.stdout?.on('data', (chunk: string) => {
      output += chunk
      const match = /Admin:\s+(\S+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the server exited with ${code} before it was ready; output:\n${output}`))
    })
  })
}

/** `clawhq-local serve` on a fresh data directory, a free port and a random admin token, once it is ready. */
export async function serve(): Promise<Served> {
  const dataDir = mkdtempSync(join(tmpdir(), 'clawhq-e2e-'))
  const port = await freePort()
  const token = randomBytes(18).toString('base64url')
  const child = spawn(process.execPath, ['bin/clawhq-local.js', 'serve', '--data-dir', dataDir, '--port', String(port), '--admin-token', token], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const adminUrl = await adminUrlOf(child)
  return { child, dataDir, origin: `http://127.0.0.1:${port}`, adminUrl, token }
}

async function stop(served: Served): Promise<void> {
  const { child } = served
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(timer)
  }
  rmSync(served.dataDir, { recursive: true, force: true })
}

/** Adds every script error and console error of `page` (a Content-Security-Policy violation is logged as one) to `problems`. */
export function recordProblems(page: Page, problems: string[]): void {
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`)
  })
}

/**
 * A tab of its own browser context for the admin UI of `served`, its problems recorded in `problems`,
 * with `permissions` granted for the server's origin. The screenshot folder exists once it is open.
 */
export async function openAdminPage(browser: Browser, served: Served, problems: string[], options: { permissions?: string[] } = {}): Promise<Page> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  // Reduced motion: Mantine then skips its transitions, so screenshots never catch a modal or drawer half-drawn.
  const context = await browser.newContext({ reducedMotion: 'reduce' })
  if (options.permissions) await context.grantPermissions(options.permissions, { origin: served.origin })
  const page = await context.newPage()
  recordProblems(page, problems)
  return page
}

/** Closes the page's browser context, stops the server and deletes its data directory; either may be missing if beforeAll failed. */
export async function closeAdmin(served: Served | undefined, page: Page | undefined): Promise<void> {
  await page?.context().close()
  if (served) await stop(served)
}

/** The admin RPC, as the CLI or a script would call it. */
export async function adminRpc<T>(served: Served, method: string, input: unknown): Promise<T> {
  const response = await fetch(`${served.origin}/admin/rpc/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${served.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  })
  const body = (await response.json()) as { ok: boolean; value: T; error?: unknown }
  expect(body.ok, JSON.stringify(body.error)).toBe(true)
  return body.value
}
