import type { MethodInput } from '../../src-shared/contract'
import type { Listing, ListingSort, ListingStats, StatsPeriod } from '../../src-shared/marketplace'
import { createNumberedList, emptyNumberedList, type NumberedList } from './numbered-list'
import type { SliceCreator } from './types'

export const LISTINGS_PAGE_SIZE = 25

export interface ListingFilter {
  /** Full-text search; empty: browse. */
  query: string
  category: string | null
  /** null: featured or not. */
  featured: boolean | null
  /** null: the server's default (relevance with a query, newest without). */
  sort: ListingSort | null
}

/** A listing's figures for one period, as the detail shows them. */
export interface ListingStatsView {
  listingId: string
  period: StatsPeriod
  stats: ListingStats | null
  loading: boolean
}

export interface ListingsSlice {
  listings: NumberedList<Listing, ListingFilter>
  /** Every category seen on a page so far, sorted: the category filter's choices. */
  listingCategories: string[]
  loadListingCategories(): Promise<void>
  listingStats: ListingStatsView | null
  loadListings(): Promise<void>
  setListingFilter(change: Partial<ListingFilter>): void
  setListingsPage(page: number): void
  /** Saves the changed fields; the list shows the result. Throws on failure. */
  updateListing(input: MethodInput<'listings.update'>): Promise<Listing>
  /** Throws on failure. */
  deleteListing(id: string): Promise<Listing>
  loadListingStats(listingId: string, period: StatsPeriod): Promise<void>
}

const filterInput = (filter: ListingFilter) => ({
  query: filter.query.trim() || undefined,
  category: filter.category ?? undefined,
  featured: filter.featured ?? undefined,
  sort: filter.sort ?? undefined,
})

const withCategories = (known: string[], listings: Listing[]): string[] => {
  const next = new Set(known)
  for (const listing of listings) next.add(listing.category)
  return next.size === known.length ? known : [...next].sort()
}

export const createListingsSlice: SliceCreator<ListingsSlice> = ({ client }) => (set, get) => {
  const list = createNumberedList<Listing, ListingFilter>(
    {
      fetchPage: (filter, page, limit) => client.invoke('listings.list', { ...filterInput(filter), page, limit }),
      failure: 'Could not load the listings',
      onPage: (page) => {
        set({ listingCategories: withCategories(get().listingCategories, page.data) })
        // Every category in use, once per load of the first page: the filter offers them all, not only those seen.
        if (page.meta.page === 1) void get().loadListingCategories()
      },
    },
    {
      read: () => get().listings,
      write: (change) => set({ listings: { ...get().listings, ...change } }),
      reportError: (error, title) => get().reportError(error, title),
    },
  )
  // Stats asked for later win: an older answer for another listing or period is dropped.
  let statsRequest = 0

  return {
    listings: emptyNumberedList<Listing, ListingFilter>({ query: '', category: null, featured: null, sort: null }, LISTINGS_PAGE_SIZE),
    listingCategories: [],

    async loadListingCategories() {
      try {
        const categories = await client.invoke('listings.categories', {})
        set({ listingCategories: [...new Set([...get().listingCategories, ...categories.map(({ category }) => category)])].sort() })
      } catch {
        // The categories seen on pages stay the choices.
      }
    },
    listingStats: null,
    loadListings: list.load,
    setListingFilter: (change) => list.setFilter({ ...get().listings.filter, ...change }),
    setListingsPage: list.setPage,

    async updateListing(input) {
      const updated = await client.invoke('listings.update', input)
      const { listings } = get()
      set({
        listings: { ...listings, rows: listings.rows.map((listing) => (listing.id === updated.id ? updated : listing)) },
        listingCategories: withCategories(get().listingCategories, [updated]),
      })
      // A changed title, price or flag can move it in the order or out of the filter.
      void list.load()
      return updated
    },

    async deleteListing(id) {
      const deleted = await client.invoke('listings.delete', { id })
      const { listings } = get()
      set({ listings: { ...listings, rows: listings.rows.filter((listing) => listing.id !== id), total: Math.max(0, listings.total - 1) } })
      void list.load()
      return deleted
    },

    async loadListingStats(listingId, period) {
      const mine = ++statsRequest
      const current = get().listingStats
      const same = current?.listingId === listingId && current.period === period
      set({ listingStats: { listingId, period, stats: same ? current.stats : null, loading: true } })
      try {
        const stats = await client.invoke('listings.stats', { id: listingId, period })
        if (mine === statsRequest) set({ listingStats: { listingId, period, stats, loading: false } })
      } catch (error) {
        if (mine !== statsRequest) return
        set({ listingStats: { listingId, period, stats: null, loading: false } })
        get().reportError(error, 'Could not load the listing’s figures')
      }
    },
  }
}
