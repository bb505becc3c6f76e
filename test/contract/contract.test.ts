import { randomBytes } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  contract,
  events as eventSchemas,
  IPC_INVOKE_CHANNEL,
  METHOD_NAMES,
  type MethodInput,
  type MethodName,
  type MethodOutput,
} from '../../src-shared/contract'
import type { AdminErrorCode, Result } from '../../src-shared/errors'
import {
  registerIpcTransport,
  type IpcFrameLike,
  type IpcInvokeEventLike,
  type IpcMainLike,
} from '../../src-main/core/admin/transports/ipc'
import { demoListings, demoSouls, SEARCH_QUALITY_CASES } from '../../src-main/core/demo/demo-data'
import { fromCents } from '../../src-main/core/money'
import { createKey, openEventStream, startServer, type TestServer } from '../helpers/core'
import type { Case } from './cases/case'
import { analyticsCases, analyticsInvalid } from './cases/analytics'
import { dashboardCases, dashboardInvalid } from './cases/dashboard'
import { playgroundCases, playgroundInvalid } from './cases/playground'
import { serverConfigCases, serverConfigInvalid } from './cases/server-config'

/**
 * SPEC §2: one contract, two transports. Every method of the contract goes through the headless HTTP
 * transport (`POST /admin/rpc/<name>` with the admin token) and the Electron IPC transport (driven by an
 * in-memory ipcMain), with valid and invalid input; sender and token checks; and the live events over
 * IPC and the admin SSE stream. A method added to the contract without a case here fails this file.
 */

type Listener = (event: IpcInvokeEventLike, ...args: unknown[]) => unknown

/** The slice of Electron's ipcMain the transport uses, in memory: it stores the handler and calls it. */
class MemoryIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Listener>()
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
    this.handlers.set(channel, listener)
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  }
  invoke(senderFrame: IpcFrameLike | null, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(IPC_INVOKE_CHANNEL)
    if (!handler) throw new Error(`No handler registered for '${IPC_INVOKE_CHANNEL}'`)
    return Promise.resolve(handler({ senderFrame }, ...args))
  }
}

const TRUSTED: IpcFrameLike = { url: 'app://clawhq/index.html' }
const isTrustedSender = (frame: IpcFrameLike | null) => frame?.url.startsWith('app://clawhq') ?? false

interface Call {
  status: number | null // HTTP status; null over IPC
  result: Result<unknown>
}
interface Transport {
  name: 'http' | 'ipc'
  call(method: string, input: unknown): Promise<Call>
}

let server: TestServer
let ipcMain: MemoryIpcMain
let ipcEvents: Array<{ name: string; payload: unknown }>
let disposeIpc: () => void
let transports: Record<'http' | 'ipc', Transport>

const http = (path: string, init: { token?: string | null; body?: string } = {}) =>
  fetch(`${server.origin}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(init.token === null ? {} : { authorization: `Bearer ${init.token ?? server.adminToken}` }),
    },
    body: init.body ?? '{}',
  })

beforeAll(async () => {
  server = await startServer({ requestLogFlushMs: 50 })
  ipcMain = new MemoryIpcMain()
  ipcEvents = []
  disposeIpc = registerIpcTransport({
    ipcMain,
    core: { dispatch: server.core.dispatch, events: server.core.events },
    isTrustedSender,
    sendEvent: (message) => ipcEvents.push(message),
  })
  transports = {
    http: {
      name: 'http',
      async call(method, input) {
        const response = await http(`/admin/rpc/${encodeURIComponent(method)}`, { body: JSON.stringify(input) })
        return { status: response.status, result: (await response.json()) as Result<unknown> }
      },
    },
    ipc: {
      name: 'ipc',
      async call(method, input) {
        return { status: null, result: (await ipcMain.invoke(TRUSTED, method, input)) as Result<unknown> }
      },
    },
  }
})

afterAll(async () => {
  disposeIpc?.()
  // Node's fetch (undici) leaves the socket of an aborted SSE response open for its 4 s keep-alive
  // timeout (a node:http client that destroys its socket lets close() finish at once); don't wait for it.
  // Shutdown with a stream still open is tested below, on a server of its own.
  server?.core.api.server.closeAllConnections()
  await server?.close()
})

const services = () => server.core.services
const future = () => new Date(Date.now() + 30 * 86_400_000).toISOString()

/** What nothing-changed means: every admin-visible row, the marketplace's too (the clock's offset is a setting). */
function snapshot() {
  const db = services().store.sqlite
  return {
    keys: db.prepare('select * from api_keys order by id').all(),
    tiers: db.prepare('select * from tiers order by id').all(),
    settings: db.prepare('select * from settings order by key').all(),
    audit: db.prepare('select count(*) from audit_log').pluck().get(),
    souls: db.prepare('select * from souls order by id').all(),
    listings: db.prepare('select * from listings order by id').all(),
    subscriptions: db.prepare('select * from subscriptions order by id').all(),
    ledger: db.prepare('select count(*) from ledger').pluck().get(),
    purchases: db.prepare('select count(*) from purchases').pluck().get(),
    activity: db.prepare('select count(*) from activity').pluck().get(),
  }
}

// The demo marketplace (src-main/core/demo/demo-data.ts); demo.reset brings it back with the same ids.
const BUDGET_BEE = 'soul_0582a384a93ba1a3d804b24b' // holds 10.50 USDT
const OPERATOR_SOUL = 'soul_operator' // holds 500.00 USDT after seeding or a reset
const PAPER_CRAWLER = 'listing_125fa408090f6203fa094da7' // 25.00, one-time
const soulNamed = (name: string) => demoSouls.find((soul) => soul.name === name)!.id
const SCOUTBOT = soulNamed('ScoutBot')
const QUILL = soulNamed('Quill')
const unfilteredSearch = SEARCH_QUALITY_CASES.find((c) => c.query === 'web scraping' && c.filters === undefined)!

/** A soul made for one case, with `balanceCents` deposited: demo.reset removes it again. */
function freshSoul(name: string, balanceCents = 0): string {
  const id = `soul_${randomBytes(12).toString('hex')}`
  const { store, wallets } = services()
  store.run(store.db.insertInto('souls').values({ id, name, kind: 'agent', bio: '', capabilities: '[]', balance_cents: 0, created_at: Date.now() }))
  if (balanceCents > 0) wallets.deposit(id, balanceCents, 'cli')
  return id
}

/** A listing made for one case (by Quill unless told), with a title no demo listing shares. */
function freshListing(options: { title?: string; priceCents?: number; pricing?: 'one_time' | 'subscription'; sellerId?: string } = {}) {
  return services().listings.create(
    options.sellerId ?? QUILL,
    {
      title: options.title ?? `Contract fixture ${randomBytes(4).toString('hex')}`,
      description: 'Made by the contract test.',
      category: 'writing',
      priceCents: options.priceCents ?? 300,
      pricing: options.pricing ?? 'one_time',
      tags: ['fixture'],
    },
    'cli',
    server.origin,
  )
}

/** A fresh buyer (with `balanceCents`) who has just subscribed to a fresh subscription listing. */
function freshSubscription(priceCents: number, balanceCents: number) {
  const buyer = freshSoul('subscriber', balanceCents)
  const listing = freshListing({ priceCents, pricing: 'subscription' })
  const purchase = services().purchases.purchase(listing.id, { soulId: buyer, key: null })
  return { buyer, listing, purchase, subscriptionId: purchase.subscriptionId! }
}

const subscription = (id: string) => services().purchases.subscriptions(1, 200).data.find((s) => s.id === id)!

/** What a case saw before its call, for checks of what the call changed. */
const before = { beeCents: 0, offsetSeconds: 0, subscriptionId: '' }

/**
 * One valid call per method: the input (made against fresh rows, so cases are independent) and a check
 * of the output beyond its schema. The mapped type makes a missing method a compile error as well.
 */
const cases: { [M in MethodName]: Case<M> } = {
  ...playgroundCases(() => server),
  ...analyticsCases(() => server),
  ...serverConfigCases(() => server),
  ...dashboardCases(() => server),
  'keys.list': {
    input: () => {
      createKey(server, { name: 'listed' })
      return {}
    },
    check: (output: Array<{ name: string }>) => expect(output.some((k) => k.name === 'listed')).toBe(true),
  },
  'keys.create': {
    input: (t) => ({
      name: `created over ${t}`,
      scopes: ['chat', 'listings:read'],
      tierId: 'rpm-120',
      expiresAt: future(),
      spendingLimits: { perPurchase: '25.00', perDay: null },
    }),
    check: (output: { key: { id: string; name: string; tierId: string; spendingLimits: unknown; hint: string }; secret: string }, input) => {
      expect(output.key).toMatchObject({ name: input.name, tierId: 'rpm-120', spendingLimits: { perPurchase: '25.00', perDay: null } })
      expect(output.secret).toMatch(/^clw_[0-9A-Za-z]{32}$/)
      expect(output.key.hint).toBe(`${output.secret.slice(0, 8)}…${output.secret.slice(-4)}`)
      expect(services().keys.get(output.key.id).name).toBe(input.name)
    },
  },
  'keys.update': {
    input: () => ({ id: createKey(server, { name: 'to update' }).key.id, name: 'updated', tierId: 'rpm-300' }),
    check: (output: { name: string; tierId: string }) => expect(output).toMatchObject({ name: 'updated', tierId: 'rpm-300' }),
  },
  'keys.revoke': {
    input: () => ({ id: createKey(server, { name: 'to revoke' }).key.id }),
    check: (output: { status: string; revokedAt: string | null }) => {
      expect(output.status).toBe('revoked')
      expect(output.revokedAt).not.toBeNull()
    },
  },
  'keys.roll': {
    input: () => ({ id: createKey(server, { name: 'to roll' }).key.id, graceSeconds: 60 }),
    check: (output: { key: { id: string }; previous: { id: string; status: string; rolledToId: string | null }; secret: string }, input) => {
      expect(output.previous).toMatchObject({ id: input.id, status: 'grace', rolledToId: output.key.id })
      expect(output.secret).toMatch(/^clw_[0-9A-Za-z]{32}$/)
    },
  },
  'tiers.list': {
    input: () => ({}),
    check: (output: Array<{ id: string }>) =>
      expect(output.map((t) => t.id)).toEqual(expect.arrayContaining(['rpm-30', 'rpm-60', 'rpm-120', 'rpm-300', 'free', 'pro'])),
  },
  'tiers.create': {
    input: (t) => ({ name: `tier over ${t}`, limit: 10, windowSeconds: 90 }),
    check: (output: { limit: number; window: string; builtIn: boolean }) => expect(output).toMatchObject({ limit: 10, window: '90s', builtIn: false }),
  },
  'tiers.update': {
    input: () => ({ id: services().tiers.create({ name: 'to update', limit: 5, windowSeconds: 60 }, 'cli').id, limit: 20 }),
    check: (output: { limit: number }) => expect(output.limit).toBe(20),
  },
  'tiers.delete': {
    input: () => ({ id: services().tiers.create({ name: 'to delete', limit: 5, windowSeconds: 60 }, 'cli').id }),
    check: (output: { id: string; deleted: boolean }, input) => {
      expect(output).toEqual({ id: input.id, deleted: true })
      expect(services().tiers.limiterTier(input.id)).toBeUndefined()
    },
  },
  'requests.list': {
    input: async () => {
      expect((await fetch(`${server.apiBaseUrl}/health`)).status).toBe(200)
      return { limit: 10 }
    },
    check: (output: { rows: Array<{ path: string }>; total: number }) => {
      expect(output.rows.some((r) => r.path === '/api/v1/health')).toBe(true) // flushed before listing
      expect(output.total).toBeGreaterThan(0)
    },
  },
  'audit.list': {
    input: () => ({ limit: 5 }),
    check: (output: { entries: unknown[]; total: number }) => {
      expect(output.entries.length).toBeGreaterThan(0)
      expect(output.entries.length).toBeLessThanOrEqual(5)
    },
  },
  'server.status': {
    input: () => ({}),
    check: (output: { mode: string; apiBaseUrl: string }) => expect(output).toMatchObject({ mode: 'headless', apiBaseUrl: server.apiBaseUrl }),
  },
  'settings.get': {
    input: () => ({}),
    check: (output: { requestLogRetentionDays: number }) => expect(output.requestLogRetentionDays).toBeGreaterThan(0),
  },
  'settings.set': {
    input: (t) => ({ requestLogRetentionDays: t === 'http' ? 14 : 21 }),
    check: (output: { requestLogRetentionDays: number }, input) => {
      expect(output.requestLogRetentionDays).toBe(input.requestLogRetentionDays)
      expect(services().settings.get().requestLogRetentionDays).toBe(input.requestLogRetentionDays)
    },
  },
  'souls.list': {
    input: () => ({}),
    check: (output: MethodOutput<'souls.list'>) => {
      const ids = output.map((soul) => soul.id)
      expect(ids).toEqual(expect.arrayContaining([OPERATOR_SOUL, ...demoSouls.map((soul) => soul.id)]))
      expect(new Set(ids).size).toBe(ids.length)
      for (const soul of output) expect(soul.balance, soul.name).toBe(fromCents(services().wallets.balanceCents(soul.id)))
      expect(output.find((soul) => soul.id === SCOUTBOT)!.listingCount).toBe(demoListings.filter((l) => l.sellerId === SCOUTBOT).length)
    },
  },
  'souls.activity': {
    input: () => {
      const soul = freshSoul('active soul', 1_00)
      services().wallets.deposit(soul, 2_50, 'cli')
      return { id: soul, limit: 1 }
    },
    check: (output: MethodOutput<'souls.activity'>, input) => {
      expect(output.meta).toEqual({ page: 1, limit: 1, total: 2 })
      expect(output.data).toEqual([expect.objectContaining({ soulId: input.id, kind: 'wallet.deposit', summary: expect.stringContaining('2.50 USDT') })])
    },
  },
  'wallet.deposit': {
    input: () => {
      before.beeCents = services().wallets.balanceCents(BUDGET_BEE)
      return { soulId: BUDGET_BEE, amount: '12.34' }
    },
    check: (output: MethodOutput<'wallet.deposit'>) => {
      expect(output).toEqual({ soulId: BUDGET_BEE, balance: fromCents(before.beeCents + 12_34), currency: 'USDT' })
      expect(services().wallets.balanceCents(BUDGET_BEE)).toBe(before.beeCents + 12_34)
      expect(services().wallets.ledger(BUDGET_BEE, 1, 1).data[0]).toMatchObject({ kind: 'deposit', amount: '12.34', balanceAfter: output.balance })
      expect(services().wallets.ledgerSumCents(BUDGET_BEE)).toBe(before.beeCents + 12_34)
    },
  },
  'wallet.ledger': {
    input: () => {
      const soul = freshSoul('ledgered soul', 5_00)
      services().wallets.deposit(soul, 2_50, 'cli')
      return { soulId: soul, limit: 1 }
    },
    check: (output: MethodOutput<'wallet.ledger'>, input) => {
      expect(output.meta).toEqual({ page: 1, limit: 1, total: 2 })
      expect(output.data).toEqual([expect.objectContaining({ soulId: input.soulId, kind: 'deposit', amount: '2.50', balanceAfter: '7.50' })])
    },
  },
  'listings.list': {
    // Over HTTP a full-text query with a filter; over IPC a seller's listings by price.
    input: (t) => (t === 'http' ? { query: unfilteredSearch.query, category: 'automation', limit: 10 } : { sellerId: SCOUTBOT, sort: 'price_asc' }),
    check: (output: MethodOutput<'listings.list'>, input) => {
      expect(output.data.length).toBeGreaterThan(1)
      if (input.query) {
        expect(output.data[0].id).toBe(unfilteredSearch.expectedFirst)
        expect(output.meta.limit).toBe(10)
        for (const listing of output.data) expect(listing.category, listing.title).toBe('automation')
      } else {
        expect(output.meta.total).toBe(demoListings.filter((l) => l.sellerId === SCOUTBOT).length)
        for (const listing of output.data) expect(listing.sellerId).toBe(SCOUTBOT)
        const prices = output.data.map((listing) => Number(listing.price))
        expect(prices).toEqual([...prices].sort((a, b) => a - b))
      }
    },
  },
  'listings.update': {
    input: (t) =>
      t === 'http'
        ? { id: freshListing().id, price: '19.99', title: '  Renamed over http  ', tags: [' Tidy ', 'WORDS'], featured: true }
        : { id: freshListing().id, price: '0', pricing: 'subscription', category: ' Research ', description: 'New words.' },
    check: (output: MethodOutput<'listings.update'>, input) => {
      const stored = services().listings.get(input.id, server.origin)
      expect(output).toEqual(stored)
      if (input.title) expect(output).toMatchObject({ price: '19.99', title: 'Renamed over http', tags: ['tidy', 'words'], featured: true, category: 'writing' })
      else expect(output).toMatchObject({ price: '0.00', pricing: 'subscription', category: 'research', description: 'New words.', featured: false })
      expect(Date.parse(output.updatedAt)).toBeGreaterThanOrEqual(Date.parse(output.createdAt))
    },
  },
  'listings.delete': {
    input: () => ({ id: freshListing({ title: `Vanishing fixture ${randomBytes(4).toString('hex')}` }).id }),
    check: (output: MethodOutput<'listings.delete'>, input) => {
      expect(output.id).toBe(input.id)
      expect(() => services().listings.get(input.id, server.origin)).toThrow(/does not exist/)
      const found = services().listings.search(output.title, { page: 1, limit: 100 }, server.origin).data
      expect(found.map((listing) => listing.id)).not.toContain(input.id)
    },
  },
  'listings.stats': {
    input: () => {
      const listing = freshListing({ priceCents: 3_00 })
      for (const balance of [10_00, 20_00]) services().purchases.purchase(listing.id, { soulId: freshSoul('buyer', balance), key: null })
      return { id: listing.id, period: '7d' }
    },
    check: (output: MethodOutput<'listings.stats'>, input) =>
      expect(output).toEqual({ listingId: input.id, period: '7d', revenue: '6.00', purchases: 2, activeLicenses: 2, averageRating: 0 }),
  },
  'purchases.list': {
    input: () => {
      const buyer = freshSoul('buyer', 10_00)
      for (const priceCents of [1_00, 2_00]) services().purchases.purchase(freshListing({ priceCents }).id, { soulId: buyer, key: null })
      return { soulId: buyer, limit: 5 }
    },
    check: (output: MethodOutput<'purchases.list'>, input) => {
      expect(output.meta).toEqual({ page: 1, limit: 5, total: 2 })
      expect(output.data.map((p) => p.amount).sort()).toEqual(['1.00', '2.00'])
      for (const purchase of output.data) expect(purchase).toMatchObject({ buyerId: input.soulId, sellerId: QUILL, subscriptionId: null })
      expect(services().wallets.balanceCents(input.soulId!)).toBe(7_00)
    },
  },
  'subscriptions.list': {
    input: () => {
      const { buyer, subscriptionId } = freshSubscription(4_00, 10_00)
      before.subscriptionId = subscriptionId
      return { soulId: buyer }
    },
    check: (output: MethodOutput<'subscriptions.list'>, input) => {
      expect(output.meta.total).toBe(1)
      const [only] = output.data
      expect(only).toMatchObject({ id: before.subscriptionId, buyerId: input.soulId, price: '4.00', status: 'active', renewals: 0, endedAt: null })
      const days = (Date.parse(only.currentPeriodEnd) - Date.parse(only.currentPeriodStart)) / 86_400_000
      expect(days).toBeGreaterThanOrEqual(28)
      expect(days).toBeLessThanOrEqual(31)
    },
  },
  'subscriptions.cancel': {
    input: () => ({ id: freshSubscription(4_00, 10_00).subscriptionId }),
    check: (output: MethodOutput<'subscriptions.cancel'>, input) => {
      expect(output).toMatchObject({ id: input.id, status: 'cancelled', endReason: 'cancelled', renewals: 0 })
      expect(output.endedAt).not.toBeNull()
      // paid time stays usable
      expect(services().purchases.license(output.licenseKey)).toMatchObject({ status: 'cancelled', valid: true })
      expect(subscription(input.id).status).toBe('cancelled')
    },
  },
  'demo.reset': {
    input: () => {
      const { wallets, listings } = services()
      wallets.deposit(BUDGET_BEE, 100_00, 'cli')
      listings.update(PAPER_CRAWLER, { priceCents: 1_00, title: 'Cheap crawler' }, { operator: true, actor: 'cli' }, server.origin)
      freshSubscription(1_00, 5_00)
      return {}
    },
    check: (output: MethodOutput<'demo.reset'>) => {
      expect(output).toEqual({ souls: 34, listings: 150 })
      const { wallets, listings, souls, purchases } = services()
      expect(wallets.get(BUDGET_BEE).balance).toBe('10.50')
      expect(wallets.get(OPERATOR_SOUL).balance).toBe('500.00')
      expect(listings.get(PAPER_CRAWLER, server.origin)).toMatchObject({ price: '25.00', title: 'Academic Paper Crawler' })
      expect(souls.listWithWallets()).toHaveLength(35)
      expect(purchases.subscriptions(1, 1).meta.total).toBe(0)
      expect(purchases.all(1, 1).meta.total).toBe(0)
    },
  },
  'listings.categories': {
    input: () => ({}),
    check: (output: MethodOutput<'listings.categories'>) => {
      expect(output.map((c) => c.category)).toEqual(expect.arrayContaining(['automation', 'productivity', 'writing']))
      expect(output.map((c) => c.category)).toEqual([...output.map((c) => c.category)].sort())
      const counted = services().store.sqlite.prepare('select count(*) from listings where deleted_at is null').pluck().get() as number
      expect(output.reduce((sum, c) => sum + c.listings, 0)).toBe(counted)
    },
  },
  'clock.get': {
    input: () => ({}),
    check: (output: MethodOutput<'clock.get'>) => {
      expect(output.offsetSeconds).toBe(Math.round(services().marketClock.offsetMs() / 1000))
      expect(Math.abs(Date.parse(output.now) - Date.parse(output.realNow) - output.offsetSeconds * 1000)).toBeLessThan(1000)
      expect(Math.abs(Date.parse(output.realNow) - Date.now())).toBeLessThan(5_000)
    },
  },
  'clock.advance': {
    input: () => {
      before.offsetSeconds = services().marketClock.state().offsetSeconds
      before.subscriptionId = freshSubscription(4_00, 10_00).subscriptionId
      return { seconds: 31 * 86_400 }
    },
    check: (output: MethodOutput<'clock.advance'>, input) => {
      expect(output.offsetSeconds).toBe(before.offsetSeconds + input.seconds)
      expect(services().marketClock.state().offsetSeconds).toBe(output.offsetSeconds)
      expect(Math.abs(Date.parse(output.now) - Date.parse(output.realNow) - output.offsetSeconds * 1000)).toBeLessThan(1000)
      // a renewal due by the new marketplace time is charged before the call answers, and counted
      expect(subscription(before.subscriptionId)).toMatchObject({ status: 'active', renewals: 1 })
      expect(output.renewed).toBeGreaterThanOrEqual(1)
    },
  },
  'clock.reset': {
    input: () => {
      services().marketClock.advance(3600, 'cli')
      return {}
    },
    check: (output: MethodOutput<'clock.reset'>) => {
      expect(output.offsetSeconds).toBe(0)
      expect(services().marketClock.offsetMs()).toBe(0)
      expect(Math.abs(Date.parse(output.now) - Date.parse(output.realNow))).toBeLessThan(1000)
    },
  },
  'agents.list': {
    input: () => ({}),
    check: (output: MethodOutput<'agents.list'>) => {
      const bot = output.find((a) => a.slug === 'support-bot')!
      expect(bot).toMatchObject({ builtIn: true, provider: 'scripted', upstream: null })
      expect(bot.scripted!.rules.length).toBeGreaterThan(0)
    },
  },
  'agents.create': {
    input: (t) => ({
      slug: `echo-${t}-${randomBytes(3).toString('hex')}`,
      name: 'Echo',
      provider: 'scripted' as const,
      scripted: { rules: [{ match: '^say (.+)$', regex: true, reply: '{agent} says {1}' }], defaultReply: 'Say something.' },
    }),
    check: (output: MethodOutput<'agents.create'>, input: MethodInput<'agents.create'>) => {
      expect(output).toMatchObject({ slug: input.slug, builtIn: false, provider: 'scripted' })
      expect(output.id).toMatch(/^agent_/)
      expect(output.scripted!.chunkChars).toBe(16)
    },
  },
  'agents.update': {
    input: async () => {
      const agent = await services().agents.create(
        {
          slug: `up-${randomBytes(3).toString('hex')}`,
          name: 'Upstream',
          description: '',
          provider: 'openai-compatible',
          upstream: { baseUrl: 'http://127.0.0.1:9/v1', model: 'm', systemPrompt: '', temperature: null, timeoutSeconds: 30, apiKey: 'sk-contract-key' },
        },
        'cli',
      )
      return { id: agent.id, name: 'Renamed', upstream: { baseUrl: 'http://127.0.0.1:9/v1', model: 'other' } }
    },
    check: (output: MethodOutput<'agents.update'>) => {
      expect(output.name).toBe('Renamed')
      // Omitting apiKey keeps the stored key; it is never shown.
      expect(output.upstream).toMatchObject({ model: 'other', hasApiKey: true })
      expect(JSON.stringify(output)).not.toContain('sk-contract-key')
    },
  },
  'agents.delete': {
    input: async () => {
      const agent = await services().agents.create(
        { slug: `gone-${randomBytes(3).toString('hex')}`, name: 'Gone', description: '', provider: 'scripted', scripted: { rules: [], defaultReply: 'bye', chunkChars: 16, chunkDelayMs: 0 } },
        'cli',
      )
      return { id: agent.id }
    },
    check: (output: MethodOutput<'agents.delete'>) => expect(services().agents.list().some((a) => a.id === output.id)).toBe(false),
  },
  'agents.try': {
    input: () => ({ agent: 'support-bot', message: 'What are your business hours?' }),
    check: (output: MethodOutput<'agents.try'>) => {
      expect(output.response).toMatch(/business hours/)
      expect(output.conversationId).toMatch(/^conv_/)
      expect(output.usage.estimated).toBe(true)
      expect(services().chat.get(output.conversationId, { operator: true }).messages).toHaveLength(2)
    },
  },
  'conversations.list': {
    input: async () => {
      await services().chat.complete({ message: 'hello', agent: 'support-bot', caller: { operator: true }, requestId: 'req_contract' }, AbortSignal.timeout(5000))
      return { agent: 'support-bot', limit: 5 }
    },
    check: (output: MethodOutput<'conversations.list'>) => {
      expect(output.meta.total).toBeGreaterThan(0)
      expect(output.data.every((c) => c.agent === 'support-bot')).toBe(true)
    },
  },
  'conversations.get': {
    input: async () => {
      const done = await services().chat.complete({ message: 'hello', agent: 'support-bot', caller: { operator: true }, requestId: 'req_contract' }, AbortSignal.timeout(5000))
      return { id: done.conversationId }
    },
    check: (output: MethodOutput<'conversations.get'>) => {
      expect(output.messages.map((m) => m.role)).toEqual(['user', 'assistant'])
      expect(output.messages[0]!.content).toBe('hello')
    },
  },
  'inbox.list': {
    input: async () => {
      await services().inbox.receive('listed', 'POST', { 'content-type': 'text/plain' }, 'hello')
      return {}
    },
    check: (output: MethodOutput<'inbox.list'>) => expect(output.find((i) => i.name === 'listed')).toMatchObject({ hasSecret: false, url: expect.stringMatching(/\/inbox\/listed$/) }),
  },
  'inbox.messages': {
    input: async () => {
      await services().inbox.receive('paged', 'POST', {}, '{"event":"ping"}')
      return { name: 'paged' }
    },
    check: (output: MethodOutput<'inbox.messages'>) => expect(output.data[0]).toMatchObject({ inbox: 'paged', event: 'ping', body: '{"event":"ping"}' }),
  },
  'inbox.get': {
    input: async () => ({ id: (await services().inbox.receive('one', 'POST', {}, 'x')).id }),
    check: (output: MethodOutput<'inbox.get'>) => expect(output.verifications.map((v) => v.scheme)).toEqual(['standard-webhooks', 'clawget']),
  },
  'inbox.setSecret': {
    input: () => ({ name: 'secretive', secret: 'whsec_c2VjcmV0LWZvci10aGUtaW5ib3g=' }),
    check: (output: MethodOutput<'inbox.setSecret'>) => expect(output).toEqual({ name: 'secretive', hasSecret: true }),
  },
  'inbox.clear': {
    input: async () => {
      await services().inbox.receive('cleared', 'POST', {}, 'x')
      return { name: 'cleared' }
    },
    check: (output: MethodOutput<'inbox.clear'>) => expect(output.deleted).toBe(1),
  },
  'inbox.connect': {
    input: (t) => ({ name: `connected-${t}` }),
    check: (output: MethodOutput<'inbox.connect'>) => {
      expect(output.inbox.hasSecret).toBe(true)
      expect(output.endpoint.url).toBe(output.inbox.url)
    },
  },
  'webhooks.list': {
    input: async () => {
      await services().webhooks.create({ url: 'https://hooks.example/listed', events: ['*'] }, { operator: true }, 'cli')
      return {}
    },
    check: (output: MethodOutput<'webhooks.list'>) => expect(output.data.some((w) => w.url === 'https://hooks.example/listed')).toBe(true),
  },
  'webhooks.create': {
    input: (t) => ({ url: `https://hooks.example/${t}`, events: ['purchase.completed' as const] }),
    check: (output: MethodOutput<'webhooks.create'>) => {
      expect(output.secret).toMatch(/^whsec_/)
      expect(output.endpoint).toMatchObject({ enabled: true, soulId: null, events: ['purchase.completed'] })
      expect(JSON.stringify(output.endpoint)).not.toContain(output.secret)
    },
  },
  'webhooks.update': {
    input: async () => {
      const { endpoint } = await services().webhooks.create({ url: 'https://hooks.example/u', events: ['*'] }, { operator: true }, 'cli')
      return { id: endpoint.id, enabled: false, description: 'paused' }
    },
    check: (output: MethodOutput<'webhooks.update'>) => expect(output).toMatchObject({ enabled: false, description: 'paused', disabledReason: 'disabled by hand' }),
  },
  'webhooks.delete': {
    input: async () => ({ id: (await services().webhooks.create({ url: 'https://hooks.example/d', events: ['*'] }, { operator: true }, 'cli')).endpoint.id }),
    check: (output: MethodOutput<'webhooks.delete'>) => expect(services().webhooks.endpointRow(output.id)).toBeUndefined(),
  },
  'webhooks.ping': {
    input: async () => ({ id: (await services().webhooks.create({ url: 'http://127.0.0.1:9/ping', events: ['key.revoked'] }, { operator: true }, 'cli')).endpoint.id }),
    check: (output: MethodOutput<'webhooks.ping'>) => expect(output).toMatchObject({ event: 'ping', eventId: expect.stringMatching(/^evt_/) }),
  },
  'webhooks.rotateSecret': {
    input: async () => ({ id: (await services().webhooks.create({ url: 'https://hooks.example/r', events: ['*'] }, { operator: true }, 'cli')).endpoint.id }),
    check: (output: MethodOutput<'webhooks.rotateSecret'>) => {
      expect(output.secret).toMatch(/^whsec_/)
      expect(output.endpoint.rotatingUntil).not.toBeNull()
    },
  },
  'deliveries.list': {
    input: () => ({ event: 'ping', limit: 5 }),
    check: (output: MethodOutput<'deliveries.list'>) => expect(output.data.every((d) => d.event === 'ping')).toBe(true),
  },
  'deliveries.get': {
    input: async () => {
      const { endpoint } = await services().webhooks.create({ url: 'http://127.0.0.1:9/get', events: ['key.revoked'] }, { operator: true }, 'cli')
      return { id: services().webhooks.ping(endpoint.id, { operator: true }).id }
    },
    check: (output: MethodOutput<'deliveries.get'>) => expect(output.event).toBe('ping'),
  },
  'deliveries.redeliver': {
    input: async () => {
      const { endpoint } = await services().webhooks.create({ url: 'http://127.0.0.1:9/re', events: ['key.revoked'] }, { operator: true }, 'cli')
      return { id: services().webhooks.ping(endpoint.id, { operator: true }).id }
    },
    check: (output: MethodOutput<'deliveries.redeliver'>) => expect(output.status).toBe('pending'),
  },
  'deliveries.redeliverFailed': {
    input: () => ({ since: new Date(Date.now() - 3_600_000).toISOString() }),
    check: (output: MethodOutput<'deliveries.redeliverFailed'>) => expect(output.redelivered).toBeGreaterThanOrEqual(0),
  },
  'keys.setFaults': {
    input: () => ({ id: createKey(server, { name: 'faulty' }).key.id, faults: { kind: 'error_429' as const, percent: 25 } }),
    check: (output: MethodOutput<'keys.setFaults'>) =>
      expect(output.faults).toEqual({ kind: 'error_429', percent: 25, routes: 'all', latencyMs: 1000, afterChunks: 3, retryAfterSeconds: 1 }),
  },
}

/** Inputs each method must refuse: wrong types, out of range, and unknown keys (every schema is strict). */
const common: unknown[] = [{ unexpected: true }, 'a string', 42, [], true]
const invalid: { [M in MethodName]: unknown[] } = {
  ...playgroundInvalid,
  ...analyticsInvalid,
  ...serverConfigInvalid,
  ...dashboardInvalid,
  'keys.list': [{ includeRevoked: 'yes' }, { includeRevoked: true, unexpected: 1 }],
  'keys.create': [
    {},
    { name: 42 },
    { name: '' },
    { name: '   ' },
    { name: 'x'.repeat(101) },
    { name: 'x', scopes: ['root'] },
    { name: 'x', scopes: [] },
    { name: 'x', tierId: '' },
    { name: 'x', expiresAt: 'tomorrow' },
    { name: 'x', spendingLimits: { perDay: 25 } },
    { name: 'x', spendingLimits: { perDay: '1.234' } },
    { name: 'x', unexpected: 1 },
    { name: 'x', soulId: 42 },
    { name: 'x', soulId: '' },
    { name: 'x', spendingLimits: { perPurchase: '-5' } },
  ],
  'keys.update': [
    {},
    { id: 42 },
    { id: 'key_x', name: '' },
    { id: 'key_x', scopes: 'chat' },
    { id: 'key_x', secret: 'clw_x' },
    { id: 'key_x', soulId: 42 },
    { id: 'key_x', spendingLimits: { perDay: 100 } },
    { id: 'key_x', spendingLimits: { perPurchase: '1.234' } },
  ],
  'keys.revoke': [{}, { id: '' }, { id: 'x'.repeat(65) }, { id: 'key_x', force: true }],
  'keys.roll': [{ id: 'key_x', graceSeconds: -1 }, { id: 'key_x', graceSeconds: 1.5 }, { id: 'key_x', graceSeconds: 8 * 86400 }, { id: 'key_x', graceSeconds: '60' }],
  'tiers.list': [{ all: true }],
  'tiers.create': [
    { name: 't', limit: 0, windowSeconds: 60 },
    { name: 't', limit: '10', windowSeconds: 60 },
    { name: 't', limit: 10, windowSeconds: 0 },
    { name: 't', limit: 10 },
    { name: 't', limit: 10, windowSeconds: 60, builtIn: true },
  ],
  'tiers.update': [{ id: 'tier_x', limit: -5 }, { id: 'tier_x', windowSeconds: 1.5 }, { limit: 5 }],
  'tiers.delete': [{ id: null }, {}],
  'requests.list': [{ limit: 0 }, { limit: 5001 }, { statusClass: '6xx' }, { beforeSeq: -1 }, { pathContains: 'x'.repeat(201) }],
  'audit.list': [{ limit: 'all' }, { beforeId: 0 }, { action: 'x'.repeat(61) }],
  'server.status': [{ verbose: true }],
  'settings.get': [{ key: 'corsOrigins' }],
  'settings.set': [
    { requestLogRetentionDays: 0 },
    { requestLogRetentionDays: 3651 },
    { corsOrigins: ['not a url'] },
    { corsOrigins: 'http://allowed.example' },
    { allowedHosts: [''] },
    { adminToken: 'x' },
  ],
  'souls.list': [{ kind: 'agent' }],
  'souls.activity': [{}, { id: '' }, { id: 42 }, { id: BUDGET_BEE, page: 0 }, { id: BUDGET_BEE, limit: 201 }, { id: BUDGET_BEE, limit: 1.5 }, { id: BUDGET_BEE, kind: 'purchase' }],
  'wallet.deposit': [
    {},
    { soulId: BUDGET_BEE },
    { amount: '5.00' },
    { soulId: '', amount: '5.00' },
    { soulId: 'x'.repeat(65), amount: '5.00' },
    { soulId: BUDGET_BEE, amount: 5 },
    { soulId: BUDGET_BEE, amount: '12.345' },
    { soulId: BUDGET_BEE, amount: '-1' },
    { soulId: BUDGET_BEE, amount: '-1.00' },
    { soulId: BUDGET_BEE, amount: 'abc' },
    { soulId: BUDGET_BEE, amount: '' },
    { soulId: BUDGET_BEE, amount: '1e3' },
    { soulId: BUDGET_BEE, amount: ' 5' },
    { soulId: BUDGET_BEE, amount: '5.' },
    { soulId: BUDGET_BEE, amount: '1234567890' },
    { soulId: BUDGET_BEE, amount: '0' }, // refused by the wallet: a deposit must be more than 0.00
    { soulId: BUDGET_BEE, amount: '0.00' },
    { soulId: BUDGET_BEE, amount: '5.00', note: 'gift' },
  ],
  'wallet.ledger': [{}, { soulId: 42 }, { soulId: BUDGET_BEE, page: -1 }, { soulId: BUDGET_BEE, limit: 0 }, { soulId: BUDGET_BEE, kind: 'deposit' }],
  'listings.list': [
    { query: 'x'.repeat(201) },
    { query: 42 },
    { category: 'x'.repeat(61) },
    { featured: 'yes' },
    { sort: 'cheapest' },
    { sellerId: '' },
    { page: 0 },
    { limit: 201 },
    { maxPrice: 50 },
  ],
  'listings.update': [
    {},
    { title: 'No id' },
    { id: PAPER_CRAWLER, price: '12.345' },
    { id: PAPER_CRAWLER, price: 12 },
    { id: PAPER_CRAWLER, price: '-1' },
    { id: PAPER_CRAWLER, price: '1234567890' },
    { id: PAPER_CRAWLER, title: '' },
    { id: PAPER_CRAWLER, title: '   ' },
    { id: PAPER_CRAWLER, title: 'x'.repeat(201) },
    { id: PAPER_CRAWLER, pricing: 'monthly' },
    { id: PAPER_CRAWLER, tags: 'crawler' },
    { id: PAPER_CRAWLER, tags: [''] },
    { id: PAPER_CRAWLER, tags: Array.from({ length: 21 }, (_, i) => `tag${i}`) },
    { id: PAPER_CRAWLER, featured: 'true' },
    { id: PAPER_CRAWLER, sellerId: SCOUTBOT },
    { id: PAPER_CRAWLER, rating: 5 },
  ],
  'listings.delete': [{}, { id: '' }, { id: 42 }, { id: PAPER_CRAWLER, force: true }],
  'listings.stats': [{}, { id: PAPER_CRAWLER, period: '1y' }, { id: PAPER_CRAWLER, period: 30 }, { id: PAPER_CRAWLER, since: '2026-01-01' }],
  'purchases.list': [{ soulId: '' }, { soulId: 42 }, { page: 0 }, { limit: 500 }, { listingId: PAPER_CRAWLER }],
  'subscriptions.list': [{ soulId: '' }, { page: 1.5 }, { status: 'active' }],
  'subscriptions.cancel': [{}, { id: '' }, { id: 42 }, { id: 'sub_x', refund: true }],
  'demo.reset': [{ seed: 1 }, { confirm: true }],
  'listings.categories': [{ category: 'automation' }],
  'clock.get': [{ timezone: 'UTC' }],
  'clock.advance': [
    {},
    { seconds: 0 },
    { seconds: -60 },
    { seconds: 1.5 },
    { seconds: '60' },
    { seconds: 10 * 366 * 86_400 + 1 },
    { seconds: 60, unit: 'minutes' },
    { days: 31 },
  ],
  'clock.reset': [{ to: 0 }],
  'agents.list': [{ all: true }],
  'agents.create': [
    {},
    { slug: 'Bad Slug', name: 'x', provider: 'scripted', scripted: { defaultReply: 'x' } },
    { slug: 'ok', name: '', provider: 'scripted', scripted: { defaultReply: 'x' } },
    { slug: 'ok', name: 'x', provider: 'gpt' },
    { slug: 'ok', name: 'x', provider: 'scripted', scripted: { defaultReply: 'x', chunkDelayMs: -1 } },
    { slug: 'ok', name: 'x', provider: 'openai-compatible', upstream: { baseUrl: 'ftp://example.com', model: 'm' } },
    { slug: 'ok', name: 'x', provider: 'openai-compatible', upstream: { baseUrl: 'http://127.0.0.1:1/v1', model: 'm', temperature: 3 } },
  ],
  'agents.update': [{}, { id: 42 }, { id: 'agent_x', slug: 'NO SPACES' }],
  'agents.delete': [{}, { id: '' }],
  'agents.try': [{}, { agent: 'support-bot' }, { agent: 'support-bot', message: '' }, { agent: 'Not A Slug', message: 'hi' }],
  'conversations.list': [{ limit: 0 }, { page: 0 }, { agent: 'UPPER' }],
  'conversations.get': [{}, { id: 42 }],
  'inbox.list': [{ all: true }],
  'inbox.messages': [{}, { name: 'UPPER' }, { name: 'ok', limit: 0 }],
  'inbox.get': [{}, { id: 0 }, { id: 'x' }],
  'inbox.setSecret': [{}, { name: 'ok' }, { name: 'ok', secret: '' }, { name: 'has space', secret: 'x' }],
  'inbox.clear': [{}, { name: '' }],
  'inbox.connect': [{}, { name: 'ok', events: [] }, { name: 'ok', events: ['nope'] }],
  'webhooks.list': [{ page: 0 }],
  'webhooks.create': [{}, { url: 'https://x.example' }, { url: 'https://x.example', events: [] }, { url: 'https://x.example', events: ['nope'] }, { url: 'https://x.example', events: ['*'], secret: 'short' }],
  'webhooks.update': [{}, { id: 'whk_x', enabled: 'yes' }, { id: 'whk_x', events: [] }],
  'webhooks.delete': [{}, { id: '' }],
  'webhooks.ping': [{}],
  'webhooks.rotateSecret': [{}, { id: 'whk_x', overlapSeconds: -1 }],
  'deliveries.list': [{ status: 'lost' }, { since: 'yesterday' }],
  'deliveries.get': [{}],
  'deliveries.redeliver': [{}],
  'deliveries.redeliverFailed': [{}, { since: 'an hour ago' }],
  'keys.setFaults': [
    {},
    { id: 'key_x' },
    { id: 'key_x', faults: { kind: 'error_418', percent: 5 } },
    { id: 'key_x', faults: { kind: 'error_429', percent: 0 } },
    { id: 'key_x', faults: { kind: 'error_429', percent: 101 } },
    { id: 'key_x', faults: { kind: 'latency', percent: 5, latencyMs: 0 } },
    { id: 'key_x', faults: { kind: 'error_429', percent: 5, extra: 1 } },
  ],
}

const exercised = new Map<MethodName, Set<string>>()

describe.each(['http', 'ipc'] as const)('over %s', (name) => {
  const transport = () => transports[name]

  it.each(METHOD_NAMES)('%s answers valid input with ok and an output the contract accepts', async (method) => {
    const testCase = cases[method] as Case<MethodName> | undefined
    expect(testCase, `no valid case for contract method ${method}`).toBeDefined()
    const input = await testCase!.input(name)
    const { status, result } = await transport().call(method, input)
    if (!result.ok) throw new Error(`${method} over ${name}: ${result.error.code} ${result.error.message}`)
    if (status !== null) expect(status).toBe(200)
    const parsed = contract[method].output.safeParse(result.value)
    expect(parsed.success, parsed.success ? '' : parsed.error.message).toBe(true)
    testCase!.check?.(result.value as never, input as never)
    if (!exercised.has(method)) exercised.set(method, new Set())
    exercised.get(method)!.add(name)
  })

  it.each(METHOD_NAMES)('%s refuses invalid input with INVALID_INPUT and changes nothing', async (method) => {
    const inputs = [...common, ...(invalid[method] ?? [])]
    expect(invalid[method], `no invalid inputs for contract method ${method}`).toBeDefined()
    const before = snapshot()
    for (const input of inputs) {
      const { status, result } = await transport().call(method, input)
      expect(result, `${method} ${JSON.stringify(input)}`).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
      if (status !== null) expect(status, `${method} ${JSON.stringify(input)}`).toBe(400)
    }
    expect(snapshot()).toEqual(before)
  })

  it.each(['keys.nope', 'KEYS.LIST', 'keys.list ', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])(
    'answers the unknown method %j with UNKNOWN_METHOD',
    async (method) => {
      const { status, result } = await transport().call(method, {})
      expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } })
      if (status !== null) expect(status).toBe(404)
    },
  )

  it('answers a domain failure (revoking an unknown key) with NOT_FOUND, as data', async () => {
    const { status, result } = await transport().call('keys.revoke', { id: 'key_000000000000000000000000' })
    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
    if (status !== null) expect(status).toBe(404)
  })

  it('answers a rule violation (deleting a built-in tier) with CONFLICT and changes nothing', async () => {
    const before = snapshot()
    const { status, result } = await transport().call('tiers.delete', { id: 'rpm-60' })
    expect(result).toMatchObject({ ok: false, error: { code: 'CONFLICT' } })
    if (status !== null) expect(status).toBe(409)
    expect(snapshot()).toEqual(before)
  })

  it('answers marketplace calls naming an unknown soul, listing or subscription with NOT_FOUND and changes nothing', async () => {
    const deleted = freshListing()
    services().listings.delete(deleted.id, { operator: true, actor: 'cli' }, server.origin)
    const nobody = 'soul_000000000000000000000000'
    const calls: Array<[MethodName, unknown]> = [
      ['wallet.deposit', { soulId: nobody, amount: '5.00' }],
      ['souls.activity', { id: nobody }],
      ['keys.create', { name: 'acting as nobody', soulId: nobody }],
      ['keys.update', { id: createKey(server, { name: 'soulless' }).key.id, soulId: nobody }],
      ['listings.update', { id: 'listing_000000000000000000000000', price: '1.00' }],
      ['listings.update', { id: deleted.id, title: 'Back from the dead' }],
      ['listings.delete', { id: deleted.id }],
      ['listings.stats', { id: 'listing_000000000000000000000000' }],
      ['subscriptions.cancel', { id: 'sub_000000000000000000000000' }],
    ]
    const before = snapshot()
    for (const [method, input] of calls) {
      const { status, result } = await transport().call(method, input)
      expect(result, `${method} ${JSON.stringify(input)}`).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
      if (status !== null) expect(status, `${method} ${JSON.stringify(input)}`).toBe(404)
    }
    expect(snapshot()).toEqual(before)
  })

  it('sets the soul a key acts as and its spending limits on keys.create and keys.update; the operator\'s soul means none', async () => {
    const created = await transport().call('keys.create', {
      name: `bee's key over ${name}`,
      soulId: BUDGET_BEE,
      spendingLimits: { perPurchase: '25.00', perDay: '100' },
    })
    expect(created.result).toMatchObject({ ok: true, value: { key: { soulId: BUDGET_BEE, spendingLimits: { perPurchase: '25.00', perDay: '100.00' } } } })
    const id = (created.result as { ok: true; value: MethodOutput<'keys.create'> }).value.key.id
    const updated = await transport().call('keys.update', { id, soulId: OPERATOR_SOUL, spendingLimits: { perPurchase: null } })
    expect(updated.result).toMatchObject({ ok: true, value: { soulId: null, spendingLimits: { perPurchase: null, perDay: '100.00' } } })
    expect(services().keys.get(id)).toMatchObject({ soulId: null, spendingLimits: { perPurchase: null, perDay: '100.00' } })
  })

  it('refuses a deposit that would take a balance past the largest Money (999999999.99) with INVALID_INPUT', async () => {
    const before = snapshot()
    const { status, result } = await transport().call('wallet.deposit', { soulId: BUDGET_BEE, amount: '999999999.99' })
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    if (status !== null) expect(status).toBe(400)
    expect(snapshot()).toEqual(before)
  })

  it('refuses an unknown field inside spendingLimits with INVALID_INPUT', async () => {
    const existing = createKey(server).key.id
    const before = snapshot()
    for (const [method, input] of [
      ['keys.create', { name: 'limited', spendingLimits: { perMonth: '5.00' } }],
      ['keys.update', { id: existing, spendingLimits: { perday: '5.00' } }],
    ] as const) {
      const { status, result } = await transport().call(method, input)
      expect(result, `${method} ${JSON.stringify(input)}`).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
      if (status !== null) expect(status).toBe(400)
    }
    expect(snapshot().keys).toEqual(before.keys)
  })
})

describe('coverage of the contract', () => {
  it('exercised every method in METHOD_NAMES over both transports', () => {
    expect(METHOD_NAMES.length).toBeGreaterThan(0)
    const missing = METHOD_NAMES.filter((m) => !(exercised.get(m)?.has('http') && exercised.get(m)?.has('ipc')))
    expect(missing).toEqual([])
  })

  it('has a valid case and invalid inputs for exactly the methods of the contract', () => {
    expect(Object.keys(cases).sort()).toEqual([...METHOD_NAMES].sort())
    expect(Object.keys(invalid).sort()).toEqual([...METHOD_NAMES].sort())
  })
})

describe('HTTP transport authentication', () => {
  const rpc = (token: string | null, scheme = 'Bearer') =>
    fetch(`${server.origin}/admin/rpc/keys.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `${scheme} ${token}` }) },
      body: JSON.stringify({ name: 'should not exist' }),
    })

  it.each([
    ['no Authorization header', () => rpc(null)],
    ['a wrong token of the same length', () => rpc('x'.repeat(server.adminToken.length))],
    ['a shorter token', () => rpc(server.adminToken.slice(0, -1))],
    ['a longer token', () => rpc(`${server.adminToken}x`)],
    ['an empty token', () => rpc('')],
    ['the right token under another scheme', () => rpc(server.adminToken, 'Basic')],
    ['the right token with a suffix', () => rpc(`${server.adminToken} extra`)],
  ])('refuses %s with 401 UNAUTHORIZED and runs nothing', async (_label, send) => {
    const before = snapshot()
    const response = await send()
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' satisfies AdminErrorCode } })
    expect(snapshot()).toEqual(before)
  })

  it('refuses the event stream without the token with 401', async () => {
    const response = await fetch(`${server.origin}/admin/events`)
    expect(response.status).toBe(401)
    expect(response.headers.get('content-type')).not.toMatch(/event-stream/)
    await response.body?.cancel()
  })
})

describe('IPC transport sender checks', () => {
  it.each([
    ['a null senderFrame (navigated or destroyed)', null],
    ['a remote https page', { url: 'https://evil.example' }],
    ['a file: page', { url: 'file:///x' }],
    ['an http page on loopback', { url: 'http://127.0.0.1:7420/admin/' }],
  ])('refuses %s with FORBIDDEN_SENDER and never runs the handler', async (_label, frame) => {
    const before = snapshot()
    const result = (await ipcMain.invoke(frame, 'keys.create', { name: 'forged' })) as Result<unknown>
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } })
    expect(snapshot()).toEqual(before)
    expect(services().keys.list().some((k) => k.name === 'forged')).toBe(false)
  })

  it('answers a non-string method name with UNKNOWN_METHOD', async () => {
    for (const method of [42, null, undefined, { toString: () => 'keys.list' }]) {
      const result = (await ipcMain.invoke(TRUSTED, method, {})) as Result<unknown>
      expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } })
    }
  })

  it('records IPC changes under the actor "gui" and HTTP ones under "admin-http"', async () => {
    await transports.ipc.call('keys.create', { name: 'actor ipc' })
    await transports.http.call('keys.create', { name: 'actor http' })
    const { entries } = services().audit.list({ limit: 2, action: 'key.created' })
    expect(entries.map((e) => e.actor)).toEqual(['admin-http', 'gui'])
  })
})

describe('live events', () => {
  async function openStream() {
    const stream = await openEventStream(server.origin, server.adminToken)
    expect(stream.response.status).toBe(200)
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    return stream
  }

  async function waitFor<T>(find: () => T | undefined, what: string, timeoutMs = 5_000): Promise<T> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = find()
      if (found !== undefined) return found
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
      await new Promise((r) => setTimeout(r, 20))
    }
  }

  it('delivers requests.new for a request to /api/v1/me over IPC and over the SSE stream', async () => {
    const stream = await openStream()
    try {
      const { key, secret } = createKey(server, { name: 'event source' })
      ipcEvents.length = 0
      const response = await fetch(`${server.apiBaseUrl}/me`, { headers: { authorization: `Bearer ${secret}` } })
      expect(response.status).toBe(200)
      const requestId = response.headers.get('x-request-id')

      const viaIpc = await waitFor(
        () => ipcEvents.find((e) => e.name === 'requests.new' && (e.payload as Array<{ id: string }>).some((row) => row.id === requestId)),
        'requests.new over IPC',
      )
      const ipcRows = eventSchemas['requests.new'].parse(viaIpc.payload)
      expect(ipcRows.find((row) => row.id === requestId)).toMatchObject({ keyId: key.id, path: '/api/v1/me', status: 200, method: 'GET', source: 'api' })

      const viaSse = await waitFor(
        () => stream.received.find((e) => e.event === 'requests.new' && e.data.includes(requestId!)),
        'requests.new over SSE',
      )
      const sseRows = eventSchemas['requests.new'].parse(JSON.parse(viaSse.data))
      expect(sseRows.find((row) => row.id === requestId)).toMatchObject({ keyId: key.id, path: '/api/v1/me', status: 200 })
    } finally {
      await stream.close()
    }
  })

  it('delivers audit.new for keys.create over IPC and over the SSE stream', async () => {
    const stream = await openStream()
    try {
      ipcEvents.length = 0
      const { result } = await transports.http.call('keys.create', { name: 'audited' })
      expect(result.ok).toBe(true)
      const id = (result as { ok: true; value: { key: { id: string } } }).value.key.id

      const viaIpc = await waitFor(
        () => ipcEvents.find((e) => e.name === 'audit.new' && (e.payload as Array<{ targetId: string }>).some((a) => a.targetId === id)),
        'audit.new over IPC',
      )
      expect(eventSchemas['audit.new'].parse(viaIpc.payload)).toEqual([
        expect.objectContaining({ action: 'key.created', targetType: 'key', targetId: id, actor: 'admin-http' }),
      ])

      const viaSse = await waitFor(() => stream.received.find((e) => e.event === 'audit.new' && e.data.includes(id)), 'audit.new over SSE')
      const entries = eventSchemas['audit.new'].parse(JSON.parse(viaSse.data))
      expect(entries[0]).toMatchObject({ action: 'key.created', targetId: id })
      // the secret is not in the event
      expect(viaSse.data).not.toMatch(/clw_[0-9A-Za-z]{32}/)
    } finally {
      await stream.close()
    }
  })

  it('sends no event for a refused (invalid) call', async () => {
    ipcEvents.length = 0
    await transports.ipc.call('keys.create', { name: '' })
    await new Promise((r) => setTimeout(r, 150))
    expect(ipcEvents.filter((e) => e.name === 'audit.new')).toEqual([])
  })

  it('answers keys.create with its secret even when an event listener throws after the commit', async () => {
    const off = server.core.events.on('audit.new', () => {
      throw new Error('a broken listener')
    })
    try {
      const { result } = await transports.ipc.call('keys.create', { name: 'despite a broken listener' })
      expect(services().keys.list().some((k) => k.name === 'despite a broken listener')).toBe(true) // committed
      expect(result).toMatchObject({ ok: true, value: { secret: expect.stringMatching(/^clw_/) } })
    } finally {
      off()
    }
  })

  it('stops handling and forwarding once the IPC transport is disposed', async () => {
    const local = new MemoryIpcMain()
    const seen: string[] = []
    const dispose = registerIpcTransport({
      ipcMain: local,
      core: { dispatch: server.core.dispatch, events: server.core.events },
      isTrustedSender,
      sendEvent: (message) => seen.push(message.name),
    })
    expect(local.handlers.has(IPC_INVOKE_CHANNEL)).toBe(true)
    dispose()
    expect(local.handlers.has(IPC_INVOKE_CHANNEL)).toBe(false)
    services().keys.create({ name: 'after dispose' }, 'cli')
    expect(seen).toEqual([])
  })
})

describe('shutdown with an admin event stream open', () => {
  it('closes the core within 3 s while a client still holds GET /admin/events open', async () => {
    const own = await startServer()
    // node:http, so the test can drop the socket itself whatever happens
    const stream = await new Promise<{ destroy(): void; firstChunk: string }>((resolve, reject) => {
      const req = httpRequest(`${own.origin}/admin/events`, { headers: { authorization: `Bearer ${own.adminToken}` } }, (res) => {
        res.setEncoding('utf8')
        res.once('data', (chunk: string) => resolve({ destroy: () => req.destroy(), firstChunk: chunk }))
      })
      req.on('error', () => undefined)
      req.setTimeout(10_000, () => reject(new Error('no first chunk')))
      req.end()
    })
    expect(stream.firstChunk).toContain(': connected')
    const closing = own.close().then(() => 'closed' as const)
    const outcome = await Promise.race([closing, new Promise<'still open'>((r) => setTimeout(() => r('still open'), 3_000))])
    stream.destroy() // let a hung close finish, so the file's teardown does not wait on it
    await closing
    expect(outcome).toBe('closed')
  })
})
