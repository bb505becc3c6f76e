import type { IncomingMessage } from 'node:http'
import type { ApiErrorCode } from '../../../src-shared/errors'
import type { HostPolicy } from './host-policy'

/**
 * The front door: every request passes here before routing (fastify's `rewriteUrl`), so the checks
 * that decide whether a request is one this server answers at all happen first, in one place, and in
 * this order: the Host (RFC 9112 §3.2: present, once, and naming this server, which is also the
 * DNS-rebinding defence; for an absolute-form target, its authority instead), then a single
 * Authorization, a supported Expect, and a path the router can take (well-formed percent-encoding,
 * valid UTF-8, no dot segments, no segment longer than MAX_SEGMENT).
 *
 * A refused request is routed to REJECTED_PATH, a real route, so it is answered like any other: in
 * the error envelope, with X-Request-Id, and with a request-log row.
 */
export const REJECTED_PATH = '/__clawhq/rejected'
export const MAX_SEGMENT = 256

export interface Rejection {
  status: number
  code: ApiErrorCode
  message: string
}

const kRejection = Symbol('clawhq.rejection')
type MarkedRequest = IncomingMessage & { [kRejection]?: Rejection }

/** The reason the front door refused this request, if it did. */
export const rejectionOf = (request: IncomingMessage): Rejection | undefined => (request as MarkedRequest)[kRejection]

const reject = (status: number, code: ApiErrorCode, message: string): Rejection => ({ status, code, message })

/** True when the raw headers name `lowerName` more than once. rawHeaders alternate name, value. */
function repeated(rawHeaders: string[], lowerName: string): boolean {
  let seen = false
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]
    if (name.length !== lowerName.length || name.toLowerCase() !== lowerName) continue
    if (seen) return true
    seen = true
  }
  return false
}

const BAD_PERCENT = /%(?![0-9A-Fa-f]{2})/

function checkPath(path: string): Rejection | null {
  let decoded = path
  if (path.includes('%')) {
    if (BAD_PERCENT.test(path)) return reject(400, 'INVALID_REQUEST', 'The request path has a malformed percent-encoding ("%" must be followed by two hex digits).')
    try {
      decoded = decodeURIComponent(path)
    } catch {
      return reject(400, 'INVALID_REQUEST', 'The request path percent-encodes bytes that are not valid UTF-8.')
    }
  }
  // One pass over the segments: length, and the dot segments no route of ours ever has.
  let start = 1
  while (start <= decoded.length) {
    let end = decoded.indexOf('/', start)
    if (end === -1) end = decoded.length
    const length = end - start
    if (length > MAX_SEGMENT) return reject(414, 'URI_TOO_LONG', `A segment of the request path is ${length} characters long; the limit is ${MAX_SEGMENT}.`)
    if ((length === 1 && decoded[start] === '.') || (length === 2 && decoded[start] === '.' && decoded[start + 1] === '.'))
      return reject(400, 'INVALID_REQUEST', 'The request path has a "." or ".." segment.')
    start = end + 1
  }
  return null
}

/** Splits an absolute-form target (`http://host:port/path?query`) into its authority and origin-form. */
function splitAbsolute(url: string): { scheme: string; authority: string; target: string } | null {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^#]*)$/.exec(url)
  if (!match) return null
  const target = match[3] === '' ? '/' : match[3].startsWith('?') ? `/${match[3]}` : match[3]
  return { scheme: match[1].toLowerCase(), authority: match[2], target }
}

export function createFrontDoor(hostPolicy: HostPolicy): (request: IncomingMessage) => string {
  /** The url to route (origin-form), or why the request is refused. */
  function check(request: IncomingMessage): string | Rejection {
    const { headers, rawHeaders } = request
    let url = request.url ?? '/'
    let authority = headers.host
    if (authority === undefined) return reject(400, 'INVALID_REQUEST', 'The request has no Host header (RFC 9112 §3.2).')
    if (repeated(rawHeaders, 'host')) return reject(400, 'INVALID_REQUEST', 'The request has more than one Host header (RFC 9112 §3.2).')
    if (url.charCodeAt(0) !== 47 /* '/' */) {
      const absolute = splitAbsolute(url)
      if (!absolute) return reject(400, 'INVALID_REQUEST', 'The request target must be a path or an absolute URL.')
      // RFC 9112 §3.2.2: with an absolute-form target, its authority is the host; the Host header is ignored.
      if (absolute.scheme !== hostPolicy.scheme) return reject(403, 'INVALID_REQUEST', `The request target's scheme "${absolute.scheme}" is not this server's.`)
      authority = absolute.authority
      url = absolute.target
    }
    if (!hostPolicy.allowsHost(authority)) return reject(403, 'INVALID_REQUEST', `Host "${authority}" is not this server; add it under Settings → allowed hosts.`)
    if (headers.authorization !== undefined && repeated(rawHeaders, 'authorization'))
      return reject(400, 'INVALID_REQUEST', 'The request has more than one Authorization header.')
    const expect = headers.expect
    if (expect !== undefined && expect.toLowerCase() !== '100-continue')
      return reject(417, 'EXPECTATION_FAILED', `Expect "${expect}" is not supported; only "100-continue" is.`)
    const query = url.indexOf('?')
    return checkPath(query === -1 ? url : url.slice(0, query)) ?? url
  }

  return function frontDoor(request) {
    const result = check(request)
    if (typeof result === 'string') return result
    ;(request as MarkedRequest)[kRejection] = result
    return REJECTED_PATH
  }
}
