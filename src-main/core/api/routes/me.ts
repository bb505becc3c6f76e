import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { KeyDto } from '../../../../src-shared/dto'
import { toIso } from '../../clock'
import type { ApiKeyRow } from '../../db/schema'
import type { KeysService } from '../../keys/keys.service'
import type { RateLimitTier } from '../../tiers/tiers.service'
import { authErrors, success } from '../envelope'
import { compileSerializer } from '../serializer'

const MeKey = KeyDto.omit({ rolledToId: true })
const MeDto = z.object({
  key: MeKey,
  rateLimit: z.object({
    tier: z.string(),
    limit: z.number().int(),
    window: z.string(),
    windowSeconds: z.number().int(),
    remaining: z.number().int(),
    resetAt: z.string(),
  }),
})

/**
 * The hot path's own response: the body is put together from parts serialized once, by the same
 * schema-driven serializer as every other response, so a request pays only for what changes: the
 * key's status, the remaining count and the reset time.
 */
function createMeBody(keys: KeysService) {
  const stringifyKey = compileSerializer(MeKey)
  const keyParts = new WeakMap<ApiKeyRow, { status: string; json: string }>()
  const tierParts = new WeakMap<RateLimitTier, string>()
  return (row: ApiKeyRow, tier: RateLimitTier, remaining: number, resetAtMs: number): string => {
    const status = keys.statusOf(row)
    let key = keyParts.get(row)
    if (key === undefined || key.status !== status) {
      const { rolledToId: _rolled, ...shown } = keys.toDto(row)
      key = { status, json: stringifyKey(shown) }
      keyParts.set(row, key)
    }
    let tierJson = tierParts.get(tier)
    if (tierJson === undefined) {
      tierJson = `{"tier":${JSON.stringify(tier.id)},"limit":${tier.limit},"window":${JSON.stringify(tier.window)},"windowSeconds":${tier.windowMs / 1000},"remaining":`
      tierParts.set(tier, tierJson)
    }
    return `{"success":true,"data":{"key":${key.json},"rateLimit":${tierJson}${remaining},"resetAt":"${toIso(resetAtMs)}"}}}`
  }
}

export const meRoutes =
  (keys: KeysService): FastifyPluginAsyncZod =>
  async (app) => {
    const meBody = createMeBody(keys)
    app.get(
      '/me',
      {
        schema: {
          summary: "The calling key's identity, scopes and limits",
          tags: ['keys'],
          security: [{ bearerAuth: [] }],
          response: { 200: success(MeDto), ...authErrors },
        },
      },
      (request, reply) => {
        const limit = request.rateLimit!
        reply.type('application/json; charset=utf-8').send(meBody(request.apiKeyRow!, limit.policy, limit.remaining, limit.resetAtMs) as never)
      },
    )
  }
