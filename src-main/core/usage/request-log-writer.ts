import type { Statement } from 'better-sqlite3'
import type { Store } from '../db/store'
import type { RequestLogRowRecord } from '../db/schema'

/** A row as the API records it: every column present, nulls spelled out. */
export type LoggedRequest = Omit<RequestLogRowRecord, 'seq'>

/**
 * A batch as it travels to the writer: the rows' values, flat, in the order of COLUMN_NAMES. Flat
 * primitives cost the least to hand to the writer's thread (structured clone).
 */
export type FlatBatch = Array<string | number | null>

/** The columns in the order the insert statements bind them (and FlatBatch holds them). */
const TEMPLATE_ROW: LoggedRequest = {
  id: '',
  at: 0,
  key_id: null,
  method: '',
  path: '',
  status: 0,
  latency_ms: 0,
  error_code: null,
  source: '',
  tokens_in: null,
  tokens_out: null,
  fault: null,
}
export const COLUMN_NAMES = Object.keys(TEMPLATE_ROW) as Array<keyof LoggedRequest>
export const COLUMNS = COLUMN_NAMES.length
const AT = COLUMN_NAMES.indexOf('at')
const KEY_ID = COLUMN_NAMES.indexOf('key_id')
const STATUS = COLUMN_NAMES.indexOf('status')
const LATENCY = COLUMN_NAMES.indexOf('latency_ms')
const TOKENS_IN = COLUMN_NAMES.indexOf('tokens_in')
const TOKENS_OUT = COLUMN_NAMES.indexOf('tokens_out')

export function flatten(rows: readonly LoggedRequest[]): FlatBatch {
  const values: FlatBatch = new Array(rows.length * COLUMNS)
  let at = 0
  for (const row of rows) for (const column of COLUMN_NAMES) values[at++] = row[column]
  return values
}

const INSERT_CHUNK = 64
const UNAUTHENTICATED = ''

interface Bucket {
  keyId: string
  minute: number
  requests: number
  errors: number
  limited: number
  sum: number
  max: number
  tokensIn: number
  tokensOut: number
}

/**
 * Writes request-log batches: the rows (64 per INSERT), and the per-key per-minute usage rollup, in one
 * transaction per batch. The only writer of the request-log tables: it runs on the request-log worker
 * thread with its own connection (or inline, on the store's, where no worker is given).
 */
export class RequestLogWriter {
  private readonly insertChunk: (...parameters: unknown[]) => { lastInsertRowid: number | bigint }
  private readonly insertOne: (...parameters: unknown[]) => { lastInsertRowid: number | bigint }

  constructor(private readonly store: Store) {
    const insert = (rows: number) =>
      store.prepareCompiled(store.db.insertInto('request_log').values(Array.from({ length: rows }, () => TEMPLATE_ROW)))
    this.insertChunk = insert(INSERT_CHUNK)
    this.insertOne = insert(1)
    this.insertFromJson = store.sqlite.prepare(
      `insert into request_log (${COLUMN_NAMES.join(', ')}) select ${COLUMN_NAMES.map((column) => `value->>'${column}'`).join(', ')} from json_each(?)`,
    )
    this.rollUpFromJson = store.sqlite.prepare(
      `insert into usage_minute (key_id, minute, requests, errors, limited, latency_sum_ms, latency_max_ms, tokens_in, tokens_out)
       select coalesce(value->>'key_id', '${UNAUTHENTICATED}'), (value->>'at') / 60000, count(*), sum((value->>'status') >= 400),
              sum((value->>'status') = 429), sum(value->>'latency_ms'), max(value->>'latency_ms'),
              coalesce(sum(value->>'tokens_in'), 0), coalesce(sum(value->>'tokens_out'), 0)
       from json_each(?) where true group by 1, 2
       on conflict (key_id, minute) do update set requests = requests + excluded.requests, errors = errors + excluded.errors,
         limited = limited + excluded.limited, latency_sum_ms = latency_sum_ms + excluded.latency_sum_ms,
         latency_max_ms = max(latency_max_ms, excluded.latency_max_ms),
         tokens_in = tokens_in + excluded.tokens_in, tokens_out = tokens_out + excluded.tokens_out`,
    )
  }

  /** Writes the batch; returns the seq of its last row (the rows got consecutive seqs under one write lock). */
  write(values: FlatBatch): number {
    const rows = values.length / COLUMNS
    // Telemetry, not acknowledged writes: no fsync of its own; the next FULL commit of an admin write syncs
    // the WAL, these frames included.
    return this.store.transaction(
      () => {
        let row = 0
        let last = 0
        for (; row + INSERT_CHUNK <= rows; row += INSERT_CHUNK)
          last = Number(this.insertChunk(...values.slice(row * COLUMNS, (row + INSERT_CHUNK) * COLUMNS)).lastInsertRowid)
        for (; row < rows; row++) last = Number(this.insertOne(...values.slice(row * COLUMNS, (row + 1) * COLUMNS)).lastInsertRowid)
        this.rollUp(values, rows)
        return last
      },
      { durable: false, quiet: true },
    )
  }

  private rollUp(values: FlatBatch, rows: number): void {
    const byKey = new Map<string, Map<number, Bucket>>()
    for (let row = 0; row < rows; row++) {
      const base = row * COLUMNS
      const keyId = (values[base + KEY_ID] as string | null) ?? UNAUTHENTICATED
      const minute = Math.floor((values[base + AT] as number) / 60_000)
      const status = values[base + STATUS] as number
      const latency = values[base + LATENCY] as number
      let minutes = byKey.get(keyId)
      if (!minutes) byKey.set(keyId, (minutes = new Map()))
      let bucket = minutes.get(minute)
      if (!bucket) minutes.set(minute, (bucket = { keyId, minute, requests: 0, errors: 0, limited: 0, sum: 0, max: 0, tokensIn: 0, tokensOut: 0 }))
      bucket.requests++
      if (status >= 400) bucket.errors++
      if (status === 429) bucket.limited++
      bucket.sum += latency
      if (latency > bucket.max) bucket.max = latency
      bucket.tokensIn += (values[base + TOKENS_IN] as number | null) ?? 0
      bucket.tokensOut += (values[base + TOKENS_OUT] as number | null) ?? 0
    }
    for (const minutes of byKey.values()) for (const b of minutes.values()) this.upsert(b)
  }

  private upsert(b: Bucket): void {
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
          tokens_in: b.tokensIn,
          tokens_out: b.tokensOut,
        })
        .onConflict((oc) =>
          oc.columns(['key_id', 'minute']).doUpdateSet((eb) => ({
            requests: eb('usage_minute.requests', '+', b.requests),
            errors: eb('usage_minute.errors', '+', b.errors),
            limited: eb('usage_minute.limited', '+', b.limited),
            latency_sum_ms: eb('usage_minute.latency_sum_ms', '+', b.sum),
            latency_max_ms: eb.fn('max', ['usage_minute.latency_max_ms', eb.val(b.max)]),
            tokens_in: eb('usage_minute.tokens_in', '+', b.tokensIn),
            tokens_out: eb('usage_minute.tokens_out', '+', b.tokensOut),
          })),
        ),
    )
  }

  /**
   * Writes a batch that arrives as JSON (an array of LoggedRequest objects): the form the worker thread
   * gets, since JSON.stringify is the cheapest way for the request thread to hand rows over (~0.6 µs a
   * row) and SQLite reads it natively, rows and rollup, without a JavaScript object per row here.
   */
  writeJson(json: string): number {
    return this.store.transaction(
      () => {
        const last = Number(this.insertFromJson.run(json).lastInsertRowid)
        this.rollUpFromJson.run(json)
        return last
      },
      { durable: false, quiet: true },
    )
  }

  private readonly insertFromJson: Statement
  private readonly rollUpFromJson: Statement

  /** Deletes rows and rollups older than `cutoffMs`; returns how many rows went. */
  prune(cutoffMs: number): number {
    return this.store.transaction(() => {
      const deleted = this.store.run(this.store.db.deleteFrom('request_log').where('at', '<', cutoffMs)).changes
      this.store.run(this.store.db.deleteFrom('usage_minute').where('minute', '<', Math.floor(cutoffMs / 60_000)))
      return deleted
    })
  }
}
