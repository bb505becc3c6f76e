import { ADMIN_ERROR_CODES, type AdminErrorCode, type AdminErrorData } from '../../src-shared/errors'

/** An admin operation that failed, as the core reported it (or as the transport saw it fail). */
export class AdminError extends Error {
  readonly code: AdminErrorCode
  readonly details: unknown

  constructor(data: AdminErrorData) {
    super(data.message)
    this.name = 'AdminError'
    this.code = data.code
    this.details = data.details
  }
}

export const isAdminError = (error: unknown): error is AdminError => error instanceof AdminError

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null

const isErrorData = (value: unknown): value is AdminErrorData =>
  isRecord(value) &&
  typeof value.message === 'string' &&
  (ADMIN_ERROR_CODES as readonly unknown[]).includes(value.code)

/**
 * Unwraps a `Result` that crossed a process boundary, where its type was lost.
 * Anything that is not a well-formed Result is itself an error: the core never sends one.
 */
export function unwrapResult(raw: unknown, context: string): unknown {
  if (isRecord(raw) && raw.ok === true && 'value' in raw) return raw.value
  if (isRecord(raw) && raw.ok === false && isErrorData(raw.error)) throw new AdminError(raw.error)
  throw new AdminError({ code: 'INTERNAL_ERROR', message: `${context}: the reply was not a Result` })
}
