import type { Clock } from '../clock'
import type { Store } from '../db/store'
import { StoreCache } from '../db/store-cache'
import type { RateLimitTier, TiersService } from '../tiers/tiers.service'
import { SlidingLogLimiter, type LimitDecision } from './sliding-log'

export type RateLimitOutcome = LimitDecision<RateLimitTier>

/** Applies each key's tier through the exact sliding-log limiter. */
export class RateLimitService {
  private readonly limiter = new SlidingLogLimiter()
  private readonly tierCache: StoreCache<RateLimitTier>
  private sweeps = 0

  constructor(
    store: Store,
    private readonly tiers: TiersService,
    private readonly clock: Clock,
  ) {
    this.tierCache = new StoreCache(store)
  }

  private tier(tierId: string): RateLimitTier | undefined {
    return this.tierCache.get(tierId, (id) => this.tiers.limiterTier(id))
  }

  /**
   * Decides for one request of the key lineage `lineageId` (a key and the secrets it was rolled to share
   * one window); an accepted request takes a slot, a refused one takes none.
   */
  consume(lineageId: string, tierId: string): RateLimitOutcome | undefined {
    const tier = this.tier(tierId)
    if (!tier) return undefined
    const now = this.clock.now()
    if (++this.sweeps % 10_000 === 0) this.limiter.sweep(now, (id) => this.tier(id)?.windowMs)
    return this.limiter.consume(lineageId, tier, now)
  }
}
