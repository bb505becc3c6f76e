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
}

export interface UsageMinuteTable {
  key_id: string
  minute: number
  requests: number
  errors: number
  limited: number
  latency_sum_ms: number
  latency_max_ms: number
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
  audit_log: AuditLogTable
  settings: SettingTable
}

export type TierRow = Selectable<TierTable>
export type ApiKeyRow = Selectable<ApiKeyTable>
export type NewApiKeyRow = Insertable<ApiKeyTable>
export type RequestLogRowRecord = Selectable<RequestLogTable>
export type AuditLogRow = Selectable<AuditLogTable>
