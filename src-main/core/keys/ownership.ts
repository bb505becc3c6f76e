import type { Scope } from '../../../src-shared/scopes'

/**
 * What an API key holding the `keys` scope may do to other keys: nothing beyond its own rights. The
 * operator (GUI, CLI, admin RPC) is not bound by these rules; only calls made with a key are.
 */

export type KeyPermissionReason =
  | 'scopes_exceed_own'
  | 'tier_more_generous'
  | 'spending_limit_exceeds_own'
  | 'expiry_exceeds_own'
  | 'not_your_key'
  | 'soul_not_own'

export type KeyPermissionDetails = { reason: KeyPermissionReason } & Record<string, unknown>

/** A key tried to act beyond its own rights; the API answers 403 INSUFFICIENT_PERMISSIONS with these details. */
export class KeyPermissionError extends Error {
  constructor(
    message: string,
    readonly details: KeyPermissionDetails,
  ) {
    super(message)
    this.name = 'KeyPermissionError'
  }
}

/** The scopes of `requested` that `own` lacks, in the order asked. */
export const scopesBeyond = (requested: readonly Scope[], own: ReadonlySet<Scope>): Scope[] => requested.filter((scope) => !own.has(scope))

export interface TierShape {
  limit: number
  windowMs: number
}

/**
 * Whether a tier lets no more requests through than `own` in any span of time. A sliding log of
 * `limit` per `windowMs` accepts at most limit·⌈T/windowMs⌉ requests in a span just under T, so the
 * requested tier is no more generous for every T exactly when it holds for T = own.windowMs:
 * limit·⌈own.windowMs/windowMs⌉ ≤ own.limit (a larger T only multiplies both sides, since ⌈kx⌉ ≤ k⌈x⌉).
 * This implies both limit ≤ own.limit and limit/window ≤ own.limit/own.window, and is stricter than the
 * two together: 50 per 50 s has the rate of 60 per minute, yet lets 100 through in 51 s.
 */
export const tierNoMoreGenerous = (requested: TierShape, own: TierShape): boolean =>
  requested.limit * Math.ceil(own.windowMs / requested.windowMs) <= own.limit

/** A ceiling (spending limit in cents, expiry in ms) may not be lifted: null means none. */
export const withinCeiling = (requested: number | null, own: number | null): boolean => own === null || (requested !== null && requested <= own)
