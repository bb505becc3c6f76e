import type { MethodInput } from '../../src-shared/contract'
import type { PlaygroundAuth, PlaygroundExchange, PlaygroundHistoryEntry, PlaygroundMethod } from '../../src-shared/playground'
import type { SliceCreator } from './types'
import { errorMessage } from './ui'

/** Who the next request goes as: a key by id, a secret pasted into the page (held by the page, never here), or nobody. */
export type PlaygroundKeyChoice = { kind: 'key'; keyId: string } | { kind: 'secret' } | { kind: 'none' }

/** The playground's form, kept while the operator visits other pages. */
export interface PlaygroundDraft {
  /** The operation picked (`GET /api/v1/listings`); null until the document has loaded. */
  endpoint: string | null
  pathParams: Record<string, string>
  query: Record<string, string>
  body: string
  /** null: not chosen yet, the page offers the first active key. */
  key: PlaygroundKeyChoice | null
}

/** What the playground sends: the contract's request without the credential and the run id. */
export interface PlaygroundOutgoing {
  method: PlaygroundMethod
  path: string
  query: Array<[string, string]>
  headers: Array<[string, string]>
  body: string | null
}

/** A request on its way: the request as the page expects it to go, and a stream's text as its chunks arrive. */
export interface PlaygroundRun {
  runId: string
  outgoing: PlaygroundOutgoing
  /** The key's hint, for the request shown while it runs. */
  hint: string | null
  startedAt: number
  /** The raw `text/event-stream` text received so far ('' until a chunk comes, and for answers that are not streams). */
  streamed: string
  chunks: number
  stopping: boolean
}

export type PlaygroundHistoryRow = PlaygroundHistoryEntry & { seq: number }

export interface PlaygroundHistory {
  entries: PlaygroundHistoryRow[]
  total: number
  search: string
  loaded: boolean
  loading: boolean
}

export interface PlaygroundSlice {
  /** The API's OpenAPI document; null until read. */
  playgroundSpec: Record<string, unknown> | null
  playgroundSpecError: string | null
  loadPlaygroundSpec(): Promise<void>

  playgroundDraft: PlaygroundDraft
  updatePlaygroundDraft(change: Partial<PlaygroundDraft>): void

  playgroundRun: PlaygroundRun | null
  /** The exchange on show: the last one sent, or a history entry opened. */
  playgroundExchange: PlaygroundExchange | null
  /** The playground itself refused (a header it sets itself, a run already going); not an API answer. */
  playgroundFailure: string | null
  /** Sends, streaming chunks into `playgroundRun`; resolves with the exchange, or null when the playground refused. */
  sendPlayground(outgoing: PlaygroundOutgoing, auth: PlaygroundAuth, hint: string | null): Promise<PlaygroundExchange | null>
  stopPlayground(): Promise<void>
  /** Follows `playground.chunk` while the page is open; returns the function that stops. */
  followPlayground(): () => void

  playgroundHistory: PlaygroundHistory
  /** `more`: the next older page, after those shown. */
  loadPlaygroundHistory(options?: { search?: string; more?: boolean }): Promise<void>
  showPlaygroundEntry(entry: PlaygroundHistoryRow): void
  deletePlaygroundEntry(id: string): Promise<void>
  clearPlaygroundHistory(): Promise<number>
}

const HISTORY_PAGE = 50

/** A run id the contract accepts: `run_` and 6–40 letters, digits, `_` or `-`. */
const newRunId = () => `run_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`

export const createPlaygroundSlice: SliceCreator<PlaygroundSlice> = ({ client }) => (set, get) => {
  // A newer search replaces the list; an answer to an older one is dropped.
  let historyRequest = 0

  const patchHistory = (change: Partial<PlaygroundHistory>) => set({ playgroundHistory: { ...get().playgroundHistory, ...change } })

  return {
    playgroundSpec: null,
    playgroundSpecError: null,

    async loadPlaygroundSpec() {
      try {
        set({ playgroundSpec: await client.invoke('playground.openapi', {}), playgroundSpecError: null })
      } catch (error) {
        set({ playgroundSpecError: errorMessage(error) })
      }
    },

    playgroundDraft: { endpoint: null, pathParams: {}, query: {}, body: '', key: null },

    updatePlaygroundDraft(change) {
      set({ playgroundDraft: { ...get().playgroundDraft, ...change } })
    },

    playgroundRun: null,
    playgroundExchange: null,
    playgroundFailure: null,

    async sendPlayground(outgoing, auth, hint) {
      if (get().playgroundRun) return null
      const run: PlaygroundRun = { runId: newRunId(), outgoing, hint, startedAt: Date.now(), streamed: '', chunks: 0, stopping: false }
      set({ playgroundRun: run, playgroundFailure: null })
      try {
        const input: MethodInput<'playground.send'> = { ...outgoing, auth, runId: run.runId, remember: true }
        const exchange = await client.invoke('playground.send', input)
        set({ playgroundExchange: exchange })
        if (get().playgroundHistory.loaded) void get().loadPlaygroundHistory()
        // The key's last use and the tiers' counts moved.
        if (auth.kind === 'key') void get().loadKeys()
        return exchange
      } catch (error) {
        set({ playgroundFailure: errorMessage(error) })
        return null
      } finally {
        if (get().playgroundRun?.runId === run.runId) set({ playgroundRun: null })
      }
    },

    async stopPlayground() {
      const run = get().playgroundRun
      if (!run || run.stopping) return
      set({ playgroundRun: { ...run, stopping: true } })
      try {
        await client.invoke('playground.cancel', { runId: run.runId })
      } catch (error) {
        get().reportError(error, 'Could not stop the request')
      }
    },

    followPlayground() {
      return client.on('playground.chunk', ({ runId, text }) => {
        const run = get().playgroundRun
        if (run?.runId !== runId) return
        set({ playgroundRun: { ...run, streamed: run.streamed + text, chunks: run.chunks + 1 } })
      })
    },

    playgroundHistory: { entries: [], total: 0, search: '', loaded: false, loading: false },

    async loadPlaygroundHistory(options = {}) {
      const search = options.search ?? get().playgroundHistory.search
      const mine = ++historyRequest
      const shown = get().playgroundHistory.entries
      const beforeSeq = options.more ? shown.at(-1)?.seq : undefined
      patchHistory({ search, loading: true })
      try {
        const page = await client.invoke('playground.history', { search: search.trim() || undefined, limit: HISTORY_PAGE, beforeSeq })
        if (mine !== historyRequest) return
        patchHistory({ entries: options.more ? [...shown, ...page.entries] : page.entries, total: page.total, loaded: true, loading: false })
      } catch (error) {
        if (mine !== historyRequest) return
        patchHistory({ loading: false })
        get().reportError(error, 'Could not read the playground history')
      }
    },

    showPlaygroundEntry(entry) {
      const { form: _form, seq: _seq, ...exchange } = entry
      set({ playgroundExchange: exchange, playgroundFailure: null })
    },

    async deletePlaygroundEntry(id) {
      try {
        await client.invoke('playground.historyDelete', { id })
        const history = get().playgroundHistory
        const entries = history.entries.filter((entry) => entry.id !== id)
        patchHistory({ entries, total: Math.max(0, history.total - (history.entries.length - entries.length)) })
      } catch (error) {
        get().reportError(error, 'Could not delete the history entry')
      }
    },

    async clearPlaygroundHistory() {
      try {
        const { deleted } = await client.invoke('playground.historyClear', {})
        historyRequest++
        patchHistory({ entries: [], total: 0, loading: false })
        return deleted
      } catch (error) {
        get().reportError(error, 'Could not clear the playground history')
        throw error
      }
    },
  }
}
