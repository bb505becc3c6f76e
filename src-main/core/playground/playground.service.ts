import { request as httpRequest, Agent as HttpAgent, type IncomingMessage } from 'node:http'
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https'
import type { MethodParsedInput } from '../../../src-shared/contract'
import {
  PLAYGROUND_MAX_RESPONSE,
  type HeaderPairs,
  type PlaygroundExchange,
  type PlaygroundHistoryEntry,
  type RateLimitReading,
} from '../../../src-shared/playground'
import { toIso, type Clock } from '../clock'
import type { Store } from '../db/store'
import { DomainError } from '../errors'
import type { EventBus } from '../events'
import { newId } from '../ids'
import type { KeysService } from '../keys/keys.service'
import { keyHint } from '../keys/secret'
import { PLAYGROUND_KEY_HEADER, PLAYGROUND_TOKEN_HEADER, type PlaygroundCredential } from './credential'

type SendInput = MethodParsedInput<'playground.send'>
type HistoryQuery = MethodParsedInput<'playground.history'>

/** Headers the playground sets itself; the form may not. */
const RESERVED_HEADERS = new Set(['authorization', 'host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive', 'upgrade', PLAYGROUND_TOKEN_HEADER, PLAYGROUND_KEY_HEADER])
/** Bodies kept in the history, each. */
const HISTORY_BODY_CAP = 64 * 1024
/** History entries kept; older ones go as new ones come. */
const HISTORY_KEEP = 1_000
/** The longest a playground request may run (a streamed chat from a slow model included). */
const RUN_TIMEOUT_MS = 10 * 60_000

export interface PlaygroundDeps {
  store: Store
  clock: Clock
  keys: KeysService
  events: EventBus
  credential: PlaygroundCredential
  /** Where the API listens (`http://127.0.0.1:7420`); '' until it does. */
  origin: () => string
  userAgent: string
}

/**
 * The playground (SPEC §5, §6): sends the operator's request over real HTTP to the local API, as a key by
 * id (the internal credential), as a pasted secret, or with no key, so it runs the whole pipeline: scopes,
 * limits, faults, the request log (marked as the playground's). A streamed answer's text is published as
 * `playground.chunk` events while it arrives; the exchange is kept in the history.
 */
export class PlaygroundService {
  private readonly runs = new Map<string, AbortController>()
  private readonly agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 16 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 16, rejectUnauthorized: false }) }

  constructor(private readonly deps: PlaygroundDeps) {}

  async send(input: SendInput): Promise<PlaygroundExchange> {
    const origin = this.deps.origin()
    if (!origin) throw new DomainError('CONFLICT', 'The API server is not listening yet.')
    const reserved = input.headers.find(([name]) => RESERVED_HEADERS.has(name.toLowerCase()))
    if (reserved)
      throw new DomainError('INVALID_INPUT', `The header "${reserved[0]}" is the playground's own: choose the key with the key picker, and the rest is set for you.`, {
        header: reserved[0],
      })
    if (this.runs.has(input.runId)) throw new DomainError('CONFLICT', `A request with run id ${input.runId} is already running.`)

    const url = new URL(input.path, origin)
    for (const [name, value] of input.query) url.searchParams.append(name, value)
    const auth = this.authOf(input)
    const body = input.body === null || input.body === '' || input.method === 'GET' || input.method === 'DELETE' ? null : input.body
    const userHeaders: HeaderPairs = [...input.headers]
    if (body !== null && !userHeaders.some(([name]) => name.toLowerCase() === 'content-type')) userHeaders.push(['Content-Type', 'application/json'])
    const wire: Record<string, string | string[]> = { host: url.host, 'user-agent': this.deps.userAgent, [PLAYGROUND_TOKEN_HEADER]: this.deps.credential.token }
    for (const [name, value] of userHeaders) {
      const lower = name.toLowerCase()
      const existing = wire[lower]
      wire[lower] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value]
    }
    if (input.auth.kind === 'key') wire[PLAYGROUND_KEY_HEADER] = input.auth.keyId
    if (input.auth.kind === 'secret') wire.authorization = `Bearer ${input.auth.secret}`
    const bodyBytes = body === null ? null : Buffer.from(body, 'utf8')
    if (bodyBytes !== null) wire['content-length'] = String(bodyBytes.length)

    // What the operator sees: what a client would send, the credential shown as a key's hint.
    const shownHeaders: HeaderPairs = [['Host', url.host], ['User-Agent', this.deps.userAgent]]
    if (auth.hint !== null) shownHeaders.push(['Authorization', `Bearer ${auth.hint}`])
    shownHeaders.push(...userHeaders)
    if (bodyBytes !== null) shownHeaders.push(['Content-Length', String(bodyBytes.length)])

    const controller = new AbortController()
    this.runs.set(input.runId, controller)
    const timeout = setTimeout(() => controller.abort(new RunTimeout()), RUN_TIMEOUT_MS)
    const startedAt = this.deps.clock.now()
    const started = performance.now()
    let firstByte: number | null = null
    let response: PlaygroundExchange['response'] = null
    let error: PlaygroundExchange['error'] = null
    try {
      const answer = await this.request(url, input.method, wire, bodyBytes, controller.signal)
      firstByte = performance.now() - started
      const stream = (answer.headers['content-type'] ?? '').startsWith('text/event-stream')
      const pairs = headerPairs(answer.rawHeaders)
      response = { status: answer.statusCode ?? 0, statusText: answer.statusMessage ?? '', headers: pairs, body: '', bytes: 0, truncated: false, stream }
      const read = await this.readBody(answer, stream ? input.runId : null, controller.signal)
      Object.assign(response, read)
      if (read.stopped) error = stopReason(controller.signal)
    } catch (failure) {
      error = controller.signal.aborted ? stopReason(controller.signal) : { kind: 'transport', message: describeTransportError(failure) }
    } finally {
      clearTimeout(timeout)
      this.runs.delete(input.runId)
    }
    const exchange: PlaygroundExchange = {
      id: newId('pg'),
      runId: input.runId,
      at: toIso(startedAt),
      request: { method: input.method, url: url.toString(), headers: shownHeaders, body },
      response: response && { status: response.status, statusText: response.statusText, headers: response.headers, body: response.body, bytes: response.bytes, truncated: response.truncated, stream: response.stream },
      error,
      durationMs: round(performance.now() - started),
      timeToFirstByteMs: firstByte === null ? null : round(firstByte),
      auth,
      rateLimit: response ? readRateLimit(response.headers) : null,
      requestId: response ? (header(response.headers, 'x-request-id') ?? null) : null,
    }
    if (input.remember) this.remember({ ...exchange, form: { method: input.method, path: input.path, query: input.query, headers: input.headers, body: input.body } })
    return exchange
  }

  /** Stops a running request; its `send` resolves with what had arrived and error kind "cancelled". */
  cancel(runId: string): boolean {
    const controller = this.runs.get(runId)
    if (!controller) return false
    controller.abort(new RunCancelled())
    return true
  }

  history(query: HistoryQuery): { entries: Array<PlaygroundHistoryEntry & { seq: number }>; total: number } {
    const { store } = this.deps
    const pattern = query.search ? `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null
    const where = pattern === null ? '' : `where (path like @pattern escape '\\' or method like @pattern escape '\\' or cast(status as text) like @pattern escape '\\')`
    const params = { pattern, before: query.beforeSeq ?? Number.MAX_SAFE_INTEGER, limit: query.limit }
    const rows = store.sqlite
      .prepare(`select seq, exchange_json from playground_history ${where ? `${where} and` : 'where'} seq < @before order by seq desc limit @limit`)
      .all(params) as Array<{ seq: number; exchange_json: string }>
    const total = store.sqlite.prepare(`select count(*) from playground_history ${where}`).pluck().get(pattern === null ? {} : { pattern }) as number
    return { entries: rows.map((row) => ({ ...(JSON.parse(row.exchange_json) as PlaygroundHistoryEntry), seq: row.seq })), total }
  }

  deleteEntry(id: string): number {
    return this.deps.store.sqlite.prepare('delete from playground_history where id = ?').run(id).changes
  }

  clearHistory(): number {
    return this.deps.store.sqlite.prepare('delete from playground_history').run().changes
  }

  close(): void {
    for (const controller of this.runs.values()) controller.abort(new RunCancelled())
    this.agents.http.destroy()
    this.agents.https.destroy()
  }

  private authOf(input: SendInput): PlaygroundExchange['auth'] {
    if (input.auth.kind === 'none') return { kind: 'none', keyId: null, hint: null, name: null }
    if (input.auth.kind === 'secret') return { kind: 'secret', keyId: null, hint: keyHint(input.auth.secret), name: null }
    const key = this.findKey(input.auth.keyId)
    return { kind: 'key', keyId: input.auth.keyId, hint: key?.hint ?? null, name: key?.name ?? null }
  }

  private findKey(id: string) {
    try {
      return this.deps.keys.get(id)
    } catch {
      return null // an unknown id: sent anyway, so the API's own 401 is what the operator sees
    }
  }

  private request(url: URL, method: string, headers: Record<string, string | string[]>, body: Buffer | null, signal: AbortSignal): Promise<IncomingMessage> {
    const https = url.protocol === 'https:'
    const send = https ? httpsRequest : httpRequest
    return new Promise((resolve, reject) => {
      const outgoing = send(url, { method, headers, signal, agent: https ? this.agents.https : this.agents.http }, resolve)
      outgoing.on('error', reject)
      outgoing.end(body ?? undefined)
    })
  }

  /** Reads the answer, keeping up to PLAYGROUND_MAX_RESPONSE bytes; a stream's text is published as it comes. */
  private readBody(answer: IncomingMessage, streamRunId: string | null, signal: AbortSignal) {
    return new Promise<{ body: string; bytes: number; truncated: boolean; stopped: boolean }>((resolve, reject) => {
      const decoder = new TextDecoder()
      let kept = ''
      let keptBytes = 0
      let bytes = 0
      const finish = (stopped: boolean) => {
        kept += decoder.decode()
        resolve({ body: kept, bytes, truncated: bytes > keptBytes, stopped })
      }
      answer.on('data', (chunk: Buffer) => {
        bytes += chunk.length
        const room = PLAYGROUND_MAX_RESPONSE - keptBytes
        if (room <= 0) return
        const piece = chunk.length <= room ? chunk : chunk.subarray(0, room)
        keptBytes += piece.length
        const text = decoder.decode(piece, { stream: true })
        kept += text
        if (streamRunId !== null && text !== '') this.deps.events.emit('playground.chunk', { runId: streamRunId, text })
      })
      answer.on('end', () => finish(false))
      answer.on('error', (error) => (signal.aborted ? finish(true) : reject(error)))
      answer.on('aborted', () => (signal.aborted ? finish(true) : undefined))
      answer.on('close', () => {
        if (!answer.complete) {
          if (signal.aborted) finish(true)
          else reject(new Error('The server closed the connection before the answer was complete.'))
        }
      })
    })
  }

  private remember(entry: PlaygroundHistoryEntry): void {
    const capped: PlaygroundHistoryEntry = {
      ...entry,
      request: { ...entry.request, body: cap(entry.request.body) },
      response: entry.response && { ...entry.response, body: cap(entry.response.body) ?? '' },
      form: { ...entry.form, body: cap(entry.form.body) },
    }
    const { sqlite } = this.deps.store
    const url = new URL(entry.request.url)
    this.deps.store.transaction(() => {
      sqlite
        .prepare('insert into playground_history (id, at, method, path, status, key_id, exchange_json) values (?, ?, ?, ?, ?, ?, ?)')
        .run(entry.id, Date.parse(entry.at), entry.request.method, url.pathname + url.search, entry.response?.status ?? null, entry.auth.keyId, JSON.stringify(capped))
      sqlite.prepare('delete from playground_history where seq <= (select max(seq) from playground_history) - ?').run(HISTORY_KEEP)
    })
  }
}

class RunCancelled extends Error {
  constructor() {
    super('Stopped by the operator.')
  }
}
class RunTimeout extends Error {
  constructor() {
    super(`No complete answer within ${RUN_TIMEOUT_MS / 60_000} minutes.`)
  }
}

function stopReason(signal: AbortSignal): NonNullable<PlaygroundExchange['error']> {
  return signal.reason instanceof RunTimeout ? { kind: 'timeout', message: signal.reason.message } : { kind: 'cancelled', message: 'Stopped by the operator.' }
}

function describeTransportError(error: unknown): string {
  const code = (error as { code?: string }).code
  const message = error instanceof Error ? error.message : String(error)
  if (code === 'ECONNREFUSED') return `Could not connect: nothing listens there (${message}).`
  if (code === 'ECONNRESET') return `The connection was reset before an answer came (${message}).`
  return message
}

function headerPairs(raw: string[]): HeaderPairs {
  const pairs: HeaderPairs = []
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i], raw[i + 1]])
  return pairs
}

const header = (pairs: HeaderPairs, name: string) => pairs.find(([n]) => n.toLowerCase() === name)?.[1]

/** X-RateLimit-* and Retry-After, read for the operator; null when the answer had none (no key reached the limiter). */
function readRateLimit(pairs: HeaderPairs): RateLimitReading | null {
  const limit = header(pairs, 'x-ratelimit-limit')
  const remaining = header(pairs, 'x-ratelimit-remaining')
  const reset = header(pairs, 'x-ratelimit-reset')
  if (limit === undefined || remaining === undefined || reset === undefined) return null
  const retryAfter = header(pairs, 'retry-after')
  return {
    limit: Number(limit),
    remaining: Number(remaining),
    resetAt: toIso(Number(reset) * 1000),
    retryAfterSeconds: retryAfter === undefined ? null : Number(retryAfter),
    policy: header(pairs, 'ratelimit-policy') ?? null,
  }
}

const cap = (text: string | null): string | null =>
  text === null || text.length <= HISTORY_BODY_CAP ? text : `${text.slice(0, HISTORY_BODY_CAP)}\n… (${(text.length - HISTORY_BODY_CAP).toLocaleString('en')} more characters not kept in the history)`

const round = (ms: number) => Math.round(ms * 100) / 100
