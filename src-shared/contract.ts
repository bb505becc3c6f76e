import { z } from 'zod'
import { AuditEntry, KeyDto, Money, RequestLogRow, Scope, ServerStatus, Settings, TierDto } from './dto'
import {
  ActivityItem,
  ClockState,
  LedgerEntry,
  Listing,
  ListingSort,
  ListingStats,
  Pricing,
  Purchase,
  SoulWithWallet,
  StatsPeriod,
  Subscription,
  Wallet,
} from './marketplace'
import { DeliveryStatus, Inbox, InboxMessage, InboxName, WebhookDelivery, WebhookDeliveryDetail, WebhookEndpoint, WebhookEventFilter } from './webhooks'
import { analyticsMethods } from './analytics'
import { id, method, nothing, pageOf, paging } from './contract-kit'
import { playgroundEvents, playgroundMethods } from './playground'
import { serverMethods } from './server-config'
import { dashboardMethods } from './dashboard'
import { Agent, AgentChanges, AgentInput, AgentSlug, ChatUsage, Conversation, ConversationWithMessages, Faults } from './agents'

/**
 * The admin contract (SPEC §2): every operation the GUI, the CLI and the admin RPC can perform,
 * declared once. Electron IPC and `POST /admin/rpc/<name>` serve the same table of handlers,
 * and both validate input with these schemas before a handler runs.
 */

const keyName = z.string().trim().min(1).max(100)
const expiresAt = z.iso.datetime({ offset: true }).nullable()
const spendingLimits = z.object({ perPurchase: Money.nullable(), perDay: Money.nullable() }).partial().strict()
/** The grace periods the GUI offers; any number of seconds up to a week is accepted. */
export const GRACE_PRESETS = [0, 60, 15 * 60, 60 * 60, 6 * 60 * 60, 24 * 60 * 60] as const

export const contract = {
  'keys.list': method(z.object({ includeRevoked: z.boolean().default(true) }).strict(), z.array(KeyDto)),
  'keys.create': method(
    z
      .object({
        name: keyName,
        scopes: z.array(Scope).min(1).optional(),
        tierId: id.optional(),
        expiresAt: expiresAt.optional(),
        spendingLimits: spendingLimits.optional(),
        soulId: id.nullable().optional(),
      })
      .strict(),
    z.object({ key: KeyDto, secret: z.string() }),
  ),
  'keys.update': method(
    z
      .object({
        id,
        name: keyName.optional(),
        scopes: z.array(Scope).min(1).optional(),
        tierId: id.optional(),
        expiresAt: expiresAt.optional(),
        spendingLimits: spendingLimits.optional(),
        soulId: id.nullable().optional(),
      })
      .strict(),
    KeyDto,
  ),
  'keys.revoke': method(z.object({ id }).strict(), KeyDto),
  'keys.roll': method(
    z.object({ id, graceSeconds: z.number().int().min(0).max(7 * 24 * 3600).default(0) }).strict(),
    z.object({ key: KeyDto, secret: z.string(), previous: KeyDto }),
  ),
  'tiers.list': method(nothing, z.array(TierDto)),
  'tiers.create': method(
    z
      .object({
        name: z.string().trim().min(1).max(60),
        limit: z.number().int().min(1).max(1_000_000_000),
        windowSeconds: z.number().int().min(1).max(31 * 24 * 3600),
      })
      .strict(),
    TierDto,
  ),
  'tiers.update': method(
    z
      .object({
        id,
        name: z.string().trim().min(1).max(60).optional(),
        limit: z.number().int().min(1).max(1_000_000_000).optional(),
        windowSeconds: z.number().int().min(1).max(31 * 24 * 3600).optional(),
      })
      .strict(),
    TierDto,
  ),
  'tiers.delete': method(z.object({ id }).strict(), z.object({ id: z.string(), deleted: z.literal(true) })),
  'requests.list': method(
    z
      .object({
        // Up to 5,000: the GUI pages through a log of 100,000 rows and more as the operator scrolls.
        limit: z.number().int().min(1).max(5_000).default(100),
        beforeSeq: z.number().int().positive().optional().describe('page backwards from this row'),
        keyId: id.optional(),
        statusClass: z.enum(['2xx', '3xx', '4xx', '5xx', '429']).optional(),
        pathContains: z.string().max(200).optional(),
      })
      .strict(),
    z.object({ rows: z.array(RequestLogRow.extend({ seq: z.number().int() })), total: z.number().int() }),
  ),
  'audit.list': method(
    z
      .object({
        limit: z.number().int().min(1).max(500).default(100),
        beforeId: z.number().int().positive().optional(),
        action: z.string().max(60).optional(),
      })
      .strict(),
    z.object({ entries: z.array(AuditEntry), total: z.number().int() }),
  ),
  'server.status': method(nothing, ServerStatus),
  'settings.get': method(nothing, Settings),
  'settings.set': method(Settings.partial().strict(), Settings),

  // The marketplace, as the operator sees it.
  'souls.list': method(nothing, z.array(SoulWithWallet)),
  'souls.activity': method(z.object({ id, ...paging }).strict(), pageOf(ActivityItem)),
  'wallet.deposit': method(z.object({ soulId: id, amount: Money }).strict(), Wallet),
  'wallet.ledger': method(z.object({ soulId: id, ...paging }).strict(), pageOf(LedgerEntry)),
  'listings.list': method(
    z
      .object({
        query: z.string().trim().max(200).optional().describe('full-text search; relevance-ranked'),
        category: z.string().max(60).optional(),
        featured: z.boolean().optional(),
        sellerId: id.optional(),
        sort: ListingSort.optional(),
        ...paging,
      })
      .strict(),
    pageOf(Listing),
  ),
  'listings.update': method(
    z
      .object({
        id,
        title: z.string().trim().min(1).max(200).optional(),
        description: z.string().trim().min(1).max(5000).optional(),
        category: z.string().trim().toLowerCase().min(1).max(60).optional(),
        price: Money.optional(),
        pricing: Pricing.optional(),
        tags: z.array(z.string().trim().toLowerCase().min(1).max(40)).max(20).optional(),
        featured: z.boolean().optional(),
      })
      .strict(),
    Listing,
  ),
  'listings.delete': method(z.object({ id }).strict(), Listing),
  'listings.categories': method(nothing, z.array(z.object({ category: z.string(), listings: z.number().int() }))),
  'listings.stats': method(z.object({ id, period: StatsPeriod.default('30d') }).strict(), ListingStats),
  'purchases.list': method(z.object({ soulId: id.optional(), ...paging }).strict(), pageOf(Purchase)),
  'subscriptions.list': method(z.object({ soulId: id.optional(), ...paging }).strict(), pageOf(Subscription)),
  'subscriptions.cancel': method(z.object({ id }).strict(), Subscription),
  'demo.reset': method(nothing, z.object({ souls: z.number().int(), listings: z.number().int() })),
  'clock.get': method(nothing, ClockState),
  'clock.advance': method(
    z.object({ seconds: z.number().int().min(1).max(10 * 366 * 86_400).describe('how far to move marketplace time forward') }).strict(),
    ClockState.extend({ renewed: z.number().int().describe('renewals charged by this advance'), lapsed: z.number().int().describe('subscriptions that lapsed') }),
  ),
  'clock.reset': method(nothing, ClockState),
  // Chat agents, conversations and per-key fault injection (part 3).
  'agents.list': method(nothing, z.array(Agent)),
  'agents.create': method(AgentInput, Agent),
  'agents.update': method(AgentChanges, Agent),
  'agents.delete': method(z.object({ id }).strict(), z.object({ id: z.string(), deleted: z.literal(true) })),
  'agents.try': method(
    z
      .object({
        agent: AgentSlug,
        message: z.string().min(1).max(1_000_000),
        conversationId: id.optional().describe('continue this conversation'),
      })
      .strict(),
    z.object({ response: z.string(), conversationId: z.string(), usage: ChatUsage, requestId: z.string() }),
  ),
  'conversations.list': method(
    z.object({ agent: AgentSlug.optional(), keyId: id.optional(), ...paging }).strict(),
    pageOf(Conversation),
  ),
  'conversations.get': method(z.object({ id }).strict(), ConversationWithMessages),
  // Webhooks (part 4): the operator's view of every endpoint and delivery.
  'webhooks.list': method(z.object({ ...paging }).strict(), pageOf(WebhookEndpoint)),
  'webhooks.create': method(
    z
      .object({
        url: z.string().min(1).max(2000),
        events: z.array(WebhookEventFilter).min(1).max(20),
        secret: z.string().min(8).max(200).optional().describe('generated (whsec_…) when left out'),
        description: z.string().max(500).optional(),
      })
      .strict(),
    z.object({ endpoint: WebhookEndpoint, secret: z.string() }),
  ),
  'webhooks.update': method(
    z
      .object({
        id,
        url: z.string().min(1).max(2000).optional(),
        events: z.array(WebhookEventFilter).min(1).max(20).optional(),
        description: z.string().max(500).optional(),
        enabled: z.boolean().optional(),
      })
      .strict(),
    WebhookEndpoint,
  ),
  'webhooks.delete': method(z.object({ id }).strict(), WebhookEndpoint),
  'webhooks.ping': method(z.object({ id }).strict(), WebhookDelivery),
  'webhooks.rotateSecret': method(
    z.object({ id, overlapSeconds: z.number().int().min(0).max(30 * 86_400).default(86_400) }).strict(),
    z.object({ endpoint: WebhookEndpoint, secret: z.string() }),
  ),
  'deliveries.list': method(
    z
      .object({
        endpointId: id.optional(),
        event: z.string().max(60).optional(),
        status: DeliveryStatus.optional(),
        since: z.iso.datetime({ offset: true }).optional(),
        until: z.iso.datetime({ offset: true }).optional(),
        ...paging,
      })
      .strict(),
    pageOf(WebhookDelivery),
  ),
  'deliveries.get': method(z.object({ id }).strict(), WebhookDeliveryDetail),
  'deliveries.redeliver': method(z.object({ id }).strict(), WebhookDelivery),
  'deliveries.redeliverFailed': method(
    z.object({ since: z.iso.datetime({ offset: true }), until: z.iso.datetime({ offset: true }).optional(), endpointId: id.optional() }).strict(),
    z.object({ redelivered: z.number().int() }),
  ),
  // The built-in inbox (POST /inbox/<name>).
  'inbox.list': method(nothing, z.array(Inbox)),
  'inbox.messages': method(z.object({ name: InboxName, ...paging }).strict(), pageOf(InboxMessage)),
  'inbox.get': method(z.object({ id: z.number().int().positive() }).strict(), InboxMessage),
  'inbox.setSecret': method(
    z.object({ name: InboxName, secret: z.string().min(1).max(200).nullable().describe('what messages are verified with; null: none') }).strict(),
    z.object({ name: z.string(), hasSecret: z.boolean() }),
  ),
  'inbox.clear': method(z.object({ name: InboxName }).strict(), z.object({ deleted: z.number().int() })),
  'inbox.connect': method(
    z.object({ name: InboxName, events: z.array(WebhookEventFilter).min(1).max(20).default(['*']) }).strict(),
    z.object({ endpoint: WebhookEndpoint, inbox: Inbox }).describe('a new endpoint pointing at the inbox, whose secret the inbox now verifies with'),
  ),
  'keys.setFaults': method(
    z.object({ id, faults: Faults.nullable().describe('null switches injection off') }).strict(),
    KeyDto,
  ),
  // Part 5: the playground, usage analytics, and the server's own configuration (port, TLS, backup).
  ...playgroundMethods,
  ...analyticsMethods,
  ...serverMethods,
  ...dashboardMethods,
} as const

export type Contract = typeof contract
export type MethodName = keyof Contract
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>
export type MethodParsedInput<M extends MethodName> = z.output<Contract[M]['input']>
export type MethodOutput<M extends MethodName> = z.output<Contract[M]['output']>

export const METHOD_NAMES = Object.keys(contract) as MethodName[]

export const isMethodName = (name: unknown): name is MethodName =>
  typeof name === 'string' && Object.hasOwn(contract, name)

/** Live streams from main to the GUI. */
export const events = {
  'requests.new': z.array(RequestLogRow.extend({ seq: z.number().int() })),
  'audit.new': z.array(AuditEntry),
  'inbox.new': InboxMessage,
  ...playgroundEvents,
} as const

export type Events = typeof events
export type EventName = keyof Events
export type EventPayload<E extends EventName> = z.output<Events[E]>
export const EVENT_NAMES = Object.keys(events) as EventName[]
export const isEventName = (name: unknown): name is EventName =>
  typeof name === 'string' && Object.hasOwn(events, name)

/** The IPC channels, namespaced with a direction (STYLE §5). */
export const IPC_INVOKE_CHANNEL = 'admin:invoke'
export const IPC_EVENT_CHANNEL = 'admin:event'

/** What the preload exposes on `window.clawhq`, and nothing more. */
export interface ClawhqBridge {
  invoke(method: string, input: unknown): Promise<unknown>
  onEvent(name: string, listener: (payload: unknown) => void): () => void
}
