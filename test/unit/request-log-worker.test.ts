import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { openServices, type Services } from '../../src-main/core/app'
import { assertBuilt, REPO_ROOT } from '../helpers/reliability'
import { tempDir } from '../helpers/core'

/** The request log written on its own thread (the built worker), as the shipped app does where cores allow. */
const WORKER = join(REPO_ROOT, 'out', 'main', 'request-log-worker.js')
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0)
const row = (i: number, keyId: string | null, status = 200) => ({
  id: `req_${String(i).padStart(24, '0')}`,
  at: T0 + i,
  key_id: keyId,
  method: 'GET',
  path: `/api/v1/me?i=${i}`,
  status,
  latency_ms: 0.5 + (i % 3),
  error_code: status >= 400 ? 'X' : null,
  source: 'api',
  tokens_in: null,
  tokens_out: null,
  fault: null,
})

let services: Services | undefined
beforeAll(() => assertBuilt())
afterEach(() => {
  services?.close()
  services = undefined
})

describe('the request log on its writer thread', () => {
  it('writes every row, announces each under its stored seq, rolls usage up and moves last-used', async () => {
    services = await openServices(tempDir(), { requestLogWorker: WORKER, requestLogFlushMs: 10 })
    const { key } = services.keys.create({ name: 'k' }, 'cli')
    const announced: Array<{ seq: number; id: string }> = []
    services.events.on('requests.new', (rows) => announced.push(...rows.map(({ seq, id }) => ({ seq, id }))))
    for (let i = 0; i < 1_234; i++) services.requestLog.record(row(i, i % 2 ? key.id : null, i % 10 ? 200 : 429))
    expect(await services.requestLog.flush()).toBe(true)

    const stored = services.store.sqlite.prepare('select seq, id from request_log order by seq').all() as Array<{ seq: number; id: string }>
    expect(stored).toHaveLength(1_234)
    expect(announced).toEqual(stored)
    const usage = services.store.sqlite.prepare('select key_id, sum(requests) n, sum(limited) l from usage_minute group by key_id order by key_id').all()
    expect(usage).toEqual([
      { key_id: '', n: 617, l: 124 },
      { key_id: key.id, n: 617, l: 0 },
    ])
    expect(services.keys.get(key.id).lastUsedAt).toBe(new Date(T0 + 1_233).toISOString())
  })

  it('has written every recorded row once close() returns, also rows recorded an instant before', async () => {
    const dataDir = tempDir()
    services = await openServices(dataDir, { requestLogWorker: WORKER, requestLogFlushMs: 5 })
    for (let i = 0; i < 10_000; i++) services.requestLog.record(row(i, null))
    services.close()
    services = undefined
    const reopened = await openServices(dataDir)
    try {
      expect(reopened.store.sqlite.prepare('select count(*) from request_log').pluck().get()).toBe(10_000)
      expect(reopened.store.sqlite.prepare('select count(distinct id) from request_log').pluck().get()).toBe(10_000)
      expect(reopened.requestLog.health()).toMatchObject({ pending: 0, dropped: 0 })
    } finally {
      reopened.close()
    }
  })

  it('prunes on the writer thread', async () => {
    services = await openServices(tempDir(), { requestLogWorker: WORKER, requestLogFlushMs: 10_000 })
    services.requestLog.record(row(0, null))
    services.requestLog.record({ ...row(1, null), at: Date.now() })
    await services.requestLog.flush()
    expect(await services.requestLog.prune(30)).toBe(1)
    expect(services.requestLog.list({ limit: 10 }).total).toBe(1)
  })
})
