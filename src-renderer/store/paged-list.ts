/**
 * The live logs (requests, audit) are paged lists: the newest page first, older pages on demand,
 * and rows from the event stream merged in on top, newest first, each row once.
 */
export interface PagedList<Row, Filter> {
  rows: Row[]
  /** How many rows match the filter; live rows add to it. */
  total: number
  /** The first page has come (until then the table shows a spinner). */
  loaded: boolean
  /** A "Load older" page is on its way. */
  loadingOlder: boolean
  filter: Filter
}

/** `position` orders rows (a seq or an id that grows with time); `identity` says when two rows are the same row. */
export interface LogOrder<Row> {
  identity: (row: Row) => string | number
  position: (row: Row) => number
}

/** How many of `incoming` are not in `current` yet (a row counted once even if it comes twice). */
export function countNew<Row>(current: Row[], incoming: Row[], order: LogOrder<Row>): number {
  const known = new Set(current.map(order.identity))
  return new Set(incoming.map(order.identity).filter((identity) => !known.has(identity))).size
}

/** `current` with the rows of `incoming` it lacks, newest first, at most `cap` rows. */
export function mergeNewestFirst<Row>(current: Row[], incoming: Row[], order: LogOrder<Row>, cap: number): Row[] {
  const seen = new Set(current.map(order.identity))
  const fresh = incoming.filter((row) => !seen.has(order.identity(row)) && (seen.add(order.identity(row)), true))
  if (fresh.length === 0) return current
  return [...fresh, ...current].sort((a, b) => order.position(b) - order.position(a)).slice(0, cap)
}

export interface PagedListSpec<Row, Filter> {
  order: LogOrder<Row>
  /** Live rows keep the list at most this long; pages loaded with "Load older" raise it to what is shown, so they stay. */
  cap: number
  /** One page, newest first: the newest rows, or with `before` those older than that position. */
  fetchPage(filter: Filter, before: number | undefined): Promise<{ rows: Row[]; total: number }>
  /** The test the core applies to the list, so live rows obey the filter too. */
  matches(row: Row, filter: Filter): boolean
  /** Notification titles for a failed first page and a failed older page. */
  failures: { load: string; older: string }
}

/** Where the list lives in the store. */
export interface PagedListAccess<Row, Filter> {
  read(): PagedList<Row, Filter>
  write(change: Partial<PagedList<Row, Filter>>): void
  reportError(error: unknown, title: string): void
}

export interface PagedListActions<Row, Filter> {
  /** Reads the newest page; rows that arrived live meanwhile are kept. */
  load(): Promise<void>
  /** Appends the page before the oldest row shown, with the current filter. */
  loadOlder(): Promise<void>
  /** Empties the list and loads it again under the new filter. */
  setFilter(filter: Filter): void
  /** Rows from the event stream: those the filter lets through go on top. */
  receive(rows: Row[]): void
}

export const emptyPagedList = <Row, Filter>(filter: Filter): PagedList<Row, Filter> => ({
  rows: [],
  total: 0,
  loaded: false,
  loadingOlder: false,
  filter,
})

export function createPagedList<Row, Filter>(spec: PagedListSpec<Row, Filter>, store: PagedListAccess<Row, Filter>): PagedListActions<Row, Filter> {
  const { order, failures } = spec
  // Each load and each filter change starts a generation; a page from an older one is stale and dropped.
  let generation = 0
  let olderRequest = 0
  /** Newest first, each row once, capped (never below what is already shown). */
  const merge = (current: Row[], incoming: Row[], cap = Math.max(spec.cap, current.length)) => mergeNewestFirst(current, incoming, order, cap)

  const load = async () => {
    const mine = ++generation
    try {
      const page = await spec.fetchPage(store.read().filter, undefined)
      if (mine !== generation) return
      store.write({ rows: merge(store.read().rows, page.rows), total: page.total, loaded: true })
    } catch (error) {
      if (mine === generation) store.reportError(error, failures.load)
    }
  }

  return {
    load,

    async loadOlder() {
      const { rows, loadingOlder, filter } = store.read()
      if (loadingOlder || rows.length === 0) return
      const mine = generation
      const request = ++olderRequest
      const before = rows.reduce((least, row) => Math.min(least, order.position(row)), Infinity)
      store.write({ loadingOlder: true })
      try {
        const page = await spec.fetchPage(filter, before)
        if (mine !== generation) return
        const current = store.read().rows
        // No cap here: the operator asked for these rows. Nothing older came back: all are shown.
        store.write({
          rows: merge(current, page.rows, current.length + page.rows.length),
          total: page.rows.length === 0 ? current.length : page.total,
        })
      } catch (error) {
        if (mine === generation) store.reportError(error, failures.older)
      } finally {
        if (request === olderRequest) store.write({ loadingOlder: false })
      }
    },

    setFilter(filter) {
      olderRequest++
      store.write(emptyPagedList(filter))
      void load()
    },

    receive(incoming) {
      const { rows, filter, total } = store.read()
      const matching = incoming.filter((row) => spec.matches(row, filter))
      if (matching.length === 0) return
      // Counted before the cap: a full list still grows the total, so "Load older" reaches what slid off.
      store.write({ rows: merge(rows, matching), total: total + countNew(rows, matching, order) })
    },
  }
}
