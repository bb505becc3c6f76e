import type { Generated, Insertable, Selectable } from 'kysely'

/** Each table described once (STYLE §7). Times are integer milliseconds since the epoch; money is integer cents. */

export interface TierTable {
  id: string
  name: string
  limit_count: number
  window_seconds: number
  built_in: number
  created_at: number
}

export interface ApiKeyTable {
  id: string
  name: string
  secret_hash: string
  hint: string
  scopes: string
  tier_id: string
  expires_at: number | null
  created_at: number
  last_used_at: number | null
  revoked_at: number | null
  rolled_to_id: string | null
  spend_per_purchase_cents: number | null
  spend_per_day_cents: number | null
  /** The id of the first key of its roll chain (its own id unless it replaced a key by a roll); the rate limiter counts per lineage. */
  lineage_id: string
  /** The lineage of the key that created it through the API; null when the operator did (GUI, CLI, admin RPC). A roll keeps it. */
  created_by: string | null
  /** The soul the key acts as in the marketplace; null: the operator's own soul. */
  soul_id: string | null
  /** Fault injection (src-shared/agents.ts Faults) as JSON; null: none. */
  faults_json: string | null
}

export interface SoulTable {
  id: string
  name: string
  kind: 'operator' | 'agent' | 'creator'
  bio: string
  /** JSON array of strings. */
  capabilities: string
  balance_cents: number
  created_at: number
}

export interface ListingTable {
  id: string
  seller_id: string
  title: string
  description: string
  category: string
  price_cents: number
  currency: string
  pricing: 'one_time' | 'subscription'
  rating: number
  review_count: number
  featured: number
  /** JSON array of strings. */
  tags: string
  /** A seller's own image; null: the app draws one (`/api/v1/thumbnails/<id>.svg`). */
  thumbnail_url: string | null
  created_at: number
  updated_at: number
  /** Deleted listings stay for the purchases and licenses that name them, and are found by nothing else. */
  deleted_at: number | null
}

export interface PurchaseTable {
  id: string
  listing_id: string
  buyer_id: string
  seller_id: string
  /** The key that bought; null for the operator. */
  key_id: string | null
  amount_cents: number
  currency: string
  license_key: string
  subscription_id: string | null
  created_at: number
}

export interface LicenseTable {
  key: string
  listing_id: string
  buyer_id: string
  purchase_id: string
  subscription_id: string | null
  status: 'active' | 'cancelled' | 'expired'
  created_at: number
  expires_at: number | null
}

export interface SubscriptionTable {
  id: string
  listing_id: string
  buyer_id: string
  key_id: string | null
  license_key: string
  price_cents: number
  status: 'active' | 'cancelled' | 'lapsed'
  current_period_start: number
  current_period_end: number
  renewals: number
  ended_at: number | null
  end_reason: string | null
  created_at: number
}

export interface LedgerTable {
  id: Generated<number>
  soul_id: string
  at: number
  kind: 'deposit' | 'purchase' | 'sale' | 'renewal' | 'renewal_sale'
  /** Signed: money in is positive, money out negative. */
  amount_cents: number
  balance_after_cents: number
  purchase_id: string | null
  listing_id: string | null
  subscription_id: string | null
  note: string | null
}

export interface ActivityTable {
  id: Generated<number>
  soul_id: string
  at: number
  kind: string
  summary: string
  listing_id: string | null
}

export interface RequestLogTable {
  seq: Generated<number>
  id: string
  at: number
  key_id: string | null
  method: string
  path: string
  status: number
  latency_ms: number
  error_code: string | null
  source: string
  /** Chat: tokens of the prompt and of the answer; null elsewhere. */
  tokens_in: number | null
  tokens_out: number | null
  /** Set when the request's outcome was injected (the key's faults): error_429, error_500, latency, stream_cut. */
  fault: string | null
}

export interface PlaygroundHistoryTable {
  seq: Generated<number>
  id: string
  at: number
  method: string
  path: string
  /** null: no answer came (transport failure, stopped). */
  status: number | null
  key_id: string | null
  /** The PlaygroundHistoryEntry (form, request, response with bodies capped), as JSON. */
  exchange_json: string
}

/** 0 … N−1 as a union type. */
type IndicesBelow<N extends number, Acc extends number[] = []> = Acc['length'] extends N ? Acc[number] : IndicesBelow<N, [...Acc, Acc['length']]>

/**
 * The usage rollup's latency histogram: h<i> counts the minute's requests whose latency was at most
 * 2^(i/2 − 5) ms (and above the bound of h<i−1>); h43 those above 65.5 s. See request-log-writer.ts.
 */
export type LatencyHistogramColumns = { [I in IndicesBelow<44> as `h${I}`]: number }

/** Per key ('' for calls without a valid key) and per minute since the epoch, written by the request-log writer. */
export interface UsageMinuteTable extends LatencyHistogramColumns {
  key_id: string
  minute: number
  requests: number
  /** Status 400 or more, 429s included. */
  errors: number
  /** Status 429. */
  limited: number
  latency_sum_ms: number
  latency_max_ms: number
  tokens_in: number
  tokens_out: number
  status_2xx: number
  status_3xx: number
  /** Status 400–499 other than 429. */
  status_4xx: number
  status_5xx: number
}

export interface AgentTable {
  id: string
  slug: string
  name: string
  description: string
  provider: 'scripted' | 'openai-compatible'
  /** ScriptedSettings as JSON, for scripted agents. */
  scripted_json: string | null
  /** UpstreamSettings as JSON (no key), for openai-compatible agents. */
  upstream_json: string | null
  /** The upstream's API key, sealed by the SecretBox (never plain text). */
  upstream_key_sealed: string | null
  built_in: number
  created_at: number
  updated_at: number
}

export interface ConversationTable {
  id: string
  agent_slug: string
  key_id: string | null
  /** The key's lineage: a conversation can be continued by the key that began it, rolled or not. */
  lineage_id: string | null
  title: string
  message_count: number
  created_at: number
  updated_at: number
}

export interface ChatMessageTable {
  id: Generated<number>
  conversation_id: string
  role: 'user' | 'assistant'
  content: string
  at: number
  request_id: string | null
  error: string | null
}

export interface WebhookEndpointTable {
  id: string
  url: string
  /** JSON array of event types, or ["*"]. */
  events: string
  description: string
  /** The soul whose events it receives; null: every event. */
  soul_id: string | null
  /** The lineage of the key that made it through the API; null: the operator. */
  created_by: string | null
  secret_sealed: string
  secret_hint: string
  previous_secret_sealed: string | null
  rotating_until: number | null
  enabled: number
  disabled_reason: string | null
  failing_since: number | null
  created_at: number
  updated_at: number
}

export interface WebhookEventTable {
  id: string
  type: string
  /** The event's data as JSON. */
  data: string
  /** JSON array of the souls it concerns. */
  souls: string
  created_at: number
}

export interface WebhookDeliveryTable {
  seq: Generated<number>
  id: string
  event_id: string
  endpoint_id: string
  status: 'pending' | 'succeeded' | 'failed'
  attempts: number
  next_attempt_at: number | null
  last_status: number | null
  last_error: string | null
  created_at: number
  updated_at: number
}

export interface WebhookAttemptTable {
  id: Generated<number>
  delivery_id: string
  at: number
  request_headers: string
  request_body: string
  response_status: number | null
  response_headers: string | null
  response_body: string | null
  duration_ms: number
  error: string | null
}

export interface InboxTable {
  name: string
  secret_sealed: string | null
  created_at: number
}

export interface InboxMessageTable {
  id: Generated<number>
  inbox: string
  received_at: number
  method: string
  /** JSON object of the request's headers. */
  headers: string
  body: string
}

export interface AuditLogTable {
  id: Generated<number>
  at: number
  actor: string
  action: string
  target_type: string
  target_id: string | null
  before_json: string | null
  after_json: string | null
}

export interface SettingTable {
  key: string
  value: string
}

export interface Database {
  tiers: TierTable
  api_keys: ApiKeyTable
  request_log: RequestLogTable
  usage_minute: UsageMinuteTable
  playground_history: PlaygroundHistoryTable
  audit_log: AuditLogTable
  settings: SettingTable
  souls: SoulTable
  listings: ListingTable
  purchases: PurchaseTable
  licenses: LicenseTable
  subscriptions: SubscriptionTable
  ledger: LedgerTable
  activity: ActivityTable
  agents: AgentTable
  conversations: ConversationTable
  chat_messages: ChatMessageTable
  webhook_endpoints: WebhookEndpointTable
  webhook_events: WebhookEventTable
  webhook_deliveries: WebhookDeliveryTable
  webhook_attempts: WebhookAttemptTable
  inboxes: InboxTable
  inbox_messages: InboxMessageTable
}

export type TierRow = Selectable<TierTable>
export type ApiKeyRow = Selectable<ApiKeyTable>
export type NewApiKeyRow = Insertable<ApiKeyTable>
export type RequestLogRowRecord = Selectable<RequestLogTable>
export type AuditLogRow = Selectable<AuditLogTable>
export type SoulRow = Selectable<SoulTable>
export type ListingRow = Selectable<ListingTable>
export type PurchaseRow = Selectable<PurchaseTable>
export type LicenseRow = Selectable<LicenseTable>
export type SubscriptionRow = Selectable<SubscriptionTable>
export type LedgerRow = Selectable<LedgerTable>
export type ActivityRow = Selectable<ActivityTable>
export type AgentRow = Selectable<AgentTable>
export type ConversationRow = Selectable<ConversationTable>
export type ChatMessageRow = Selectable<ChatMessageTable>
export type WebhookEndpointRow = Selectable<WebhookEndpointTable>
export type WebhookEventRow = Selectable<WebhookEventTable>
export type WebhookDeliveryRow = Selectable<WebhookDeliveryTable>
export type WebhookAttemptRow = Selectable<WebhookAttemptTable>
export type InboxMessageRow = Selectable<InboxMessageTable>
