import type { Scope } from '../../../src-shared/scopes'
import type { ApiKeyRow } from '../db/schema'
import type { AuthenticatedKey } from '../keys/keys.service'
import type { RateLimitOutcome } from '../ratelimit/ratelimit.service'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false for the few routes that need no key (health, the OpenAPI document). */
    auth?: boolean
    /** The scope a key needs for this route; none means any valid key. */
    scope?: Scope
    /** POST /chat: where a key's fault injection set to "chat only" applies. */
    chat?: boolean
  }
  interface FastifyRequest {
    apiKey: AuthenticatedKey | null
    apiKeyRow: ApiKeyRow | null
    rateLimit: RateLimitOutcome | null
    errorCode: string | null
    /** false for the admin transport's requests (the GUI's calls and assets): not API traffic. */
    inRequestLog: boolean
    /** Chat: the exchange's token counts, for the request log. */
    tokens: { in: number; out: number } | null
    /** The injected fault that shaped this request's answer, if any. */
    fault: string | null
    /** Set once the request has its request-log row. */
    logged: boolean
  }
}
