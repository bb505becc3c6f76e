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
    /** false for the admin transport's routes: its traffic is not API traffic and has no request-log rows. */
    requestLog?: boolean
  }
  interface FastifyRequest {
    apiKey: AuthenticatedKey | null
    apiKeyRow: ApiKeyRow | null
    rateLimit: RateLimitOutcome | null
    errorCode: string | null
  }
}
