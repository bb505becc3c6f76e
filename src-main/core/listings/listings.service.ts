import type { Listing } from '../../../src-shared/marketplace'
import { ActivityRepository } from '../activity/activity.repository'
import type { AuditService, Actor } from '../audit/audit.service'
import { toIso, type Clock } from '../clock'
import type { ListingRow } from '../db/schema'
import type { Store } from '../db/store'
import { StoreCache } from '../db/store-cache'
import { MarketplaceError } from '../errors'
import type { WebhookOutbox } from '../webhooks/outbox'
import { newId } from '../ids'
import { fromCents } from '../money'
import { pageOf, type Page } from '../souls/souls.service'
import { ftsQuery, ListingsRepository, type ListingFilters, type ListingSortKey, type ListingWithSeller } from './listings.repository'

export interface ListingQuery extends ListingFilters {
  sort?: ListingSortKey
  page: number
  limit: number
}

export interface NewListing {
  title: string
  description: string
  category: string
  priceCents: number
  pricing: 'one_time' | 'subscription'
  tags?: string[]
  thumbnailUrl?: string | null
}

export type ListingChanges = Partial<NewListing>

/** Who is asking to change a listing: a soul (through its key), or the operator (GUI, CLI, admin RPC). */
export type ListingEditor = { soulId: string; actor: Actor } | { operator: true; actor: Actor }

export type BulkOperation =
  | { op: 'create'; listing: NewListing }
  | { op: 'update'; id: string; changes: ListingChanges }
  | { op: 'delete'; id: string }

export interface BulkResult {
  index: number
  op: BulkOperation['op']
  listing: Listing
}

/** The dearest listing: 1,000,000 USDT. */
export const MAX_PRICE_CENTS = 1_000_000_00

function requirePrice(cents: number | undefined): void {
  if (cents !== undefined && (!Number.isInteger(cents) || cents < 0 || cents > MAX_PRICE_CENTS))
    throw new MarketplaceError('INVALID_REQUEST', `A price is from 0.00 to ${fromCents(MAX_PRICE_CENTS)} USDT.`, { price: cents === undefined ? null : fromCents(cents) })
}

export const THUMBNAIL_PATH = '/api/v1/thumbnails'

/**
 * The marketplace's listings (seed 000 "Listings"): browsing with filters, full-text search, and the
 * sellers' own create / update / delete. Answers are read through a cache that empties whenever the
 * store changes (like the key cache), so the hot browsing path is a map lookup most of the time.
 */
export class ListingsService {
  private readonly repo: ListingsRepository
  private readonly activity: ActivityRepository
  private readonly pages: StoreCache<Page<Listing>>

  constructor(
    private readonly store: Store,
    private readonly audit: AuditService,
    private readonly marketClock: Clock,
    private readonly outbox: WebhookOutbox,
  ) {
    this.repo = new ListingsRepository(store)
    this.activity = new ActivityRepository(store)
    this.pages = new StoreCache(store, 500)
  }

  toDto(row: ListingWithSeller, origin: string): Listing {
    return {
      id: row.id,
      title: row.title,
      description: row.description,
      category: row.category,
      price: fromCents(row.price_cents),
      currency: 'USDT',
      pricing: row.pricing,
      rating: row.rating,
      reviewCount: row.review_count,
      featured: row.featured === 1,
      tags: JSON.parse(row.tags) as string[],
      thumbnailUrl: row.thumbnail_url ?? `${origin}${THUMBNAIL_PATH}/${row.id}.svg`,
      sellerId: row.seller_id,
      sellerName: row.seller_name,
      createdAt: toIso(row.created_at),
      updatedAt: toIso(row.updated_at),
    }
  }

  /** `cacheKey`: what identifies the query already (the request's URL), sparing the service from making one. */
  list(query: ListingQuery | (() => ListingQuery), origin: string, cacheKey?: string): Page<Listing> {
    const key = `list\u0000${origin}\u0000${cacheKey ?? JSON.stringify(query)}`
    return this.pages.get(key, () => {
      if (typeof query === 'function') query = query()
      const sort = query.sort === undefined || query.sort === 'relevance' ? 'newest' : query.sort
      const { rows, total } = this.repo.page(query, sort, (query.page - 1) * query.limit, query.limit)
      return pageOf(
        rows.map((row) => this.toDto(row, origin)),
        query.page,
        query.limit,
        total,
      )
    })!
  }

  /** Relevance-ranked: all the words first; when nothing has them all, anything with any of them. */
  search(text: string, query: ListingQuery | (() => ListingQuery), origin: string, cacheKey?: string): Page<Listing> {
    const key = `search\u0000${origin}\u0000${cacheKey ?? `${text}\u0000${JSON.stringify(query)}`}`
    return this.pages.get(key, () => {
      if (typeof query === 'function') query = query()
      const sort = query.sort ?? 'relevance'
      const offset = (query.page - 1) * query.limit
      const all = ftsQuery(text)
      if (all === null) return pageOf([], query.page, query.limit, 0)
      let found = this.repo.search(all, query, sort, offset, query.limit)
      const any = ftsQuery(text, true)
      if (found.total === 0 && any !== null && any !== all) found = this.repo.search(any, query, sort, offset, query.limit)
      return pageOf(
        found.rows.map((row) => this.toDto(row, origin)),
        query.page,
        query.limit,
        found.total,
      )
    })!
  }

  /** The categories in use, with how many listings each has. */
  categories(): Array<{ category: string; listings: number }> {
    return this.store.all(
      this.store.db
        .selectFrom('listings')
        .select(['category', (e) => e.fn.countAll<number>().as('listings')])
        .where('deleted_at', 'is', null)
        .groupBy('category')
        .orderBy('category'),
    )
  }

  /** A listing that exists and is not deleted, or LISTING_NOT_FOUND. */
  row(id: string): ListingWithSeller {
    const row = this.repo.find(id)
    if (!row || row.deleted_at !== null) throw new MarketplaceError('LISTING_NOT_FOUND', `Listing ${id} does not exist.`, { listingId: id })
    return row
  }

  /** Any listing, deleted ones too (purchases and licenses name them). */
  anyRow(id: string): ListingWithSeller | undefined {
    return this.repo.find(id)
  }

  get(id: string, origin: string): Listing {
    return this.toDto(this.row(id), origin)
  }

  private requireEditor(row: ListingWithSeller, editor: ListingEditor): void {
    if ('operator' in editor || editor.soulId === row.seller_id) return
    throw new MarketplaceError('INSUFFICIENT_PERMISSIONS', `Listing ${row.id} belongs to another seller: only its seller can change it.`, {
      reason: 'not_your_listing',
      listingId: row.id,
      sellerId: row.seller_id,
    })
  }

  create(sellerId: string, input: NewListing, actor: Actor, origin: string): Listing {
    requirePrice(input.priceCents)
    return this.store.transaction(() => {
      const now = this.marketClock.now()
      const row: ListingRow = {
        id: newId('listing'),
        seller_id: sellerId,
        title: input.title,
        description: input.description,
        category: input.category,
        price_cents: input.priceCents,
        currency: 'USDT',
        pricing: input.pricing,
        rating: 0,
        review_count: 0,
        featured: 0,
        tags: JSON.stringify(input.tags ?? []),
        thumbnail_url: input.thumbnailUrl ?? null,
        created_at: now,
        updated_at: now,
        deleted_at: null,
      }
      this.repo.insert(row)
      const listing = this.get(row.id, origin)
      this.activity.record(sellerId, now, 'listing.created', `Listed "${row.title}"`, row.id)
      this.audit.record({ actor, action: 'listing.created', targetType: 'listing', targetId: row.id, after: listing })
      this.outbox.emit('listing.created', { listing }, [sellerId])
      return listing
    })
  }

  update(id: string, changes: ListingChanges & { featured?: boolean }, editor: ListingEditor, origin: string): Listing {
    requirePrice(changes.priceCents)
    return this.store.transaction(() => {
      const current = this.row(id)
      this.requireEditor(current, editor)
      if (changes.featured !== undefined && !('operator' in editor))
        throw new MarketplaceError('INSUFFICIENT_PERMISSIONS', 'Only the operator features listings.', { reason: 'operator_only', field: 'featured' })
      const before = this.toDto(current, origin)
      const now = this.marketClock.now()
      this.repo.update(id, {
        ...(changes.title !== undefined && { title: changes.title }),
        ...(changes.description !== undefined && { description: changes.description }),
        ...(changes.category !== undefined && { category: changes.category }),
        ...(changes.priceCents !== undefined && { price_cents: changes.priceCents }),
        ...(changes.pricing !== undefined && { pricing: changes.pricing }),
        ...(changes.tags !== undefined && { tags: JSON.stringify(changes.tags) }),
        ...(changes.thumbnailUrl !== undefined && { thumbnail_url: changes.thumbnailUrl }),
        ...(changes.featured !== undefined && { featured: changes.featured ? 1 : 0 }),
        updated_at: now,
      })
      const after = this.get(id, origin)
      this.activity.record(current.seller_id, now, 'listing.updated', `Updated "${after.title}"`, id)
      this.audit.record({ actor: editor.actor, action: 'listing.updated', targetType: 'listing', targetId: id, before, after })
      this.outbox.emit('listing.updated', { listing: after }, [current.seller_id])
      return after
    })
  }

  /**
   * Up to 100 creates, updates and deletes in one transaction: all of them, or, when any is refused,
   * none, with every refusal listed by its index (seed 000 "Bulk listing management").
   */
  bulk(operations: readonly BulkOperation[], editor: ListingEditor & { soulId: string }, origin: string): BulkResult[] {
    return this.store.transaction(() => {
      const results: BulkResult[] = []
      const errors: Array<{ index: number; op: BulkOperation['op']; code: string; message: string; details?: Record<string, unknown> }> = []
      operations.forEach((operation, index) => {
        try {
          if (operation.op === 'create') results.push({ index, op: 'create', listing: this.create(editor.soulId, operation.listing, editor.actor, origin) })
          else if (operation.op === 'update') results.push({ index, op: 'update', listing: this.update(operation.id, operation.changes, editor, origin) })
          else results.push({ index, op: 'delete', listing: this.delete(operation.id, editor, origin) })
        } catch (error) {
          if (!(error instanceof MarketplaceError)) throw error
          errors.push({ index, op: operation.op, code: error.code, message: error.message, ...(error.details && { details: error.details }) })
        }
      })
      if (errors.length > 0)
        throw new MarketplaceError('INVALID_REQUEST', `${errors.length} of ${operations.length} operations were refused; none was applied.`, { errors })
      return results
    })
  }

  /** Deleted listings disappear from browsing and search; purchases and licenses keep naming them. */
  delete(id: string, editor: ListingEditor, origin: string): Listing {
    return this.store.transaction(() => {
      const current = this.row(id)
      this.requireEditor(current, editor)
      const now = this.marketClock.now()
      this.repo.update(id, { deleted_at: now, updated_at: now })
      const before = this.toDto(current, origin)
      this.activity.record(current.seller_id, now, 'listing.deleted', `Removed "${current.title}"`, id)
      this.audit.record({ actor: editor.actor, action: 'listing.deleted', targetType: 'listing', targetId: id, before })
      this.outbox.emit('listing.deleted', { listingId: id, listing: before }, [current.seller_id])
      return before
    })
  }
}
