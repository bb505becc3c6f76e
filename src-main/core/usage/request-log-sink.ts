import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads'
import type { Store } from '../db/store'
import { flatten, RequestLogWriter, type LoggedRequest } from './request-log-writer'

/**
 * Where the request log's batches are written. In the shipped app (desktop and `serve`) that is a
 * worker thread with its own connection, so a request never waits for SQLite, not even for a batch
 * written between two requests; used as a library (tests, the CLI), the core writes inline.
 */
export interface RequestLogSink {
  /**
   * Writes a batch; gives the seq of its last row (at once when written inline, else as a promise) or
   * throws / rejects with the store's error.
   */
  write(rows: readonly LoggedRequest[]): number | Promise<number>
  /** Deletes what is older than `cutoffMs`; resolves with how many rows went. */
  prune(cutoffMs: number): Promise<number>
  /**
   * Writes `values` and stops, before returning (the app is closing). Returns how many rows could not
   * be written: of these, and of writes still in flight.
   */
  closeSync(rows: readonly LoggedRequest[]): number
}

export class InlineSink implements RequestLogSink {
  private readonly writer: RequestLogWriter

  constructor(store: Store) {
    this.writer = new RequestLogWriter(store)
  }

  write(rows: readonly LoggedRequest[]): number {
    return this.writer.write(flatten(rows))
  }

  prune(cutoffMs: number): Promise<number> {
    try {
      return Promise.resolve(this.writer.prune(cutoffMs))
    } catch (error) {
      return Promise.reject(error)
    }
  }

  closeSync(rows: readonly LoggedRequest[]): number {
    if (rows.length === 0) return 0
    try {
      this.writer.write(flatten(rows))
      return 0
    } catch {
      return rows.length
    }
  }
}

/** What travels to the worker, and what comes back. */
export type WorkerRequest = { id: number } & ({ type: 'write'; json: string } | { type: 'prune'; cutoffMs: number } | { type: 'close' })
export type WorkerReply = { id: number } & ({ ok: true; result: number } | { ok: false; error: { code: string; message: string } })

export interface WorkerData {
  databaseFile: string
  nativeBinding?: string
  replies: MessagePort
  /** [0] counts the replies posted, so a closing main thread can wait for them without its event loop. */
  signal: Int32Array
}

interface Pending {
  rows: number
  resolve(result: number): void
  reject(error: Error): void
}

const CLOSE_TIMEOUT_MS = 10_000

/** A store error as it crossed the thread boundary: a real Error again, with SQLite's code (storage-errors.ts reads it). */
const revive = (error: { code: string; message: string }) => Object.assign(new Error(error.message), { code: error.code })

export class WorkerSink implements RequestLogSink {
  private worker: Worker | null = null
  private replies: MessagePort | null = null
  private signal: Int32Array | null = null
  private readonly pending = new Map<number, Pending>()
  private nextId = 1

  constructor(
    private readonly options: { workerFile: string; databaseFile: string; nativeBinding?: string },
  ) {}

  /** Started on the first write: one-shot commands that never log a request never start a thread. */
  private start(): Worker {
    const channel = new MessageChannel()
    const signal = new Int32Array(new SharedArrayBuffer(4))
    const workerData: WorkerData = { databaseFile: this.options.databaseFile, nativeBinding: this.options.nativeBinding, replies: channel.port2, signal }
    const worker = new Worker(this.options.workerFile, { workerData, transferList: [channel.port2] })
    channel.port1.on('message', (reply: WorkerReply) => this.settle(reply))
    // Neither keeps the process alive: closing writes what is left (closeSync).
    channel.port1.unref()
    worker.unref()
    const stopped = (error: Error) => {
      if (this.worker !== worker) return
      this.worker = null
      this.replies?.close()
      this.replies = null
      for (const [id, pending] of this.pending) {
        this.pending.delete(id)
        pending.reject(error)
      }
    }
    worker.on('error', (error) => stopped(new Error(`The request-log writer stopped: ${error.message}`)))
    worker.on('exit', (code) => stopped(new Error(`The request-log writer exited (code ${code}).`)))
    this.worker = worker
    this.replies = channel.port1
    this.signal = signal
    return worker
  }

  private settle(reply: WorkerReply): void {
    const pending = this.pending.get(reply.id)
    if (!pending) return
    this.pending.delete(reply.id)
    if (reply.ok) pending.resolve(reply.result)
    else pending.reject(revive(reply.error))
  }

  private send(request: WorkerRequest, rows: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const worker = this.worker ?? this.start()
      this.pending.set(request.id, { rows, resolve, reject })
      worker.postMessage(request)
    })
  }

  write(rows: readonly LoggedRequest[]): Promise<number> {
    return this.send({ id: this.nextId++, type: 'write', json: JSON.stringify(rows) }, rows.length)
  }

  prune(cutoffMs: number): Promise<number> {
    return this.send({ id: this.nextId++, type: 'prune', cutoffMs }, 0)
  }

  closeSync(rows: readonly LoggedRequest[]): number {
    if (rows.length > 0) this.write(rows).catch(() => undefined)
    const worker = this.worker
    if (!worker || !this.replies || !this.signal) return 0
    const closeId = this.nextId++
    this.pending.set(closeId, { rows: 0, resolve: () => undefined, reject: () => undefined })
    worker.postMessage({ id: closeId, type: 'close' } satisfies WorkerRequest)
    // The event loop is not coming back: take the replies straight off the port, waiting on the signal.
    let unwritten = 0
    const deadline = Date.now() + CLOSE_TIMEOUT_MS
    while (this.pending.has(closeId)) {
      const seen = Atomics.load(this.signal, 0)
      for (let message = receiveMessageOnPort(this.replies); message; message = receiveMessageOnPort(this.replies)) {
        const reply = message.message as WorkerReply
        if (!reply.ok) unwritten += this.pending.get(reply.id)?.rows ?? 0
        this.settle(reply)
      }
      if (!this.pending.has(closeId)) break
      if (Date.now() > deadline) {
        for (const pending of this.pending.values()) unwritten += pending.rows
        break
      }
      Atomics.wait(this.signal, 0, seen, 100)
    }
    this.pending.clear()
    this.worker = null
    void worker.terminate()
    return unwritten
  }
}
