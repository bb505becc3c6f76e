import {
  ANALYTICS_RANGES,
  TOP_KEYS,
  TOP_SELLERS,
  type AnalyticsRange,
  type AnalyticsRevenue,
  type AnalyticsUsage,
  type LatencySummary,
  type StatusMix,
  type TopKey,
  type UsageBucket,
  type UsageCounts,
} from '../../../src-shared/analytics'
import { toIso, type Clock } from '../clock'
import type { Store } from '../db/store'
import { fromCents } from '../money'
import { HISTOGRAM_COLUMNS, LATENCY_BUCKETS, latencyBound } from './request-log-writer'

const MINUTE_MS = 60_000

/** The buckets of a range ending now: aligned to whole multiples of their size, the last holding `now`. */
export function bucketsOf(range: AnalyticsRange, now: number) {
  const { bucketSeconds, buckets } = ANALYTICS_RANGES[range]
  const bucketMs = bucketSeconds * 1000
  const lastStart = Math.floor(now / bucketMs) * bucketMs
  const since = lastStart - (buckets - 1) * bucketMs
  return { bucketSeconds, bucketMs, count: buckets, since, until: lastStart + bucketMs, startOf: (i: number) => toIso(since + i * bucketMs) }
}

/**
 * The latency at quantile `q` (0–1] of a histogram of usage_minute's buckets: the nearest-rank value's
 * bucket, interpolated geometrically inside it by rank (linearly in the first, which starts at 0), and
 * capped by the largest latency seen, which is exact. The result lies in the same bucket as the true
 * value, so within a factor √2 of it. Null for an empty histogram.
 */
export function latencyPercentile(histogram: readonly number[], q: number, maxMs: number): number | null {
  let total = 0
  for (const n of histogram) total += n
  if (total === 0) return null
  const rank = Math.max(1, Math.ceil(q * total))
  let below = 0
  for (let i = 0; i < histogram.length; i++) {
    const n = histogram[i]
    if (below + n >= rank) {
      const upper = Math.min(latencyBound(i), maxMs)
      const lower = i === 0 ? 0 : Math.min(latencyBound(i - 1), upper)
      const f = (rank - below) / n
      const value = lower === 0 ? upper * f : lower * (upper / lower) ** f
      return Math.round(value * 1000) / 1000
    }
    below += n
  }
  return maxMs
}

/** One group of the rollup as read: a key's bucket, with every counter summed over its minutes. */
interface RollupRow {
  key_id: string
  bucket: number
  requests: number
  errors: number
  limited: number
  latency_sum_ms: number
  latency_max_ms: number
  tokens_in: number
  tokens_out: number
  status_2xx: number
  status_3xx: number
  status_4xx: number
  status_5xx: number
  [histogramColumn: `h${number}`]: number
}

/** Counters that add up, with the histogram and the largest latency, for any set of rollup rows. */
class Tally {
  requests = 0
  errors = 0
  limited = 0
  latencySum = 0
  latencyMax = 0
  tokensIn = 0
  tokensOut = 0
  readonly status = { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 }
  readonly histogram = new Array<number>(LATENCY_BUCKETS).fill(0)

  add(row: RollupRow): void {
    this.requests += row.requests
    this.errors += row.errors
    this.limited += row.limited
    this.latencySum += row.latency_sum_ms
    this.latencyMax = Math.max(this.latencyMax, row.latency_max_ms)
    this.tokensIn += row.tokens_in
    this.tokensOut += row.tokens_out
    this.status['2xx'] += row.status_2xx
    this.status['3xx'] += row.status_3xx
    this.status['4xx'] += row.status_4xx
    this.status['5xx'] += row.status_5xx
    for (let i = 0; i < LATENCY_BUCKETS; i++) this.histogram[i] += row[`h${i}`]
  }

  counts(): UsageCounts {
    return { requests: this.requests, errors: this.errors, limited: this.limited }
  }

  percentile(q: number): number | null {
    return latencyPercentile(this.histogram, q, this.latencyMax)
  }

  statusMix(): StatusMix {
    return { ...this.status, '429': this.limited }
  }

  latency(): LatencySummary {
    const any = this.requests > 0
    return {
      p50Ms: this.percentile(0.5),
      p95Ms: this.percentile(0.95),
      p99Ms: this.percentile(0.99),
      maxMs: any ? this.latencyMax : null,
      meanMs: any ? Math.round((this.latencySum / this.requests) * 1000) / 1000 : null,
    }
  }
}

const SUMMED = ['requests', 'errors', 'limited', 'latency_sum_ms', 'tokens_in', 'tokens_out', 'status_2xx', 'status_3xx', 'status_4xx', 'status_5xx', ...HISTOGRAM_COLUMNS]
// Bound numbers arrive as REAL (better-sqlite3): cast, so that the bucket is an integer division.
const SELECTED = `u.key_id, (u.minute - cast(? as integer)) / cast(? as integer) as bucket, max(u.latency_max_ms) as latency_max_ms, ${SUMMED.map((column) => `sum(u.${column}) as ${column}`).join(', ')}`
/**
 * Every key's rollup over a range, per bucket: through usage_minute's primary key (key_id, minute), one
 * index range per key rather than a scan of every key's every minute (keys are never deleted; '' holds
 * the calls without a valid key).
 */
const ALL_KEYS_SQL = `select ${SELECTED}
  from (select id as key_id from api_keys union all select '') k
  join usage_minute u on u.key_id = k.key_id and u.minute >= ? and u.minute < ?
 group by 1, 2`
const ONE_KEY_SQL = `select ${SELECTED} from usage_minute u where u.key_id = ? and u.minute >= ? and u.minute < ? group by 1, 2`

/**
 * Usage analytics (SPEC §6): reads the request-log writer's per-key per-minute rollup (real time) and
 * the marketplace's ledger (marketplace time), bucketed for charts.
 */
export class AnalyticsService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly marketClock: Clock,
  ) {}

  /** Requests, errors, 429s, status classes and latency percentiles over the range, in total, per bucket and for the busiest keys. */
  usage(range: AnalyticsRange, keyId?: string | null): AnalyticsUsage {
    const now = this.clock.now()
    const plan = bucketsOf(range, now)
    const bucketMinutes = plan.bucketMs / MINUTE_MS
    const first = plan.since / MINUTE_MS
    // The current minute is the last counted, so a bucket never reaches past now.
    const end = Math.min(plan.until / MINUTE_MS, Math.floor(now / MINUTE_MS) + 1)
    const rows =
      keyId === undefined
        ? this.store.allSql<RollupRow>(ALL_KEYS_SQL, [first, bucketMinutes, first, end])
        : this.store.allSql<RollupRow>(ONE_KEY_SQL, [first, bucketMinutes, keyId ?? '', first, end])

    const total = new Tally()
    const perBucket = Array.from({ length: plan.count }, () => new Tally())
    const perKey = new Map<string, { tally: Tally; series: Tally[] }>()
    for (const row of rows) {
      total.add(row)
      perBucket[row.bucket].add(row)
      let key = perKey.get(row.key_id)
      if (!key) perKey.set(row.key_id, (key = { tally: new Tally(), series: [] }))
      key.tally.add(row)
      ;(key.series[row.bucket] ??= new Tally()).add(row)
    }

    const ranked = [...perKey.entries()].sort(([a, x], [b, y]) => y.tally.requests - x.tally.requests || (a < b ? -1 : 1)).slice(0, TOP_KEYS)
    const names = this.keyNames(ranked.map(([id]) => id).filter((id) => id !== ''))
    const empty: UsageCounts = { requests: 0, errors: 0, limited: 0 }
    const topKeys: TopKey[] = ranked.map(([id, { tally, series }]) => ({
      keyId: id === '' ? null : id,
      name: id === '' ? null : (names.get(id) ?? null),
      ...tally.counts(),
      p95Ms: tally.percentile(0.95),
      series: Array.from({ length: plan.count }, (_, i) => series[i]?.counts() ?? empty),
    }))
    const buckets: UsageBucket[] = perBucket.map((tally, i) => ({
      start: plan.startOf(i),
      ...tally.counts(),
      p50Ms: tally.percentile(0.5),
      p95Ms: tally.percentile(0.95),
      p99Ms: tally.percentile(0.99),
    }))
    return {
      range,
      ...(keyId !== undefined && { keyId }),
      at: toIso(now),
      since: toIso(plan.since),
      until: toIso(plan.until),
      bucketSeconds: plan.bucketSeconds,
      totals: { ...total.counts(), tokensIn: total.tokensIn, tokensOut: total.tokensOut, statusMix: total.statusMix(), latency: total.latency() },
      buckets,
      topKeys,
      keysWithTraffic: perKey.size,
    }
  }

  /** What sellers earned (sales and subscription renewals, from the ledger) over the range of marketplace time. */
  revenue(range: AnalyticsRange): AnalyticsRevenue {
    const now = this.marketClock.now()
    const plan = bucketsOf(range, now)
    // Bound numbers arrive as REAL: cast, so that the bucket is an integer division.
    const rows = this.store.allSql<{ soul_id: string; bucket: number; cents: number; sales: number }>(
      `select soul_id, (at - cast(? as integer)) / cast(? as integer) as bucket, sum(amount_cents) as cents, count(*) as sales
         from ledger where kind in ('sale', 'renewal_sale') and at >= ? and at <= ?
        group by 1, 2`,
      [plan.since, plan.bucketMs, plan.since, now],
    )
    const perBucket = Array.from({ length: plan.count }, () => ({ cents: 0, sales: 0 }))
    const perSeller = new Map<string, { cents: number; sales: number; series: number[] }>()
    for (const row of rows) {
      perBucket[row.bucket].cents += row.cents
      perBucket[row.bucket].sales += row.sales
      let seller = perSeller.get(row.soul_id)
      if (!seller) perSeller.set(row.soul_id, (seller = { cents: 0, sales: 0, series: new Array<number>(plan.count).fill(0) }))
      seller.cents += row.cents
      seller.sales += row.sales
      seller.series[row.bucket] += row.cents
    }
    const ranked = [...perSeller.entries()].sort(([a, x], [b, y]) => y.cents - x.cents || (a < b ? -1 : 1)).slice(0, TOP_SELLERS)
    const names = this.soulNames(ranked.map(([id]) => id))
    return {
      range,
      at: toIso(now),
      since: toIso(plan.since),
      until: toIso(plan.until),
      bucketSeconds: plan.bucketSeconds,
      currency: 'USDT',
      revenue: fromCents(perBucket.reduce((sum, bucket) => sum + bucket.cents, 0)),
      sales: perBucket.reduce((sum, bucket) => sum + bucket.sales, 0),
      buckets: perBucket.map((bucket, i) => ({ start: plan.startOf(i), revenue: fromCents(bucket.cents), sales: bucket.sales })),
      sellers: ranked.map(([sellerId, seller]) => ({
        sellerId,
        name: names.get(sellerId) ?? sellerId,
        revenue: fromCents(seller.cents),
        sales: seller.sales,
        series: seller.series.map(fromCents),
      })),
      sellersWithSales: perSeller.size,
    }
  }

  private keyNames(ids: string[]): Map<string, string> {
    if (ids.length === 0) return new Map()
    const rows = this.store.all(this.store.db.selectFrom('api_keys').select(['id', 'name']).where('id', 'in', ids))
    return new Map(rows.map((row) => [row.id, row.name]))
  }

  private soulNames(ids: string[]): Map<string, string> {
    if (ids.length === 0) return new Map()
    const rows = this.store.all(this.store.db.selectFrom('souls').select(['id', 'name']).where('id', 'in', ids))
    return new Map(rows.map((row) => [row.id, row.name]))
  }
}
