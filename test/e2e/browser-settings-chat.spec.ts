import { expect, test, type BrowserContext, type Page } from '@playwright/test'
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * The Settings page's Chat section against the real server (`clawhq-local serve` on a fresh data
 * directory): a chat limit saved in the GUI is kept across a reload and is what the server holds.
 * Needs the build.
 */
test.describe.configure({ mode: 'serial' })

interface Served {
  child: ChildProcess
  dataDir: string
  origin: string
  adminUrl: string
  token: string
  output: () => string
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

async function serve(): Promise<Served> {
  const dataDir = mkdtempSync(join(tmpdir(), 'clawhq-e2e-'))
  const port = await freePort()
  const token = randomBytes(18).toString('base64url')
  const child = spawn(process.execPath, ['bin/clawhq-local.js', 'serve', '--data-dir', dataDir, '--port', String(port), '--admin-token', token], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.setEncoding('utf8')
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string) => (output += chunk))
  const adminUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "Admin:" line within 30 s; output:\n${output}`)), 30_000)
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
  return { child, dataDir, origin: `http://127.0.0.1:${port}`, adminUrl, token, output: () => output }
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

/** The admin RPC, as the CLI or a script would call it. */
async function adminRpc<T>(method: string, input: unknown): Promise<T> {
  const response = await fetch(`${served.origin}/admin/rpc/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${served.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  })
  const body = (await response.json()) as { ok: boolean; value: T; error?: unknown }
  expect(body.ok, JSON.stringify(body.error)).toBe(true)
  return body.value
}

let served: Served
let context: BrowserContext
let page: Page
const pageProblems: string[] = []

test.beforeAll(async ({ browser }) => {
  served = await serve()
  context = await browser.newContext({ reducedMotion: 'reduce' })
  page = await context.newPage()
  page.on('pageerror', (error) => pageProblems.push(`page error: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error') pageProblems.push(`console error: ${message.text()}`)
  })
})

test.afterAll(async () => {
  await context?.close()
  if (served) await stop(served)
})

test('a chat limit saved in the GUI is kept across a reload and the server holds it', async () => {
  await page.goto(served.adminUrl)
  await expect(page.getByRole('heading', { name: 'API keys' })).toBeVisible()
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

  const settings = await adminRpc<{ chatMaxStreamsPerKey: number; chatMaxMessageChars: number }>('settings.get', {})
  expect(settings.chatMaxStreamsPerKey).toBe(3)
  // Only the field changed was sent: the others keep their defaults.
  expect(settings.chatMaxMessageChars).toBe(32_000)
  expect(pageProblems).toEqual([])
})
