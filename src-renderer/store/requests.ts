import type { EventPayload, MethodInput } from '../../src-shared/contract'
import { countNew, mergeNewestFirst, type LogOrder } from './newest-first'
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
 * Pages the operator loaded with "Load older" raise it to what is shown, so they stay.
 */
export const REQUEST_ROWS_CAP = 1_000
/** Rows per `requests.list` page, the first and each older one. */
export const REQUEST_PAGE_SIZE = 200

export interface RequestsSlice {
  requests: RequestRow[]
  requestsTotal: number
  requestsLoaded: boolean
  requestFilter: RequestFilter
  /** A "Load older" page is on its way. */
  requestsLoadingOlder: boolean
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

/** Newest first, each row once, capped at `cap` rows (never below what is already shown, nor below REQUEST_ROWS_CAP). */
export const mergeRequestRows = (current: RequestRow[], incoming: RequestRow[], cap = Math.max(REQUEST_ROWS_CAP, current.length)) =>
  mergeNewestFirst(current, incoming, REQUEST_ORDER, cap)

const filterInput = (filter: RequestFilter) => ({
  keyId: filter.keyId ?? undefined,
  statusClass: filter.statusClass ?? undefined,
  pathContains: filter.pathContains.trim() || undefined,
})

export const createRequestsSlice: SliceCreator<RequestsSlice> = ({ client }) => (set, get) => {
  let loadGeneration = 0
  let olderRequest = 0
  return {
    requests: [],
    requestsTotal: 0,
    requestsLoaded: false,
    requestFilter: { keyId: null, statusClass: null, pathContains: '' },
    requestsLoadingOlder: false,

    async loadRequests() {
      const generation = ++loadGeneration
      const filter = get().requestFilter
      try {
        const page = await client.invoke('requests.list', { limit: REQUEST_PAGE_SIZE, ...filterInput(filter) })
        if (generation !== loadGeneration) return
        // Rows that arrived live while the page loaded are kept; duplicates collapse by id.
        set({ requests: mergeRequestRows(get().requests, page.rows), requestsTotal: page.total, requestsLoaded: true })
      } catch (error) {
        if (generation === loadGeneration) get().reportError(error, 'Could not load the request log')
      }
    },

    async loadOlderRequests() {
      const { requests, requestsLoadingOlder, requestFilter } = get()
      if (requestsLoadingOlder || requests.length === 0) return
      // A filter change or a reload while this page loads makes it stale: it is dropped.
      const generation = loadGeneration
      const mine = ++olderRequest
      const beforeSeq = requests.reduce((least, row) => Math.min(least, row.seq), Infinity)
      set({ requestsLoadingOlder: true })
      try {
        const page = await client.invoke('requests.list', { limit: REQUEST_PAGE_SIZE, beforeSeq, ...filterInput(requestFilter) })
        if (generation !== loadGeneration) return
        const current = get().requests
        // No cap here: the operator asked for these rows. Nothing older came back: all are shown.
        set({
          requests: mergeRequestRows(current, page.rows, current.length + page.rows.length),
          requestsTotal: page.rows.length === 0 ? current.length : page.total,
        })
      } catch (error) {
        if (generation === loadGeneration) get().reportError(error, 'Could not load older requests')
      } finally {
        if (mine === olderRequest) set({ requestsLoadingOlder: false })
      }
    },

    setRequestFilter(change) {
      olderRequest++
      set({ requestFilter: { ...get().requestFilter, ...change }, requests: [], requestsTotal: 0, requestsLoaded: false, requestsLoadingOlder: false })
      void get().loadRequests()
    },

    receiveRequests(rows) {
      for (const row of rows) if (row.keyId) get().noteKeyUsed(row.keyId, row.at)
      const filter = get().requestFilter
      const matching = rows.filter((row) => matchesRequestFilter(row, filter))
      if (matching.length === 0) return
      const current = get().requests
      // Counted before the cap: a full list still grows the total, so "Load older" reaches what slid off.
      const added = countNew(current, matching, REQUEST_ORDER)
      set({ requests: mergeRequestRows(current, matching), requestsTotal: get().requestsTotal + added })
    },
  }
}
