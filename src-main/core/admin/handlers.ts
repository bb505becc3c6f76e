import type { Contract, MethodOutput, MethodParsedInput } from '../../../src-shared/contract'
import type { ServerStatus } from '../../../src-shared/dto'
import type { AuditService, Actor } from '../audit/audit.service'
import type { MarketplaceServices } from '../marketplace/services'
import { toCents } from '../money'
import type { KeysService } from '../keys/keys.service'
import type { AgentsService } from '../agents/agents.service'
import type { ChatService } from '../chat/chat.service'
import { newRequestId } from '../ids'
import type { WebhooksService } from '../webhooks/webhooks.service'
import type { InboxService } from '../webhooks/inbox.service'

const OPERATOR = { operator: true as const }
import type { SettingsService } from '../settings/settings.service'
import type { TiersService } from '../tiers/tiers.service'
import type { RequestLog } from '../usage/request-log'
import { analyticsHandlers } from '../usage/analytics.handlers'
import { dashboardHandlers } from './dashboard.handlers'
import { playgroundHandlers, type PlaygroundHost } from '../playground/playground.handlers'
import { serverHandlers, type ServerHost } from '../server/server.handlers'
import type { Store } from '../db/store'
import type { Clock } from '../clock'

export interface AdminContext {
  actor: Actor
}

/** One handler per contract method; a missing or mistyped one is a compile error (STYLE §2). */
export type Handlers<C extends Contract> = {
  [M in keyof C & string]: (
    input: MethodParsedInput<M & keyof Contract>,
    context: AdminContext,
  ) => MethodOutput<M & keyof Contract> | Promise<MethodOutput<M & keyof Contract>>
}

/** The handlers of one area's methods (those whose names start with `prefix.`), kept beside the area's code. */
export type HandlersOf<Prefix extends string> = Pick<Handlers<Contract>, Extract<keyof Contract, `${Prefix}.${string}`>>

export interface HandlerDeps {
  keys: KeysService
  market: MarketplaceServices
  agents: AgentsService
  chat: ChatService
  webhooks: WebhooksService
  inbox: InboxService
  /** Where the API answers (for thumbnail URLs); '' until the server listens. */
  apiOrigin: () => string
  tiers: TiersService
  requestLog: RequestLog
  audit: AuditService
  settings: SettingsService
  status: () => ServerStatus
  store: Store
  clock: Clock
  /** The running server's playground; absent in one-shot CLI commands. */
  playground?: PlaygroundHost
  /** The running server's address, certificate and backups; absent in one-shot CLI commands. */
  server?: ServerHost
}

export function createHandlers(deps: HandlerDeps) {
  const { keys, tiers, requestLog, audit, settings } = deps
  const { souls, wallets, listings, purchases, activity, demo, marketClock } = deps.market
  const operator = (actor: Actor) => ({ operator: true as const, actor })
  return {
    'keys.list': (input) => keys.list(input.includeRevoked),
    'keys.create': (input, { actor }) => keys.create(input, actor),
    'keys.update': (input, { actor }) => keys.update(input, actor),
    'keys.revoke': (input, { actor }) => keys.revoke(input.id, actor),
    'keys.roll': (input, { actor }) => keys.roll(input.id, input.graceSeconds, actor),
    'tiers.list': () => tiers.list(),
    'tiers.create': (input, { actor }) => tiers.create(input, actor),
    'tiers.update': (input, { actor }) => tiers.update(input, actor),
    'tiers.delete': (input, { actor }) => {
      tiers.delete(input.id, actor)
      return { id: input.id, deleted: true as const }
    },
    // A live view asks for the newest rows; flush the batch first so they are there.
    'requests.list': async (input) => {
      await requestLog.flush()
      return requestLog.list(input)
    },
    'audit.list': (input) => audit.list(input),
    'server.status': () => deps.status(),
    'settings.get': () => settings.get(),
    'settings.set': (input, { actor }) => settings.set(input, actor),
    'souls.list': () => souls.listWithWallets(),
    'souls.activity': (input) => souls.activityOf(input.id, input.page, input.limit),
    'wallet.deposit': (input, { actor }) => wallets.deposit(input.soulId, toCents(input.amount), actor),
    'wallet.ledger': (input) => wallets.ledger(input.soulId, input.page, input.limit),
    'listings.list': ({ query, sellerId, page, limit, category, featured, sort }) => {
      const filters = { page, limit, ...(category && { category }), ...(featured !== undefined && { featured }), ...(sellerId && { sellerId }), ...(sort && { sort }) }
      return query ? listings.search(query, filters, deps.apiOrigin()) : listings.list(filters, deps.apiOrigin())
    },
    'listings.update': ({ id, price, ...changes }, { actor }) =>
      listings.update(id, { ...changes, ...(price !== undefined && { priceCents: toCents(price) }) }, operator(actor), deps.apiOrigin()),
    'listings.delete': (input, { actor }) => listings.delete(input.id, operator(actor), deps.apiOrigin()),
    'listings.stats': (input) => activity.listingStats(input.id, input.period, null),
    'purchases.list': (input) => purchases.all(input.page, input.limit, input.soulId),
    'subscriptions.list': (input) => purchases.subscriptions(input.page, input.limit, input.soulId),
    'subscriptions.cancel': (input, { actor }) => purchases.cancel(input.id, null, actor),
    'listings.categories': () => listings.categories(),
    'demo.reset': (_input, { actor }) => demo.reset(actor),
    'clock.get': () => marketClock.state(),
    'clock.advance': (input, { actor }) => ({ ...marketClock.advance(input.seconds, actor), ...purchases.renewDue() }),
    'clock.reset': (_input, { actor }) => marketClock.reset(actor),
    'agents.list': () => deps.agents.list(),
    'agents.create': (input, { actor }) => deps.agents.create(input, actor),
    'agents.update': (input, { actor }) => deps.agents.update(input, actor),
    'agents.delete': (input, { actor }) => {
      deps.agents.delete(input.id, actor)
      return { id: input.id, deleted: true as const }
    },
    // The try-it box: the operator asks as the operator (no key, no stream slot); the answer is kept like any other.
    'agents.try': async (input) => {
      const requestId = newRequestId()
      const { response, conversationId, usage } = await deps.chat.complete(
        { message: input.message, agent: input.agent, conversationId: input.conversationId, caller: { operator: true }, requestId },
        AbortSignal.timeout(10 * 60_000),
      )
      return { response, conversationId, usage, requestId }
    },
    'conversations.list': (input) => deps.chat.list(input),
    'conversations.get': (input) => deps.chat.get(input.id, { operator: true }),
    'keys.setFaults': (input, { actor }) => keys.setFaults(input.id, input.faults, actor),
    'inbox.list': () => deps.inbox.list(deps.apiOrigin()),
    'inbox.messages': (input) => deps.inbox.messages(input.name, input.page, input.limit),
    'inbox.get': (input) => deps.inbox.message(input.id),
    'inbox.setSecret': async (input, { actor }) => {
      await deps.inbox.setSecret(input.name, input.secret, actor)
      return { name: input.name, hasSecret: input.secret !== null }
    },
    'inbox.clear': (input, { actor }) => ({ deleted: deps.inbox.clear(input.name, actor) }),
    // One click: an endpoint aimed at the inbox, and the inbox verifying with that endpoint's secret.
    'inbox.connect': async (input, { actor }) => {
      const { endpoint, secret } = await deps.webhooks.create(
        { url: `${deps.apiOrigin()}/inbox/${input.name}`, events: input.events, description: `The built-in inbox "${input.name}"` },
        OPERATOR,
        actor,
      )
      await deps.inbox.setSecret(input.name, secret, actor)
      return { endpoint, inbox: deps.inbox.list(deps.apiOrigin()).find((inbox) => inbox.name === input.name)! }
    },
    'webhooks.list': (input) => deps.webhooks.list(OPERATOR, input.page, input.limit),
    'webhooks.create': (input, { actor }) => deps.webhooks.create(input, OPERATOR, actor),
    'webhooks.update': ({ id, ...changes }, { actor }) => deps.webhooks.update(id, changes, OPERATOR, actor),
    'webhooks.delete': (input, { actor }) => deps.webhooks.delete(input.id, OPERATOR, actor),
    'webhooks.ping': (input) => deps.webhooks.ping(input.id, OPERATOR),
    'webhooks.rotateSecret': (input, { actor }) => deps.webhooks.rotateSecret(input.id, OPERATOR, actor, input.overlapSeconds),
    'deliveries.list': ({ since, until, ...query }) =>
      deps.webhooks.deliveries({ ...query, ...(since && { since: Date.parse(since) }), ...(until && { until: Date.parse(until) }) }, OPERATOR),
    'deliveries.get': (input) => deps.webhooks.delivery(input.id, OPERATOR),
    'deliveries.redeliver': (input, { actor }) => deps.webhooks.redeliver(input.id, OPERATOR, actor),
    'deliveries.redeliverFailed': (input, { actor }) => ({
      redelivered: deps.webhooks.redeliverFailed(
        { since: Date.parse(input.since), until: input.until ? Date.parse(input.until) : Number.MAX_SAFE_INTEGER, ...(input.endpointId && { endpointId: input.endpointId }) },
        OPERATOR,
        actor,
      ),
    }),
    ...playgroundHandlers(deps),
    ...analyticsHandlers(deps),
    ...serverHandlers(deps),
    ...dashboardHandlers(deps),
  } satisfies Handlers<Contract>
}
