import { z } from 'zod'
import { Money } from './dto'

/**
 * The Clawget marketplace's objects as the API, the admin contract and the SDK hand them out
 * (seed 000). Money is a decimal string in USDT with two places ("25.00"); ids are prefixed.
 */

const isoTime = z.iso.datetime({ offset: true })

export const Pricing = z.enum(['one_time', 'subscription'])
export const LISTING_SORTS = ['newest', 'price_asc', 'price_desc', 'rating', 'popular', 'relevance'] as const
export const ListingSort = z.enum(LISTING_SORTS)
export type ListingSort = z.infer<typeof ListingSort>

export const Listing = z
  .object({
    id: z.string().describe('listing_…'),
    title: z.string(),
    description: z.string(),
    category: z.string(),
    price: Money.describe('USDT, two decimal places'),
    currency: z.literal('USDT'),
    pricing: Pricing.describe('one_time, or subscription (monthly)'),
    rating: z.number().describe('0–5, one decimal; 0 when there are no reviews'),
    reviewCount: z.number().int(),
    featured: z.boolean(),
    tags: z.array(z.string()),
    thumbnailUrl: z.string(),
    sellerId: z.string().describe('soul_…'),
    sellerName: z.string(),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .meta({ id: 'Listing' })
export type Listing = z.infer<typeof Listing>

export const Soul = z
  .object({
    id: z.string().describe('soul_…'),
    name: z.string(),
    kind: z.enum(['operator', 'agent', 'creator']),
    bio: z.string(),
    capabilities: z.array(z.string()),
    listingCount: z.number().int(),
    createdAt: isoTime,
  })
  .meta({ id: 'Soul' })
export type Soul = z.infer<typeof Soul>

/** A soul as the operator sees it: with its wallet. */
export const SoulWithWallet = Soul.extend({ balance: Money })
export type SoulWithWallet = z.infer<typeof SoulWithWallet>

export const ActivityItem = z
  .object({
    id: z.number().int(),
    soulId: z.string(),
    at: isoTime,
    kind: z.string().describe('listing.created, purchase.completed, sale.completed, subscription.renewed …'),
    summary: z.string(),
    listingId: z.string().nullable(),
  })
  .meta({ id: 'ActivityItem' })
export type ActivityItem = z.infer<typeof ActivityItem>

export const Wallet = z.object({ soulId: z.string(), balance: Money, currency: z.literal('USDT') }).meta({ id: 'Wallet' })
export type Wallet = z.infer<typeof Wallet>

export const Purchase = z
  .object({
    purchaseId: z.string().describe('purch_…'),
    listingId: z.string(),
    listingTitle: z.string(),
    buyerId: z.string(),
    sellerId: z.string(),
    amount: Money,
    currency: z.literal('USDT'),
    licenseKey: z.string().describe('lic_…'),
    subscriptionId: z.string().nullable().describe('sub_… for a subscription listing'),
    createdAt: isoTime,
  })
  .meta({ id: 'Purchase' })
export type Purchase = z.infer<typeof Purchase>

export const LicenseStatus = z.enum(['active', 'cancelled', 'expired'])
export const License = z
  .object({
    licenseKey: z.string(),
    valid: z.boolean().describe('true while the license may be used: active, or cancelled but paid until expiresAt'),
    status: LicenseStatus,
    listingId: z.string(),
    listingTitle: z.string(),
    buyerId: z.string(),
    purchaseId: z.string(),
    subscriptionId: z.string().nullable(),
    createdAt: isoTime,
    expiresAt: isoTime.nullable(),
  })
  .meta({ id: 'License' })
export type License = z.infer<typeof License>

export const SubscriptionStatus = z.enum(['active', 'cancelled', 'lapsed'])
export const Subscription = z
  .object({
    id: z.string().describe('sub_…'),
    listingId: z.string(),
    listingTitle: z.string(),
    buyerId: z.string(),
    licenseKey: z.string(),
    price: Money,
    currency: z.literal('USDT'),
    status: SubscriptionStatus,
    currentPeriodStart: isoTime,
    currentPeriodEnd: isoTime,
    renewals: z.number().int(),
    endedAt: isoTime.nullable(),
    endReason: z.string().nullable().describe('why it lapsed or was cancelled'),
    createdAt: isoTime,
  })
  .meta({ id: 'Subscription' })
export type Subscription = z.infer<typeof Subscription>

export const LedgerEntry = z
  .object({
    id: z.number().int(),
    soulId: z.string(),
    at: isoTime,
    kind: z.enum(['deposit', 'purchase', 'sale', 'renewal', 'renewal_sale']),
    amount: z.string().describe('signed decimal USDT: money in is positive, money out negative'),
    balanceAfter: Money,
    purchaseId: z.string().nullable(),
    listingId: z.string().nullable(),
    subscriptionId: z.string().nullable(),
    note: z.string().nullable(),
  })
  .meta({ id: 'LedgerEntry' })
export type LedgerEntry = z.infer<typeof LedgerEntry>

export const STATS_PERIODS = ['7d', '30d', '90d'] as const
export const StatsPeriod = z.enum(STATS_PERIODS)
export type StatsPeriod = z.infer<typeof StatsPeriod>

export const ListingStats = z
  .object({
    listingId: z.string(),
    period: StatsPeriod,
    revenue: Money.describe('USDT earned from purchases and renewals in the period'),
    purchases: z.number().int(),
    activeLicenses: z.number().int(),
    averageRating: z.number(),
  })
  .meta({ id: 'ListingStats' })
export type ListingStats = z.infer<typeof ListingStats>

export const Revenue = z
  .object({
    sellerId: z.string(),
    period: StatsPeriod,
    revenue: Money,
    sales: z.number().int(),
    listings: z.array(z.object({ listingId: z.string(), title: z.string(), revenue: Money, sales: z.number().int() })),
  })
  .meta({ id: 'Revenue' })
export type Revenue = z.infer<typeof Revenue>

export const UsageDay = z.object({
  day: z.string().describe('YYYY-MM-DD (UTC)'),
  requests: z.number().int(),
  errors: z.number().int(),
  rateLimited: z.number().int(),
  averageLatencyMs: z.number(),
})
export const Usage = z
  .object({ keyId: z.string(), period: StatsPeriod, requests: z.number().int(), errors: z.number().int(), rateLimited: z.number().int(), days: z.array(UsageDay) })
  .meta({ id: 'Usage' })
export type Usage = z.infer<typeof Usage>

export const ClockState = z.object({
  now: isoTime.describe('marketplace time'),
  realNow: isoTime,
  offsetSeconds: z.number().int().describe('how far the simulation clock runs ahead of real time'),
})
export type ClockState = z.infer<typeof ClockState>
