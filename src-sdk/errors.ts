/**
 * The one error every failing call throws: the server's error envelope
 * (`{success: false, error: {code, message, type, details?, request_id}}`) as fields, or a transport
 * failure with a code of the SDK's own (NETWORK_ERROR, TIMEOUT, INVALID_RESPONSE, INVALID_OPTIONS).
 */

/** Codes the server answers with (the Clawget table plus the local server's own). */
export type ApiErrorCode =
  | 'INVALID_API_KEY'
  | 'INSUFFICIENT_PERMISSIONS'
  | 'INSUFFICIENT_BALANCE'
  | 'SPENDING_LIMIT_EXCEEDED'
  | 'LISTING_NOT_FOUND'
  | 'ALREADY_PURCHASED'
  | 'RATE_LIMIT_EXCEEDED'
  | 'INVALID_REQUEST'
  | 'INVALID_JSON'
  | 'NOT_FOUND'
  | 'PAYLOAD_TOO_LARGE'
  | 'AGENT_NOT_FOUND'
  | 'CONCURRENT_STREAMS_EXCEEDED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_TIMEOUT'
  | 'SERVICE_UNAVAILABLE'
  | 'URI_TOO_LONG'
  | 'REQUEST_TIMEOUT'
  | 'EXPECTATION_FAILED'
  | 'STORAGE_FULL'
  | 'STORAGE_UNAVAILABLE'
  | 'INTERNAL_ERROR'

/**
 * Codes of failures that have no error envelope: the server could not be reached (NETWORK_ERROR), did not
 * answer in time (TIMEOUT), answered something that is not the API's JSON (INVALID_RESPONSE), or the
 * client was constructed wrongly (INVALID_OPTIONS). Their status is 0, or the HTTP status when there was one.
 */
export type ClientErrorCode = 'NETWORK_ERROR' | 'TIMEOUT' | 'INVALID_RESPONSE' | 'INVALID_OPTIONS'

/** Every code a ClawgetError can carry; a code a newer server adds still arrives as a string. */
export type ClawgetErrorCode = ApiErrorCode | ClientErrorCode | (string & {})

/** The ClawHQ error type the server reports each code under. */
export type ApiErrorType = 'invalid_request_error' | 'authentication_error' | 'permission_error' | 'rate_limit_error' | 'api_error'

/** One problem with a request's parameters or body (`details.issues` of INVALID_REQUEST). */
export interface RequestIssue {
  /** A JSON pointer into the query or body, e.g. "/minRating". */
  path: string
  message: string
}

/** The details the server always sends with these codes. */
export interface KnownErrorDetails {
  INSUFFICIENT_BALANCE: { required: string; available: string }
  SPENDING_LIMIT_EXCEEDED: { limit: string; amount: string; period: 'purchase' | 'day'; spentToday?: string }
  RATE_LIMIT_EXCEEDED: { resetAt: string; limit: number; window: string }
  LISTING_NOT_FOUND: { listingId: string }
  ALREADY_PURCHASED: { listingId: string; licenseKey: string; purchaseId: string }
  INSUFFICIENT_PERMISSIONS: { required?: string; granted?: string[]; reason?: string; [key: string]: unknown }
}

/** The envelope's `details`: typed for the codes above, any JSON object (or none) for the others. */
export type ErrorDetailsOf<C extends string> = [C] extends [keyof KnownErrorDetails] ? KnownErrorDetails[C] : Record<string, unknown> | undefined

export interface ClawgetErrorInit<C extends string> {
  code: C
  message: string
  status: number
  type?: string | null
  details?: ErrorDetailsOf<C>
  requestId?: string | null
  retryAfter?: number | null
  cause?: unknown
}

export class ClawgetError<C extends string = ClawgetErrorCode> extends Error {
  /** The envelope's code, e.g. INSUFFICIENT_BALANCE; or NETWORK_ERROR, TIMEOUT, INVALID_RESPONSE, INVALID_OPTIONS. */
  readonly code: C
  /** The HTTP status; 0 when no response arrived. */
  readonly status: number
  /** The envelope's type (invalid_request_error, authentication_error, …); null without an envelope. */
  readonly type: ApiErrorType | (string & {}) | null
  /** The envelope's details, e.g. `{required: "25.00 USDT", available: "10.50 USDT"}`; undefined when it has none. */
  readonly details: ErrorDetailsOf<C>
  /** The response's X-Request-Id (the envelope's request_id): the server log's name for this request. */
  readonly requestId: string | null
  /** Seconds to wait before trying again, from the Retry-After header (429, 503, 507); null without one. */
  readonly retryAfter: number | null

  constructor(init: ClawgetErrorInit<C>) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause })
    this.name = 'ClawgetError'
    this.code = init.code
    this.status = init.status
    this.type = init.type ?? null
    this.details = init.details as ErrorDetailsOf<C>
    this.requestId = init.requestId ?? null
    this.retryAfter = init.retryAfter ?? null
  }

  /** Narrows the error to one code, typing its details: `if (error.is('RATE_LIMIT_EXCEEDED')) error.details.resetAt`. */
  is<K extends ClawgetErrorCode>(code: K): this is ClawgetError<K> {
    return (this.code as string) === code
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      status: this.status,
      type: this.type,
      details: this.details,
      requestId: this.requestId,
      retryAfter: this.retryAfter,
    }
  }
}

/**
 * Whether a caught value is a ClawgetError, optionally with a given code. Checks the name and fields as well as
 * the class, so an error from another copy of the SDK (two bundles, two realms) is recognised too.
 */
export function isClawgetError(value: unknown): value is ClawgetError
export function isClawgetError<K extends ClawgetErrorCode>(value: unknown, code: K): value is ClawgetError<K>
export function isClawgetError(value: unknown, code?: string): boolean {
  const isOne =
    value instanceof ClawgetError ||
    (value instanceof Error && value.name === 'ClawgetError' && typeof (value as { code?: unknown }).code === 'string' && typeof (value as { status?: unknown }).status === 'number')
  return isOne && (code === undefined || (value as { code: string }).code === code)
}
