import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { rmSync } from 'node:fs'
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, Migrator, SqliteDialect } from 'kysely'
import type { AnalyticsRange, AnalyticsRevenue, AnalyticsUsage } from '../../src-shared/analytics'
import { Faults } from '../../src-shared/agents'
import { ManualClock } from '../../src-main/core/clock'
import { migrationProvider } from '../../src-main/core/db/migrations'
import { Store } from '../../src-main/core/db/store'
import { flatten, LATENCY_BUCKETS, latencyBound, latencyBucket, RequestLogWriter, type LoggedRequest } from '../../src-main/core/usage/request-log-writer'
import { latencyPercentile } from '../../src-main/core/usage/analytics.service'
import { createKey, startServer, tempDir, type TestServer } from '../helpers/core'

/**
 * analytics.usage and analytics.revenue against a real server: real HTTP requests from several keys
 * (a tiny tier's 429s, 404s, injected 500s and delays, a call without a key) spread over three minutes of
 * a manual clock, then the admin RPC's answers checked against what was sent and against the request
 * log's own rows: totals, status mix, per-bucket and per-key series, and percentiles within the
 * histogram's resolution (a factor √2) of the exact ones.
 */

const T0 = Date.UTC(2026, 0, 1, 12, 0, 20)
const MINUTE = 60_000
const SLOW_MS = 60

let server: TestServer
let clock: ManualClock
const keys = { tiny: '', plain: '', slow: '', failing: '' }

async function rpc<T>(method: string, input: unknown): Promise<T> {
  const response = await fetch(`${server.origin}/admin/rpc/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  })
  const body = (await response.json()) as { ok: boolean; value: T; error?: { code: string } }
  if (!body.ok) throw Object.assign(new Error(JSON.stringify(body.error)), { code: body.error?.code })
  return body.value
}

const usage = (range: AnalyticsRange, keyId?: string | null) => rpc<AnalyticsUsage>('analytics.usage', { range, ...(keyId !== undefined && { keyId }) })

async function send(secret: string | null, path: string, times = 1): Promise<number[]> {
  const statuses: number[] = []
  for (let i = 0; i < times; i++) {
    const response = await fetch(`${server.apiBaseUrl}${path}`, { headers: secret ? { authorization: `Bearer ${secret}` } : {} })
    await response.arrayBuffer()
    statuses.push(response.status)
  }
  return statuses
}

/** The request log's own rows, for the exact figures the rollup must agree with. */
function loggedRows(where = 'true', ...parameters: unknown[]): Array<{ key_id: string | null; at: number; status: number; latency_ms: number }> {
  return server.core.services.store.sqlite.prepare(`select key_id, at, status, latency_ms from request_log where ${where} order by latency_ms`).all(...parameters) as never
}

/** The nearest-rank percentile of sorted latencies: what the histogram's answer approximates. */
const exactPercentile = (sorted: number[], q: number) => sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]

/** The estimate lies in the true value's histogram bucket: within a factor √2, or both in the first bucket (≤ 31 µs). */
function expectWithinResolution(estimate: number | null, exact: number) {
  expect(estimate).not.toBeNull()
  if (exact <= latencyBound(0)) return expect(estimate!).toBeLessThanOrEqual(latencyBound(0))
  expect(estimate!).toBeGreaterThanOrEqual(exact / Math.SQRT2 - 1e-3)
  expect(estimate!).toBeLessThanOrEqual(exact * Math.SQRT2 + 1e-3)
  expect(latencyBucket(estimate!)).toBeGreaterThanOrEqual(latencyBucket(exact) - 1) // interpolation may land on the lower bound itself
  expect(latencyBucket(estimate!)).toBeLessThanOrEqual(latencyBucket(exact))
}

function expectOrderedPercentiles(latency: { p50Ms: number | null; p95Ms: number | null; p99Ms: number | null }, maxMs: number) {
  expect(latency.p50Ms!).toBeLessThanOrEqual(latency.p95Ms!)
  expect(latency.p95Ms!).toBeLessThanOrEqual(latency.p99Ms!)
  expect(latency.p99Ms!).toBeLessThanOrEqual(maxMs)
}

describe('analytics.usage over real traffic', () => {
  beforeAll(async () => {
    clock = new ManualClock(T0)
    server = await startServer({ clock })
    const { services } = server.core
    const tiny = services.tiers.create({ name: 'Tiny', limit: 3, windowSeconds: 60 }, 'cli')
    const tinyKey = createKey(server, { name: 'tiny tier', tierId: tiny.id })
    const plainKey = createKey(server, { name: 'plain' })
    const slowKey = createKey(server, { name: 'slow' })
    const failingKey = createKey(server, { name: 'failing' })
    services.keys.setFaults(slowKey.key.id, Faults.parse({ kind: 'latency', percent: 100, latencyMs: SLOW_MS }), 'cli')
    services.keys.setFaults(failingKey.key.id, Faults.parse({ kind: 'error_500', percent: 100 }), 'cli')
    Object.assign(keys, { tiny: tinyKey.key.id, plain: plainKey.key.id, slow: slowKey.key.id, failing: failingKey.key.id })

    // Minute 0: the tiny tier's key, 3 answered and 2 refused.
    expect(await send(tinyKey.secret, '/me', 5)).toEqual([200, 200, 200, 429, 429])
    // Minute 1: the plain key, 4 answered and 2 not found (an unknown listing: a 404 after the key was checked).
    clock.advance(MINUTE)
    expect([...(await send(plainKey.secret, '/me', 4)), ...(await send(plainKey.secret, '/listings/listing_doesnotexist', 2))]).toEqual([200, 200, 200, 200, 404, 404])
    // Minute 2: the slow key (every answer delayed), the failing key (injected 500s) and a call without a key.
    clock.advance(MINUTE)
    expect(await send(slowKey.secret, '/me', 4)).toEqual([200, 200, 200, 200])
    expect(await send(failingKey.secret, '/me', 2)).toEqual([500, 500])
    expect(await send(null, '/me')).toEqual([401])
    clock.advance(10_000)
  })

  afterAll(async () => {
    await server?.close()
  })

  it('counts every request, error and 429 of the last hour, with the status mix adding up to the requests', async () => {
    const result = await usage('1h')
    const rows = loggedRows()
    expect(rows).toHaveLength(18)
    expect(result.totals).toMatchObject({ requests: 18, errors: 7, limited: 2, statusMix: { '2xx': 11, '3xx': 0, '4xx': 3, '429': 2, '5xx': 2 } })
    expect(result.totals.errors).toBe(rows.filter((row) => row.status >= 400).length)
    expect(result.keysWithTraffic).toBe(5)
    expect(result).toMatchObject({ range: '1h', bucketSeconds: 60, since: new Date(Date.UTC(2026, 0, 1, 11, 3)).toISOString() })
    expect(result).not.toHaveProperty('keyId')
  })

  it('puts each minute’s requests in its own bucket, the others zero with no latency', async () => {
    const { buckets } = await usage('1h')
    expect(buckets).toHaveLength(60)
    const start = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString()
    const active = buckets.filter((bucket) => bucket.requests > 0)
    expect(active.map(({ start, requests, errors, limited }) => ({ start, requests, errors, limited }))).toEqual([
      { start: start(0), requests: 5, errors: 2, limited: 2 },
      { start: start(1), requests: 6, errors: 2, limited: 0 },
      { start: start(2), requests: 7, errors: 3, limited: 0 },
    ])
    expect(buckets.at(-1)!.start).toBe(start(2)) // the current minute is the last bucket
    for (const bucket of buckets.filter((b) => b.requests === 0)) expect(bucket).toMatchObject({ errors: 0, limited: 0, p50Ms: null, p95Ms: null, p99Ms: null })
  })

  it('ranks the keys by requests, each with its own series, and "no key" for calls without one', async () => {
    const { topKeys } = await usage('1h')
    expect(topKeys.map(({ keyId, name, requests, errors, limited }) => ({ keyId, name, requests, errors, limited }))).toEqual([
      { keyId: keys.plain, name: 'plain', requests: 6, errors: 2, limited: 0 },
      { keyId: keys.tiny, name: 'tiny tier', requests: 5, errors: 2, limited: 2 },
      { keyId: keys.slow, name: 'slow', requests: 4, errors: 0, limited: 0 },
      { keyId: keys.failing, name: 'failing', requests: 2, errors: 2, limited: 0 },
      { keyId: null, name: null, requests: 1, errors: 1, limited: 0 },
    ])
    const tiny = topKeys.find((key) => key.keyId === keys.tiny)!
    expect(tiny.series).toHaveLength(60)
    expect(tiny.series.filter((bucket) => bucket.requests > 0)).toEqual([{ requests: 5, errors: 2, limited: 2 }])
    expect(tiny.series.at(-3)).toEqual({ requests: 5, errors: 2, limited: 2 }) // minute 0 of the three
  })

  it('filters to one key, or to the calls without a key', async () => {
    const tiny = await usage('1h', keys.tiny)
    expect(tiny.keyId).toBe(keys.tiny)
    expect(tiny.totals).toMatchObject({ requests: 5, errors: 2, limited: 2, statusMix: { '2xx': 3, '429': 2, '4xx': 0, '5xx': 0 } })
    expect(tiny.topKeys.map((key) => key.keyId)).toEqual([keys.tiny])
    const failing = await usage('1h', keys.failing)
    expect(failing.totals.statusMix).toEqual({ '2xx': 0, '3xx': 0, '4xx': 0, '429': 0, '5xx': 2 })
    const none = await usage('1h', null)
    expect(none.keyId).toBeNull()
    expect(none.totals).toMatchObject({ requests: 1, errors: 1, statusMix: { '4xx': 1 } })
    expect(none.topKeys).toEqual([expect.objectContaining({ keyId: null, requests: 1 })])
  })

  it('refuses an unknown key rather than charting silence', async () => {
    await expect(usage('1h', 'key_doesnotexist')).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('reads percentiles within the histogram’s resolution of the exact ones, overall, per minute and per key', async () => {
    const result = await usage('1h')
    const all = loggedRows().map((row) => row.latency_ms)
    const { latency } = result.totals
    expect(latency.maxMs).toBe(Math.max(...all))
    expect(latency.meanMs).toBeCloseTo(all.reduce((a, b) => a + b, 0) / all.length, 2)
    expectOrderedPercentiles(latency, latency.maxMs!)
    expectWithinResolution(latency.p50Ms, exactPercentile(all, 0.5))
    expectWithinResolution(latency.p95Ms, exactPercentile(all, 0.95))
    expectWithinResolution(latency.p99Ms, exactPercentile(all, 0.99))
    // The slow key's 4 of 18 requests took at least SLOW_MS: the tail shows them, the median does not.
    expect(latency.p95Ms!).toBeGreaterThanOrEqual(SLOW_MS / Math.SQRT2)
    expect(latency.p50Ms!).toBeLessThan(SLOW_MS / Math.SQRT2)

    // Minute 2's bucket: the slow key's, the failing key's and the keyless call's latencies.
    const minute2 = result.buckets.at(-1)!
    const rows2 = loggedRows('at >= ?', Date.UTC(2026, 0, 1, 12, 2)).map((row) => row.latency_ms)
    expect(rows2).toHaveLength(7)
    for (const [q, value] of [[0.5, minute2.p50Ms], [0.95, minute2.p95Ms], [0.99, minute2.p99Ms]] as const) expectWithinResolution(value, exactPercentile(rows2, q))
    expectOrderedPercentiles(minute2, Math.max(...rows2))

    const slow = result.topKeys.find((key) => key.keyId === keys.slow)!
    const slowRows = loggedRows('key_id = ?', keys.slow).map((row) => row.latency_ms)
    expect(Math.min(...slowRows)).toBeGreaterThanOrEqual(SLOW_MS - 1)
    expectWithinResolution(slow.p95Ms, exactPercentile(slowRows, 0.95))
  })

  it('cuts 24 hours into 96 quarter-hours and 30 days into 120 six-hour buckets, with the same totals', async () => {
    for (const [range, seconds, count] of [['24h', 900, 96], ['30d', 21_600, 120]] as const) {
      const result = await usage(range)
      expect(result.bucketSeconds).toBe(seconds)
      expect(result.buckets).toHaveLength(count)
      expect(Date.parse(result.until) - Date.parse(result.since)).toBe(seconds * 1000 * count)
      expect(Date.parse(result.until)).toBeGreaterThan(clock.now())
      expect(result.totals).toMatchObject({ requests: 18, errors: 7, limited: 2 })
      expect(result.buckets.reduce((sum, bucket) => sum + bucket.requests, 0)).toBe(18)
      expect(result.buckets.filter((bucket) => bucket.requests > 0)).toHaveLength(1) // 12:00–12:03 is one bucket of either
      expect(result.buckets.at(-1)!.requests).toBe(18)
    }
  })

  it('forgets the requests once the range has moved past them', async () => {
    clock.advance(61 * MINUTE)
    const hour = await usage('1h')
    expect(hour.totals.requests).toBe(0)
    expect(hour.totals.latency).toEqual({ p50Ms: null, p95Ms: null, p99Ms: null, maxMs: null, meanMs: null })
    expect(hour.topKeys).toEqual([])
    expect((await usage('24h')).totals.requests).toBe(18)
    clock.set(T0 + 2 * MINUTE + 10_000)
  })

  it('charts seller revenue per bucket and per seller, from the ledger in marketplace time', async () => {
    const { services } = server.core
    const pick = (n: number) => services.listings.list({ page: 1, limit: 50, sort: 'price_asc' }, server.origin).data.filter((l) => l.pricing === 'one_time' && Number(l.price) > 0 && l.sellerId !== 'soul_operator')[n]
    const [first, second] = [pick(0), pick(1)]
    const cents = (money: string) => Math.round(Number(money) * 100)
    services.purchases.purchase(first.id, { soulId: 'soul_operator', key: null })
    await rpc('clock.advance', { seconds: 2 * 3600 })
    services.purchases.purchase(second.id, { soulId: 'soul_operator', key: null })

    const hour = await rpc<AnalyticsRevenue>('analytics.revenue', { range: '1h' })
    expect(hour.revenue).toBe(second.price)
    expect(hour.sales).toBe(1)
    expect(hour.sellers.map((s) => s.sellerId)).toEqual([second.sellerId])
    expect(Date.parse(hour.at)).toBe(services.marketClock.now()) // marketplace time, two hours ahead

    const day = await rpc<AnalyticsRevenue>('analytics.revenue', { range: '24h' })
    expect(day.buckets).toHaveLength(96)
    expect(day.sales).toBe(2)
    expect(cents(day.revenue)).toBe(cents(first.price) + cents(second.price))
    const earning = day.buckets.filter((bucket) => bucket.revenue !== '0.00')
    expect(earning.map((bucket) => bucket.revenue)).toEqual([first.price, second.price])
    expect(Date.parse(earning[1].start) - Date.parse(earning[0].start)).toBe(2 * 3600_000)
    const bySeller = new Map(day.sellers.map((s) => [s.sellerId, s]))
    for (const listing of [first, second]) expect(bySeller.get(listing.sellerId)!.series.some((money) => money === listing.price)).toBe(true)
    expect(day.sellers.reduce((sum, s) => sum + cents(s.revenue), 0)).toBe(cents(day.revenue))
  })
})

describe('the rollup’s latency histogram', () => {
  const row = (latency: number, status = 200, keyId: string | null = 'key_a', at = T0): LoggedRequest => ({
    id: `req_${Math.random().toString(36).slice(2)}`,
    at,
    key_id: keyId,
    method: 'GET',
    path: '/api/v1/me',
    status,
    latency_ms: latency,
    error_code: null,
    source: 'api',
    tokens_in: null,
    tokens_out: null,
    fault: null,
  })
  const histogramOf = (store: Store) =>
    store.sqlite
      .prepare(`select key_id, minute, requests, status_2xx, status_3xx, status_4xx, status_5xx, limited, ${Array.from({ length: LATENCY_BUCKETS }, (_, i) => `h${i}`).join(', ')} from usage_minute order by key_id, minute`)
      .all() as Array<Record<string, number | string>>
  const batch = [
    row(0),
    row(0.03125),
    row(0.032),
    row(1),
    row(1.0001),
    row(0.35, 404),
    row(12.5, 429),
    row(65_536, 503),
    row(120_000, 302),
    row(3, 200, null),
    row(7, 200, 'key_a', T0 + MINUTE),
  ]

  it('puts each latency in the bucket whose bound first covers it, the same from the JSON batch and the flat one', async () => {
    const dirs = [tempDir(), tempDir()]
    const [flatStore, jsonStore] = await Promise.all(dirs.map((dir) => Store.open({ file: join(dir, 'clawhq.db') })))
    try {
      new RequestLogWriter(flatStore).write(flatten(batch))
      new RequestLogWriter(jsonStore).writeJson(JSON.stringify(batch))
      const flat = histogramOf(flatStore)
      expect(histogramOf(jsonStore)).toEqual(flat)
      const keyA = flat.find((r) => r.key_id === 'key_a' && r.minute === Math.floor(T0 / MINUTE))!
      expect(keyA).toMatchObject({ requests: 9, status_2xx: 5, status_3xx: 1, status_4xx: 1, limited: 1, status_5xx: 1 })
      const expected = new Array<number>(LATENCY_BUCKETS).fill(0)
      for (const r of batch.slice(0, 9)) expected[latencyBucket(r.latency_ms)]++
      expect(Array.from({ length: LATENCY_BUCKETS }, (_, i) => keyA[`h${i}`])).toEqual(expected)
      // The bounds themselves: 0 and 31.25 µs in h0, just above in h1; 1 ms in h10, just above in h11; the slowest in h43.
      expect([0, 0.03125, 0.032, 1, 1.0001, 65_536, 120_000].map(latencyBucket)).toEqual([0, 0, 1, 10, 11, 42, 43])
      expect(flat.find((r) => r.key_id === '')).toMatchObject({ requests: 1, h14: 1 }) // 3 ms: 2^1.5 ≈ 2.83 < 3 ≤ 4 = h14's bound
    } finally {
      flatStore.sqlite.close()
      jsonStore.sqlite.close()
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
    }
  })

  it('fills the histogram of minutes rolled up before it existed from the request log, when the store is upgraded', async () => {
    const dir = tempDir()
    const file = join(dir, 'clawhq.db')
    // A store as the previous release left it: migrated up to the playground, with a minute rolled up the old way.
    const sqlite = new BetterSqlite3(file)
    const db = new Kysely<never>({ dialect: new SqliteDialect({ database: sqlite }) })
    const { error } = await new Migrator({ db, provider: migrationProvider }).migrateTo('2026-12-06-001-playground')
    expect(error).toBeUndefined()
    const insert = sqlite.prepare(
      'insert into request_log (id, at, key_id, method, path, status, latency_ms, error_code, source) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    )
    const old = batch.slice(0, 9)
    for (const r of old) insert.run(r.id, r.at, r.key_id, r.method, r.path, r.status, r.latency_ms, r.error_code, r.source)
    sqlite
      .prepare('insert into usage_minute (key_id, minute, requests, errors, limited, latency_sum_ms, latency_max_ms) values (?, ?, ?, ?, ?, ?, ?)')
      .run('key_a', Math.floor(T0 / MINUTE), 9, 4, 1, 0, 120_000)
    await db.destroy()

    const store = await Store.open({ file })
    try {
      const [upgraded] = histogramOf(store)
      expect(upgraded).toMatchObject({ requests: 9, status_2xx: 5, status_3xx: 1, status_4xx: 1, status_5xx: 1 })
      const expected = new Array<number>(LATENCY_BUCKETS).fill(0)
      for (const r of old) expected[latencyBucket(r.latency_ms)]++
      expect(Array.from({ length: LATENCY_BUCKETS }, (_, i) => upgraded[`h${i}`])).toEqual(expected)
    } finally {
      store.sqlite.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('reads a percentile from the bucket holding its rank, never above the largest latency', () => {
    const histogram = new Array<number>(LATENCY_BUCKETS).fill(0)
    expect(latencyPercentile(histogram, 0.5, 0)).toBeNull()
    histogram[10] = 90 // (0.707, 1] ms
    histogram[20] = 10 // (22.6, 32] ms
    expect(latencyPercentile(histogram, 0.5, 30)).toBeGreaterThan(latencyBound(9))
    expect(latencyPercentile(histogram, 0.5, 30)).toBeLessThanOrEqual(1)
    expect(latencyPercentile(histogram, 0.9, 30)).toBe(1) // the 90th of 100 is the last of bucket 10
    expect(latencyPercentile(histogram, 0.95, 30)).toBeGreaterThan(latencyBound(19))
    expect(latencyPercentile(histogram, 0.99, 30)).toBeLessThanOrEqual(30)
    expect(latencyPercentile(histogram, 1, 30)).toBe(30)
  })
})
