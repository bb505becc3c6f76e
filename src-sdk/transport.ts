import { ClawgetError, type ApiErrorType } from './errors.js'
import type { Page } from './types.js'

/**
 * One request to the API and its answer, on the global fetch (or one passed in): the key as a bearer
 * token, query parameters without the undefined ones, JSON bodies, a timeout, and every failure turned
 * into a ClawgetError.
 */

/** The part of a fetch Response the client reads. */
export interface FetchResponseLike {
  status: number
  headers: { get(name: string): string | null }
  text(): Promise<string>
}

/** What the client calls to send a request; the global fetch is one. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal },
) => Promise<FetchResponseLike>

export const DEFAULT_BASE_URL = 'http://127.0.0.1:7420/api/v1'
export const DEFAULT_TIMEOUT_MS = 30_000
const MAX_TIMER_MS = 2_147_483_647

export type QueryValue = string | number | boolean | null | undefined
export type Query = Record<string, QueryValue>

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  path: string
  query?: Query
  body?: unknown
}

/**
 * The API's base URL from what a user passed: with or without a trailing slash, with or without /api/v1.
 * A bare origin gets /api/v1; any other path is kept (a proxy may serve the API under its own prefix).
 */
export function normalizeBaseUrl(baseUrl: string): string {
  let url: URL
  try {
    url = new URL(baseUrl.trim())
  } catch {
    throw new ClawgetError({ code: 'INVALID_OPTIONS', status: 0, message: `baseUrl ${JSON.stringify(baseUrl)} is not a URL; pass e.g. ${DEFAULT_BASE_URL}.` })
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ClawgetError({ code: 'INVALID_OPTIONS', status: 0, message: `baseUrl must be an http or https URL, not ${url.protocol}.` })
  }
  if (url.search !== '' || url.hash !== '') {
    throw new ClawgetError({ code: 'INVALID_OPTIONS', status: 0, message: 'baseUrl must not have a query or a fragment.' })
  }
  const path = url.pathname.replace(/\/+$/, '')
  return `${url.origin}${path === '' ? '/api/v1' : path}`
}

/** `?a=1&b=true`, skipping undefined and null; booleans as "true" / "false". */
export function queryString(query: Query | undefined): string {
  if (!query) return ''
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue
    params.append(name, String(value))
  }
  const text = params.toString()
  return text === '' ? '' : `?${text}`
}

/** A path segment from an id, escaped so that an id can never reach another route. */
export const segment = (id: string): string => encodeURIComponent(String(id))

/** Retry-After as seconds: a number of seconds, or an HTTP date from now. */
function parseRetryAfter(header: string | null): number | null {
  if (header === null || header.trim() === '') return null
  const trimmed = header.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed)
  const at = Date.parse(trimmed)
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000))
}

/** Why fetch failed, in words: undici's "fetch failed" hides the reason (ECONNREFUSED …) in its cause. */
function describe(failure: unknown): string {
  if (!(failure instanceof Error)) return String(failure)
  const inner = failure.cause
  if (inner instanceof Error) {
    const code = (inner as { code?: unknown }).code
    return inner.message !== '' ? inner.message : typeof code === 'string' ? code : failure.message
  }
  return failure.message
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

interface ErrorEnvelope {
  success: false
  error: { code: string; message: string; type?: string; details?: Record<string, unknown>; request_id?: string }
}

function isErrorEnvelope(body: unknown): body is ErrorEnvelope {
  return isRecord(body) && body.success === false && isRecord(body.error) && typeof body.error.code === 'string' && typeof body.error.message === 'string'
}

export interface TransportOptions {
  apiKey: string
  baseUrl: string
  fetch: FetchLike
  timeoutMs: number
}

export class Transport {
  /** A #private field: the key stays out of console.log(client) and JSON.stringify(client). */
  readonly #options: TransportOptions

  constructor(options: TransportOptions) {
    this.#options = options
  }

  /** A single object: the envelope's `data`. */
  async object<T>(spec: RequestSpec): Promise<T> {
    const { body } = await this.send(spec)
    return body.data as T
  }

  /** A list: the whole envelope, `{success, data, meta}`. */
  async page<T>(spec: RequestSpec): Promise<Page<T>> {
    const { body, status, requestId } = await this.send(spec)
    if (!Array.isArray(body.data) || !isRecord(body.meta)) {
      throw new ClawgetError({ code: 'INVALID_RESPONSE', status, requestId, message: `${spec.method} ${spec.path} answered without a list and its meta.` })
    }
    return { success: true, data: body.data as T[], meta: body.meta as unknown as Page<T>['meta'] }
  }

  private async send(spec: RequestSpec): Promise<{ body: { success: true; data: unknown; meta?: unknown }; status: number; requestId: string | null }> {
    const { apiKey, baseUrl, timeoutMs } = this.#options
    const url = `${baseUrl}${spec.path}${queryString(spec.query)}`
    const headers: Record<string, string> = { authorization: `Bearer ${apiKey}`, accept: 'application/json' }
    // No content-type without a body: the server refuses an empty body declared as JSON.
    if (spec.body !== undefined) headers['content-type'] = 'application/json'

    const abort = new AbortController()
    // Past setTimeout's largest delay (about 24.8 days) a timer would fire at once: treat that as no limit.
    const timer = timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS ? setTimeout(() => abort.abort(), timeoutMs) : undefined
    const what = `${spec.method} ${url}`
    let status = 0
    let requestId: string | null = null
    let retryAfter: number | null
    let text: string
    try {
      const response = await this.#options.fetch(url, {
        method: spec.method,
        headers,
        ...(spec.body !== undefined && { body: JSON.stringify(spec.body) }),
        signal: abort.signal,
      })
      status = response.status
      requestId = response.headers.get('x-request-id')
      retryAfter = parseRetryAfter(response.headers.get('retry-after'))
      text = await response.text()
    } catch (cause) {
      if (abort.signal.aborted) {
        throw new ClawgetError({ code: 'TIMEOUT', status, requestId, message: `${what} got no answer within ${timeoutMs} ms.`, cause })
      }
      throw new ClawgetError({ code: 'NETWORK_ERROR', status, requestId, message: `${what} failed: ${describe(cause)}`, cause })
    } finally {
      if (timer !== undefined) clearTimeout(timer)
    }

    let body: unknown
    try {
      body = JSON.parse(text)
    } catch (cause) {
      const excerpt = text.length > 120 ? `${text.slice(0, 120)}…` : text
      throw new ClawgetError({
        code: 'INVALID_RESPONSE',
        status,
        requestId,
        retryAfter,
        message: `${what} answered ${status} with a body that is not JSON${excerpt === '' ? ' (empty)' : `: ${excerpt}`}`,
        cause,
      })
    }

    if (isErrorEnvelope(body)) {
      const { code, message, type, details, request_id } = body.error
      throw new ClawgetError({ code, message, status, type: (type ?? null) as ApiErrorType | null, details, requestId: requestId ?? request_id ?? null, retryAfter })
    }
    if (status < 200 || status > 299 || !isRecord(body) || body.success !== true || !('data' in body)) {
      throw new ClawgetError({
        code: 'INVALID_RESPONSE',
        status,
        requestId,
        retryAfter,
        message: `${what} answered ${status} with JSON that is not the API's envelope.`,
      })
    }
    return { body: body as { success: true; data: unknown; meta?: unknown }, status, requestId }
  }
}
