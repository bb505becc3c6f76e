import { DEFAULT_WEBHOOK_TOLERANCE_SECONDS, signWebhook, verifyWebhook } from '../../../src-sdk/webhooks-verify'
import type { Inbox, InboxMessage, InboxVerification } from '../../../src-shared/webhooks'
import type { SecretBox } from '../agents/secret-box'
import type { AuditService, Actor } from '../audit/audit.service'
import { toIso, toIsoOrNull, type Clock } from '../clock'
import type { InboxMessageRow } from '../db/schema'
import type { Store } from '../db/store'
import { DomainError } from '../errors'
import type { EventBus } from '../events'
import { pageOf, type Page } from '../souls/souls.service'

/** Messages kept per inbox; older ones make room. */
export const INBOX_KEEP = 1000
export const INBOX_PATH = '/inbox'

/**
 * The built-in inbox (SPEC §5): any webhook POSTed to `/inbox/<name>` is kept with its exact bytes and
 * headers, and checked, each time it is shown, against the secret the developer gave the inbox, under
 * both schemes, with everything needed to see why a signature does or does not hold.
 */
export class InboxService {
  private readonly opened = new Map<string, string>()

  constructor(
    private readonly store: Store,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly secrets: SecretBox,
    private readonly events: EventBus,
  ) {}

  /** Keeps one received request (the inbox is made on its first message). */
  async receive(name: string, method: string, headers: Record<string, string>, body: string): Promise<InboxMessage> {
    const id = this.store.transaction(() => {
      const now = this.clock.now()
      this.store.run(this.store.db.insertInto('inboxes').values({ name, secret_sealed: null, created_at: now }).onConflict((oc) => oc.doNothing()))
      const inserted = Number(
        this.store.run(this.store.db.insertInto('inbox_messages').values({ inbox: name, received_at: now, method, headers: JSON.stringify(headers), body })).lastInsertRowid,
      )
      this.store.run(this.store.db.deleteFrom('inbox_messages').where('inbox', '=', name).where('id', '<=', inserted - INBOX_KEEP))
      return inserted
    })
    const message = await this.message(id)
    if (this.events.listenerCount('inbox.new') > 0) this.events.emit('inbox.new', message)
    return message
  }

  list(origin: string): Inbox[] {
    const rows = this.store.all(
      this.store.db
        .selectFrom('inboxes as i')
        .leftJoin('inbox_messages as m', 'm.inbox', 'i.name')
        .select(['i.name', 'i.secret_sealed'])
        .select((eb) => [eb.fn.count<number>('m.id').as('messages'), eb.fn.max('m.received_at').as('last_at')])
        .groupBy('i.name')
        .orderBy('i.name'),
    )
    return rows.map((row) => ({
      name: row.name,
      url: `${origin}${INBOX_PATH}/${row.name}`,
      hasSecret: row.secret_sealed !== null,
      messages: Number(row.messages),
      lastAt: toIsoOrNull((row.last_at as number | null) ?? null),
    }))
  }

  async messages(name: string, page: number, limit: number): Promise<Page<InboxMessage>> {
    const base = this.store.db.selectFrom('inbox_messages').where('inbox', '=', name)
    const total = this.store.first(base.select((e) => e.fn.countAll<number>().as('n')))?.n ?? 0
    const rows = this.store.all(base.selectAll().orderBy('id', 'desc').limit(limit).offset((page - 1) * limit))
    const secret = await this.secretOf(name)
    return pageOf(rows.map((row) => this.toMessage(row, secret)), page, limit, total)
  }

  async message(id: number): Promise<InboxMessage> {
    const row = this.store.first(this.store.db.selectFrom('inbox_messages').selectAll().where('id', '=', id))
    if (!row) throw new DomainError('NOT_FOUND', `No inbox message ${id}.`)
    return this.toMessage(row, await this.secretOf(row.inbox))
  }

  /** The secret messages are checked against (null: none, so nothing verifies). Made if the inbox is new. */
  async setSecret(name: string, secret: string | null, actor: Actor): Promise<void> {
    const sealed = secret === null ? null : await this.secrets.seal(secret)
    this.store.transaction(() => {
      this.store.run(
        this.store.db
          .insertInto('inboxes')
          .values({ name, secret_sealed: sealed, created_at: this.clock.now() })
          .onConflict((oc) => oc.column('name').doUpdateSet({ secret_sealed: sealed })),
      )
      this.audit.record({ actor, action: secret === null ? 'inbox.secret_cleared' : 'inbox.secret_set', targetType: 'inbox', targetId: name })
    })
  }

  clear(name: string, actor: Actor): number {
    return this.store.transaction(() => {
      const deleted = this.store.run(this.store.db.deleteFrom('inbox_messages').where('inbox', '=', name)).changes
      this.audit.record({ actor, action: 'inbox.cleared', targetType: 'inbox', targetId: name, after: { deleted } })
      return deleted
    })
  }

  private async secretOf(name: string): Promise<string | null> {
    const row = this.store.first(this.store.db.selectFrom('inboxes').select('secret_sealed').where('name', '=', name))
    if (!row?.secret_sealed) return null
    let secret = this.opened.get(row.secret_sealed)
    if (secret === undefined) {
      secret = await this.secrets.open(row.secret_sealed)
      if (this.opened.size > 100) this.opened.clear()
      this.opened.set(row.secret_sealed, secret)
    }
    return secret
  }

  private toMessage(row: InboxMessageRow, secret: string | null): InboxMessage {
    const headers = JSON.parse(row.headers) as Record<string, string>
    let event: string | null = null
    try {
      const parsed = JSON.parse(row.body) as { event?: unknown }
      if (typeof parsed?.event === 'string') event = parsed.event
    } catch {
      // not JSON: shown as it came
    }
    return {
      id: row.id,
      inbox: row.inbox,
      receivedAt: toIso(row.received_at),
      method: row.method,
      headers,
      body: row.body,
      event,
      verifications: [standardWebhooks(row, headers, secret), clawget(row, headers, secret)],
    }
  }
}

const TOLERANCE_MS = DEFAULT_WEBHOOK_TOLERANCE_SECONDS * 1000

function timestampVerdict(timestampMs: number | null, receivedAt: number): string {
  if (timestampMs === null || Number.isNaN(timestampMs)) return 'no readable timestamp'
  const skew = receivedAt - timestampMs
  const seconds = Math.round(Math.abs(skew) / 1000)
  if (skew > TOLERANCE_MS) return `too old: signed ${seconds} s before it arrived (the limit is ${DEFAULT_WEBHOOK_TOLERANCE_SECONDS} s)`
  if (-skew > TOLERANCE_MS) return `in the future: signed ${seconds} s after it arrived (the limit is ${DEFAULT_WEBHOOK_TOLERANCE_SECONDS} s)`
  return `fresh: within ${DEFAULT_WEBHOOK_TOLERANCE_SECONDS} s of arrival (${seconds} s)`
}

/** What the verifier says, checked as of the time the message arrived. */
function verdict(row: InboxMessageRow, headers: Record<string, string>, secret: string): { verified: boolean; reason: string } {
  const result = verifyWebhook(row.body, headers, secret, { now: () => row.received_at })
  return result.ok ? { verified: true, reason: 'verified' } : { verified: false, reason: result.message }
}

function standardWebhooks(row: InboxMessageRow, headers: Record<string, string>, secret: string | null): InboxVerification {
  const id = headers['webhook-id'] ?? null
  const timestamp = headers['webhook-timestamp'] ?? null
  const received = headers['webhook-signature'] ?? null
  const timestampMs = timestamp === null ? null : Number(timestamp) * 1000
  const present = id !== null || timestamp !== null || received !== null
  const base = {
    scheme: 'standard-webhooks' as const,
    present,
    signedString: id !== null && timestamp !== null ? `${id}.${timestamp}.${row.body}` : null,
    receivedSignature: received,
    timestamp: timestampMs !== null && Number.isFinite(timestampMs) ? toIso(timestampMs) : null,
    timestampVerdict: present ? timestampVerdict(timestampMs, row.received_at) : 'no webhook-timestamp header',
  }
  if (!present) return { ...base, verified: false, reason: 'no webhook-id / webhook-timestamp / webhook-signature headers', expectedSignature: null }
  if (secret === null) return { ...base, verified: false, reason: 'no secret set for this inbox', expectedSignature: null }
  return { ...base, ...verdict(row, { 'webhook-id': id ?? '', 'webhook-timestamp': timestamp ?? '', 'webhook-signature': received ?? '' }, secret), expectedSignature: expected(row.body, secret, id, timestampMs, 'webhook-signature') }
}

function clawget(row: InboxMessageRow, headers: Record<string, string>, secret: string | null): InboxVerification {
  const received = headers['x-clawget-signature'] ?? null
  const timestamp = headers['x-clawget-timestamp'] ?? null
  const timestampMs = timestamp === null ? null : Number(timestamp)
  const present = received !== null || timestamp !== null
  const base = {
    scheme: 'clawget' as const,
    present,
    signedString: row.body,
    receivedSignature: received,
    timestamp: timestampMs !== null && Number.isFinite(timestampMs) ? toIso(timestampMs) : null,
    timestampVerdict: present ? timestampVerdict(timestampMs, row.received_at) : 'no x-clawget-timestamp header',
  }
  if (!present) return { ...base, verified: false, reason: 'no x-clawget-signature / x-clawget-timestamp headers', expectedSignature: null }
  if (secret === null) return { ...base, verified: false, reason: 'no secret set for this inbox', expectedSignature: null }
  return {
    ...base,
    ...verdict(row, { 'x-clawget-signature': received ?? '', 'x-clawget-timestamp': timestamp ?? '' }, secret),
    expectedSignature: expected(row.body, secret, 'evt_inbox', timestampMs, 'x-clawget-signature'),
  }
}

/** The signature this inbox's secret makes for these bytes (signWebhook refuses an id or timestamp it cannot sign). */
function expected(body: string, secret: string, id: string | null, timestampMs: number | null, header: 'webhook-signature' | 'x-clawget-signature'): string | null {
  if (id === null || timestampMs === null || !Number.isFinite(timestampMs)) return null
  try {
    return signWebhook(body, secret, { id, timestampMs: Math.trunc(timestampMs) })[header]
  } catch {
    return null
  }
}
