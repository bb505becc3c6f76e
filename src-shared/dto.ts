import { z } from 'zod'
import { Faults } from './agents'
import { SCOPES } from './scopes'

/** The objects the admin contract and the API hand out. Rows never leave the main process; these do. */

export const Scope = z.enum(SCOPES)

const isoTime = z.iso.datetime({ offset: true })
/** Money as a decimal string in USDT, two places ("25.00"); stored as integer cents. */
export const Money = z.string().regex(/^\d{1,9}(\.\d{1,2})?$/, 'a decimal amount such as "25.00"')

export const KeyStatus = z.enum(['active', 'grace', 'expired', 'revoked'])

export const SpendingLimits = z.object({
  perPurchase: Money.nullable(),
  perDay: Money.nullable(),
})

export const KeyDto = z.object({
  id: z.string(),
  name: z.string(),
  hint: z.string().describe('clw_ plus the first and last four characters, e.g. clw_a1b2…o5p6'),
  scopes: z.array(Scope),
  tierId: z.string(),
  status: KeyStatus,
  expiresAt: isoTime.nullable(),
  createdAt: isoTime,
  lastUsedAt: isoTime.nullable(),
  revokedAt: isoTime.nullable(),
  rolledToId: z.string().nullable().describe('set on a key replaced by a roll; it works until expiresAt'),
  soulId: z.string().nullable().describe('the soul the key acts as in the marketplace; null: the operator\'s own soul (soul_operator)'),
  spendingLimits: SpendingLimits,
  faults: Faults.nullable().describe('fault injection on this key; null: none'),
})
export type KeyDto = z.infer<typeof KeyDto>

export const TierDto = z.object({
  id: z.string(),
  name: z.string(),
  limit: z.number().int().positive(),
  windowSeconds: z.number().int().positive(),
  window: z.string().describe('the window in the short form of the 429 details: "1m", "1h", "90s"'),
  builtIn: z.boolean(),
  keyCount: z.number().int().nonnegative(),
})
export type TierDto = z.infer<typeof TierDto>

export const RequestSource = z.enum(['api', 'playground'])

export const RequestLogRow = z.object({
  id: z.string(),
  at: isoTime,
  keyId: z.string().nullable(),
  method: z.string(),
  path: z.string(),
  status: z.number().int(),
  latencyMs: z.number(),
  errorCode: z.string().nullable(),
  source: RequestSource,
  tokensIn: z.number().int().nullable().describe('chat: prompt tokens'),
  tokensOut: z.number().int().nullable().describe('chat: answer tokens'),
  fault: z.string().nullable().describe('the injected fault that shaped this answer (the key\'s fault injection), if any'),
})
export type RequestLogRow = z.infer<typeof RequestLogRow>

export const AuditEntry = z.object({
  id: z.number().int(),
  at: isoTime,
  actor: z.string().describe('gui, cli, admin-http or api:<key id>'),
  action: z.string().describe('key.created, key.revoked, key.rolled, key.updated, tier.created …'),
  targetType: z.string(),
  targetId: z.string().nullable(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
})
export type AuditEntry = z.infer<typeof AuditEntry>

export const Settings = z.object({
  requestLogRetentionDays: z.number().int().min(1).max(3650),
  corsOrigins: z.array(z.url()).max(50),
  allowedHosts: z.array(z.string().min(1).max(253)).max(50),
  chatMaxMessageChars: z.number().int().min(1).max(1_000_000).describe('longest chat message accepted'),
  chatMaxStreamsPerKey: z.number().int().min(1).max(10_000).describe('chat streams one key may hold open at once'),
  upstreamConnectTimeoutSeconds: z.number().int().min(1).max(300).describe('time to reach a model server and get its first byte'),
  upstreamIdleTimeoutSeconds: z.number().int().min(1).max(3600).describe('longest silence of a model server mid-answer'),
})
export type Settings = z.infer<typeof Settings>

export const ServerStatus = z.object({
  version: z.string(),
  mode: z.enum(['desktop', 'headless']),
  apiBaseUrl: z.string(),
  dataDir: z.string(),
  startedAt: isoTime,
  schemaVersion: z.string(),
  sqliteVersion: z.string(),
  /** For About: the runtime's versions (electron and chrome only in the desktop app). */
  runtime: z.object({ node: z.string(), v8: z.string(), electron: z.string().nullable(), chrome: z.string().nullable(), platform: z.string(), arch: z.string() }),
  activeKeys: z.number().int(),
  requestLog: z
    .object({
      pending: z.number().int().describe('rows waiting to be written'),
      dropped: z.number().int().describe('rows given up since start because the store could not take them'),
      failing: z.boolean().describe('the last write failed; it is retried'),
      lastError: z.string().nullable(),
      lastErrorAt: isoTime.nullable(),
    })
    .describe('the request log\'s writer: it keeps unwritten rows (bounded) and retries when the disk is full'),
})
export type ServerStatus = z.infer<typeof ServerStatus>
