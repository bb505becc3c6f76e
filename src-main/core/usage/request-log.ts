import { sql } from 'kysely'
import type { RequestLogRow } from '../../../src-shared/dto'
import { toIso, type Clock } from '../clock'
import type { RequestLogRowRecord } from '../db/schema'
import type { Store } from '../db/store'
import type { EventBus } from '../events'
import type { KeysService } from '../keys/keys.service'
import { InlineSink, type RequestLogSink } from './request-log-sink'
import type { LoggedRequest } from './request-log-writer'

export type { LoggedRequest } from './request-log-writer'

export interface RequestQuery {
  limit: number
  beforeSeq?: number
  keyId?: string
  statusClass?: '2xx' | '3xx' | '4xx' | '5xx' | '429'
  pathContains?: string
}

export const toRequestDto = (row: RequestLogRowRecord): RequestLogRow & { seq: number } => ({
  seq: row.seq,
  id: row.id,
  at: toIso(row.at),
  keyId: row.key_id,
  method: row.method,
  path: row.path,
  status: row.status,
  latencyMs: row.latency_ms,
  errorCode: row.error_code,
  source: row.source === 'playground' ? 'playground' : 'api',
  tokensIn: row.tokens_in,
  tokensOut: row.tokens_out,
  fault: row.fault,
})

/** The writer's health, for `server.status` and the GUI. */
export interface RequestLogHealth {
  pending: number
  dropped: number
  failing: boolean
  lastError: string | null
  lastErrorAt: string | null
}

/** Unwritten rows kept while the store refuses writes (a full disk); past this the oldest are dropped and counted. */
export const MAX_PENDING_ROWS = 50_000
const RETRY_FIRST_MS = 500
const RETRY_MAX_MS = 15_000
/** Small batches keep each write short. */
const MAX_BATCH = 500

export interface RequestLogOptions {
  flushEveryMs?: number
  /** Where batches are written; inline on the store's connection when absent. */
  sink?: RequestLogSink
}

/**
 * The request log. A request only queues its row; batches go to the sink (the writer's thread in the
 * app), one at a time and in order, every `flushEveryMs` or every MAX_BATCH rows. Once a batch is
 * written its rows are announced to live views, and the keys' last-used times move (on this
 * connection: the writer thread writes only the request-log tables). `close()` writes what is left
 * before it returns, so every request answered has its row after a clean stop.
 *
 * A batch the store refuses (a full disk, a damaged page) never throws out of a timer: it goes back to
 * the head of the queue, bounded by MAX_PENDING_ROWS, and is retried with a growing delay until the
 * store takes it again. What had to be dropped is counted.
 */
export class RequestLog {
  private queue: LoggedRequest[] = []
  private timer: NodeJS.Timeout | undefined
  private draining: Promise<boolean> = Promise.resolve(true)
  private isDraining = false
  private readonly sink: RequestLogSink
  private readonly flushEveryMs: number
  private dropped = 0
  private retryMs = 0
  private closed = false
  private lastError: { message: string; at: number } | null = null
  /** Keys' last-used times seen in rows written but not yet stored on the key. */
  private readonly lastUsed = new Map<string, number>()
  /** Told about a failed write (the server log); at most once per failing spell and once on recovery. */
  onWriteError: (error: unknown, recovered: boolean) => void = () => {}

  constructor(
    private readonly store: Store,
    private readonly keys: KeysService,
    private readonly events: EventBus,
    private readonly clock: Clock,
    options: RequestLogOptions = {},
  ) {
    this.flushEveryMs = options.flushEveryMs ?? 50
    this.sink = options.sink ?? new InlineSink(store)
  }

  record(request: LoggedRequest): void {
    if (this.closed) return
    this.queue.push(request)
    if (this.retryMs > 0) this.dropOverflow()
    else if (this.queue.length >= MAX_BATCH) void this.flush()
    else this.timer ??= setTimeout(() => void this.flush(), this.flushEveryMs)
  }

  get pending(): number {
    return this.queue.length
  }

  health(): RequestLogHealth {
    return {
      pending: this.queue.length,
      dropped: this.dropped,
      failing: this.retryMs > 0,
      lastError: this.lastError?.message ?? null,
      lastErrorAt: this.lastError ? toIso(this.lastError.at) : null,
    }
  }

  /** Writes everything queued so far; resolves false when the store refused (the rows stay queued and are retried). */
  flush(): Promise<boolean> {
    clearTimeout(this.timer)
    this.timer = undefined
    // One drain at a time: a drain under way writes the rows queued since it began too, so it answers this call.
    if (!this.isDraining) this.draining = this.drain()
    return this.draining
  }

  /** Runs synchronously to the end with an inline sink; with the writer thread, one batch in flight at a time. */
  private async drain(): Promise<boolean> {
    this.isDraining = true
    try {
      while (this.queue.length > 0 && !this.closed) {
        const batch = this.queue.length <= MAX_BATCH ? this.queue : this.queue.slice(0, MAX_BATCH)
        this.queue = batch === this.queue ? [] : this.queue.slice(batch.length)
        let lastSeq: number
        try {
          const written = this.sink.write(batch)
          lastSeq = typeof written === 'number' ? written : await written
        } catch (error) {
          if (this.closed) return false // in flight at close: closeSync() has counted it
          this.queue = batch.concat(this.queue)
          this.failed(error)
          return false
        }
        if (this.closed) return true
        if (this.retryMs > 0) this.recovered()
        this.written(batch, lastSeq)
      }
      return true
    } finally {
      this.isDraining = false
    }
  }

  private written(batch: LoggedRequest[], lastSeq: number): void {
    for (const row of batch) {
      if (row.key_id === null) continue
      const seen = this.lastUsed.get(row.key_id)
      if (seen === undefined || seen < row.at) this.lastUsed.set(row.key_id, row.at)
    }
    this.storeLastUsed()
    if (this.events.listenerCount('requests.new') > 0) {
      const firstSeq = lastSeq - batch.length + 1
      this.events.emit(
        'requests.new',
        batch.map((request, i) => toRequestDto({ seq: firstSeq + i, ...request })),
      )
    }
  }

  /** Moves keys' last-used times (a few rows, at most once per batch); a failure only postpones it. */
  private storeLastUsed(): void {
    if (this.lastUsed.size === 0) return
    try {
      this.store.transaction(() => {
        for (const [keyId, at] of this.lastUsed) this.keys.touch(keyId, at)
      }, { durable: false, quiet: true })
      this.lastUsed.clear()
    } catch {
      // Kept for the next batch.
    }
  }

  private failed(error: unknown): void {
    const firstFailure = this.retryMs === 0
    this.lastError = { message: error instanceof Error ? error.message : String(error), at: this.clock.now() }
    this.retryMs = firstFailure ? RETRY_FIRST_MS : Math.min(RETRY_MAX_MS, this.retryMs * 2)
    this.dropOverflow()
    if (firstFailure) this.onWriteError(error, false)
    clearTimeout(this.timer)
    // unref: a pending retry never keeps a closing process alive.
    this.timer = setTimeout(() => void this.flush(), this.retryMs)
    this.timer.unref()
  }

  private recovered(): void {
    this.retryMs = 0
    this.onWriteError(null, true)
  }

  private dropOverflow(): void {
    const excess = this.queue.length - MAX_PENDING_ROWS
    if (excess <= 0) return
    this.queue.splice(0, excess)
    this.dropped += excess
  }

  list(query: RequestQuery): { rows: Array<RequestLogRow & { seq: number }>; total: number } {
    let base = this.store.db.selectFrom('request_log')
    if (query.keyId) base = base.where('key_id', '=', query.keyId)
    // Case-insensitive, like the GUI's live filter; instr() takes the text literally (no LIKE wildcards).
    if (query.pathContains) base = base.where(sql<boolean>`instr(lower(path), lower(${query.pathContains})) > 0`)
    if (query.statusClass === '429') base = base.where('status', '=', 429)
    else if (query.statusClass) {
      const floor = Number(query.statusClass[0]) * 100
      base = base.where('status', '>=', floor).where('status', '<', floor + 100)
    }
    const total = this.store.first(base.select((e) => e.fn.countAll<number>().as('n')))?.n ?? 0
    let page = base.selectAll()
    if (query.beforeSeq) page = page.where('seq', '<', query.beforeSeq)
    const rows = this.store.all(page.orderBy('seq', 'desc').limit(query.limit))
    return { rows: rows.map(toRequestDto), total }
  }

  /** Deletes rows older than the retention period (on the writer); resolves with how many went. */
  prune(retentionDays: number): Promise<number> {
    return this.sink.prune(this.clock.now() - retentionDays * 86_400_000)
  }

  /**
   * Writes what is left, batches in flight included, before returning; rows the store still refuses
   * are counted as dropped. Nothing is recorded after.
   */
  close(): void {
    if (this.closed) return
    this.closed = true
    clearTimeout(this.timer)
    this.timer = undefined
    const rest = this.queue
    this.queue = []
    const unwritten = this.sink.closeSync(rest)
    this.dropped += unwritten
    if (unwritten === 0)
      for (const row of rest) if (row.key_id !== null && (this.lastUsed.get(row.key_id) ?? 0) < row.at) this.lastUsed.set(row.key_id, row.at)
    this.storeLastUsed()
  }
}
