import type { EventPayload, MethodInput } from '../../src-shared/contract'
import type { SliceCreator } from './types'

export type RequestRow = EventPayload<'requests.new'>[number]
export type StatusClass = NonNullable<MethodInput<'requests.list'>['statusClass']>

export interface RequestFilter {
  keyId: string | null
  statusClass: StatusClass | null
  pathContains: string
}

/** The live tail keeps at most this many rows in memory; older ones are a `requests.list` page away. */
export const REQUEST_ROWS_CAP = 1_000

export interface RequestsSlice {
  requests: RequestRow[]
  requestsTotal: number
  requestsLoaded: boolean
  requestFilter: RequestFilter
  loadRequests(): Promise<void>
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

/** Newest first, each row once, capped. */
export function mergeRequestRows(current: RequestRow[], incoming: RequestRow[]): RequestRow[] {
  const seen = new Set(current.map((row) => row.id))
  const fresh = incoming.filter((row) => !seen.has(row.id) && (seen.add(row.id), true))
  if (fresh.length === 0) return current
  return [...fresh, ...current].sort((a, b) => b.seq - a.seq).slice(0, REQUEST_ROWS_CAP)
}

export const createRequestsSlice: SliceCreator<RequestsSlice> = ({ client }) => (set, get) => {
  let loadGeneration = 0
  return {
    requests: [],
    requestsTotal: 0,
    requestsLoaded: false,
    requestFilter: { keyId: null, statusClass: null, pathContains: '' },

    async loadRequests() {
      const generation = ++loadGeneration
      const filter = get().requestFilter
      try {
        const page = await client.invoke('requests.list', {
          limit: 200,
          keyId: filter.keyId ?? undefined,
          statusClass: filter.statusClass ?? undefined,
          pathContains: filter.pathContains.trim() || undefined,
        })
        if (generation !== loadGeneration) return
        // Rows that arrived live while the page loaded are kept; duplicates collapse by id.
        set({ requests: mergeRequestRows(get().requests, page.rows), requestsTotal: page.total, requestsLoaded: true })
      } catch (error) {
        if (generation === loadGeneration) get().reportError(error, 'Could not load the request log')
      }
    },

    setRequestFilter(change) {
      set({ requestFilter: { ...get().requestFilter, ...change }, requests: [], requestsTotal: 0, requestsLoaded: false })
      void get().loadRequests()
    },

    receiveRequests(rows) {
      for (const row of rows) if (row.keyId) get().noteKeyUsed(row.keyId, row.at)
      const filter = get().requestFilter
      const matching = rows.filter((row) => matchesRequestFilter(row, filter))
      if (matching.length === 0) return
      const requests = mergeRequestRows(get().requests, matching)
      const added = requests.length - get().requests.length
      set({ requests, requestsTotal: get().requestsTotal + Math.max(added, 0) })
    },
  }
}
