import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../src-main/core/clock'
import { createKey, getJson, startServer, type TestServer } from '../helpers/core'

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0)
let server: TestServer

afterEach(async () => {
  await server?.close()
})

async function burst(url: string, secret: string, count: number) {
  return Promise.all(Array.from({ length: count }, () => getJson(url, secret)))
}

describe('per-key rate limits under concurrency', () => {
  for (const [tierId, limit] of [
    ['rpm-30', 30],
    ['rpm-60', 60],
    ['rpm-120', 120],
    ['rpm-300', 300],
  ] as const) {
    it(`accepts exactly ${limit} of 1,000 concurrent requests on a ${tierId} key and refuses the rest with full headers`, async () => {
      const clock = new ManualClock(T0)
      server = await startServer({ clock })
      const { secret } = createKey(server, { tierId })
      const responses = await burst(`${server.apiBaseUrl}/me`, secret, 1000)

      const accepted = responses.filter((r) => r.status === 200)
      const refused = responses.filter((r) => r.status === 429)
      expect(accepted).toHaveLength(limit)
      expect(refused).toHaveLength(1000 - limit)

      // Each accepted request took exactly one slot: remaining counts down limit-1 … 0 with no repeats.
      const remaining = accepted.map((r) => Number(r.headers.get('x-ratelimit-remaining'))).sort((a, b) => a - b)
      expect(remaining).toEqual(Array.from({ length: limit }, (_, i) => i))

      for (const r of refused) {
        expect(r.headers.get('retry-after')).toBe('60')
        expect(r.headers.get('x-ratelimit-limit')).toBe(String(limit))
        expect(r.headers.get('x-ratelimit-remaining')).toBe('0')
        expect(r.headers.get('x-ratelimit-reset')).toBe(String(T0 / 1000 + 60))
        expect(r.headers.get('ratelimit-policy')).toBe(`"${tierId}";q=${limit};w=60`)
        expect(r.headers.get('ratelimit')).toBe(`"${tierId}";r=0;t=60`)
        expect(r.headers.get('x-request-id')).toBe(r.body.error.request_id)
        expect(r.body).toMatchObject({
          success: false,
          error: {
            code: 'RATE_LIMIT_EXCEEDED',
            type: 'rate_limit_error',
            details: { resetAt: new Date(T0 + 60_000).toISOString(), limit, window: '1m' },
          },
        })
      }
    })
  }
})

describe('sliding window semantics', () => {
  it('never lets more than 60 requests into any rolling minute across a minute boundary', async () => {
    const clock = new ManualClock(T0)
    server = await startServer({ clock })
    const { secret } = createKey(server, { tierId: 'rpm-60' })
    const acceptedAt: number[] = []
    const send = async (at: number, count: number) => {
      clock.set(at)
      for (const r of await burst(`${server.apiBaseUrl}/me`, secret, count)) if (r.status === 200) acceptedAt.push(at)
    }
    await send(T0 + 59_900, 60) // the end of one minute…
    await send(T0 + 60_100, 60) // …and the start of the next: a fixed window would allow 120 here
    await send(T0 + 119_899, 60)
    await send(T0 + 119_900, 60) // the first 60 leave the window at exactly +60 s
    await send(T0 + 150_000, 60)

    expect(acceptedAt.filter((t) => t === T0 + 59_900)).toHaveLength(60)
    expect(acceptedAt.filter((t) => t === T0 + 60_100)).toHaveLength(0)
    expect(acceptedAt.filter((t) => t === T0 + 119_899)).toHaveLength(0)
    expect(acceptedAt.filter((t) => t === T0 + 119_900)).toHaveLength(60)
    for (const start of acceptedAt) {
      const inWindow = acceptedAt.filter((t) => t > start - 60_000 && t <= start).length
      expect(inWindow).toBeLessThanOrEqual(60)
    }
  })

  it('succeeds when retried at Retry-After and is refused one second earlier', async () => {
    const clock = new ManualClock(T0)
    server = await startServer({ clock })
    const { secret } = createKey(server, { tierId: 'rpm-30' })
    await burst(`${server.apiBaseUrl}/me`, secret, 30)
    clock.advance(12_345)
    const refused = await getJson(`${server.apiBaseUrl}/me`, secret)
    expect(refused.status).toBe(429)
    const retryAfter = Number(refused.headers.get('retry-after'))
    expect(retryAfter).toBe(48) // 60 s − 12.345 s, rounded up

    clock.set(T0 + 12_345 + (retryAfter - 1) * 1000)
    expect((await getJson(`${server.apiBaseUrl}/me`, secret)).status).toBe(429)
    clock.set(T0 + 12_345 + retryAfter * 1000)
    expect((await getJson(`${server.apiBaseUrl}/me`, secret)).status).toBe(200)
  })

  it('does not let refused requests consume the window (hourly tier)', async () => {
    const clock = new ManualClock(T0)
    server = await startServer({ clock })
    const { secret } = createKey(server, { tierId: 'free' })
    const first = await burst(`${server.apiBaseUrl}/me`, secret, 150)
    expect(first.filter((r) => r.status === 200)).toHaveLength(100)
    const refusal = first.find((r) => r.status === 429)!
    expect(refusal.body.error.details).toMatchObject({ limit: 100, window: '1h' })
    expect(refusal.headers.get('retry-after')).toBe('3600')

    clock.advance(30 * 60_000)
    expect((await burst(`${server.apiBaseUrl}/me`, secret, 50)).every((r) => r.status === 429)).toBe(true)
    clock.set(T0 + 3_600_000) // one hour after the first 100: all of them leave, the refusals never counted
    const after = await burst(`${server.apiBaseUrl}/me`, secret, 120)
    expect(after.filter((r) => r.status === 200)).toHaveLength(100)
  })

  it('sends IETF RateLimit headers whose remaining never rises within a window and whose t never exceeds w', async () => {
    const clock = new ManualClock(T0)
    server = await startServer({ clock })
    const tier = server.core.services.tiers.create({ name: 'ten per 10s', limit: 10, windowSeconds: 10 }, 'cli')
    const { secret } = createKey(server, { tierId: tier.id })
    let previous = Infinity
    for (let i = 0; i < 14; i++) {
      clock.advance(500)
      const r = await getJson(`${server.apiBaseUrl}/me`, secret)
      expect(r.headers.get('ratelimit-policy')).toBe(`"${tier.id}";q=10;w=10`)
      const match = /^"[^"]+";r=(\d+);t=(\d+)$/.exec(r.headers.get('ratelimit') ?? '')
      expect(match).not.toBeNull()
      const [r_, t] = [Number(match![1]), Number(match![2])]
      expect(r_).toBeLessThanOrEqual(previous)
      expect(t).toBeLessThanOrEqual(10)
      if (r.status === 429) expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(t)
      previous = r_
    }
  })

  it('applies a tier change on the next request without opening a fresh burst', async () => {
    const clock = new ManualClock(T0)
    server = await startServer({ clock })
    const { key, secret } = createKey(server, { tierId: 'rpm-120' })
    expect((await burst(`${server.apiBaseUrl}/me`, secret, 50)).every((r) => r.status === 200)).toBe(true)
    server.core.services.keys.update({ id: key.id, tierId: 'rpm-60' }, 'gui')
    const next = await burst(`${server.apiBaseUrl}/me`, secret, 20)
    expect(next.filter((r) => r.status === 200)).toHaveLength(10)
    expect(next[0].headers.get('x-ratelimit-limit')).toBe('60')
  })
})
