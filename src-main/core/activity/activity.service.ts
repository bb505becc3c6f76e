import type { ListingStats, Revenue, StatsPeriod, Usage } from '../../../src-shared/marketplace'
import type { Clock } from '../clock'
import type { Store } from '../db/store'
import { MarketplaceError } from '../errors'
import type { ListingsService } from '../listings/listings.service'
import { fromCents } from '../money'

const DAY_MS = 86_400_000
export const periodMs = (period: StatsPeriod): number => Number(period.slice(0, -1)) * DAY_MS

/**
 * The "Activity" reads of seed 000: listing performance and seller revenue (marketplace time), and the
 * calling key's API usage (wall-clock time, from the request log's per-minute roll-ups).
 */
export class ActivityService {
  constructor(
    private readonly store: Store,
    private readonly listings: ListingsService,
    private readonly marketClock: Clock,
    private readonly realClock: Clock,
  ) {}

  /** For the listing's seller (null: the operator, who may look at any). */
  listingStats(listingId: string, period: StatsPeriod, sellerId: string | null): ListingStats {
    const listing = this.listings.anyRow(listingId)
    if (!listing) throw new MarketplaceError('LISTING_NOT_FOUND', `Listing ${listingId} does not exist.`, { listingId })
    if (sellerId !== null && listing.seller_id !== sellerId)
      throw new MarketplaceError('INSUFFICIENT_PERMISSIONS', `Only the seller of listing ${listingId} can see its stats.`, {
        reason: 'not_your_listing',
        listingId,
        sellerId: listing.seller_id,
      })
    const now = this.marketClock.now()
    const since = now - periodMs(period)
    const revenue =
      this.store.first(
        this.store.db
          .selectFrom('ledger')
          .select((e) => e.fn.coalesce(e.fn.sum<number>('amount_cents'), e.val(0)).as('n'))
          .where('listing_id', '=', listingId)
          .where('soul_id', '=', listing.seller_id)
          .where('kind', 'in', ['sale', 'renewal_sale'])
          .where('at', '>=', since)
          .where('at', '<=', now),
      )?.n ?? 0
    const purchases =
      this.store.first(
        this.store.db
          .selectFrom('purchases')
          .select((e) => e.fn.countAll<number>().as('n'))
          .where('listing_id', '=', listingId)
          .where('created_at', '>=', since)
          .where('created_at', '<=', now),
      )?.n ?? 0
    const activeLicenses =
      this.store.first(
        this.store.db
          .selectFrom('licenses')
          .select((e) => e.fn.countAll<number>().as('n'))
          .where('listing_id', '=', listingId)
          .where('status', 'in', ['active', 'cancelled'])
          .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)])),
      )?.n ?? 0
    return { listingId, period, revenue: fromCents(revenue), purchases, activeLicenses, averageRating: listing.rating }
  }

  /** What a seller earned in the period, in total and per listing. */
  revenue(sellerId: string, period: StatsPeriod): Revenue {
    const now = this.marketClock.now()
    const rows = this.store.all(
      this.store.db
        .selectFrom('ledger')
        .leftJoin('listings', 'listings.id', 'ledger.listing_id')
        .select((e) => [
          'ledger.listing_id as listingId',
          e.fn.coalesce('listings.title', e.val('')).as('title'),
          e.fn.sum<number>('ledger.amount_cents').as('cents'),
          e.fn.countAll<number>().as('sales'),
        ])
        .where('ledger.soul_id', '=', sellerId)
        .where('ledger.kind', 'in', ['sale', 'renewal_sale'])
        .where('ledger.at', '>=', now - periodMs(period))
        .where('ledger.at', '<=', now)
        .groupBy('ledger.listing_id')
        .orderBy('cents', 'desc'),
    )
    const total = rows.reduce((sum, row) => sum + row.cents, 0)
    return {
      sellerId,
      period,
      revenue: fromCents(total),
      sales: rows.reduce((sum, row) => sum + row.sales, 0),
      listings: rows.map((row) => ({ listingId: row.listingId ?? '', title: row.title, revenue: fromCents(row.cents), sales: row.sales })),
    }
  }

  /** The key's requests per UTC day over the period, from the request log's roll-ups. */
  usage(keyId: string, period: StatsPeriod): Usage {
    const since = Math.floor((this.realClock.now() - periodMs(period)) / 60_000)
    const rows = this.store.allSql<{ day: number; requests: number; errors: number; limited: number; latency: number }>(
      `select minute / 1440 as day, sum(requests) as requests, sum(errors) as errors, sum(limited) as limited, sum(latency_sum_ms) as latency
       from usage_minute where key_id = ? and minute >= ? group by day order by day`,
      [keyId, since],
    )
    const days = rows.map((row) => ({
      day: new Date(row.day * DAY_MS).toISOString().slice(0, 10),
      requests: row.requests,
      errors: row.errors,
      rateLimited: row.limited,
      averageLatencyMs: row.requests === 0 ? 0 : Math.round((row.latency / row.requests) * 1000) / 1000,
    }))
    return {
      keyId,
      period,
      requests: days.reduce((sum, day) => sum + day.requests, 0),
      errors: days.reduce((sum, day) => sum + day.errors, 0),
      rateLimited: days.reduce((sum, day) => sum + day.rateLimited, 0),
      days,
    }
  }
}
