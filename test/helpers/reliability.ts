import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import http from 'node:http'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import BetterSqlite3 from 'better-sqlite3'
import { expect } from 'vitest'
import { API_ERROR_TYPES } from '../../src-shared/errors'

/** Helpers for the reliability suites (hygiene, auth fuzz, secrets at rest, crash, store, contract). */

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
/** The built CLI bundle; it also exports `openServices` for child processes that drive the real store. */
export const BUILT_CLI = join(REPO_ROOT, 'out', 'main', 'cli.js')

export interface RawResponse {
  status: number
  headers: http.IncomingHttpHeaders
  text: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: Record<string, any> | undefined
}

export interface RawRequest {
  method?: string
  path: string
  /** Sent as given: node:http lets a test set Host, which fetch forbids. */
  headers?: Record<string, string>
  body?: string | Buffer
  agent?: http.Agent
  timeoutMs?: number
}

/** One request over node:http to a loopback origin (`http://127.0.0.1:<port>`). */
export function rawRequest(origin: string, request: RawRequest): Promise<RawResponse> {
  const url = new URL(origin)
  return new Promise((resolvePromise, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: request.method ?? 'GET',
        path: request.path,
        headers: request.headers,
        agent: request.agent,
        setHost: request.headers?.host === undefined && request.headers?.Host === undefined,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let body: RawResponse['body']
          try {
            body = JSON.parse(text) as RawResponse['body']
          } catch {
            body = undefined
          }
          resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, text, body })
        })
        res.on('error', reject)
      },
    )
    req.setTimeout(request.timeoutMs ?? 10_000, () => req.destroy(new Error(`request timed out: ${request.path}`)))
    req.on('error', reject)
    req.end(request.body)
  })
}

/** Runs `work` over `items` with at most `limit` in flight; results keep the items' order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index], index)
    }
  })
  await Promise.all(runners)
  return results
}

/** Asserts the SPEC §4 error envelope, with `type` from src-shared/errors.ts and the id of `x-request-id`. */
export function expectErrorEnvelope(
  response: { status: number; headers: Headers | http.IncomingHttpHeaders; body: unknown },
  status: number,
  code: keyof typeof API_ERROR_TYPES,
): void {
  expect(response.status).toBe(status)
  const requestId = response.headers instanceof Headers ? response.headers.get('x-request-id') : response.headers['x-request-id']
  expect(requestId).toMatch(/^req_/)
  expect(response.body).toMatchObject({
    success: false,
    error: { code, type: API_ERROR_TYPES[code], request_id: requestId },
  })
  const error = (response.body as { error: { message: unknown } }).error
  expect(typeof error.message).toBe('string')
  expect((error.message as string).length).toBeGreaterThan(0)
  expect(JSON.stringify(response.body)).not.toMatch(/\n\s+at /) // no stack trace
}

/** Row counts of the tables an admin change touches. */
export function tableCounts(db: BetterSqlite3.Database, tables = ['api_keys', 'tiers', 'audit_log', 'settings']): Record<string, number> {
  return Object.fromEntries(tables.map((table) => [table, db.prepare(`select count(*) from ${table}`).pluck().get() as number]))
}

/** Every regular file under `dir`, recursively, with its bytes. */
export function readAllFiles(dir: string): Array<{ path: string; bytes: Buffer }> {
  const out: Array<{ path: string; bytes: Buffer }> = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    const stat = statSync(path)
    if (stat.isDirectory()) out.push(...readAllFiles(path))
    else if (stat.isFile()) out.push({ path, bytes: readFileSync(path) })
  }
  return out
}

export interface NodeRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Runs an ES module given as source text in a fresh `node`, with env; resolves when it exits. */
export function runNodeModule(source: string, env: NodeJS.ProcessEnv = {}, timeoutMs = 30_000): Promise<NodeRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', source], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`node module timed out after ${timeoutMs} ms: ${stderr}`))
    }, timeoutMs)
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      // 'exit' can come before the pipes drain; wait for them.
      const done = () => resolvePromise({ code, signal, stdout, stderr })
      if (child.stdout.readableEnded && child.stderr.readableEnded) done()
      else {
        let open = 2
        const one = () => --open === 0 && done()
        if (child.stdout.readableEnded) one()
        else child.stdout.on('end', one)
        if (child.stderr.readableEnded) one()
        else child.stderr.on('end', one)
      }
    })
  })
}

export function assertBuilt(): void {
  if (!existsSync(BUILT_CLI)) throw new Error(`${BUILT_CLI} is missing: run "npx electron-vite build" first`)
}
