import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { success } from '../envelope'

export const healthRoutes =
  (version: string): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/health',
      {
        config: { auth: false },
        schema: {
          summary: 'Liveness check; needs no key',
          tags: ['meta'],
          response: { 200: success(z.object({ status: z.literal('ok'), version: z.string() })) },
        },
      },
      async () => ({ success: true as const, data: { status: 'ok' as const, version } }),
    )
  }
