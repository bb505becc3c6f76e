import type { ListingRow } from '../db/schema'
import type { Store } from '../db/store'

export type ListingSortKey = 'newest' | 'price_asc' | 'price_desc' | 'rating' | 'popular' | 'relevance'

export interface ListingFilters {
  category?: string
  featured?: boolean
  minPriceCents?: number
  maxPriceCents?: number
  minRating?: number
  sellerId?: string
}

export type ListingWithSeller = ListingRow & { seller_name: string }

const ORDER: Record<Exclude<ListingSortKey, 'relevance'>, string> = {
  newest: 'l.created_at desc, l.id',
  price_asc: 'l.price_cents asc, l.rating desc, l.id',
  price_desc: 'l.price_cents desc, l.rating desc, l.id',
  rating: 'l.rating desc, l.review_count desc, l.id',
  popular: 'l.review_count desc, l.rating desc, l.id',
}

/** bm25 weights per column of listings_fts (title, tags, category, description): a title match counts most. */
const RELEVANCE = 'bm25(listings_fts, 10.0, 5.0, 2.0, 1.0), l.rating desc, l.review_count desc, l.id'

function where(filters: ListingFilters): { clauses: string[]; parameters: unknown[] } {
  const clauses = ['l.deleted_at is null']
  const parameters: unknown[] = []
  const add = (clause: string, value: unknown) => {
    clauses.push(clause)
    parameters.push(value)
  }
  if (filters.category !== undefined) add('l.category = ?', filters.category)
  if (filters.featured !== undefined) add('l.featured = ?', filters.featured ? 1 : 0)
  if (filters.minPriceCents !== undefined) add('l.price_cents >= ?', filters.minPriceCents)
  if (filters.maxPriceCents !== undefined) add('l.price_cents <= ?', filters.maxPriceCents)
  if (filters.minRating !== undefined) add('l.rating >= ?', filters.minRating)
  if (filters.sellerId !== undefined) add('l.seller_id = ?', filters.sellerId)
  return { clauses, parameters }
}

/**
 * The terms of a search as an FTS5 query: each word a prefix ("pdf" finds "pdfs"), all of them
 * required, or any of them with `anyTerm`. User text never reaches FTS5's query syntax as such.
 */
export function ftsQuery(text: string, anyTerm = false): string | null {
  const terms = text.toLowerCase().match(/[\p{L}\p{N}]+/gu)
  if (!terms) return null
  return terms
    .slice(0, 16)
    .map((term) => `"${term}"*`)
    .join(anyTerm ? ' OR ' : ' ')
}

/** Listings, by SQL only. Deleted listings are kept (purchases name them) and found by nothing here but `find`. */
export class ListingsRepository {
  constructor(private readonly store: Store) {}

  private readonly select = 'select l.*, s.name as seller_name from listings l join souls s on s.id = l.seller_id'

  page(filters: ListingFilters, sort: Exclude<ListingSortKey, 'relevance'>, offset: number, limit: number): { rows: ListingWithSeller[]; total: number } {
    const { clauses, parameters } = where(filters)
    const condition = clauses.join(' and ')
    const total = this.store.firstSql<{ n: number }>(`select count(*) as n from listings l where ${condition}`, parameters)?.n ?? 0
    const rows = this.store.allSql<ListingWithSeller>(`${this.select} where ${condition} order by ${ORDER[sort]} limit ? offset ?`, [...parameters, limit, offset])
    return { rows, total }
  }

  /** Full-text search, relevance-ranked unless another order is asked for. */
  search(match: string, filters: ListingFilters, sort: ListingSortKey, offset: number, limit: number): { rows: ListingWithSeller[]; total: number } {
    const { clauses, parameters } = where(filters)
    const condition = ['listings_fts match ?', ...clauses].join(' and ')
    const from = 'from listings_fts join listings l on l.rowid = listings_fts.rowid'
    const all = [match, ...parameters]
    const total = this.store.firstSql<{ n: number }>(`select count(*) as n ${from} where ${condition}`, all)?.n ?? 0
    const order = sort === 'relevance' ? RELEVANCE : ORDER[sort]
    const rows = this.store.allSql<ListingWithSeller>(
      `select l.*, s.name as seller_name ${from} join souls s on s.id = l.seller_id where ${condition} order by ${order} limit ? offset ?`,
      [...all, limit, offset],
    )
    return { rows, total }
  }

  find(id: string): ListingWithSeller | undefined {
    return this.store.firstSql<ListingWithSeller>(`${this.select} where l.id = ?`, [id])
  }

  insert(row: ListingRow): void {
    this.store.run(this.store.db.insertInto('listings').values(row))
  }

  update(id: string, changes: Partial<Omit<ListingRow, 'id' | 'seller_id' | 'created_at'>>): void {
    this.store.run(this.store.db.updateTable('listings').set(changes).where('id', '=', id))
  }
}
