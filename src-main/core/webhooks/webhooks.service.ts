import { randomBytes } from 'node:crypto'
import { isIP } from 'node:net'
import type { WebhookAttempt, WebhookDelivery, WebhookDeliveryDetail, WebhookEndpoint, WebhookEventType } from '../../../src-shared/webhooks'
import type { SecretBox } from '../agents/secret-box'
import type { AuditService, Actor } from '../audit/audit.service'
import { toIso, toIsoOrNull, type Clock } from '../clock'
import type { WebhookAttemptRow, WebhookDeliveryRow, WebhookEndpointRow } from '../db/schema'
import type { Store } from '../db/store'
import { DomainError } from '../errors'
import { newId } from '../ids'
import { pageOf, type Page } from '../souls/souls.service'
import type { WebhookOutbox } from './outbox'

/** Who manages an endpoint: a soul through its key (its own endpoints only), or the operator (all). */
export type EndpointOwner = { soulId: string; lineageId: string } | { operator: true }

export interface NewEndpoint {
  url: string
  events: Array<WebhookEventType | '*'>
  secret?: string
  description?: string
}

export interface EndpointChanges {
  url?: string
  events?: Array<WebhookEventType | '*'>
  description?: string
  enabled?: boolean
}

export interface DeliveryQuery {
  endpointId?: string
  event?: string
  status?: WebhookDelivery['status']
  /** Market-time milliseconds. */
  since?: number
  until?: number
  page: number
  limit: number
}

/** How long the previous secret keeps signing after a rotation, by default. */
export const DEFAULT_ROTATION_OVERLAP_SECONDS = 24 * 3600

/**
 * URL policy (SPEC §5, RELIABILITY: SSRF): HTTPS anywhere, plain HTTP only to this machine (offline
 * development). Returns the reason a URL is refused, or null.
 */
export function urlProblem(text: string): string | null {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return `"${text}" is not a URL.`
  }
  if (url.username || url.password) return 'A webhook URL must not carry a user name or password.'
  if (url.protocol === 'https:') return null
  if (url.protocol !== 'http:') return `Webhook URLs are https:// (or http:// to this machine), not ${url.protocol}//.`
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const loopback = host === 'localhost' || (isIP(host) === 4 && host.startsWith('127.')) || host === '::1'
  return loopback ? null : `Plain HTTP is allowed only to this machine (127.0.0.1, localhost, [::1]); use https:// for ${url.host}.`
}

export const generateSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`
const hintOf = (secret: string) => `${secret.slice(0, secret.startsWith('whsec_') ? 10 : 4)}…`

/**
 * Webhook endpoints and their deliveries (SPEC §5). Secrets are sealed at rest by the SecretBox (like
 * upstream API keys) and shown once, when made or rotated.
 */
export class WebhooksService {
  /** Opened secrets per endpoint row version. */
  private readonly opened = new Map<string, { current: string; previous: string | null }>()

  constructor(
    private readonly store: Store,
    private readonly audit: AuditService,
    /** Marketplace time: deliveries are scheduled on it. */
    private readonly clock: Clock,
    private readonly secrets: SecretBox,
    readonly outbox: WebhookOutbox,
  ) {}

  toDto(row: WebhookEndpointRow): WebhookEndpoint {
    return {
      id: row.id,
      url: row.url,
      events: JSON.parse(row.events) as WebhookEndpoint['events'],
      description: row.description,
      enabled: row.enabled === 1,
      disabledReason: row.disabled_reason,
      soulId: row.soul_id,
      secretHint: row.secret_hint,
      rotatingUntil: row.rotating_until !== null && row.rotating_until > this.clock.now() ? toIso(row.rotating_until) : null,
      failingSince: toIsoOrNull(row.failing_since),
      createdAt: toIso(row.created_at),
      updatedAt: toIso(row.updated_at),
    }
  }

  list(owner: EndpointOwner, page: number, limit: number): Page<WebhookEndpoint> {
    let base = this.store.db.selectFrom('webhook_endpoints')
    if ('soulId' in owner) base = base.where('soul_id', '=', owner.soulId)
    const total = this.store.first(base.select((e) => e.fn.countAll<number>().as('n')))?.n ?? 0
    const rows = this.store.all(base.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(limit).offset((page - 1) * limit))
    return pageOf(rows.map((row) => this.toDto(row)), page, limit, total)
  }

  get(id: string, owner: EndpointOwner): WebhookEndpoint {
    return this.toDto(this.row(id, owner))
  }

  async create(input: NewEndpoint, owner: EndpointOwner, actor: Actor): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const problem = urlProblem(input.url)
    if (problem) throw new DomainError('INVALID_INPUT', problem, { field: 'url' })
    const secret = input.secret ?? generateSecret()
    const sealed = await this.secrets.seal(secret)
    return this.store.transaction(() => {
      const now = this.clock.now()
      const row: WebhookEndpointRow = {
        id: newId('whk'),
        url: input.url,
        events: JSON.stringify([...new Set(input.events)]),
        description: input.description ?? '',
        soul_id: 'soulId' in owner ? owner.soulId : null,
        created_by: 'lineageId' in owner ? owner.lineageId : null,
        secret_sealed: sealed,
        secret_hint: hintOf(secret),
        previous_secret_sealed: null,
        rotating_until: null,
        enabled: 1,
        disabled_reason: null,
        failing_since: null,
        created_at: now,
        updated_at: now,
      }
      this.store.run(this.store.db.insertInto('webhook_endpoints').values(row))
      const endpoint = this.toDto(row)
      this.audit.record({ actor, action: 'webhook.created', targetType: 'webhook', targetId: row.id, after: endpoint })
      return { endpoint, secret }
    })
  }

  update(id: string, changes: EndpointChanges, owner: EndpointOwner, actor: Actor): WebhookEndpoint {
    if (changes.url !== undefined) {
      const problem = urlProblem(changes.url)
      if (problem) throw new DomainError('INVALID_INPUT', problem, { field: 'url' })
    }
    return this.store.transaction(() => {
      const current = this.row(id, owner)
      const before = this.toDto(current)
      const now = this.clock.now()
      const enabling = changes.enabled === true && current.enabled === 0
      this.store.run(
        this.store.db
          .updateTable('webhook_endpoints')
          .set({
            ...(changes.url !== undefined && { url: changes.url }),
            ...(changes.events !== undefined && { events: JSON.stringify([...new Set(changes.events)]) }),
            ...(changes.description !== undefined && { description: changes.description }),
            ...(changes.enabled !== undefined && { enabled: changes.enabled ? 1 : 0, disabled_reason: changes.enabled ? null : 'disabled by hand' }),
            ...(enabling && { failing_since: null }),
            updated_at: Math.max(now, current.updated_at + 1),
          })
          .where('id', '=', id),
      )
      const after = this.get(id, owner)
      this.audit.record({ actor, action: enabling ? 'webhook.enabled' : 'webhook.updated', targetType: 'webhook', targetId: id, before, after })
      return after
    })
  }

  delete(id: string, owner: EndpointOwner, actor: Actor): WebhookEndpoint {
    return this.store.transaction(() => {
      const current = this.toDto(this.row(id, owner))
      this.store.run(this.store.db.deleteFrom('webhook_endpoints').where('id', '=', id))
      this.audit.record({ actor, action: 'webhook.deleted', targetType: 'webhook', targetId: id, before: current })
      return current
    })
  }

  /** A new secret (generated unless given); the previous one keeps signing for `overlapSeconds`. Shown once. */
  async rotateSecret(id: string, owner: EndpointOwner, actor: Actor, overlapSeconds = DEFAULT_ROTATION_OVERLAP_SECONDS, given?: string) {
    const secret = given ?? generateSecret()
    const sealed = await this.secrets.seal(secret)
    return this.store.transaction(() => {
      const current = this.row(id, owner)
      const now = this.clock.now()
      this.store.run(
        this.store.db
          .updateTable('webhook_endpoints')
          .set({
            secret_sealed: sealed,
            secret_hint: hintOf(secret),
            previous_secret_sealed: overlapSeconds > 0 ? current.secret_sealed : null,
            rotating_until: overlapSeconds > 0 ? now + overlapSeconds * 1000 : null,
            updated_at: Math.max(now, current.updated_at + 1),
          })
          .where('id', '=', id),
      )
      const endpoint = this.get(id, owner)
      this.audit.record({ actor, action: 'webhook.secret_rotated', targetType: 'webhook', targetId: id, before: this.toDto(current), after: endpoint })
      return { endpoint, secret }
    })
  }

  /** Sends a `ping` event to this endpoint alone (even if it subscribes to nothing else). */
  ping(id: string, owner: EndpointOwner): WebhookDelivery {
    return this.store.transaction(() => {
      const endpoint = this.row(id, owner)
      if (endpoint.enabled === 0) throw new DomainError('CONFLICT', `Endpoint ${id} is disabled (${endpoint.disabled_reason}); enable it first.`)
      const eventId = this.outbox.emit('ping', { endpointId: id, message: 'A test event from ClawHQ Local.' }, [], id)
      const delivery = this.store.first(this.store.db.selectFrom('webhook_deliveries').selectAll().where('event_id', '=', eventId))!
      return this.toDelivery(delivery, 'ping')
    })
  }

  /** The secrets that sign for an endpoint now: the current one, and the previous one during a rotation. */
  async signingSecrets(row: WebhookEndpointRow): Promise<{ current: string; previous: string | null }> {
    const version = `${row.id}@${row.updated_at}`
    let secrets = this.opened.get(version)
    if (!secrets) {
      const previous = row.previous_secret_sealed !== null && (row.rotating_until ?? 0) > this.clock.now() ? await this.secrets.open(row.previous_secret_sealed) : null
      secrets = { current: await this.secrets.open(row.secret_sealed), previous }
      if (this.opened.size > 1000) this.opened.clear()
      this.opened.set(version, secrets)
    }
    if (secrets.previous !== null && (row.rotating_until ?? 0) <= this.clock.now()) return { current: secrets.current, previous: null }
    return secrets
  }

  endpointRow(id: string): WebhookEndpointRow | undefined {
    return this.store.first(this.store.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id))
  }

  deliveries(query: DeliveryQuery, owner: EndpointOwner): Page<WebhookDelivery> {
    let base = this.store.db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
      .innerJoin('webhook_endpoints as w', 'w.id', 'd.endpoint_id')
    if ('soulId' in owner) base = base.where('w.soul_id', '=', owner.soulId)
    if (query.endpointId) base = base.where('d.endpoint_id', '=', query.endpointId)
    if (query.event) base = base.where('e.type', '=', query.event)
    if (query.status) base = base.where('d.status', '=', query.status)
    if (query.since !== undefined) base = base.where('d.created_at', '>=', query.since)
    if (query.until !== undefined) base = base.where('d.created_at', '<', query.until)
    const total = this.store.first(base.select((e) => e.fn.countAll<number>().as('n')))?.n ?? 0
    const rows = this.store.all(
      base
        .selectAll('d')
        .select('e.type as event_type')
        .orderBy('d.seq', 'desc')
        .limit(query.limit)
        .offset((query.page - 1) * query.limit),
    )
    return pageOf(rows.map((row) => this.toDelivery(row, row.event_type)), query.page, query.limit, total)
  }

  delivery(id: string, owner: EndpointOwner): WebhookDeliveryDetail {
    const row = this.deliveryRow(id, owner)
    const event = this.store.first(this.store.db.selectFrom('webhook_events').selectAll().where('id', '=', row.event_id))!
    const attempts = this.store.all(this.store.db.selectFrom('webhook_attempts').selectAll().where('delivery_id', '=', id).orderBy('id'))
    return { ...this.toDelivery(row, event.type), body: attempts.at(-1)?.request_body ?? '', attemptLog: attempts.map(toAttempt) }
  }

  /** Sends a delivery again now (a new attempt of the same event: the same webhook-id). */
  redeliver(id: string, owner: EndpointOwner, actor: Actor): WebhookDelivery {
    return this.store.transaction(() => {
      this.deliveryRow(id, owner) // 404 unless the owner's
      const now = this.clock.now()
      this.store.run(this.store.db.updateTable('webhook_deliveries').set({ status: 'pending', next_attempt_at: now, updated_at: now }).where('id', '=', id))
      this.audit.record({ actor, action: 'webhook.redelivered', targetType: 'delivery', targetId: id })
      this.store.onCommit(() => this.outbox.onQueued())
      return this.deliveryDto(id)
    })
  }

  /** Every failed delivery created in [since, until) (of one endpoint, or all) goes out again; returns how many. */
  redeliverFailed(range: { since: number; until: number; endpointId?: string }, owner: EndpointOwner, actor: Actor): number {
    return this.store.transaction(() => {
      const page = this.deliveries({ ...range, status: 'failed', page: 1, limit: 10_000 }, owner)
      const now = this.clock.now()
      for (const delivery of page.data)
        this.store.run(
          this.store.db.updateTable('webhook_deliveries').set({ status: 'pending', next_attempt_at: now, updated_at: now }).where('id', '=', delivery.id),
        )
      this.audit.record({ actor, action: 'webhook.redelivered', targetType: 'delivery', targetId: null, after: { count: page.data.length, ...range } })
      this.store.onCommit(() => this.outbox.onQueued())
      return page.data.length
    })
  }

  /**
   * Retention, as the request log's (Settings): finished deliveries created before `cutoff` (market time)
   * go with their attempts, and events no delivery names any more. Pending deliveries always stay.
   */
  prune(cutoff: number): number {
    return this.store.transaction(() => {
      const finished = this.store.db.selectFrom('webhook_deliveries').select('id').where('status', '!=', 'pending').where('created_at', '<', cutoff)
      this.store.run(this.store.db.deleteFrom('webhook_attempts').where('delivery_id', 'in', finished))
      const deleted = this.store.run(this.store.db.deleteFrom('webhook_deliveries').where('status', '!=', 'pending').where('created_at', '<', cutoff)).changes
      this.store.run(
        this.store.db
          .deleteFrom('webhook_events')
          .where('created_at', '<', cutoff)
          .where((eb) => eb.not(eb.exists(eb.selectFrom('webhook_deliveries').select('id').whereRef('webhook_deliveries.event_id', '=', 'webhook_events.id')))),
      )
      return deleted
    })
  }

  private deliveryDto(id: string): WebhookDelivery {
    const row = this.store.first(
      this.store.db
        .selectFrom('webhook_deliveries as d')
        .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
        .selectAll('d')
        .select('e.type as event_type')
        .where('d.id', '=', id),
    )!
    return this.toDelivery(row, row.event_type)
  }

  private deliveryRow(id: string, owner: EndpointOwner): WebhookDeliveryRow {
    const row = this.store.first(this.store.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id))
    if (!row) throw new DomainError('NOT_FOUND', `No delivery ${id}.`)
    this.row(row.endpoint_id, owner)
    return row
  }

  toDelivery(row: WebhookDeliveryRow, event: string): WebhookDelivery {
    return {
      id: row.id,
      eventId: row.event_id,
      event: event as WebhookDelivery['event'],
      endpointId: row.endpoint_id,
      status: row.status,
      attempts: row.attempts,
      nextAttemptAt: row.status === 'pending' ? toIsoOrNull(row.next_attempt_at) : null,
      lastStatus: row.last_status,
      lastError: row.last_error,
      createdAt: toIso(row.created_at),
      updatedAt: toIso(row.updated_at),
    }
  }

  private row(id: string, owner: EndpointOwner): WebhookEndpointRow {
    const row = this.endpointRow(id)
    if (!row || ('soulId' in owner && row.soul_id !== owner.soulId)) throw new DomainError('NOT_FOUND', `No webhook endpoint ${id}.`)
    return row
  }
}

const toAttempt = (row: WebhookAttemptRow): WebhookAttempt => ({
  id: row.id,
  at: toIso(row.at),
  requestHeaders: JSON.parse(row.request_headers) as Record<string, string>,
  requestBody: row.request_body,
  responseStatus: row.response_status,
  responseHeaders: row.response_headers === null ? null : (JSON.parse(row.response_headers) as Record<string, string>),
  responseBody: row.response_body,
  durationMs: row.duration_ms,
  error: row.error,
})
