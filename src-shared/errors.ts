/**
 * Error codes of the local API (SPEC §4): the Clawget table plus our own, in UPPER_SNAKE,
 * and the ClawHQ `type` each one is reported under.
 */
export const API_ERROR_TYPES = {
  INVALID_REQUEST: 'invalid_request_error',
  INVALID_JSON: 'invalid_request_error',
  NOT_FOUND: 'invalid_request_error',
  PAYLOAD_TOO_LARGE: 'invalid_request_error',
  INVALID_API_KEY: 'authentication_error',
  INSUFFICIENT_PERMISSIONS: 'permission_error',
  RATE_LIMIT_EXCEEDED: 'rate_limit_error',
  INSUFFICIENT_BALANCE: 'invalid_request_error',
  SPENDING_LIMIT_EXCEEDED: 'permission_error',
  LISTING_NOT_FOUND: 'invalid_request_error',
  ALREADY_PURCHASED: 'invalid_request_error',
  AGENT_NOT_FOUND: 'invalid_request_error',
  CONCURRENT_STREAMS_EXCEEDED: 'rate_limit_error',
  UPSTREAM_UNAVAILABLE: 'api_error',
  UPSTREAM_TIMEOUT: 'api_error',
  SERVICE_UNAVAILABLE: 'api_error',
  URI_TOO_LONG: 'invalid_request_error',
  REQUEST_TIMEOUT: 'invalid_request_error',
  EXPECTATION_FAILED: 'invalid_request_error',
  STORAGE_FULL: 'api_error',
  STORAGE_UNAVAILABLE: 'api_error',
  INTERNAL_ERROR: 'api_error',
} as const

export type ApiErrorCode = keyof typeof API_ERROR_TYPES
export type ApiErrorType = (typeof API_ERROR_TYPES)[ApiErrorCode]

/** Codes an admin operation (GUI, CLI, admin RPC) can fail with. They cross IPC as data. */
export const ADMIN_ERROR_CODES = [
  'INVALID_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'UNKNOWN_METHOD',
  'UNAUTHORIZED',
  'FORBIDDEN_SENDER',
  'STORAGE_FULL',
  'STORAGE_UNAVAILABLE',
  'UPSTREAM_FAILED',
  'INTERNAL_ERROR',
] as const

export type AdminErrorCode = (typeof ADMIN_ERROR_CODES)[number]

export interface AdminErrorData {
  code: AdminErrorCode
  message: string
  details?: unknown
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AdminErrorData }
