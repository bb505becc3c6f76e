/**
 * The SDK writes its types out by hand (its declarations depend on nothing); this file makes
 * `npm run typecheck` fail when one of them drifts from the server's zod schema it mirrors. It has no
 * runtime part: the compiler is the test.
 */
import type { z } from 'zod'
import type * as Server from '../../src-shared/marketplace'
import type { KeyDto } from '../../src-shared/dto'
import type { Scope as ServerScope } from '../../src-shared/scopes'
import type { ApiErrorCode as ServerErrorCode, ApiErrorType as ServerErrorType } from '../../src-shared/errors'
import type * as Sdk from '../../src-sdk/index'

/** true when A and B are the same type (each assignable to the other, not through any). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : Mutual<A, B>
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false

export type Conforms = [
  Same<Sdk.Listing, Server.Listing>,
  Same<Sdk.Soul, Server.Soul>,
  Same<Sdk.ActivityItem, Server.ActivityItem>,
  Same<Sdk.Wallet, Server.Wallet>,
  Same<Sdk.Purchase, Server.Purchase>,
  Same<Sdk.License, Server.License>,
  Same<Sdk.Subscription, Server.Subscription>,
  Same<Sdk.LedgerEntry, Server.LedgerEntry>,
  Same<Sdk.ListingStats, Server.ListingStats>,
  Same<Sdk.Revenue, Server.Revenue>,
  Same<Sdk.Usage, Server.Usage>,
  Same<Sdk.ListingSort, Server.ListingSort>,
  Same<Sdk.StatsPeriod, Server.StatsPeriod>,
  Same<Sdk.Pricing, z.infer<typeof Server.Pricing>>,
  Same<Sdk.ApiKeyInfo, Omit<KeyDto, 'rolledToId' | 'faults'>>,
  Same<Sdk.Scope, ServerScope>,
  Same<Sdk.ApiErrorCode, ServerErrorCode>,
  Same<Sdk.ApiErrorType, ServerErrorType>,
]

/** Every entry must be `true`; a drifted type turns one into `false` and this line into a compile error. */
export const conforms: Conforms = [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true]
