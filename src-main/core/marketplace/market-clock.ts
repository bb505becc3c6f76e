import type { ClockState } from '../../../src-shared/marketplace'
import type { AuditService, Actor } from '../audit/audit.service'
import { toIso, type Clock } from '../clock'
import type { Store } from '../db/store'
import { StoreCache } from '../db/store-cache'

const OFFSET_SETTING = 'sim_clock_offset_ms'

/**
 * The marketplace's simulation clock: real time plus an offset the operator moves forward, so that
 * subscriptions renew now instead of next month. Only marketplace time moves: the rate limiter and the
 * request log keep the wall clock. The offset is stored, so the CLI moving it reaches a running server
 * (with the next request, or within a second through the renewal timer).
 */
export class MarketClock implements Clock {
  private readonly cache: StoreCache<number>

  constructor(
    private readonly store: Store,
    private readonly realClock: Clock,
    private readonly audit: AuditService,
  ) {
    this.cache = new StoreCache(store)
  }

  offsetMs(): number {
    return (
      this.cache.get(OFFSET_SETTING, (key) => {
        const row = this.store.first(this.store.db.selectFrom('settings').select('value').where('key', '=', key))
        const value = row ? Number(JSON.parse(row.value)) : 0
        return Number.isFinite(value) ? value : 0
      }) ?? 0
    )
  }

  now(): number {
    return this.realClock.now() + this.offsetMs()
  }

  /** `offset`: the one just written (the cache only sees a write once its transaction has committed). */
  state(offset = this.offsetMs()): ClockState {
    const real = this.realClock.now()
    return { now: toIso(real + offset), realNow: toIso(real), offsetSeconds: Math.round(offset / 1000) }
  }

  /** Moves marketplace time forward (never back: renewals already charged stay charged). */
  advance(seconds: number, actor: Actor): ClockState {
    return this.store.transaction(() => {
      const before = this.state()
      const offset = this.offsetMs() + seconds * 1000
      this.write(offset)
      const after = this.state(offset)
      this.audit.record({ actor, action: 'clock.advanced', targetType: 'clock', targetId: null, before, after: { ...after, advancedSeconds: seconds } })
      return after
    })
  }

  /** Back to real time. Renewals charged in the simulated future stay as they are. */
  reset(actor: Actor): ClockState {
    return this.store.transaction(() => {
      const before = this.state()
      this.write(0)
      const after = this.state(0)
      this.audit.record({ actor, action: 'clock.reset', targetType: 'clock', targetId: null, before, after })
      return after
    })
  }

  private write(offsetMs: number): void {
    const value = JSON.stringify(offsetMs)
    this.store.run(
      this.store.db
        .insertInto('settings')
        .values({ key: OFFSET_SETTING, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value })),
    )
  }
}
