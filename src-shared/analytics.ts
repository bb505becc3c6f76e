import { z } from 'zod'
import { id, method } from './contract-kit'
import { Money } from './dto'

/**
 * Usage analytics (part 5, SPEC §6): requests, errors, 429s, status codes and latency percentiles over
 * time, overall and per key, from the per-key per-minute rollup the request-log writer keeps
 * (usage_minute); and seller revenue over time from the marketplace's ledger.
 */

const isoTime = z.iso.datetime({ offset: true })
const count = z.number().int().min(0)

export const AnalyticsRange = z.enum(['1h', '24h', '30d']).describe('the last hour, the last 24 hours or the last 30 days')
export type AnalyticsRange = z.infer<typeof AnalyticsRange>

/**
 * How each range is cut into buckets: at most 120 points a chart. Buckets are aligned to whole
 * multiples of their size since the Unix epoch (UTC), so the last one holds "now" and is still filling.
 */
export const ANALYTICS_RANGES = {
  '1h': { label: 'Last hour', bucketSeconds: 60, buckets: 60 },
  '24h': { label: 'Last 24 hours', bucketSeconds: 15 * 60, buckets: 96 },
  '30d': { label: 'Last 30 days', bucketSeconds: 6 * 3600, buckets: 120 },
} as const satisfies Record<AnalyticsRange, { label: string; bucketSeconds: number; buckets: number }>

/**
 * Latency percentiles are read from a histogram of fixed log-scale buckets (usage_minute.h0…h43: upper
 * bounds 2^(i/2 − 5) ms, i.e. 31 µs to 65.5 s, a factor √2 apart, and one bucket above). A percentile is
 * interpolated (geometrically) inside the bucket that holds it, so it lies in the same bucket as the true
 * value: within a factor of √2 of it, and never above the largest latency seen.
 */
export const LATENCY_RESOLUTION = 'within a factor of √2 (31 µs – 65.5 s log-scale histogram)'

const percentile = (p: string) =>
  z.number().min(0).nullable().describe(`${p} latency in ms, from the histogram (see LATENCY_RESOLUTION); null without requests`)

export const UsageCounts = z.object({
  requests: count,
  errors: count.describe('answers with a status of 400 or more, 429s included'),
  limited: count.describe('429 RATE_LIMIT_EXCEEDED answers'),
})
export type UsageCounts = z.infer<typeof UsageCounts>

/** Answers by status class; the five add up to the requests. */
export const StatusMix = z.object({
  '2xx': count,
  '3xx': count,
  '4xx': count.describe('client errors other than 429'),
  '429': count,
  '5xx': count,
})
export type StatusMix = z.infer<typeof StatusMix>

export const UsageBucket = UsageCounts.extend({
  start: isoTime.describe('the start of the bucket'),
  p50Ms: percentile('median'),
  p95Ms: percentile('95th percentile'),
  p99Ms: percentile('99th percentile'),
})
export type UsageBucket = z.infer<typeof UsageBucket>

export const LatencySummary = z.object({
  p50Ms: percentile('median'),
  p95Ms: percentile('95th percentile'),
  p99Ms: percentile('99th percentile'),
  maxMs: z.number().min(0).nullable().describe('the largest latency seen (exact); null without requests'),
  meanMs: z.number().min(0).nullable().describe('the mean latency (exact); null without requests'),
})
export type LatencySummary = z.infer<typeof LatencySummary>

export const TopKey = UsageCounts.extend({
  keyId: z.string().nullable().describe('null: calls that carried no valid key (missing, unknown, revoked secrets)'),
  name: z.string().nullable().describe("the key's name; null for calls without a key"),
  p95Ms: percentile('95th percentile'),
  series: z.array(UsageCounts).describe("the key's counts per bucket, aligned with `buckets`"),
})
export type TopKey = z.infer<typeof TopKey>

/** How many keys `analytics.usage` ranks, each with its own series. */
export const TOP_KEYS = 10

export const AnalyticsUsage = z.object({
  range: AnalyticsRange,
  keyId: z.string().nullable().optional().describe('the filter asked for: a key, null for calls without one, absent for all'),
  at: isoTime.describe('when it was read (real time)'),
  since: isoTime.describe('the start of the first bucket'),
  until: isoTime.describe('the end of the last bucket (exclusive)'),
  bucketSeconds: z.number().int().positive(),
  totals: UsageCounts.extend({
    tokensIn: count.describe('chat prompt tokens'),
    tokensOut: count.describe('chat answer tokens'),
    statusMix: StatusMix,
    latency: LatencySummary,
  }),
  buckets: z.array(UsageBucket).describe('oldest first, every bucket of the range, those without traffic as zeros (latency null)'),
  topKeys: z.array(TopKey).max(TOP_KEYS).describe('the busiest keys of the range, most requests first'),
  keysWithTraffic: count.describe('how many keys (and "no key") made requests in the range; topKeys lists the first 10'),
})
export type AnalyticsUsage = z.infer<typeof AnalyticsUsage>

export const RevenueBucket = z.object({
  start: isoTime.describe('the start of the bucket (marketplace time)'),
  revenue: Money.describe('USDT earned by sellers in the bucket: sales and subscription renewals'),
  sales: count.describe('sales and renewals'),
})
export type RevenueBucket = z.infer<typeof RevenueBucket>

export const SellerRevenue = z.object({
  sellerId: z.string(),
  name: z.string(),
  revenue: Money,
  sales: count,
  series: z.array(Money).describe("the seller's revenue per bucket, aligned with `buckets`"),
})
export type SellerRevenue = z.infer<typeof SellerRevenue>

/** How many sellers `analytics.revenue` ranks, each with its own series. */
export const TOP_SELLERS = 10

export const AnalyticsRevenue = z.object({
  range: AnalyticsRange,
  at: isoTime.describe('when it was read, in marketplace time (the simulation clock moves it)'),
  since: isoTime.describe('the start of the first bucket (marketplace time)'),
  until: isoTime.describe('the end of the last bucket (exclusive)'),
  bucketSeconds: z.number().int().positive(),
  currency: z.literal('USDT'),
  revenue: Money.describe('what every seller earned in the range'),
  sales: count,
  buckets: z.array(RevenueBucket).describe('oldest first, every bucket of the range, empty ones as "0.00"'),
  sellers: z.array(SellerRevenue).max(TOP_SELLERS).describe('the sellers who earned most in the range, highest first'),
  sellersWithSales: count.describe('how many sellers earned anything in the range; sellers lists the first 10'),
})
export type AnalyticsRevenue = z.infer<typeof AnalyticsRevenue>

export const analyticsMethods = {
  'analytics.usage': method(
    z
      .object({
        range: AnalyticsRange.default('24h'),
        keyId: id.nullable().optional().describe('only this key; null: only calls without a valid key; absent: every call'),
      })
      .strict(),
    AnalyticsUsage,
  ),
  'analytics.revenue': method(z.object({ range: AnalyticsRange.default('30d') }).strict(), AnalyticsRevenue),
} as const
