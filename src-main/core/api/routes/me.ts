import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { KeyDto } from '../../../../src-shared/dto'
import { toIso } from '../../clock'
import type { ApiKeyRow } from '../../db/schema'
import { OPERATOR_SOUL_ID, type KeysService } from '../../keys/keys.service'
import type { SoulsService } from '../../souls/souls.service'
import type { RateLimitTier } from '../../tiers/tiers.service'
import { authErrors, success } from '../envelope'
import { compileSerializer } from '../serializer'

const MeKey = KeyDto.omit({ rolledToId: true, faults: true })
const MeDto = z.object({
  key: MeKey,
  soul: z.object({ id: z.string(), name: z.string() }).describe('the soul the key acts as in the marketplace'),
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
function createMeBody(keys: KeysService, souls: SoulsService) {
  const stringifyKey = compileSerializer(MeKey)
  /** Per key row: its JSON and its soul's, joined (`"key":…,"soul":…`). */
  const keyParts = new WeakMap<ApiKeyRow, { status: string; json: string }>()
  const tierParts = new WeakMap<RateLimitTier, string>()
  return (row: ApiKeyRow, tier: RateLimitTier, remaining: number, resetAtMs: number): string => {
    const status = keys.statusOf(row)
    let key = keyParts.get(row)
    if (key === undefined || key.status !== status) {
      const { rolledToId: _rolled, faults: _faults, ...shown } = keys.toDto(row)
      const soulId = row.soul_id ?? OPERATOR_SOUL_ID
      key = { status, json: `${stringifyKey(shown)},"soul":${JSON.stringify({ id: soulId, name: souls.name(soulId) })}` }
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
  (keys: KeysService, souls: SoulsService): FastifyPluginAsyncZod =>
  async (app) => {
    const meBody = createMeBody(keys, souls)
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
