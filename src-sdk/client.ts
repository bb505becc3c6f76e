import { ClawgetError } from './errors.js'
import { DEFAULT_BASE_URL, DEFAULT_TIMEOUT_MS, normalizeBaseUrl, segment, Transport, type FetchLike, type Query } from './transport.js'
import type {
  ActivityItem,
  BulkOperation,
  BulkResult,
  LedgerEntry,
  License,
  Listing,
  ListingChanges,
  ListingFilters,
  ListingSearch,
  ListingStats,
  ListingStatsParams,
  Me,
  NewListing,
  NewWebhook,
  Page,
  PageParams,
  PeriodParams,
  Purchase,
  Revenue,
  Soul,
  SoulListingFilters,
  SoulListParams,
  Subscription,
  Usage,
  Wallet,
  Webhook,
} from './types.js'

export interface ClawgetOptions {
  /** A clw_ key. Left out (or undefined), the CLAWGET_API_KEY environment variable is read where there is one. */
  apiKey?: string
  /**
   * Where the API is: default http://127.0.0.1:7420/api/v1 (the local server), else the CLAWGET_BASE_URL
   * environment variable where there is one. With or without a trailing slash; a bare origin gets /api/v1.
   */
  baseUrl?: string
  /** The fetch to send requests with; default the global fetch. */
  fetch?: FetchLike
  /** How long a request may take, answer included, before it fails with TIMEOUT; default 30 000. 0: no limit. */
  timeoutMs?: number
}

/** process.env where there is a process (Node, Bun, Deno's Node mode); nothing in a browser. */
function environment(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
  const value = env?.[name]
  return value === undefined || value.trim() === '' ? undefined : value
}

type Filters = ListingFilters | SoulListingFilters | ListingSearch

const filterQuery = (filters: Filters | undefined): Query => ({ ...filters })

/** Seed 000 "Listings": browsing, search, details, purchase, and the seller's create / update / delete / bulk. */
export class Listings {
  constructor(private readonly transport: Transport) {}

  /** Browse, with filters and paging: resolves to `{success, data, meta}`. */
  list(filters?: ListingFilters): Promise<Page<Listing>> {
    return this.transport.page({ method: 'GET', path: '/listings', query: filterQuery(filters) })
  }

  /** Full-text search, relevance-ranked, with the same filters: resolves to `{success, data, meta}`. */
  search(search: ListingSearch): Promise<Page<Listing>> {
    return this.transport.page({ method: 'GET', path: '/listings/search', query: filterQuery(search) })
  }

  get(id: string): Promise<Listing> {
    return this.transport.object({ method: 'GET', path: `/listings/${segment(id)}` })
  }

  /** Buys the listing with the key's soul's wallet; the purchase holds the license key (`lic_…`). */
  purchase(id: string): Promise<Purchase> {
    return this.transport.object({ method: 'POST', path: `/listings/${segment(id)}/purchase` })
  }

  /** Creates a listing sold by the key's soul. */
  create(listing: NewListing): Promise<Listing> {
    return this.transport.object({ method: 'POST', path: '/listings', body: listing })
  }

  /** Changes a listing of the key's soul. */
  update(id: string, changes: ListingChanges): Promise<Listing> {
    return this.transport.object({ method: 'PATCH', path: `/listings/${segment(id)}`, body: changes })
  }

  /** Deletes a listing of the key's soul and resolves to it; its purchases keep their licenses. */
  delete(id: string): Promise<Listing> {
    return this.transport.object({ method: 'DELETE', path: `/listings/${segment(id)}` })
  }

  /** Up to 100 creates, updates and deletes, applied all or none. */
  bulk(operations: BulkOperation[]): Promise<BulkResult> {
    return this.transport.object({ method: 'POST', path: '/listings/bulk', body: { operations } })
  }
}

/** Seed 000 "Souls": the directory, profiles and capabilities, a soul's listings, its activity stream. */
export class Souls {
  constructor(private readonly transport: Transport) {}

  list(params?: SoulListParams): Promise<Page<Soul>> {
    return this.transport.page({ method: 'GET', path: '/souls', query: { ...params } })
  }

  get(id: string): Promise<Soul> {
    return this.transport.object({ method: 'GET', path: `/souls/${segment(id)}` })
  }

  /** The soul's listings, with the listing filters. */
  listings(id: string, filters?: SoulListingFilters): Promise<Page<Listing>> {
    return this.transport.page({ method: 'GET', path: `/souls/${segment(id)}/listings`, query: filterQuery(filters) })
  }

  /** What the soul did, newest first. */
  activity(id: string, params?: PageParams): Promise<Page<ActivityItem>> {
    return this.transport.page({ method: 'GET', path: `/souls/${segment(id)}/activity`, query: { ...params } })
  }
}

export class Wallets {
  constructor(private readonly transport: Transport) {}

  /** The key's soul's wallet. */
  get(): Promise<Wallet> {
    return this.transport.object({ method: 'GET', path: '/wallet' })
  }
}

export class Licenses {
  constructor(private readonly transport: Transport) {}

  /** Whether a license may be used (`valid`), its status, listing and buyer. An unknown key fails with NOT_FOUND. */
  validate(licenseKey: string): Promise<License> {
    return this.transport.object({ method: 'GET', path: `/licenses/${segment(licenseKey)}` })
  }
}

export class Subscriptions {
  constructor(private readonly transport: Transport) {}

  /** The key's soul's subscriptions. */
  list(params?: PageParams): Promise<Page<Subscription>> {
    return this.transport.page({ method: 'GET', path: '/subscriptions', query: { ...params } })
  }

  /** Stops the renewals; the paid period stays usable. */
  cancel(id: string): Promise<Subscription> {
    return this.transport.object({ method: 'POST', path: `/subscriptions/${segment(id)}/cancel` })
  }
}

/** Seed 000 "Activity": purchase history, transactions, usage, revenue, listing stats (scope activity:read). */
export class Activity {
  constructor(private readonly transport: Transport) {}

  /** A listing's revenue, purchases, active licenses and average rating over a period (its seller only). */
  listingStats({ listingId, period }: ListingStatsParams): Promise<ListingStats> {
    return this.transport.object({ method: 'GET', path: `/activity/listings/${segment(listingId)}/stats`, query: { period } })
  }

  /** The key's soul's purchases, newest first. */
  purchases(params?: PageParams): Promise<Page<Purchase>> {
    return this.transport.page({ method: 'GET', path: '/activity/purchases', query: { ...params } })
  }

  /** The key's soul's wallet ledger, newest first. */
  transactions(params?: PageParams): Promise<Page<LedgerEntry>> {
    return this.transport.page({ method: 'GET', path: '/activity/transactions', query: { ...params } })
  }

  /** The calling key's API usage per day. */
  usage(params?: PeriodParams): Promise<Usage> {
    return this.transport.object({ method: 'GET', path: '/activity/usage', query: { ...params } })
  }

  /** The key's soul's revenue as a seller, per listing. */
  revenue(params?: PeriodParams): Promise<Revenue> {
    return this.transport.object({ method: 'GET', path: '/activity/revenue', query: { ...params } })
  }
}

/** Webhook endpoints (scope webhooks). */
export class Webhooks {
  constructor(private readonly transport: Transport) {}

  create(webhook: NewWebhook): Promise<Webhook> {
    return this.transport.object({ method: 'POST', path: '/webhooks', body: webhook })
  }

  list(params?: PageParams): Promise<Page<Webhook>> {
    return this.transport.page({ method: 'GET', path: '/webhooks', query: { ...params } })
  }

  delete(id: string): Promise<Webhook> {
    return this.transport.object({ method: 'DELETE', path: `/webhooks/${segment(id)}` })
  }
}

/**
 * The Clawget API client (seed 000), for the cloud or the local server:
 *
 *     const client = new Clawget({ apiKey: process.env.CLAWGET_API_KEY, baseUrl: 'http://127.0.0.1:7420/api/v1' })
 *     const results = await client.listings.search({ query: 'web scraping', maxPrice: 50 })
 *
 * Lists resolve to the envelope `{success, data, meta}`, single objects to the object; every failure
 * rejects with a ClawgetError.
 */
export class Clawget {
  readonly listings: Listings
  readonly souls: Souls
  readonly wallet: Wallets
  readonly licenses: Licenses
  readonly subscriptions: Subscriptions
  readonly activity: Activity
  readonly webhooks: Webhooks
  /** The API's base URL as normalised, e.g. http://127.0.0.1:7420/api/v1. */
  readonly baseUrl: string
  readonly #transport: Transport

  constructor(options: ClawgetOptions = {}) {
    const apiKey = options.apiKey ?? environment('CLAWGET_API_KEY')
    if (typeof apiKey !== 'string' || apiKey.trim() === '') {
      throw new ClawgetError({ code: 'INVALID_OPTIONS', status: 0, message: 'No API key: pass new Clawget({ apiKey }) or set CLAWGET_API_KEY.' })
    }
    const fetchFn = options.fetch ?? (typeof globalThis.fetch === 'function' ? (globalThis.fetch.bind(globalThis) as FetchLike) : undefined)
    if (!fetchFn) throw new ClawgetError({ code: 'INVALID_OPTIONS', status: 0, message: 'There is no global fetch here (Node >= 18 has one); pass new Clawget({ fetch }).' })
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0) {
      throw new ClawgetError({ code: 'INVALID_OPTIONS', status: 0, message: `timeoutMs must be a number of milliseconds (0: no limit), not ${String(timeoutMs)}.` })
    }
    this.baseUrl = normalizeBaseUrl(options.baseUrl ?? environment('CLAWGET_BASE_URL') ?? DEFAULT_BASE_URL)
    this.#transport = new Transport({ apiKey: apiKey.trim(), baseUrl: this.baseUrl, fetch: fetchFn, timeoutMs })
    this.listings = new Listings(this.#transport)
    this.souls = new Souls(this.#transport)
    this.wallet = new Wallets(this.#transport)
    this.licenses = new Licenses(this.#transport)
    this.subscriptions = new Subscriptions(this.#transport)
    this.activity = new Activity(this.#transport)
    this.webhooks = new Webhooks(this.#transport)
  }

  /** The calling key: its scopes and limits, the soul it acts as, its rate limit now. */
  me(): Promise<Me> {
    return this.#transport.object({ method: 'GET', path: '/me' })
  }
}
