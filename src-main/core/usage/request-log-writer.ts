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

/**
 * The rollup's latency histogram: bucket i counts latencies up to 2^(i/2 − 5) ms (and above bucket i−1's
 * bound): 31 µs, 44 µs, 63 µs … 46 s, 65.5 s, a factor √2 apart, and the last bucket holds everything
 * slower. Fixed log-scale buckets merge by addition, across keys and minutes, so any range's percentiles
 * come from summed columns; √2 keeps a percentile within 41% of the truth with 44 small integer columns.
 */
export const LATENCY_BUCKETS = 44
/** Bucket i's upper bound in ms (Infinity for the last). */
export const latencyBound = (i: number): number => (i >= LATENCY_BUCKETS - 1 ? Infinity : 2 ** (i / 2 - 5))
/** The bucket a latency in ms falls in: the first whose bound is at least it. */
const FIRST_BOUND_MS = latencyBound(0)
export const latencyBucket = (ms: number): number =>
  ms <= FIRST_BOUND_MS ? 0 : Math.min(LATENCY_BUCKETS - 1, Math.ceil(2 * Math.log2(ms) + 10))
/** latencyBucket in SQL, for a column or expression. */
const latencyBucketSql = (ms: string) =>
  `case when ${ms} <= ${FIRST_BOUND_MS} then 0 else min(${LATENCY_BUCKETS - 1}, cast(ceil(2 * log2(${ms}) + 10) as integer)) end`
export const HISTOGRAM_COLUMNS = Array.from({ length: LATENCY_BUCKETS }, (_, i) => `h${i}` as const)

const UNAUTHENTICATED = ''
/** The rollup's counters that add up, in the order both rollups below write them. */
const COUNTED = ['requests', 'errors', 'limited', 'latency_sum_ms', 'tokens_in', 'tokens_out', 'status_2xx', 'status_3xx', 'status_4xx', 'status_5xx'] as const
const ROLLUP_COLUMNS = ['key_id', 'minute', ...COUNTED, 'latency_max_ms', ...HISTOGRAM_COLUMNS]
const ADD_TO_ROLLUP = `on conflict (key_id, minute) do update set
      ${[...COUNTED, ...HISTOGRAM_COLUMNS].map((column) => `${column} = ${column} + excluded.${column}`).join(', ')},
      latency_max_ms = max(latency_max_ms, excluded.latency_max_ms)`

/** One key's minute of a batch, as the flat batch's rollup adds it up. */
interface Bucket {
  keyId: string
  minute: number
  /** COUNTED, in order. */
  counts: number[]
  max: number
  histogram: number[]
}

/**
 * The rollup of the request-log rows with seqs from ? to ? (a batch just inserted from JSON) into
 * usage_minute: read back from the table's own columns, by rowid range, rather than parsed again from
 * the JSON; the rows are grouped by key, minute and latency bucket first, so the 44 histogram columns are
 * summed once per group (a handful a batch), not once per row.
 */
const ROLL_UP_RANGE_SQL = `insert into usage_minute (${ROLLUP_COLUMNS.join(', ')})
    select k, m, ${COUNTED.map((column) => `sum(${column})`).join(', ')}, max(latency_max_ms),
           ${HISTOGRAM_COLUMNS.map((_, i) => `sum(iif(b = ${i}, requests, 0))`).join(', ')}
      from (select coalesce(key_id, '${UNAUTHENTICATED}') as k, at / 60000 as m, ${latencyBucketSql('latency_ms')} as b,
                   count(*) as requests, sum(status >= 400) as errors, sum(status = 429) as limited,
                   sum(latency_ms) as latency_sum_ms, max(latency_ms) as latency_max_ms,
                   coalesce(sum(tokens_in), 0) as tokens_in, coalesce(sum(tokens_out), 0) as tokens_out,
                   sum(status / 100 = 2) as status_2xx, sum(status / 100 = 3) as status_3xx,
                   sum(status / 100 = 4 and status <> 429) as status_4xx, sum(status >= 500) as status_5xx
              from request_log where seq between ? and ? group by 1, 2, 3)
     where true group by k, m
    ${ADD_TO_ROLLUP}`

/** One bucket of the flat batch's rollup, added to its row: parameters in ROLLUP_COLUMNS order. */
const UPSERT_BUCKET_SQL = `insert into usage_minute (${ROLLUP_COLUMNS.join(', ')}) values (${ROLLUP_COLUMNS.map(() => '?').join(', ')})
    ${ADD_TO_ROLLUP}`

/**
 * Writes request-log batches: the rows (64 per INSERT), and the per-key per-minute usage rollup, in one
 * transaction per batch. The only writer of the request-log tables: it runs on the request-log worker
 * thread with its own connection (or inline, on the store's, where no worker is given).
 */
export class RequestLogWriter {
  private readonly insertChunk: (...parameters: unknown[]) => { lastInsertRowid: number | bigint }
  private readonly insertOne: (...parameters: unknown[]) => { lastInsertRowid: number | bigint }
  private readonly insertFromJson: Statement
  private readonly rollUpRange: Statement
  private readonly upsertBucket: Statement

  constructor(private readonly store: Store) {
    const insert = (rows: number) =>
      store.prepareCompiled(store.db.insertInto('request_log').values(Array.from({ length: rows }, () => TEMPLATE_ROW)))
    this.insertChunk = insert(INSERT_CHUNK)
    this.insertOne = insert(1)
    this.insertFromJson = store.sqlite.prepare(
      `insert into request_log (${COLUMN_NAMES.join(', ')}) select ${COLUMN_NAMES.map((column) => `value->>'${column}'`).join(', ')} from json_each(?)`,
    )
    this.rollUpRange = store.sqlite.prepare(ROLL_UP_RANGE_SQL)
    this.upsertBucket = store.sqlite.prepare(UPSERT_BUCKET_SQL)
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

  /**
   * The flat batch's rollup, added up here: this path runs on the request thread (inline, on two cores),
   * where a pass over values already in hand costs less than SQLite reading the rows back (~0.6 µs a row).
   */
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
      if (!bucket)
        minutes.set(minute, (bucket = { keyId, minute, counts: new Array<number>(COUNTED.length).fill(0), max: 0, histogram: new Array<number>(LATENCY_BUCKETS).fill(0) }))
      const counts = bucket.counts
      counts[0]++
      if (status >= 400) counts[1]++
      if (status === 429) counts[2]++
      counts[3] += latency
      counts[4] += (values[base + TOKENS_IN] as number | null) ?? 0
      counts[5] += (values[base + TOKENS_OUT] as number | null) ?? 0
      const statusClass = Math.floor(status / 100)
      if (statusClass === 2) counts[6]++
      else if (statusClass === 3) counts[7]++
      else if (statusClass === 4) counts[8] += status === 429 ? 0 : 1
      else if (statusClass >= 5) counts[9]++
      if (latency > bucket.max) bucket.max = latency
      bucket.histogram[latencyBucket(latency)]++
    }
    for (const minutes of byKey.values())
      for (const b of minutes.values()) this.upsertBucket.run(b.keyId, b.minute, ...b.counts, b.max, ...b.histogram)
  }

  /**
   * Writes a batch that arrives as JSON (an array of LoggedRequest objects): the form the worker thread
   * gets, since JSON.stringify is the cheapest way for the request thread to hand rows over (~0.6 µs a
   * row) and SQLite reads it natively, without a JavaScript object per row here.
   */
  writeJson(json: string): number {
    return this.store.transaction(
      () => {
        const { lastInsertRowid, changes } = this.insertFromJson.run(json)
        const last = Number(lastInsertRowid)
        if (changes > 0) this.rollUpRange.run(last - changes + 1, last)
        return last
      },
      { durable: false, quiet: true },
    )
  }

  /** Deletes rows and rollups older than `cutoffMs`; returns how many rows went. */
  prune(cutoffMs: number): number {
    return this.store.transaction(() => {
      const deleted = this.store.run(this.store.db.deleteFrom('request_log').where('at', '<', cutoffMs)).changes
      this.store.run(this.store.db.deleteFrom('usage_minute').where('minute', '<', Math.floor(cutoffMs / 60_000)))
      return deleted
    })
  }
}
