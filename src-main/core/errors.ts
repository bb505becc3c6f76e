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
