import { z } from 'zod'
import { id, method, nothing } from './contract-kit'

/**
 * The playground (SPEC §5 "Playground identity", §6): the operator sends any API request as one of their
 * keys (by id: the main process holds an internal credential for it), as a pasted secret, or with no key.
 * The request travels the whole pipeline over real HTTP; chunks of a streamed answer arrive as
 * `playground.chunk` events while `playground.send` is pending.
 */

export const PlaygroundMethod = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
export type PlaygroundMethod = z.infer<typeof PlaygroundMethod>

/** Who the request is sent as. A pasted secret is used for that one request and never kept. */
export const PlaygroundAuth = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('key'), keyId: id }).strict(),
  z.object({ kind: z.literal('secret'), secret: z.string().trim().min(1).max(200) }).strict(),
  z.object({ kind: z.literal('none') }).strict(),
])
export type PlaygroundAuth = z.infer<typeof PlaygroundAuth>

/** Headers as ordered name/value pairs, as they went over the wire (repeats kept). */
export const HeaderPairs = z.array(z.tuple([z.string().min(1).max(200), z.string().max(8_192)])).max(100)
export type HeaderPairs = z.infer<typeof HeaderPairs>

/** The largest body the playground takes: above the API's own 1 MiB, so the API's 413 can be seen. */
export const PLAYGROUND_MAX_BODY = 2 * 1024 * 1024
/** Responses are kept for display up to this size; the rest is counted, not shown. */
export const PLAYGROUND_MAX_RESPONSE = 4 * 1024 * 1024

export const PlaygroundRequest = z
  .object({
    method: PlaygroundMethod,
    /** The path under the server, path parameters filled in, no query string: `/api/v1/listings/listing_abc`. */
    path: z
      .string()
      .max(2_000)
      .regex(/^\/api\/v1(\/[^?#\s]*)?$/, 'a path under /api/v1, without a query string'),
    query: z.array(z.tuple([z.string().min(1).max(200), z.string().max(2_000)])).max(100).default([]),
    /** Extra headers (Content-Type, Accept …). Authorization and Host are the playground's own. */
    headers: HeaderPairs.default([]),
    body: z.string().max(PLAYGROUND_MAX_BODY).nullable().default(null),
  })
  .strict()
export type PlaygroundRequest = z.input<typeof PlaygroundRequest>

const RUN_ID = z.string().regex(/^run_[A-Za-z0-9_-]{6,40}$/, 'run_ followed by 6–40 letters, digits, _ or -')

/** What the rate-limit headers of the answer said, read for the operator. */
export const RateLimitReading = z.object({
  limit: z.number().int(),
  remaining: z.number().int(),
  resetAt: z.iso.datetime({ offset: true }).describe('X-RateLimit-Reset as a time'),
  retryAfterSeconds: z.number().int().nullable(),
  policy: z.string().nullable().describe('the RateLimit-Policy header as sent'),
})
export type RateLimitReading = z.infer<typeof RateLimitReading>

export const PlaygroundExchange = z.object({
  id: z.string().describe('pg_…: the history entry'),
  runId: z.string(),
  at: z.iso.datetime({ offset: true }),
  /** As sent, with the credential shown as what a client would send (`Bearer clw_a1b2…o5p6`). */
  request: z.object({ method: PlaygroundMethod, url: z.string(), headers: HeaderPairs, body: z.string().nullable() }),
  response: z
    .object({
      status: z.number().int(),
      statusText: z.string(),
      headers: HeaderPairs,
      body: z.string(),
      /** Bytes received in all; more than the body holds when it was cut at PLAYGROUND_MAX_RESPONSE. */
      bytes: z.number().int(),
      truncated: z.boolean(),
      /** A text/event-stream answer: its chunks came as `playground.chunk` events. */
      stream: z.boolean(),
    })
    .nullable()
    .describe('null when no answer came (transport failure, cancelled before the headers)'),
  /** A transport failure or the operator's stop; a server's error answer is a response, not this. */
  error: z.object({ kind: z.enum(['transport', 'cancelled', 'timeout']), message: z.string() }).nullable(),
  durationMs: z.number(),
  timeToFirstByteMs: z.number().nullable(),
  /** The key it went as, if any ("secret": a pasted secret, shown by its hint). */
  auth: z.object({ kind: z.enum(['key', 'secret', 'none']), keyId: z.string().nullable(), hint: z.string().nullable(), name: z.string().nullable() }),
  rateLimit: RateLimitReading.nullable(),
  requestId: z.string().nullable().describe('X-Request-Id of the answer'),
})
export type PlaygroundExchange = z.infer<typeof PlaygroundExchange>

/** A history entry: the exchange (bodies kept up to 64 KiB each) and the form it came from, to run again. */
export const PlaygroundHistoryEntry = PlaygroundExchange.extend({
  form: z.object({ method: PlaygroundMethod, path: z.string(), query: z.array(z.tuple([z.string(), z.string()])), headers: HeaderPairs, body: z.string().nullable() }),
})
export type PlaygroundHistoryEntry = z.infer<typeof PlaygroundHistoryEntry>

export const playgroundMethods = {
  /** The API's OpenAPI 3.1 document (GET /api/v1/openapi.json), for the endpoint list and the forms. */
  'playground.openapi': method(nothing, z.record(z.string(), z.unknown())),
  'playground.send': method(
    PlaygroundRequest.extend({
      auth: PlaygroundAuth,
      runId: RUN_ID.describe('chosen by the caller, so its chunks and a stop can be matched to it'),
      remember: z.boolean().default(true).describe('keep it in the history'),
    }).strict(),
    PlaygroundExchange,
  ),
  'playground.cancel': method(z.object({ runId: RUN_ID }).strict(), z.object({ cancelled: z.boolean() })),
  'playground.history': method(
    z
      .object({
        search: z.string().trim().max(200).optional().describe('matches the path, the method or the status'),
        limit: z.number().int().min(1).max(200).default(50),
        beforeSeq: z.number().int().positive().optional(),
      })
      .strict(),
    z.object({ entries: z.array(PlaygroundHistoryEntry.extend({ seq: z.number().int() })), total: z.number().int() }),
  ),
  'playground.historyDelete': method(z.object({ id }).strict(), z.object({ deleted: z.number().int() })),
  'playground.historyClear': method(nothing, z.object({ deleted: z.number().int() })),
} as const

export const playgroundEvents = {
  /** A piece of a streamed answer, as text, in order. */
  'playground.chunk': z.object({ runId: z.string(), text: z.string() }),
} as const
