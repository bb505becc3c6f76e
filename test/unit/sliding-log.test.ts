import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SlidingLogLimiter } from '../../src-main/core/ratelimit/sliding-log'

const policy = (limit: number, windowMs: number) => ({ id: `t${limit}/${windowMs}`, limit, windowMs })

describe('SlidingLogLimiter', () => {
  it('accepts exactly the limit at one instant and reports when the next slot frees', () => {
    const limiter = new SlidingLogLimiter()
    const decisions = Array.from({ length: 10 }, () => limiter.consume('k', policy(3, 1000), 5000))
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, ...Array(7).fill(false)])
    expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, ...Array(7).fill(0)])
    expect(decisions[3]).toMatchObject({ resetAtMs: 6000, retryAfterMs: 1000 })
  })

  it('frees a slot exactly one window after it was taken, not a millisecond before', () => {
    const limiter = new SlidingLogLimiter()
    limiter.consume('k', policy(1, 1000), 0)
    expect(limiter.consume('k', policy(1, 1000), 999).allowed).toBe(false)
    expect(limiter.consume('k', policy(1, 1000), 1000).allowed).toBe(true)
  })

  it('keeps keys apart', () => {
    const limiter = new SlidingLogLimiter()
    expect(limiter.consume('a', policy(1, 1000), 0).allowed).toBe(true)
    expect(limiter.consume('b', policy(1, 1000), 0).allowed).toBe(true)
    expect(limiter.consume('a', policy(1, 1000), 1).allowed).toBe(false)
  })

  it('never accepts more than the limit in any rolling window, for any arrival pattern (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 300 }),
        (limit, windowMs, gaps) => {
          const limiter = new SlidingLogLimiter()
          const accepted: number[] = []
          let now = 0
          for (const gap of gaps) {
            now += gap
            const decision = limiter.consume('k', policy(limit, windowMs), now)
            // Accepted iff fewer than `limit` were accepted in (now − window, now]: exact, never approximate.
            const inWindow = accepted.filter((t) => t > now - windowMs).length
            expect(decision.allowed).toBe(inWindow < limit)
            if (decision.allowed) accepted.push(now)
            expect(decision.remaining).toBe(Math.max(0, limit - accepted.filter((t) => t > now - windowMs).length))
          }
        },
      ),
      { numRuns: 500 },
    )
  })

  it('forgets idle keys on sweep so memory follows live traffic only', () => {
    const limiter = new SlidingLogLimiter()
    for (let i = 0; i < 100; i++) limiter.consume(`k${i}`, policy(5, 1000), 0)
    limiter.consume('busy', policy(5, 1000), 1500)
    limiter.sweep(1500, () => 1000)
    expect(limiter.trackedSubjects).toBe(1)
  })

  it('grows its ring past the initial capacity without losing order', () => {
    const limiter = new SlidingLogLimiter()
    for (let t = 0; t < 100; t++) expect(limiter.consume('k', policy(100, 1000), t).allowed).toBe(true)
    expect(limiter.consume('k', policy(100, 1000), 999).allowed).toBe(false)
    // The oldest (t=0) leaves at 1000; the next oldest is then t=1, which frees its slot at 1001.
    expect(limiter.consume('k', policy(100, 1000), 1000)).toMatchObject({ allowed: true, resetAtMs: 1001 })
    expect(limiter.consume('k', policy(100, 1000), 1000).allowed).toBe(false)
    expect(limiter.consume('k', policy(100, 1000), 1001).allowed).toBe(true)
  })
})
