import { afterEach, describe, expect, it } from 'vitest'
import { openServices, type Services } from '../../src-main/core/app'
import { ManualClock } from '../../src-main/core/clock'
import { tempDir } from '../helpers/core'

let services: Services
afterEach(() => services?.close())

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0)
const request = (at: number, keyId: string | null, status: number, latency = 2) => ({
  id: `req_${at}_${Math.random()}`,
  at,
  key_id: keyId,
  method: 'GET',
  path: '/api/v1/me',
  status,
  latency_ms: latency,
  error_code: status >= 400 ? 'X' : null,
  source: 'api',
  tokens_in: null,
  tokens_out: null,
  fault: null,
})

describe('RequestLog', () => {
  it('writes queued rows in one batch, rolls usage up per key per minute and moves last-used', async () => {
    const clock = new ManualClock(T0)
    services = await openServices(tempDir(), { clock, requestLogFlushMs: 10_000 })
    const { key } = services.keys.create({ name: 'k' }, 'cli')
    const seen: number[] = []
    const announced: Array<{ seq: number; id: string }> = []
    services.events.on('requests.new', (rows) => {
      seen.push(rows.length)
      announced.push(...rows.map(({ seq, id }) => ({ seq, id })))
    })
    services.requestLog.record(request(T0 + 1000, key.id, 200, 1))
    services.requestLog.record(request(T0 + 2000, key.id, 429, 3))
    services.requestLog.record(request(T0 + 61_000, key.id, 500, 5))
    services.requestLog.record(request(T0 + 3000, null, 401))
    expect(services.requestLog.list({ limit: 10 }).total).toBe(0) // still queued: no request waited for the disk
    await services.requestLog.flush()

    expect(seen).toEqual([4])
    const { rows, total } = services.requestLog.list({ limit: 10 })
    expect(total).toBe(4)
    expect(rows[0].seq).toBeGreaterThan(rows[1].seq)
    // The live event names each row by the seq it was stored under.
    expect(announced.sort((a, b) => a.seq - b.seq)).toEqual(rows.map(({ seq, id }) => ({ seq, id })).sort((a, b) => a.seq - b.seq))
    const usage = services.store.all(
      services.store.db
        .selectFrom('usage_minute')
        .select(['key_id', 'minute', 'requests', 'errors', 'limited', 'latency_sum_ms', 'latency_max_ms', 'tokens_in', 'tokens_out'])
        .orderBy('key_id')
        .orderBy('minute'),
    )
    // Each rollup row's latency histogram (analytics) counts every one of its requests once.
    const histograms = services.store.sqlite.prepare(`select requests, ${Array.from({ length: 44 }, (_, i) => `h${i}`).join(' + ')} as counted from usage_minute`).all() as Array<{ requests: number; counted: number }>
    for (const row of histograms) expect(row.counted).toBe(row.requests)
    expect(usage).toEqual([
      { key_id: '', minute: T0 / 60_000, requests: 1, errors: 1, limited: 0, latency_sum_ms: 2, latency_max_ms: 2, tokens_in: 0, tokens_out: 0 },
      { key_id: key.id, minute: T0 / 60_000, requests: 2, errors: 1, limited: 1, latency_sum_ms: 4, latency_max_ms: 3, tokens_in: 0, tokens_out: 0 },
      { key_id: key.id, minute: T0 / 60_000 + 1, requests: 1, errors: 1, limited: 0, latency_sum_ms: 5, latency_max_ms: 5, tokens_in: 0, tokens_out: 0 },
    ])
    expect(services.keys.get(key.id).lastUsedAt).toBe(new Date(T0 + 61_000).toISOString())
  })

  it('stores a batch larger than one insert chunk in order, each row announced under its stored seq', async () => {
    services = await openServices(tempDir(), { requestLogFlushMs: 10_000 })
    const announced: Array<{ seq: number; id: string }> = []
    services.events.on('requests.new', (rows) => announced.push(...rows.map(({ seq, id }) => ({ seq, id }))))
    const ids = Array.from({ length: 150 }, (_, i) => `req_${String(i).padStart(3, '0')}`)
    for (const [i, id] of ids.entries()) services.requestLog.record({ ...request(T0 + i, 'key_a', 200), id })
    await services.requestLog.flush()
    const { rows, total } = services.requestLog.list({ limit: 500 })
    expect(total).toBe(150)
    expect(rows.map((r) => r.id).reverse()).toEqual(ids)
    expect(announced).toEqual(rows.map(({ seq, id }) => ({ seq, id })).reverse())
  })

  it('filters by key, status class and path, and pages backwards', async () => {
    services = await openServices(tempDir(), { requestLogFlushMs: 10_000 })
    for (let i = 0; i < 30; i++) services.requestLog.record({ ...request(T0 + i, i % 2 ? 'key_a' : null, i % 3 ? 200 : 429), path: `/api/v1/p${i}` })
    await services.requestLog.flush()
    expect(services.requestLog.list({ limit: 100, keyId: 'key_a' }).total).toBe(15)
    expect(services.requestLog.list({ limit: 100, statusClass: '429' }).total).toBe(10)
    expect(services.requestLog.list({ limit: 100, statusClass: '4xx' }).total).toBe(10)
    expect(services.requestLog.list({ limit: 100, pathContains: 'p2' }).total).toBe(11) // p2, p20…p29
    expect(services.requestLog.list({ limit: 100, pathContains: 'P2' }).total).toBe(11) // case-insensitive, as in the GUI
    expect(services.requestLog.list({ limit: 100, pathContains: '%' }).total).toBe(0)
    const first = services.requestLog.list({ limit: 10 })
    const second = services.requestLog.list({ limit: 10, beforeSeq: first.rows.at(-1)!.seq })
    expect(second.rows[0].seq).toBe(first.rows.at(-1)!.seq - 1)
  })

  it('prunes rows and usage older than the retention period', async () => {
    const clock = new ManualClock(T0 + 40 * 86_400_000)
    services = await openServices(tempDir(), { clock })
    services.requestLog.record(request(T0, null, 200))
    services.requestLog.record(request(T0 + 39 * 86_400_000, null, 200))
    await services.requestLog.flush()
    expect(await services.requestLog.prune(30)).toBe(1)
    expect(services.requestLog.list({ limit: 10 }).total).toBe(1)
  })

  it('writes on its own after the flush interval', async () => {
    services = await openServices(tempDir(), { requestLogFlushMs: 20 })
    services.requestLog.record(request(T0, null, 200))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(services.requestLog.pending).toBe(0)
    expect(services.requestLog.list({ limit: 1 }).total).toBe(1)
  })
})

describe('RequestLog when the store refuses writes', () => {
  /** SQLite answers SQLITE_FULL past `max_page_count`: a real full database, without a full disk. */
  const capDatabase = (s: Services) => s.store.sqlite.pragma(`max_page_count = ${s.store.sqlite.pragma('page_count', { simple: true }) as number}`)
  const uncapDatabase = (s: Services) => s.store.sqlite.pragma('max_page_count = 1073741823')

  it('keeps the batch, reports failing, never throws from its timer, and writes every row once space returns', async () => {
    services = await openServices(tempDir(), { requestLogFlushMs: 5 })
    const errors: Array<{ error: unknown; recovered: boolean }> = []
    services.requestLog.onWriteError = (error, recovered) => errors.push({ error, recovered })
    capDatabase(services)
    for (let i = 0; i < 2_000; i++) services.requestLog.record(request(T0 + i, null, 200))
    await new Promise((resolve) => setTimeout(resolve, 50)) // the timer's flush fails: it must not throw
    expect(services.requestLog.health()).toMatchObject({ pending: 2_000, dropped: 0, failing: true })
    expect(services.requestLog.health().lastError).toMatch(/full/)
    expect(errors).toHaveLength(1)
    expect((errors[0].error as { code?: string }).code).toBe('SQLITE_FULL')
    expect(services.requestLog.list({ limit: 1 }).total).toBe(0)

    uncapDatabase(services)
    expect(await services.requestLog.flush()).toBe(true)
    expect(services.requestLog.health()).toMatchObject({ pending: 0, dropped: 0, failing: false, lastError: expect.stringMatching(/full/) })
    expect(errors.at(-1)).toEqual({ error: null, recovered: true })
    const { rows, total } = services.requestLog.list({ limit: 500 })
    expect(total).toBe(2_000)
    expect(new Set(rows.map((row) => row.id)).size).toBe(500)
  })

  it('retries on its own, with a growing delay, until the store takes the rows', async () => {
    services = await openServices(tempDir(), { requestLogFlushMs: 5 })
    capDatabase(services)
    for (let i = 0; i < 1_000; i++) services.requestLog.record(request(T0 + i, null, 200))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(services.requestLog.health().failing).toBe(true)
    uncapDatabase(services)
    const deadline = Date.now() + 5_000
    while (services.requestLog.health().failing && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
    expect(services.requestLog.health()).toMatchObject({ failing: false, pending: 0 })
    expect(services.requestLog.list({ limit: 10 }).total).toBe(1_000)
  })

  it('keeps at most MAX_PENDING_ROWS, dropping the oldest and counting them', async () => {
    const { MAX_PENDING_ROWS } = await import('../../src-main/core/usage/request-log')
    services = await openServices(tempDir(), { requestLogFlushMs: 5 })
    capDatabase(services)
    for (let i = 0; i < 1_000; i++) services.requestLog.record(request(T0 + i, null, 200))
    expect(await services.requestLog.flush()).toBe(false)
    for (let i = 1_000; i < MAX_PENDING_ROWS + 25; i++) services.requestLog.record(request(T0 + i, null, 200))
    expect(services.requestLog.health()).toMatchObject({ pending: MAX_PENDING_ROWS, dropped: 25, failing: true })
    uncapDatabase(services)
    await services.requestLog.flush()
    const newest = services.requestLog.list({ limit: 1 })
    expect(newest.total).toBe(MAX_PENDING_ROWS)
    expect(newest.rows[0].at).toBe(new Date(T0 + MAX_PENDING_ROWS + 24).toISOString())
  })

  it('counts what it could not write before closing as dropped, and closes without throwing', async () => {
    services = await openServices(tempDir(), { requestLogFlushMs: 10_000 })
    capDatabase(services)
    for (let i = 0; i < 1_000; i++) services.requestLog.record(request(T0 + i, null, 200))
    expect(() => services.requestLog.close()).not.toThrow()
    expect(services.requestLog.health()).toMatchObject({ pending: 0, dropped: 1_000 })
  })
})
