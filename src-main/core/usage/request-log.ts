import { sql } from 'kysely'
import type { RequestLogRow } from '../../../src-shared/dto'
import { toIso, type Clock } from '../clock'
import type { RequestLogRowRecord } from '../db/schema'
import type { Store } from '../db/store'
import type { EventBus } from '../events'
import type { KeysService } from '../keys/keys.service'

/** A row as the API records it: every column present, nulls spelled out. */
export type LoggedRequest = Omit<RequestLogRowRecord, 'seq'>

export interface RequestQuery {
  limit: number
  beforeSeq?: number
  keyId?: string
  statusClass?: '2xx' | '3xx' | '4xx' | '5xx' | '429'
  pathContains?: string
}

const UNAUTHENTICATED = ''

const INSERT_CHUNK = 64
/** The columns in the order the insert statements bind them; `toTuple` follows the same list. */
const TEMPLATE_ROW: LoggedRequest = { id: '', at: 0, key_id: null, method: '', path: '', status: 0, latency_ms: 0, error_code: null, source: '' }
const COLUMN_NAMES = Object.keys(TEMPLATE_ROW) as Array<keyof LoggedRequest>
const COLUMNS = COLUMN_NAMES.length
const toTuple = (row: LoggedRequest) => COLUMN_NAMES.map((column) => row[column])

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

/**
 * The request log: rows are queued in memory and written in one transaction per batch, so a request
 * never waits for the disk. Each flush also rolls usage up per key per minute, moves keys' last-used
 * times, and announces the new rows to live views. `close()` flushes what is left.
 *
 * A flush that fails (a full disk, a damaged page) never throws out of its timer: the batch goes back
 * to the head of the queue, bounded by MAX_PENDING_ROWS, and is retried with a growing delay until the
 * store takes it again. What had to be dropped is counted.
 */
export class RequestLog {
  private queue: LoggedRequest[] = []
  private timer: NodeJS.Timeout | undefined
  /** Small batches keep each write short: the event loop never waits long for one. */
  private readonly maxBatch = 500
  /** Inserts INSERT_CHUNK rows per statement run: far fewer runs than one per row, one prepared statement. */
  private readonly insertChunk: (...parameters: unknown[]) => { lastInsertRowid: number | bigint }
  private readonly insertOne: (...parameters: unknown[]) => { lastInsertRowid: number | bigint }
  private dropped = 0
  private retryMs = 0
  private lastError: { message: string; at: number } | null = null
  /** Told about a failed write (the server log); at most once per failing spell and once on recovery. */
  onWriteError: (error: unknown, recovered: boolean) => void = () => {}

  constructor(
    private readonly store: Store,
    private readonly keys: KeysService,
    private readonly events: EventBus,
    private readonly clock: Clock,
    private readonly flushEveryMs = 50,
  ) {
    const insert = (rows: number) =>
      store.prepareCompiled(store.db.insertInto('request_log').values(Array.from({ length: rows }, () => TEMPLATE_ROW)))
    this.insertChunk = insert(INSERT_CHUNK)
    this.insertOne = insert(1)
  }

  record(request: LoggedRequest): void {
    this.queue.push(request)
    if (this.retryMs > 0) this.dropOverflow()
    else if (this.queue.length >= this.maxBatch) this.flush()
    else this.timer ??= setTimeout(() => this.flush(), this.flushEveryMs)
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

  /** Writes the queue in batches; returns false when the store refused (the rows stay queued). */
  flush(): boolean {
    clearTimeout(this.timer)
    this.timer = undefined
    while (this.queue.length > 0) {
      const batch = this.queue.length <= this.maxBatch ? this.queue : this.queue.slice(0, this.maxBatch)
      this.queue = batch === this.queue ? [] : this.queue.slice(batch.length)
      try {
        this.write(batch)
      } catch (error) {
        this.queue = batch.concat(this.queue)
        this.failed(error)
        return false
      }
      if (this.retryMs > 0) this.recovered()
    }
    return true
  }

  private write(batch: LoggedRequest[]): void {
    // Request-log rows are telemetry, not acknowledged writes: they skip the per-commit fsync, and the
    // next admin write's FULL commit syncs them along with it (the WAL is one sequential file).
    const lastSeq = this.store.transaction(
      () => {
        const values = batch.flatMap(toTuple)
        const insert = (run: typeof this.insertOne, from: number, rows: number) =>
          Number(run(...values.slice(from * COLUMNS, (from + rows) * COLUMNS)).lastInsertRowid)
        let row = 0
        let last = 0
        for (; row + INSERT_CHUNK <= batch.length; row += INSERT_CHUNK) last = insert(this.insertChunk, row, INSERT_CHUNK)
        for (; row < batch.length; row++) last = insert(this.insertOne, row, 1)
        this.rollUp(batch)
        return last
      },
      { durable: false },
    )
    if (this.events.listenerCount('requests.new') > 0) {
      // Inserted in order under one write lock: the rows got consecutive seqs ending at lastSeq.
      const firstSeq = lastSeq - batch.length + 1
      this.events.emit(
        'requests.new',
        batch.map((request, i) => toRequestDto({ seq: firstSeq + i, ...request })),
      )
    }
  }

  private failed(error: unknown): void {
    const firstFailure = this.retryMs === 0
    this.lastError = { message: error instanceof Error ? error.message : String(error), at: this.clock.now() }
    this.retryMs = firstFailure ? RETRY_FIRST_MS : Math.min(RETRY_MAX_MS, this.retryMs * 2)
    this.dropOverflow()
    if (firstFailure) this.onWriteError(error, false)
    // unref: a pending retry never keeps a closing process alive.
    this.timer = setTimeout(() => this.flush(), this.retryMs)
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

  private rollUp(batch: LoggedRequest[]): void {
    const buckets = new Map<string, { keyId: string; minute: number; requests: number; errors: number; limited: number; sum: number; max: number }>()
    const lastUsed = new Map<string, number>()
    for (const request of batch) {
      const keyId = request.key_id ?? UNAUTHENTICATED
      const minute = Math.floor(request.at / 60_000)
      const id = `${keyId}\u0000${minute}`
      let bucket = buckets.get(id)
      if (!bucket) buckets.set(id, (bucket = { keyId, minute, requests: 0, errors: 0, limited: 0, sum: 0, max: 0 }))
      bucket.requests++
      if (request.status >= 400) bucket.errors++
      if (request.status === 429) bucket.limited++
      bucket.sum += request.latency_ms
      bucket.max = Math.max(bucket.max, request.latency_ms)
      if (request.key_id) lastUsed.set(request.key_id, Math.max(lastUsed.get(request.key_id) ?? 0, request.at))
    }
    for (const b of buckets.values()) {
      this.store.run(
        this.store.db
          .insertInto('usage_minute')
          .values({
            key_id: b.keyId,
            minute: b.minute,
            requests: b.requests,
            errors: b.errors,
            limited: b.limited,
            latency_sum_ms: b.sum,
            latency_max_ms: b.max,
          })
          .onConflict((oc) =>
            oc.columns(['key_id', 'minute']).doUpdateSet((eb) => ({
              requests: eb('usage_minute.requests', '+', b.requests),
              errors: eb('usage_minute.errors', '+', b.errors),
              limited: eb('usage_minute.limited', '+', b.limited),
              latency_sum_ms: eb('usage_minute.latency_sum_ms', '+', b.sum),
              latency_max_ms: eb.fn('max', ['usage_minute.latency_max_ms', eb.val(b.max)]),
            })),
          ),
      )
    }
    for (const [keyId, at] of lastUsed) this.keys.touch(keyId, at)
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

  /** Deletes rows older than the retention period; returns how many went. */
  prune(retentionDays: number): number {
    const cutoff = this.clock.now() - retentionDays * 86_400_000
    return this.store.transaction(() => {
      const deleted = this.store.run(this.store.db.deleteFrom('request_log').where('at', '<', cutoff)).changes
      this.store.run(this.store.db.deleteFrom('usage_minute').where('minute', '<', Math.floor(cutoff / 60_000)))
      return deleted
    })
  }

  /** Writes what is left; rows the store still refuses are counted as dropped. */
  close(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    if (!this.flush()) {
      clearTimeout(this.timer)
      this.dropped += this.queue.length
      this.queue = []
    }
  }
}
