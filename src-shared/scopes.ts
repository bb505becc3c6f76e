/** The permission scopes an API key can hold (SPEC §4). */
export const SCOPES = [
  'listings:read',
  'listings:write',
  'souls:read',
  'purchases',
  'activity:read',
  'webhooks',
  'chat',
  'keys',
] as const

export type Scope = (typeof SCOPES)[number]

/** Scopes a new key gets when the operator picks none: everything but key management. */
export const DEFAULT_SCOPES: readonly Scope[] = SCOPES.filter((scope) => scope !== 'keys')
