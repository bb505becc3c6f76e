/**
 * The marketplace's objects as the API hands them out, and the inputs the client takes. Written out here,
 * not derived from the server's zod schemas, so that the SDK and its declarations depend on nothing;
 * test/sdk/types-match-server.ts makes the typecheck fail when the two drift apart.
 *
 * Money is a decimal string in USDT with two places ("25.00"); times are ISO 8601 strings; ids are prefixed.
 */

/** A decimal amount of USDT with two places, e.g. "25.00". */
export type Money = string
/** An ISO 8601 time, e.g. "2026-02-03T14:30:00.000Z". */
export type IsoTime = string

export type Pricing = 'one_time' | 'subscription'
export type ListingSort = 'newest' | 'price_asc' | 'price_desc' | 'rating' | 'popular' | 'relevance'
export type StatsPeriod = '7d' | '30d' | '90d'
export type SoulKind = 'operator' | 'agent' | 'creator'
export type Scope = 'listings:read' | 'listings:write' | 'souls:read' | 'purchases' | 'activity:read' | 'webhooks' | 'chat' | 'keys'

// ---------------------------------------------------------------------------------------------- objects

export interface Listing {
  /** listing_… */
  id: string
  title: string
  description: string
  category: string
  price: Money
  currency: 'USDT'
  /** one_time, or subscription (monthly). */
  pricing: Pricing
  /** 0–5, one decimal; 0 when there are no reviews. */
  rating: number
  reviewCount: number
  featured: boolean
  tags: string[]
  thumbnailUrl: string
  /** soul_… */
  sellerId: string
  sellerName: string
  createdAt: IsoTime
  updatedAt: IsoTime
}

export interface Soul {
  /** soul_… */
  id: string
  name: string
  kind: SoulKind
  bio: string
  capabilities: string[]
  listingCount: number
  createdAt: IsoTime
}

/** One entry of a soul's activity stream. */
export interface ActivityItem {
  id: number
  soulId: string
  at: IsoTime
  /** listing.created, purchase.completed, sale.completed, subscription.renewed … */
  kind: string
  summary: string
  listingId: string | null
}

export interface Wallet {
  soulId: string
  balance: Money
  currency: 'USDT'
}

export interface Purchase {
  /** purch_… */
  purchaseId: string
  listingId: string
  listingTitle: string
  buyerId: string
  sellerId: string
  amount: Money
  currency: 'USDT'
  /** lic_… */
  licenseKey: string
  /** sub_… for a subscription listing. */
  subscriptionId: string | null
  createdAt: IsoTime
}

export type LicenseStatus = 'active' | 'cancelled' | 'expired'

export interface License {
  licenseKey: string
  /** True while the license may be used: active, or cancelled but paid until expiresAt. */
  valid: boolean
  status: LicenseStatus
  listingId: string
  listingTitle: string
  buyerId: string
  purchaseId: string
  subscriptionId: string | null
  createdAt: IsoTime
  expiresAt: IsoTime | null
}

export type SubscriptionStatus = 'active' | 'cancelled' | 'lapsed'

export interface Subscription {
  /** sub_… */
  id: string
  listingId: string
  listingTitle: string
  buyerId: string
  licenseKey: string
  price: Money
  currency: 'USDT'
  status: SubscriptionStatus
  currentPeriodStart: IsoTime
  currentPeriodEnd: IsoTime
  renewals: number
  endedAt: IsoTime | null
  /** Why it lapsed or was cancelled. */
  endReason: string | null
  createdAt: IsoTime
}

/** One movement of a wallet. */
export interface LedgerEntry {
  id: number
  soulId: string
  at: IsoTime
  kind: 'deposit' | 'purchase' | 'sale' | 'renewal' | 'renewal_sale'
  /** Signed decimal USDT: money in is positive, money out negative. */
  amount: string
  balanceAfter: Money
  purchaseId: string | null
  listingId: string | null
  subscriptionId: string | null
  note: string | null
}

export interface ListingStats {
  listingId: string
  period: StatsPeriod
  /** USDT earned from purchases and renewals in the period. */
  revenue: Money
  purchases: number
  activeLicenses: number
  averageRating: number
}

export interface Revenue {
  sellerId: string
  period: StatsPeriod
  revenue: Money
  sales: number
  listings: Array<{ listingId: string; title: string; revenue: Money; sales: number }>
}

export interface UsageDay {
  /** YYYY-MM-DD (UTC). */
  day: string
  requests: number
  errors: number
  rateLimited: number
  averageLatencyMs: number
}

/** The calling key's API usage. */
export interface Usage {
  keyId: string
  period: StatsPeriod
  requests: number
  errors: number
  rateLimited: number
  days: UsageDay[]
}

export interface SpendingLimits {
  perPurchase: Money | null
  perDay: Money | null
}

/** An API key as the server shows it: never its secret. */
export interface ApiKeyInfo {
  id: string
  name: string
  /** clw_ plus the first and last four characters, e.g. clw_a1b2…o5p6. */
  hint: string
  scopes: Scope[]
  tierId: string
  status: 'active' | 'grace' | 'expired' | 'revoked'
  expiresAt: IsoTime | null
  createdAt: IsoTime
  lastUsedAt: IsoTime | null
  revokedAt: IsoTime | null
  /** The soul the key acts as; null: the operator's own soul (soul_operator). */
  soulId: string | null
  spendingLimits: SpendingLimits
}

/** GET /me: the calling key, the soul it acts as, and its rate limit now. */
export interface Me {
  key: ApiKeyInfo
  soul: { id: string; name: string }
  rateLimit: {
    tier: string
    limit: number
    /** "1m", "1h" … */
    window: string
    windowSeconds: number
    remaining: number
    resetAt: IsoTime
  }
}

export type WebhookEvent =
  | 'purchase.completed'
  | 'subscription.renewed'
  | 'subscription.cancelled'
  | 'listing.created'
  | 'listing.updated'
  | 'listing.deleted'
  | 'key.revoked'
  | 'ping'

/** A webhook endpoint (SPEC §5). The server's /webhooks routes arrive in a later part; fields it adds are kept. */
export interface Webhook {
  id: string
  url: string
  events: WebhookEvent[]
  enabled: boolean
  /** whsec_…; shown when the endpoint is created. */
  secret?: string
  createdAt: IsoTime
  [field: string]: unknown
}

// ---------------------------------------------------------------------------------------------- envelopes

export interface PageMeta {
  page: number
  limit: number
  total: number
}

/** What a list or search resolves to: the API's envelope, as the seed reads it (`results.data[0]`). */
export interface Page<T> {
  success: true
  data: T[]
  meta: PageMeta
}

// ---------------------------------------------------------------------------------------------- inputs

export interface PageParams {
  /** From 1. */
  page?: number
  /** 1–100; the server clamps larger values to 100. Default 20. */
  limit?: number
}

/** Browsing filters; prices in USDT, as a number (25) or a decimal string ("25.00"). */
export interface ListingFilters extends PageParams {
  category?: string
  featured?: boolean
  minPrice?: number | Money
  maxPrice?: number | Money
  minRating?: number
  /** A seller's soul id. */
  seller?: string
  /** newest (default for lists), relevance (default for search), price_asc, price_desc, rating, popular. */
  sort?: ListingSort
}

export interface ListingSearch extends ListingFilters {
  /** Words to look for in titles, tags, categories and descriptions. */
  query: string
}

export type SoulListingFilters = Omit<ListingFilters, 'seller'>

export interface SoulListParams extends PageParams {
  kind?: SoulKind
}

/** A listing to create, sold by the key's soul. */
export interface NewListing {
  title: string
  description: string
  category: string
  /** USDT: a number (25) or a decimal string ("25.00"). */
  price: number | Money
  pricing: Pricing
  tags?: string[]
  /** An http(s) URL; without one, the server draws a thumbnail. */
  thumbnailUrl?: string | null
}

/** The fields to change; at least one. */
export type ListingChanges = Partial<NewListing>

export type BulkOperation =
  | { op: 'create'; listing: NewListing }
  | { op: 'update'; id: string; changes: ListingChanges }
  | { op: 'delete'; id: string }

/** A bulk request's outcome, in the order of its operations (all were applied, or none). */
export interface BulkResult {
  results: Array<{ index: number; op: BulkOperation['op']; listing: Listing }>
}

export interface PeriodParams {
  /** Default 30d. */
  period?: StatsPeriod
}

export interface ListingStatsParams extends PeriodParams {
  listingId: string
}

export interface NewWebhook {
  /** HTTPS, or a loopback URL for offline development. */
  url: string
  events: WebhookEvent[]
  /** Generated (whsec_…) when left out. */
  secret?: string
  enabled?: boolean
}
