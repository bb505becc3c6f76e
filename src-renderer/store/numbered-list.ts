/**
 * The marketplace's lists come one numbered page at a time (`page`, `limit`, `meta.total` in the
 * contract's `pageOf`), unlike the live logs of paged-list.ts: the table shows one page and a pager.
 */
export interface NumberedList<Row, Filter> {
  rows: Row[]
  page: number
  /** Rows per page. */
  limit: number
  /** How many rows match the filter, over all pages. */
  total: number
  /** A page has come (until then the table shows a spinner). */
  loaded: boolean
  /** A page is on its way; the rows shown stay until it comes, so the table does not flicker. */
  loading: boolean
  filter: Filter
}

/** One page as every `pageOf` method of the contract answers it. */
export interface PageOf<Row> {
  data: Row[]
  meta: { page: number; limit: number; total: number }
}

export interface NumberedListSpec<Row, Filter> {
  fetchPage(filter: Filter, page: number, limit: number): Promise<PageOf<Row>>
  /** The notification's title when a page cannot be read. */
  failure: string
  /** Sees every page that comes, e.g. to collect the categories the listings use. */
  onPage?: (page: PageOf<Row>) => void
}

/** Where the list lives in the store. */
export interface NumberedListAccess<Row, Filter> {
  read(): NumberedList<Row, Filter>
  write(change: Partial<NumberedList<Row, Filter>>): void
  reportError(error: unknown, title: string): void
}

export interface NumberedListActions<Filter> {
  /** Reads the current page again, under the current filter. */
  load(): Promise<void>
  setPage(page: number): void
  /**
   * A new filter starts again from page 1. `clear`: the rows shown belong to something else (another
   * soul), so they go at once; otherwise they stay until the new page comes (search as you type).
   */
  setFilter(filter: Filter, options?: { clear?: boolean }): void
}

export const emptyNumberedList = <Row, Filter>(filter: Filter, limit: number): NumberedList<Row, Filter> => ({
  rows: [],
  page: 1,
  limit,
  total: 0,
  loaded: false,
  loading: false,
  filter,
})

/** The last page that has rows (1 when there are none). */
export const lastPage = (total: number, limit: number): number => Math.max(1, Math.ceil(total / limit))

export function createNumberedList<Row, Filter>(spec: NumberedListSpec<Row, Filter>, store: NumberedListAccess<Row, Filter>): NumberedListActions<Filter> {
  // Each load starts a generation; a page from an older one is stale and dropped.
  let generation = 0

  const load = async () => {
    const mine = ++generation
    store.write({ loading: true })
    try {
      const { filter, page, limit } = store.read()
      let answer = await spec.fetchPage(filter, page, limit)
      // The list shrank under the page shown (a delete, a reset): show its last page instead of an empty one.
      if (answer.data.length === 0 && page > 1 && answer.meta.total > 0 && mine === generation)
        answer = await spec.fetchPage(filter, lastPage(answer.meta.total, limit), limit)
      if (mine !== generation) return
      spec.onPage?.(answer)
      store.write({ rows: answer.data, page: answer.meta.page, total: answer.meta.total, loaded: true, loading: false })
    } catch (error) {
      if (mine !== generation) return
      store.write({ loading: false })
      store.reportError(error, spec.failure)
    }
  }

  return {
    load,
    setPage(page) {
      store.write({ page })
      void load()
    },
    setFilter(filter, options) {
      const { limit } = store.read()
      store.write(options?.clear ? emptyNumberedList(filter, limit) : { filter, page: 1 })
      void load()
    },
  }
}
