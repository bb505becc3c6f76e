import { createHmac } from 'node:crypto'
import { Agent as HttpAgent, request as httpRequest, type ClientRequest } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { signWebhook } from '../../../src-sdk/webhooks-verify'
import { toIso, type Clock } from '../clock'
import type { WebhookDeliveryRow, WebhookEndpointRow, WebhookEventRow } from '../db/schema'
import type { Store } from '../db/store'
import type { WebhooksService } from './webhooks.service'

/** The Standard Webhooks retry schedule (SPEC §5): the wait before each attempt after the first. */
export const RETRY_SCHEDULE_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 50_400_000, 72_000_000, 86_400_000]
/** An endpoint failing this long is disabled. */
export const DISABLE_AFTER_MS = 5 * 86_400_000
export const DELIVERY_TIMEOUT_MS = 15_000
/** What is kept of a receiver's answer. */
export const RESPONSE_BODY_CAP = 64 * 1024
const IN_FLIGHT_PER_ENDPOINT = 8
const QUEUED_DELAY_MS = 3

export interface DispatcherOptions {
  /** Deliveries in flight at once, over all endpoints. */
  concurrency?: number
  /** How often due deliveries are looked for when nothing wakes the dispatcher. */
  pollMs?: number
  timeoutMs?: number
  userAgent: string
}

interface Outcome {
  status: number | null
  headers: Record<string, string> | null
  body: string | null
  error: string | null
  durationMs: number
  retryAfterMs: number | null
}

/**
 * Delivers the outbox (SPEC §5): due deliveries, oldest first, at most 8 in flight per endpoint (so
 * they go out in order while the receiver keeps up), each a signed JSON POST with a 15 s timeout and
 * no redirects followed. Only 2xx succeeds; 410 disables the endpoint; others retry on the schedule,
 * 429/502/504 no sooner than their Retry-After; an endpoint failing for 5 days is disabled. Schedules
 * run on marketplace time, so the simulation clock fast-forwards a retry run. Every attempt is stored.
 */
export class WebhookDispatcher {
  private readonly inFlight = new Set<string>()
  private readonly perEndpoint = new Map<string, number>()
  private timer: NodeJS.Timeout | undefined
  private scheduled = false
  private stopped = true
  private readonly concurrency: number
  private readonly pollMs: number
  private readonly timeoutMs: number
  private readonly requests = new Set<ClientRequest>()
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 64 })
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 64 })
  /** Told about a failure of the dispatcher itself (never about a receiver's). */
  onError: (error: unknown) => void = () => {}

  constructor(
    private readonly store: Store,
    private readonly webhooks: WebhooksService,
    /** Marketplace time, for the schedule. */
    private readonly marketClock: Clock,
    private readonly options: DispatcherOptions,
  ) {
    this.concurrency = options.concurrency ?? 64
    this.pollMs = options.pollMs ?? 500
    this.timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS
  }

  start(): void {
    this.stopped = false
    // New events wait a few milliseconds: the request that made them answers first, and a burst is looked up once.
    this.webhooks.outbox.onQueued = () => this.wake(QUEUED_DELAY_MS)
    this.timer = setInterval(() => this.wake(), this.pollMs)
    this.timer.unref()
    this.wake()
  }

  /** Stops sending; attempts under way are aborted and stay pending (sent again after a restart: at least once). */
  stop(): void {
    this.stopped = true
    clearInterval(this.timer)
    for (const request of this.requests) request.destroy()
    this.httpAgent.destroy()
    this.httpsAgent.destroy()
  }

  /** Looks for due deliveries on the next turn of the event loop, or after `delayMs` (many wake-ups make one look). */
  wake(delayMs = 0): void {
    if (this.scheduled || this.stopped) return
    this.scheduled = true
    const look = () => {
      this.scheduled = false
      try {
        this.fill()
      } catch (error) {
        this.onError(error)
      }
    }
    if (delayMs > 0) setTimeout(look, delayMs).unref()
    else setImmediate(look)
  }

  get sending(): number {
    return this.inFlight.size
  }

  private fill(): void {
    const room = this.concurrency - this.inFlight.size
    if (room <= 0 || this.stopped) return
    // Oldest due first, read through the (status, next_attempt_at) index: no sort of the whole backlog, and
    // only as many rows as can start (those in flight left out).
    let query = this.store.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', this.marketClock.now())
    if (this.inFlight.size > 0) query = query.where('id', 'not in', [...this.inFlight])
    const due = this.store.all(query.orderBy('next_attempt_at').orderBy('seq').limit(room * 2))
    let started = 0
    for (const delivery of due) {
      if (started >= room) break
      if (this.inFlight.has(delivery.id)) continue
      const open = this.perEndpoint.get(delivery.endpoint_id) ?? 0
      if (open >= IN_FLIGHT_PER_ENDPOINT) continue
      this.inFlight.add(delivery.id)
      this.perEndpoint.set(delivery.endpoint_id, open + 1)
      started++
      void this.deliver(delivery).finally(() => {
        this.inFlight.delete(delivery.id)
        const left = (this.perEndpoint.get(delivery.endpoint_id) ?? 1) - 1
        if (left <= 0) this.perEndpoint.delete(delivery.endpoint_id)
        else this.perEndpoint.set(delivery.endpoint_id, left)
        this.wake()
      })
    }
  }

  private async deliver(delivery: WebhookDeliveryRow): Promise<void> {
    try {
      const endpoint = this.webhooks.endpointRow(delivery.endpoint_id)
      const event = this.store.first(this.store.db.selectFrom('webhook_events').selectAll().where('id', '=', delivery.event_id))
      if (!endpoint || !event) return // deleted meanwhile (the delivery went with its endpoint)
      if (endpoint.enabled === 0) return this.giveUp(delivery, `not sent: the endpoint is disabled (${endpoint.disabled_reason})`)
      const secrets = await this.webhooks.signingSecrets(endpoint)
      const { body, headers } = this.signed(event, secrets)
      const outcome = await this.post(endpoint.url, body, headers)
      if (this.stopped && outcome.error !== null) return // cut by a stop: stays pending
      this.record(delivery, endpoint, headers, body, outcome)
    } catch (error) {
      this.onError(error)
    }
  }

  /**
   * The seed's body, `{"event", "timestamp", "data", "signature"}`, serialized once: `signature` is the
   * HMAC of the body without it, and the X-Clawget-Signature header the HMAC of these exact bytes (which
   * is what the seed's receiver computes from `JSON.stringify(req.body)`). The Standard Webhooks headers
   * sign `id.timestamp.body` with every secret signing now.
   */
  private signed(event: WebhookEventRow, secrets: { current: string; previous: string | null }) {
    const unsigned = { event: event.type, timestamp: toIso(event.created_at), data: JSON.parse(event.data) as unknown }
    const inner = createHmac('sha256', secrets.current).update(JSON.stringify(unsigned)).digest('hex')
    const body = JSON.stringify({ ...unsigned, signature: inner })
    const timestampMs = Date.now()
    const signing = secrets.previous === null ? secrets.current : [secrets.current, secrets.previous]
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': this.options.userAgent,
      ...signWebhook(body, signing, { id: event.id, timestampMs }),
    }
    return { body, headers }
  }

  /**
   * One POST with Node's own HTTP client and a keep-alive agent per scheme (a third of fetch's cost per
   * request here): no redirect is followed (Node's client follows none), the answer's body is read up to
   * the cap, and the whole exchange has `timeoutMs`.
   */
  private post(url: string, body: string, headers: Record<string, string>): Promise<Outcome> {
    const started = performance.now()
    return new Promise<Outcome>((resolve) => {
      let settled = false
      const finish = (outcome: Omit<Outcome, 'durationMs'>) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        this.requests.delete(request)
        resolve({ ...outcome, durationMs: performance.now() - started })
      }
      const failed = (error: string) => finish({ status: null, headers: null, body: null, error, retryAfterMs: null })
      let request: ClientRequest
      try {
        const target = new URL(url)
        const secure = target.protocol === 'https:'
        request = (secure ? httpsRequest : httpRequest)(target, {
          method: 'POST',
          agent: secure ? this.httpsAgent : this.httpAgent,
          headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        })
      } catch (error) {
        return failed((error as Error).message)
      }
      this.requests.add(request)
      const timer = setTimeout(() => {
        failed(`no answer within ${this.timeoutMs / 1000} s`)
        request.destroy()
      }, this.timeoutMs)
      request.on('error', (error: NodeJS.ErrnoException) => failed(describeNetworkError(error)))
      request.on('response', (response) => {
        const chunks: Buffer[] = []
        let size = 0
        const done = () => {
          const status = response.statusCode ?? 0
          const redirect = status >= 300 && status < 400
          const responseHeaders: Record<string, string> = {}
          for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) responseHeaders[name] = Array.isArray(value) ? value.join(', ') : value
          finish({
            status,
            headers: responseHeaders,
            body: Buffer.concat(chunks).subarray(0, RESPONSE_BODY_CAP).toString('utf8'),
            error: redirect ? `redirected to ${response.headers.location ?? '(no location)'}; redirects are not followed` : null,
            retryAfterMs: retryAfterOf(responseHeaders['retry-after'] ?? null),
          })
        }
        response.on('data', (chunk: Buffer) => {
          if (size >= RESPONSE_BODY_CAP) return
          chunks.push(chunk)
          size += chunk.length
          // Past the cap the rest is not wanted: stop reading and drop the connection.
          if (size >= RESPONSE_BODY_CAP) {
            done()
            response.destroy()
          }
        })
        response.on('end', done)
        response.on('error', () => done())
      })
      request.end(body)
    })
  }

  private record(delivery: WebhookDeliveryRow, endpoint: WebhookEndpointRow, headers: Record<string, string>, body: string, outcome: Outcome): void {
    const now = this.marketClock.now()
    const succeeded = outcome.error === null && outcome.status !== null && outcome.status >= 200 && outcome.status < 300
    const gone = outcome.status === 410
    const attempts = delivery.attempts + 1
    let next: number | null = null
    if (!succeeded && !gone && attempts <= RETRY_SCHEDULE_MS.length) {
      const wait = jitter(RETRY_SCHEDULE_MS[attempts - 1]!)
      const honoured = outcome.status === 429 || outcome.status === 502 || outcome.status === 504 ? (outcome.retryAfterMs ?? 0) : 0
      next = now + Math.max(wait, honoured)
    }
    const status = succeeded ? 'succeeded' : next === null ? 'failed' : 'pending'
    const error = outcome.error ?? (succeeded ? null : `answered ${outcome.status}`)
    // Delivery records are the log of an at-least-once process: without an fsync of their own (a crash
    // at worst sends an event again, with the same webhook-id). Quiet: no hot-path cache holds them.
    this.store.transaction(
      () => {
        this.store.run(
          this.store.db.insertInto('webhook_attempts').values({
            delivery_id: delivery.id,
            at: Date.now(),
            request_headers: JSON.stringify(headers),
            request_body: body,
            response_status: outcome.status,
            response_headers: outcome.headers === null ? null : JSON.stringify(outcome.headers),
            response_body: outcome.body,
            duration_ms: Math.round(outcome.durationMs * 1000) / 1000,
            error,
          }),
        )
        this.store.run(
          this.store.db
            .updateTable('webhook_deliveries')
            .set({ status, attempts, next_attempt_at: next, last_status: outcome.status, last_error: error, updated_at: now })
            .where('id', '=', delivery.id),
        )
        this.settleEndpoint(endpoint, succeeded, gone, now)
      },
      { durable: false, quiet: true },
    )
  }

  /** The endpoint's health: failing since when; 410 or 5 days of failure disable it, with the reason. */
  private settleEndpoint(endpoint: WebhookEndpointRow, succeeded: boolean, gone: boolean, now: number): void {
    const current = this.webhooks.endpointRow(endpoint.id)
    if (!current) return
    let change: Partial<WebhookEndpointRow> | null = null
    if (succeeded) change = current.failing_since === null ? null : { failing_since: null }
    else if (gone) change = { enabled: 0, disabled_reason: 'the receiver answered 410 Gone', failing_since: current.failing_since ?? now }
    else if (current.failing_since === null) change = { failing_since: now }
    else if (now - current.failing_since >= DISABLE_AFTER_MS) change = { enabled: 0, disabled_reason: `failing since ${toIso(current.failing_since)} (5 days)` }
    if (change) this.store.run(this.store.db.updateTable('webhook_endpoints').set(change).where('id', '=', endpoint.id))
  }

  private giveUp(delivery: WebhookDeliveryRow, error: string): void {
    const now = this.marketClock.now()
    this.store.run(this.store.db.updateTable('webhook_deliveries').set({ status: 'failed', next_attempt_at: null, last_error: error, updated_at: now }).where('id', '=', delivery.id))
  }
}

/** ±10 % (the spec's schedule "with jitter"), so retries of many endpoints do not all land at once. */
const jitter = (ms: number) => Math.round(ms * (0.9 + Math.random() * 0.2))

/** Retry-After in seconds or as an HTTP date, in milliseconds; null when absent or unreadable. */
export function retryAfterOf(value: string | null): number | null {
  if (value === null) return null
  const seconds = Number(value)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now())
}

function describeNetworkError(error: NodeJS.ErrnoException): string {
  if (error.code === 'ECONNREFUSED') return 'connection refused'
  if (error.code === 'ENOTFOUND') return 'host not found'
  if (error.code === 'ECONNRESET') return 'the connection was reset'
  return error.message
}
