/**
 * Webhook signatures (SPEC §5) in one place: ClawHQ Local's server signs each delivery with `signWebhook`, and
 * a receiver checks it with `verifyWebhook`. Every delivery carries two schemes over the same body bytes:
 *
 * - Standard Webhooks: `webhook-id`, `webhook-timestamp` (seconds) and `webhook-signature`, a space-separated
 *   list of `v1,<base64 HMAC-SHA256 of "${id}.${timestamp}.${body}">`, one entry per secret during a rotation.
 *   The id and timestamp are signed, so a captured delivery cannot be replayed with a fresh timestamp.
 * - Clawget (seed 000): `x-clawget-signature`, hex HMAC-SHA256 of the body bytes, which the seed's own
 *   `verifyWebhook(JSON.parse(body), signature, secret)` accepts because the body is what JSON.stringify made;
 *   `x-clawget-timestamp`, milliseconds. That timestamp is not signed, so prefer the Standard Webhooks headers.
 *
 * The HMAC key, one rule per scheme:
 * - `x-clawget-signature`: the secret string's UTF-8 bytes, whole (`whsec_` included). This is what the seed's
 *   `crypto.createHmac('sha256', secret)` does with the secret exactly as the receiver holds it.
 * - `webhook-signature`: what the `standardwebhooks` package (1.3.0) does. It drops a leading `whsec_` and
 *   base64-decodes the rest with @stablelib/base64, quirks included, with or without the prefix. Where the
 *   package refuses the secret (not base64 to that decoder, as the seed's `webhook_secret_key` is not, or
 *   nothing left after decoding), the key is the secret string's UTF-8 bytes. That is the package's
 *   `{ format: 'raw' }` for an ASCII secret; for a non-ASCII one, pass it UTF-8 bytes
 *   (`new Webhook(new TextEncoder().encode(secret), { format: 'raw' })`), since raw mode keeps one byte per
 *   UTF-16 unit.
 *
 * Node's built-in crypto computes the HMACs (createHmac, timingSafeEqual). It is loaded on the first call
 * through `process.getBuiltinModule` (Node.js ≥ 20.16, Deno, Bun), not imported, so the SDK's entry point still
 * loads where there is no node:crypto (a browser that only uses the API client).
 */

/** How far a delivery's timestamp may be from the receiver's clock, either way: Standard Webhooks' 5 minutes. */
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300

/**
 * The headers that `signWebhook` makes, lower-case as HTTP/2 and fetch carry them. A type, not an interface, so
 * that it passes where a `Record<string, string>` is expected (fetch's `headers`, `verifyWebhook`).
 */
export type WebhookSignatureHeaders = {
  'webhook-id': string
  /** Seconds since the epoch. */
  'webhook-timestamp': string
  /** `v1,<base64>` per secret, space-separated. */
  'webhook-signature': string
  /** Hex HMAC-SHA256 of the body with the first secret. */
  'x-clawget-signature': string
  /** Milliseconds since the epoch. */
  'x-clawget-timestamp': string
}

export interface SignWebhookOptions {
  /** The message id (`evt_…`): the same on every attempt and redelivery, so receivers can de-duplicate. */
  id: string
  /** When this attempt is sent, in milliseconds since the epoch; the Standard Webhooks header has it in whole seconds. */
  timestampMs: number
}

export type WebhookScheme = 'standard-webhooks' | 'clawget'

export type VerifyFailureReason = 'missing_headers' | 'bad_signature' | 'timestamp_too_old' | 'timestamp_in_future' | 'malformed'

export type VerifyResult =
  | {
      ok: true
      /** Which headers were checked: the Standard Webhooks ones when any are present, else the Clawget pair. */
      scheme: WebhookScheme
      /** `webhook-id` (Standard Webhooks only): de-duplicate on it, a delivery can arrive more than once. */
      id?: string
      /** When the delivery was signed, in milliseconds since the epoch (for both schemes). */
      timestamp: number
      /** The body, parsed as JSON. */
      event: unknown
    }
  | { ok: false; reason: VerifyFailureReason; message: string }

export interface VerifyWebhookOptions {
  /** Seconds a timestamp may lie in the past or the future; default 300. Exactly the tolerance still passes. */
  toleranceSeconds?: number
  /** The receiver's clock in milliseconds since the epoch; default Date.now. */
  now?: () => number
}

/** A fetch `Headers`, or a plain object such as Node's `req.headers` (names in any case). */
export type WebhookHeadersInput = Headers | Record<string, string | string[] | undefined>

/**
 * Signs one delivery attempt: the headers to send with exactly these body bytes. The server and tests use it.
 * With several secrets (a rotation: the current one first, then the one being retired) each adds a
 * `webhook-signature` entry, and the first alone makes `x-clawget-signature`, which has room for one.
 * Throws a TypeError when the input cannot make a valid delivery (no secret, an empty one, an id with spaces,
 * a timestamp that is not a whole number of milliseconds): the sender's bug, not the network's.
 */
export function signWebhook(body: string | Uint8Array, secret: string | readonly string[], { id, timestampMs }: SignWebhookOptions): WebhookSignatureHeaders {
  const secrets = typeof secret === 'string' ? [secret] : [...secret]
  if (secrets.length === 0 || !secrets.every((s) => typeof s === 'string' && s.length > 0)) throw new TypeError('signWebhook: every secret must be a non-empty string')
  if (typeof id !== 'string' || !/^[\x21-\x7e]+$/.test(id)) throw new TypeError('signWebhook: the id must be printable ASCII without spaces')
  if (!Number.isSafeInteger(timestampMs) || timestampMs < 0) throw new TypeError('signWebhook: timestampMs must be a whole number of milliseconds since the epoch')
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) throw new TypeError('signWebhook: the body must be a string or bytes')

  const crypto = nodeCrypto()
  const bodyBytes = typeof body === 'string' ? utf8.encode(body) : body
  const timestampSeconds = Math.floor(timestampMs / 1000)
  const signatures = [...new Set(secrets.map((s) => `v1,${standardWebhooksSignature(crypto, standardWebhooksKey(s), id, timestampSeconds, bodyBytes)}`))]
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signatures.join(' '),
    'x-clawget-signature': clawgetSignature(crypto, utf8.encode(secrets[0]), bodyBytes),
    'x-clawget-timestamp': String(timestampMs),
  }
}

/**
 * Checks one delivery: `rawBody` must be the body bytes as received (`express.raw({ type: 'application/json' })`,
 * `await request.text()`), not parsed JSON. With any Standard Webhooks header present, those are checked and
 * must all be there: any `v1` signature made with any of the secrets passes. Otherwise the Clawget pair is
 * checked. A timestamp more than `toleranceSeconds` in the past or future fails. Signatures are compared in
 * constant time; a signature is checked before the timestamp, so a tampered delivery reads `bad_signature`.
 * Never throws on what it is given (headers, body, secrets, options): every problem is `ok: false` with a reason.
 * It does not remember ids: de-duplicating on `id` is the receiver's.
 */
export function verifyWebhook(
  rawBody: string | Uint8Array,
  headers: WebhookHeadersInput,
  secret: string | readonly string[],
  options?: VerifyWebhookOptions,
): VerifyResult {
  const crypto = nodeCrypto()
  try {
    return verifyWith(crypto, rawBody, headers, secret, options)
  } catch (error) {
    // A getter or Proxy in the input, a clock that throws: still an answer, not an exception.
    return fail('malformed', `The delivery could not be checked: ${describeThrown(error)}`)
  }
}

/** What was thrown, in words, without throwing again (a Proxy or a hostile toString can). */
function describeThrown(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error)
  } catch {
    return 'an exception from the input'
  }
}

function verifyWith(crypto: NodeCrypto, rawBody: unknown, headers: unknown, secret: unknown, options: VerifyWebhookOptions | undefined): VerifyResult {
  const toleranceSeconds = options?.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS
  if (typeof toleranceSeconds !== 'number' || !(toleranceSeconds >= 0) || !Number.isFinite(toleranceSeconds)) {
    return fail('malformed', 'toleranceSeconds must be a finite number of seconds, 0 or more')
  }
  const secrets = (Array.isArray(secret) ? (secret as unknown[]) : [secret]).filter((s): s is string => typeof s === 'string' && s.length > 0)
  if (secrets.length === 0) return fail('malformed', 'No secret to check with: pass the endpoint secret (a non-empty string) or a list of them')
  const body = bodyBytes(rawBody)
  if (!body) return fail('malformed', 'rawBody must be the body as received, a string or bytes, not the parsed JSON (express.raw, request.text())')
  if (typeof headers !== 'object' || headers === null) return fail('missing_headers', 'No headers were given')

  const webhookId = readHeader(headers, 'webhook-id')
  const webhookTimestamp = readHeader(headers, 'webhook-timestamp')
  const webhookSignature = readHeader(headers, 'webhook-signature', ' ')
  if (webhookId !== undefined || webhookTimestamp !== undefined || webhookSignature !== undefined) {
    if (webhookId === undefined || webhookTimestamp === undefined || webhookSignature === undefined) {
      return fail('missing_headers', 'Standard Webhooks headers are incomplete: webhook-id, webhook-timestamp and webhook-signature are all needed')
    }
    if (webhookId === null || webhookTimestamp === null || webhookSignature === null || webhookId.length === 0) {
      return fail('malformed', 'A Standard Webhooks header is not a single text value')
    }
    const seconds = wholeNumber(webhookTimestamp)
    if (seconds === null) return fail('malformed', 'webhook-timestamp is not a whole number of seconds')
    // "v1,<sig>" entries, space-separated; a comma left over from headers joined with ", " is dropped.
    const offered = webhookSignature
      .split(' ')
      .map((entry) => (entry.endsWith(',') ? entry.slice(0, -1) : entry))
      .filter((entry) => entry.startsWith('v1,'))
      .map((entry) => entry.slice(3))
    if (offered.length === 0) return fail('bad_signature', 'webhook-signature has no v1 signature')
    const expected = secrets.map((s) => standardWebhooksSignature(crypto, standardWebhooksKey(s), webhookId, seconds, body))
    if (!anyMatch(crypto, offered, expected)) return fail('bad_signature', 'No v1 signature matches the body, id and timestamp with the given secret(s)')
    return checkTime('standard-webhooks', seconds * 1000, toleranceSeconds, options?.now) ?? parsed('standard-webhooks', webhookId, seconds * 1000, rawBody, body)
  }

  const clawgetSignatureHeader = readHeader(headers, 'x-clawget-signature')
  const clawgetTimestamp = readHeader(headers, 'x-clawget-timestamp')
  if (clawgetSignatureHeader === undefined || clawgetTimestamp === undefined) {
    return fail('missing_headers', 'Neither the Standard Webhooks headers nor X-Clawget-Signature with X-Clawget-Timestamp are present')
  }
  if (clawgetSignatureHeader === null || clawgetTimestamp === null) return fail('malformed', 'An X-Clawget header is not a single text value')
  const milliseconds = wholeNumber(clawgetTimestamp)
  if (milliseconds === null) return fail('malformed', 'X-Clawget-Timestamp is not a whole number of milliseconds')
  const expected = secrets.map((s) => clawgetSignature(crypto, utf8.encode(s), body))
  if (!anyMatch(crypto, [clawgetSignatureHeader.trim().toLowerCase()], expected)) return fail('bad_signature', 'X-Clawget-Signature does not match the body with the given secret(s)')
  return checkTime('clawget', milliseconds, toleranceSeconds, options?.now) ?? parsed('clawget', undefined, milliseconds, rawBody, body)
}

/**
 * The replay window. A Standard Webhooks timestamp is whole seconds, so it is compared with the clock's current
 * second, as the package does; a Clawget one is milliseconds and compared in milliseconds.
 */
function checkTime(scheme: WebhookScheme, timestampMs: number, toleranceSeconds: number, now: (() => number) | undefined): VerifyResult | null {
  const nowMs = (now ?? Date.now)()
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) return fail('malformed', 'options.now() did not return milliseconds')
  const [age, tolerance] = scheme === 'standard-webhooks' ? [Math.floor(nowMs / 1000) - timestampMs / 1000, toleranceSeconds] : [nowMs - timestampMs, toleranceSeconds * 1000]
  if (age > tolerance) return fail('timestamp_too_old', `The delivery was signed more than ${toleranceSeconds} s ago`)
  if (-age > tolerance) return fail('timestamp_in_future', `The delivery is dated more than ${toleranceSeconds} s ahead of this clock`)
  return null
}

function parsed(scheme: WebhookScheme, id: string | undefined, timestamp: number, rawBody: unknown, body: Uint8Array): VerifyResult {
  let text: string
  if (typeof rawBody === 'string') text = rawBody
  else {
    try {
      text = strictUtf8.decode(body)
    } catch {
      return fail('malformed', 'The body is signed but is not UTF-8 text')
    }
  }
  let event: unknown
  try {
    event = JSON.parse(text)
  } catch {
    return fail('malformed', 'The body is signed but is not JSON')
  }
  return id === undefined ? { ok: true, scheme, timestamp, event } : { ok: true, scheme, id, timestamp, event }
}

function fail(reason: VerifyFailureReason, message: string): VerifyResult {
  return { ok: false, reason, message }
}

/** Does any offered signature equal any expected one? Every pair of equal length is compared in constant time. */
function anyMatch(crypto: NodeCrypto, offered: readonly string[], expected: readonly string[]): boolean {
  const expectedBytes = expected.map((signature) => utf8.encode(signature))
  let matched = false
  for (const candidate of offered) {
    // Expected signatures are ASCII of one length; the length of what was offered is no secret.
    if (candidate.length !== expected[0].length) continue
    const candidateBytes = utf8.encode(candidate)
    for (const signatureBytes of expectedBytes) {
      if (candidateBytes.length === signatureBytes.length && crypto.timingSafeEqual(candidateBytes, signatureBytes)) matched = true
    }
  }
  return matched
}

function standardWebhooksSignature(crypto: NodeCrypto, key: Uint8Array, id: string, timestampSeconds: number, body: Uint8Array): string {
  return crypto.createHmac('sha256', key).update(utf8.encode(`${id}.${timestampSeconds}.`)).update(body).digest('base64')
}

function clawgetSignature(crypto: NodeCrypto, key: Uint8Array, body: Uint8Array): string {
  return crypto.createHmac('sha256', key).update(body).digest('hex')
}

/** The Standard Webhooks HMAC key of a secret: the package's base64 key where it takes one, else the UTF-8 bytes. */
function standardWebhooksKey(secret: string): Uint8Array {
  const decoded = decodeBase64AsStandardWebhooks(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret)
  return decoded && decoded.length > 0 ? decoded : utf8.encode(secret)
}

/**
 * @stablelib/base64's `decode`, which the `standardwebhooks` package uses for secrets, with null where it throws.
 * Its leniencies are kept on purpose, so that both derive the same key from the same string: padding is optional
 * from 4 characters on, at most 2 `=`, and a lone last character (length 4n+1 without padding) is ignored.
 */
function decodeBase64AsStandardWebhooks(s: string): Uint8Array | null {
  if (s.length === 0) return new Uint8Array(0)
  let padding = 0
  while (padding < s.length && s[s.length - 1 - padding] === '=') padding++
  if (s.length < 4 || padding > 2) return null
  const length = s.length - padding
  const out = new Uint8Array(((length / 4) * 3) | 0)
  let op = 0
  let bad = 0
  const value = (i: number): number => {
    const v = base64Value(s.charCodeAt(i))
    bad |= v & 256
    return v
  }
  let i = 0
  let v1 = 0
  let v2 = 0
  for (; i < length - 4; i += 4) {
    const v0 = value(i)
    v1 = value(i + 1)
    v2 = value(i + 2)
    const v3 = value(i + 3)
    out[op++] = (v0 << 2) | (v1 >>> 4)
    out[op++] = (v1 << 4) | (v2 >>> 2)
    out[op++] = (v2 << 6) | v3
  }
  if (i < length - 1) {
    const v0 = value(i)
    v1 = value(i + 1)
    out[op++] = (v0 << 2) | (v1 >>> 4)
  }
  if (i < length - 2) {
    v2 = value(i + 2)
    out[op++] = (v1 << 4) | (v2 >>> 2)
  }
  if (i < length - 3) out[op] = (v2 << 6) | value(i + 3)
  return bad === 0 ? out : null
}

/** The standard alphabet's value of a character code; 256 outside it. */
function base64Value(c: number): number {
  if (c >= 65 && c <= 90) return c - 65
  if (c >= 97 && c <= 122) return c - 71
  if (c >= 48 && c <= 57) return c + 4
  if (c === 43) return 62
  if (c === 47) return 63
  return 256
}

/** A header as text: undefined when absent, null when present but unusable (not a string, or repeated where one is expected). */
function readHeader(headers: object, name: string, joinRepeatsWith?: string): string | null | undefined {
  const get = (headers as { get?: unknown }).get
  if (typeof get === 'function') {
    const value: unknown = get.call(headers, name)
    return value === null || value === undefined ? undefined : typeof value === 'string' ? value : null
  }
  const record = headers as Record<string, unknown>
  let value: unknown = Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined
  if (value === undefined) {
    const key = Object.keys(record).find((k) => k.toLowerCase() === name)
    value = key === undefined ? undefined : record[key]
  }
  if (value === undefined) return undefined
  if (typeof value === 'string') return value
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) {
    if (value.length === 1) return value[0] as string
    return joinRepeatsWith === undefined ? null : value.join(joinRepeatsWith)
  }
  return null
}

/** A timestamp header's whole number (digits only, around optional spaces), or null. */
function wholeNumber(text: string): number | null {
  const trimmed = text.trim()
  if (!/^\d{1,15}$/.test(trimmed)) return null
  return Number(trimmed)
}

function bodyBytes(rawBody: unknown): Uint8Array | null {
  if (typeof rawBody === 'string') return utf8.encode(rawBody)
  if (rawBody instanceof Uint8Array) return rawBody
  if (ArrayBuffer.isView(rawBody)) return new Uint8Array(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength)
  return null
}

const utf8 = new TextEncoder()
const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/** The part of node:crypto used here, typed locally: the SDK compiles without Node's types. */
interface NodeCrypto {
  createHmac(algorithm: 'sha256', key: Uint8Array): NodeHmac
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean
}
interface NodeHmac {
  update(data: Uint8Array): NodeHmac
  digest(encoding: 'hex' | 'base64'): string
}

let loadedCrypto: NodeCrypto | undefined

function nodeCrypto(): NodeCrypto {
  if (loadedCrypto) return loadedCrypto
  const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
  const crypto = typeof runtime?.getBuiltinModule === 'function' ? (runtime.getBuiltinModule('node:crypto') as NodeCrypto | undefined) : undefined
  if (!crypto) throw new Error('clawhq-local/sdk: signing and verifying webhooks needs node:crypto (Node.js 20.16 or later, Deno or Bun)')
  loadedCrypto = crypto
  return crypto
}
