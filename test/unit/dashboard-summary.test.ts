import { afterEach, describe, expect, it } from 'vitest'
import { dashboardHandlers } from '../../src-main/core/admin/dashboard.handlers'
import type { AdminContext } from '../../src-main/core/admin/handlers'
import { openServices, type Services } from '../../src-main/core/app'
import { ManualClock } from '../../src-main/core/clock'
import { tempDir } from '../helpers/core'

let services: Services
afterEach(() => services?.close())

const MINUTE = 60_000
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0)
const CONTEXT: AdminContext = { actor: 'cli' }
const OPERATOR = { operator: true as const }

const request = (at: number, status: number) => ({
  id: `req_${at}_${Math.random()}`,
  at,
  key_id: null,
  method: 'GET',
  path: '/api/v1/me',
  status,
  latency_ms: 1,
  error_code: status >= 400 ? 'X' : null,
  source: 'api',
  tokens_in: null,
  tokens_out: null,
  fault: null,
})

async function open(now: number) {
  const clock = new ManualClock(now)
  services = await openServices(tempDir(), { clock, requestLogFlushMs: 10_000 })
  const summary = dashboardHandlers({
    ...services,
    market: services,
    apiOrigin: () => '',
    status: () => {
      throw new Error('not used')
    },
  })['dashboard.summary']
  return { clock, summary: () => summary({}, CONTEXT) }
}

describe('dashboard.summary', () => {
  it('counts the 60 minutes that end with the current one, queued rows included, and nothing older', async () => {
    const now = T0 + 30_000 // half-way through the minute that starts at T0
    const { summary } = await open(now)
    services.requestLog.record(request(T0 - 60 * MINUTE + 59_000, 200)) // the minute before the first: not counted
    services.requestLog.record(request(T0 - 59 * MINUTE, 200)) // the first minute counted
    services.requestLog.record(request(T0 - 59 * MINUTE + 1, 429))
    services.requestLog.record(request(T0 - 30 * MINUTE, 500))
    services.requestLog.record(request(T0 + 10_000, 404)) // this minute, still queued when asked

    const { lastHour } = await summary()
    expect(lastHour.since).toBe(new Date(T0 - 59 * MINUTE).toISOString())
    expect(lastHour).toMatchObject({ requests: 4, errors: 3, limited: 1 })
    expect(lastHour.perMinute).toHaveLength(60)
    expect(lastHour.perMinute[0]).toEqual({ minute: lastHour.since, requests: 2, errors: 1, limited: 1 })
    expect(lastHour.perMinute[29]).toMatchObject({ minute: new Date(T0 - 30 * MINUTE).toISOString(), requests: 1, errors: 1 })
    expect(lastHour.perMinute[59]).toMatchObject({ minute: new Date(T0).toISOString(), requests: 1, errors: 1, limited: 0 })
  })

  it('counts keys by status', async () => {
    const { clock, summary } = await open(T0)
    services.keys.create({ name: 'one' }, 'cli')
    const two = services.keys.create({ name: 'two' }, 'cli')
    services.keys.revoke(services.keys.create({ name: 'three' }, 'cli').key.id, 'cli')
    services.keys.roll(two.key.id, 3600, 'cli') // the old secret in its grace period, the new one active
    services.keys.create({ name: 'soon over', expiresAt: new Date(T0 + MINUTE).toISOString() }, 'cli')
    expect((await summary()).keys).toEqual({ active: 3, grace: 1, expired: 0, revoked: 1 })

    clock.advance(2 * MINUTE)
    expect((await summary()).keys).toEqual({ active: 2, grace: 1, expired: 1, revoked: 1 })
  })

  it('lists disabled endpoints first, then the longest failing, then those whose deliveries gave up in the last day', async () => {
    const { summary } = await open(T0)
    const { webhooks, store } = services
    const make = async (url: string) => (await webhooks.create({ url, events: ['*'] }, OPERATOR, 'cli')).endpoint.id
    const healthy = await make('https://hooks.example/healthy')
    const gaveUp = await make('https://hooks.example/gave-up')
    const failingLong = await make('https://hooks.example/failing-long')
    const failingNew = await make('https://hooks.example/failing-new')
    const disabled = await make('https://hooks.example/disabled')
    webhooks.update(disabled, { enabled: false }, OPERATOR, 'cli')
    const setFailingSince = (id: string, at: number) => store.sqlite.prepare('update webhook_endpoints set failing_since = ? where id = ?').run(at, id)
    setFailingSince(failingLong, T0 - 3 * 86_400_000)
    setFailingSince(failingNew, T0 - MINUTE)
    // Deliveries that gave up: one an hour ago (counted), one two days ago (not); one retried after a failed attempt.
    const giveUp = (endpointId: string, at: number, error: string) =>
      store.sqlite
        .prepare("update webhook_deliveries set status = 'failed', attempts = 9, last_error = ?, updated_at = ? where id = ?")
        .run(error, at, webhooks.ping(endpointId, OPERATOR).id)
    giveUp(gaveUp, T0 - 2 * 86_400_000, 'answered 503')
    giveUp(gaveUp, T0 - 3_600_000, 'answered 500')
    store.sqlite.prepare("update webhook_deliveries set attempts = 1, last_error = 'connect ECONNREFUSED' where id = ?").run(webhooks.ping(failingNew, OPERATOR).id)
    webhooks.ping(healthy, OPERATOR) // pending, never attempted: nothing wrong yet

    const { webhooks: health } = await summary()
    expect(health).toMatchObject({ endpoints: 5, enabled: 4 })
    expect(health.failing.map((item) => item.endpoint.id)).toEqual([disabled, failingLong, failingNew, gaveUp])
    expect(health.failing.find((item) => item.endpoint.id === gaveUp)).toMatchObject({ failedDeliveries: 1, retrying: 0, lastError: 'answered 500' })
    expect(health.failing.find((item) => item.endpoint.id === failingNew)).toMatchObject({ failedDeliveries: 0, retrying: 1, lastError: 'connect ECONNREFUSED' })
    expect(health.failing[0].endpoint).toMatchObject({ enabled: false, disabledReason: 'disabled by hand' })
  })
})
