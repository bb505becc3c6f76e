import type { AdminErrorCode } from '../../src-shared/errors'

/** A rule of the domain was broken; services throw it, transports turn it into their envelope. */
export class DomainError extends Error {
  constructor(
    readonly code: Extract<AdminErrorCode, 'NOT_FOUND' | 'CONFLICT' | 'INVALID_INPUT'>,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message)
    this.name = 'DomainError'
  }
}

/** Codes a marketplace operation refuses with, as the seed's error table names them (SPEC §4). */
export type MarketplaceErrorCode =
  | 'INSUFFICIENT_BALANCE'
  | 'SPENDING_LIMIT_EXCEEDED'
  | 'LISTING_NOT_FOUND'
  | 'ALREADY_PURCHASED'
  | 'INSUFFICIENT_PERMISSIONS'
  | 'NOT_FOUND'
  | 'INVALID_REQUEST'

/** A marketplace rule was broken; the API answers with the code, the message and the details as they are. */
export class MarketplaceError extends Error {
  constructor(
    readonly code: MarketplaceErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message)
    this.name = 'MarketplaceError'
  }
}
