import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { KeyDto } from '../../../../src-shared/dto'
import { toIso } from '../../clock'
import type { KeysService } from '../../keys/keys.service'
import { authErrors, success } from '../envelope'

const MeDto = z.object({
  key: KeyDto.omit({ rolledToId: true }),
  rateLimit: z.object({
    tier: z.string(),
    limit: z.number().int(),
    window: z.string(),
    windowSeconds: z.number().int(),
    remaining: z.number().int(),
    resetAt: z.string(),
  }),
})

export const meRoutes =
  (keys: KeysService): FastifyPluginAsyncZod =>
  async (app) => {
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
      async (request) => {
        const row = request.apiKeyRow!
        const limit = request.rateLimit!
        const { rolledToId: _rolled, ...key } = keys.toDto(row)
        return {
          success: true as const,
          data: {
            key,
            rateLimit: {
              tier: limit.policy.id,
              limit: limit.limit,
              window: limit.policy.window,
              windowSeconds: limit.policy.windowMs / 1000,
              remaining: limit.remaining,
              resetAt: toIso(limit.resetAtMs),
            },
          },
        }
      },
    )
  }
