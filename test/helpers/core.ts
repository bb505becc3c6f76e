import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import { createParser, type EventSourceMessage } from 'eventsource-parser'
import { expect } from 'vitest'
import { createCore, openServices, type Core, type CoreOptions } from '../../src-main/core/app'
import type { Scope } from '../../src-shared/scopes'

export const tempDir = (label = 'clawhq-test-'): string => mkdtempSync(join(tmpdir(), label))

export interface TestServer {
  core: Core
  dataDir: string
  origin: string
  apiBaseUrl: string
  adminToken: string
  close(): Promise<void>
}

/** A real core on a real SQLite file in a fresh directory, listening on a free loopback port. */
export async function startServer(options: Partial<CoreOptions> = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDir()
  const core = await createCore({ mode: 'headless', port: 0, adminToken: 'test-admin-token', ...options, dataDir })
  const { apiBaseUrl } = await core.listen()
  return {
    core,
    dataDir,
    apiBaseUrl,
    origin: new URL(apiBaseUrl).origin,
    adminToken: core.adminToken ?? '',
    async close() {
      await core.close()
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export function createKey(server: TestServer, options: { tierId?: string; scopes?: Scope[]; name?: string; expiresAt?: string } = {}) {
  return server.core.services.keys.create({ name: options.name ?? 'test key', ...options }, 'cli')
}

export async function getJson(url: string, secret?: string, init: RequestInit = {}) {
  const response = await fetch(url, {
    ...init,
    headers: { ...(secret ? { authorization: `Bearer ${secret}` } : {}), ...(init.headers as Record<string, string>) },
  })
  const text = await response.text()
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = text
  }
  return { status: response.status, headers: response.headers, body: body as Record<string, any> } // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Runs the built CLI (out/main/cli.js) as its own process. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/clawhq-local.js', ...args], { env: { ...process.env, ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** Starts `clawhq-local serve` as a child process and resolves once it prints its URLs. */
export function spawnServe(args: string[]): Promise<{ child: ChildProcess; apiBaseUrl: string; adminUrl: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/clawhq-local.js', 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 20_000)
    child.stdout!.on('data', (d) => {
      out += d
      const api = /API:\s+(\S+)/.exec(out)
      const admin = /Admin:\s+(\S+)/.exec(out)
      if (api && admin) {
        clearTimeout(timer)
        resolve({ child, apiBaseUrl: api[1], adminUrl: admin[1] })
      }
    })
    child.stderr!.on('data', (d) => (out += d))
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`serve exited with ${code}: ${out}`))
    })
  })
}

/** Runs the built CLI with --json; the command must succeed without a word on stderr. Returns the parsed output. */
export async function cliJson(args: string[]) {
  const result = await runCli([...args, '--json'])
  expect(result.stderr).toBe('')
  expect(result.code).toBe(0)
  return JSON.parse(result.stdout)
}

/** Kills a child process a test started, if it still runs, and waits for it to go. */
export async function killChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGKILL')
  await once(child, 'exit')
}

/** A data directory whose database holds `count` keys with longish names, closed again. */
export async function dataDirWithKeys(count: number): Promise<string> {
  const dataDir = tempDir()
  const services = await openServices(dataDir)
  for (let i = 0; i < count; i++) services.keys.create({ name: `key ${i} ${'x'.repeat(60)}` }, 'cli')
  services.close()
  return dataDir
}

/** Opens GET /admin/events and parses it with eventsource-parser; `received` fills as events arrive. */
export async function openEventStream(origin: string, adminToken: string) {
  const abort = new AbortController()
  const received: EventSourceMessage[] = []
  const response = await fetch(`${origin}/admin/events`, { headers: { authorization: `Bearer ${adminToken}` }, signal: abort.signal })
  const parser = createParser({ onEvent: (event) => received.push(event) })
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) return
        parser.feed(value)
      }
    } catch {
      // aborted
    }
  })()
  return {
    response,
    received,
    async close() {
      abort.abort()
      await pump
    },
  }
}
