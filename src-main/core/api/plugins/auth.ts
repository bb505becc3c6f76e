import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import type { Faults } from '../../../../src-shared/agents'
import type { Scope } from '../../../../src-shared/scopes'
import { toIso } from '../../clock'
import type { FaultInjector } from '../../faults/fault-injector'
import type { AuthFailure, AuthResult, KeysService } from '../../keys/keys.service'
import type { RateLimitOutcome, RateLimitService } from '../../ratelimit/ratelimit.service'
import { bearerToken } from '../bearer'
import { PLAYGROUND_KEY_HEADER, PLAYGROUND_TOKEN_HEADER, type PlaygroundCredential } from '../../playground/credential'
import { ApiError } from '../envelope'

const MALFORMED = Object.freeze({ ok: false as const, reason: 'malformed' as const })

const AUTH_MESSAGES: Record<AuthFailure, string> = {
  missing: 'Missing API key: send the header "Authorization: Bearer clw_…".',
  malformed: 'Malformed API key: expected "clw_" followed by 32 letters and digits.',
  checksum: 'Invalid API key: its checksum does not match (mistyped or truncated?).',
  unknown: 'Invalid API key: no such key.',
  revoked: 'This API key has been revoked.',
  expired: 'This API key has expired.',
}

function setRateLimitHeaders(reply: FastifyReply, outcome: RateLimitOutcome): void {
  const { policy: tier } = outcome
  const resetSeconds = Math.max(0, Math.ceil((outcome.resetAtMs - outcome.now) / 1000))
  reply.header('x-ratelimit-limit', outcome.limit)
  reply.header('x-ratelimit-remaining', outcome.remaining)
  reply.header('x-ratelimit-reset', Math.ceil(outcome.resetAtMs / 1000))
  // draft-ietf-httpapi-ratelimit-headers: the policy, and what is left of it with the seconds until more frees.
  reply.header('ratelimit-policy', tier.policyHeader)
  reply.header('ratelimit', `"${tier.id}";r=${outcome.remaining};t=${resetSeconds}`)
}

/**
 * The API's gate, attached to each /api/v1 route that needs a key, before its body is read: the key
 * (401), then its tier's limit (429, nothing consumed), then the route's scope (403). A synchronous
 * hook: the whole decision, check and consume included, is one step of the event loop.
 */
export function createAuthHook(
  keys: KeysService,
  rateLimits: RateLimitService,
  scope: Scope | undefined,
  faults: FaultInjector,
  isChat = false,
  playground: PlaygroundCredential | null = null,
) {
  return function authenticate(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    let delayMs: number
    try {
      delayMs = gate(request, reply)
    } catch (error) {
      return done(error as Error)
    }
    if (delayMs > 0) setTimeout(done, delayMs)
    else done()
  }

  /** Lets the request through, or throws its refusal; returns the latency to inject (0: none). */
  function gate(request: FastifyRequest, reply: FastifyReply): number {
    const header = request.headers.authorization
    const secret = bearerToken(header)
    const result: AuthResult =
      header !== undefined ? (secret === undefined ? MALFORMED : keys.authenticate(secret)) : withoutSecret(request)
    if (!result.ok) throw new ApiError(401, 'INVALID_API_KEY', AUTH_MESSAGES[result.reason])
    request.apiKey = result.key
    request.apiKeyRow = result.row

    // Counted per lineage, not per key id: during a roll's grace period both secrets share one window.
    const outcome = rateLimits.consume(result.key.lineageId, result.key.tierId)
    if (!outcome) throw new ApiError(500, 'INTERNAL_ERROR', `The key's rate-limit tier ${result.key.tierId} is missing.`)
    request.rateLimit = outcome
    setRateLimitHeaders(reply, outcome)
    if (!outcome.allowed) throw rateLimited(reply, outcome, Math.max(1, Math.ceil(outcome.retryAfterMs / 1000)), outcome.resetAtMs)

    if (scope !== undefined && !result.key.scopes.has(scope)) {
      throw new ApiError(403, 'INSUFFICIENT_PERMISSIONS', `This key lacks the scope "${scope}" that this operation needs.`, {
        required: scope,
        granted: [...result.key.scopes],
      })
    }
    const injected = result.key.faults
    return injected === null ? 0 : inject(request, reply, injected, result.row.faults_json!)
  }

  /** No Authorization header: the playground's key by id if it holds the internal credential, else "missing". */
  function withoutSecret(request: FastifyRequest): AuthResult {
    const keyId = request.headers[PLAYGROUND_KEY_HEADER]
    if (playground === null || typeof keyId !== 'string' || !playground.verify(request.headers[PLAYGROUND_TOKEN_HEADER])) return keys.authenticate(undefined)
    return keys.authenticateById(keyId)
  }

  /**
   * The key's fault injection, after the real checks passed (a real 401, 429 or 403 always wins, and an
   * injected failure counts against the window like any accepted request). Marked on the request-log row.
   */
  function inject(request: FastifyRequest, reply: FastifyReply, injected: Faults, json: string): number {
    if (injected.kind === 'stream_cut' || (injected.routes === 'chat' && !isChat)) return 0
    if (!faults.hits(request.apiKey!.id, injected, json)) return 0
    request.fault = injected.kind
    if (injected.kind === 'latency') return injected.latencyMs
    if (injected.kind === 'error_500')
      throw new ApiError(500, 'INTERNAL_ERROR', 'Internal server error. The details are in the server log under this request id.')
    const outcome = request.rateLimit!
    throw rateLimited(reply, outcome, injected.retryAfterSeconds, outcome.now + injected.retryAfterSeconds * 1000)
  }
}

/** The documented 429 (SPEC §4): `Retry-After` in whole seconds, and the window's details. */
function rateLimited(reply: FastifyReply, outcome: RateLimitOutcome, retryAfter: number, resetAtMs: number): ApiError {
  const resetAt = toIso(resetAtMs)
  reply.header('retry-after', retryAfter)
  return new ApiError(
    429,
    'RATE_LIMIT_EXCEEDED',
    `Rate limit exceeded: ${outcome.limit} requests per ${outcome.policy.window}. Retry after ${retryAfter} seconds (resets at ${resetAt}).`,
    { resetAt, limit: outcome.limit, window: outcome.policy.window },
  )
}
