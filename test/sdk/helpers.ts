import { spawnSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
// @ts-expect-error: a plain .mjs script shared with `npm start`
import { newestMtime } from '../../scripts/build-state.mjs'
import type { Scope } from '../../src-shared/scopes'
import { REPO_ROOT } from '../helpers/reliability'
import type { TestServer } from '../helpers/core'

/** The SDK's module, typed from its source; loaded from the build, the way a user imports it. */
export type Sdk = typeof import('../../src-sdk/index')

/** The package name a user imports; a variable, so that the typecheck does not need the build to exist. */
const SDK_PACKAGE: string = 'clawhq-local/sdk'
export const SDK_ENTRY = join(REPO_ROOT, 'out', 'sdk', 'index.js')

/**
 * `await import('clawhq-local/sdk')`, resolved by Node through the package's own exports. The global setup
 * rebuilds when sources are newer than the build; this also covers a run without it, building the SDK alone.
 */
export async function importSdk(): Promise<Sdk> {
  const sourcesChanged = (newestMtime as (path: string) => number)(join(REPO_ROOT, 'src-sdk'))
  if (!existsSync(SDK_ENTRY) || statSync(SDK_ENTRY).mtimeMs < sourcesChanged) {
    const result = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.sdk.json'], { cwd: REPO_ROOT, encoding: 'utf8' })
    if (result.status !== 0) throw new Error(`Building the SDK failed:\n${result.stdout}${result.stderr}`)
  }
  return (await import(/* @vite-ignore */ SDK_PACKAGE)) as Sdk
}

/** Demo marketplace facts (src-main/core/demo/demo-data.ts). */
export const DEMO = {
  webScrapingToolkit: 'listing_93a3b3fed439f789faa91ab3', // automation, 29.00, rating 4.7, sold by ScoutBot
  paperCrawler: 'listing_125fa408090f6203fa094da7', // 25.00, one-time
  featuredProductivity: 'listing_28e34342f89c73009d8abaea',
  budgetBee: 'soul_0582a384a93ba1a3d804b24b', // holds 10.50 USDT
  scoutBot: 'soul_19d22a4ae97333159e3188ef',
  operator: 'soul_operator', // keys without a soul; 500.00 USDT after a reset
} as const

export const MARKET_SCOPES: Scope[] = ['listings:read', 'listings:write', 'souls:read', 'purchases', 'activity:read']

export interface KeyOptions {
  soulId?: string | null
  scopes?: Scope[]
  tierId?: string
  perPurchase?: string | null
  perDay?: string | null
}

/** A key's secret, made by the operator: acting as `soulId` (default the operator's own soul). */
export function marketKey(server: TestServer, options: KeyOptions = {}): string {
  return server.core.services.keys.create(
    {
      name: 'sdk test',
      scopes: options.scopes ?? MARKET_SCOPES,
      tierId: options.tierId ?? 'rpm-300',
      soulId: options.soulId ?? null,
      spendingLimits: { perPurchase: options.perPurchase ?? null, perDay: options.perDay ?? null },
    },
    'cli',
  ).secret
}

/** What a fetch was asked and answered, for tests that look at the wire. */
export interface Exchange {
  url: string
  method: string
  headers: Record<string, string>
  body: string | undefined
  status: number
  requestId: string | null
}

/** The global fetch, recording every exchange. */
export function recordingFetch() {
  const exchanges: Exchange[] = []
  const fetchFn = async (url: string, init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal }) => {
    const response = await fetch(url, init)
    exchanges.push({ url, method: init.method, headers: init.headers, body: init.body, status: response.status, requestId: response.headers.get('x-request-id') })
    return response
  }
  return { fetch: fetchFn, exchanges, last: () => exchanges.at(-1)! }
}

/** Collects what a console method prints while a test runs. */
export function captureConsole(method: 'log' | 'error') {
  const lines: string[] = []
  const original = console[method]
  console[method] = (...args: unknown[]) => {
    lines.push(args.map(String).join(' '))
  }
  return { lines, restore: () => (console[method] = original) }
}
