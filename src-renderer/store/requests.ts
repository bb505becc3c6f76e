import type { EventPayload, MethodInput } from '../../src-shared/contract'
import { createPagedList, emptyPagedList, type LogOrder, type PagedList } from './paged-list'
import type { SliceCreator } from './types'

export type RequestRow = EventPayload<'requests.new'>[number]
export type StatusClass = NonNullable<MethodInput<'requests.list'>['statusClass']>

export interface RequestFilter {
  keyId: string | null
  statusClass: StatusClass | null
  pathContains: string
}

/**
 * The live tail keeps at most this many rows in memory; older ones are a `requests.list` page away.
 * Pages the operator loaded by scrolling (or "Load older") raise it to what is shown, so they stay:
 * the table is virtualized, and holds 100,000 rows and more.
 */
export const REQUEST_ROWS_CAP = 1_000
/** Rows of the first `requests.list` page: what the page shows at once. */
export const REQUEST_PAGE_SIZE = 200
/**
 * Rows of each older page, fetched as the operator scrolls near the end: large, so that paging through
 * a long log takes few round trips (100,000 rows in 50), small enough to parse within a frame or two.
 */
export const REQUEST_OLDER_PAGE_SIZE = 2_000

export interface RequestsSlice {
  requestLog: PagedList<RequestRow, RequestFilter>
  loadRequests(): Promise<void>
  /** Appends the page before the oldest row shown, with the current filter. */
  loadOlderRequests(): Promise<void>
  setRequestFilter(change: Partial<RequestFilter>): void
  receiveRequests(rows: RequestRow[]): void
}

/** The same test the core applies to `requests.list`, so live rows obey the filter too. */
export function matchesRequestFilter(row: RequestRow, filter: RequestFilter): boolean {
  if (filter.keyId && row.keyId !== filter.keyId) return false
  if (filter.pathContains && !row.path.toLowerCase().includes(filter.pathContains.toLowerCase())) return false
  switch (filter.statusClass) {
    case null:
      return true
    case '429':
      return row.status === 429
    default:
      return Math.floor(row.status / 100) === Number(filter.statusClass[0])
  }
}

const REQUEST_ORDER: LogOrder<RequestRow> = { identity: (row) => row.id, position: (row) => row.seq }

const filterInput = (filter: RequestFilter) => ({
  keyId: filter.keyId ?? undefined,
  statusClass: filter.statusClass ?? undefined,
  pathContains: filter.pathContains.trim() || undefined,
})

export const createRequestsSlice: SliceCreator<RequestsSlice> = ({ client }) => (set, get) => {
  const list = createPagedList<RequestRow, RequestFilter>(
    {
      order: REQUEST_ORDER,
      cap: REQUEST_ROWS_CAP,
      fetchPage: (filter, beforeSeq) =>
        client.invoke('requests.list', { limit: beforeSeq === undefined ? REQUEST_PAGE_SIZE : REQUEST_OLDER_PAGE_SIZE, beforeSeq, ...filterInput(filter) }),
      matches: matchesRequestFilter,
      failures: { load: 'Could not load the request log', older: 'Could not load older requests' },
    },
    {
      read: () => get().requestLog,
      write: (change) => set({ requestLog: { ...get().requestLog, ...change } }),
      reportError: (error, title) => get().reportError(error, title),
    },
  )
  return {
    requestLog: emptyPagedList({ keyId: null, statusClass: null, pathContains: '' }),
    loadRequests: list.load,
    loadOlderRequests: list.loadOlder,
    setRequestFilter: (change) => list.setFilter({ ...get().requestLog.filter, ...change }),
    receiveRequests(rows) {
      for (const row of rows) if (row.keyId) get().noteKeyUsed(row.keyId, row.at)
      list.receive(rows)
    },
  }
}
