import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { contract } from '../../../../src-shared/contract'
import { KeyDto } from '../../../../src-shared/dto'
import type { KeysService } from '../../keys/keys.service'
import { authErrors, success, successList } from '../envelope'

const KeyId = z.object({ id: z.string().min(1).max(64) })
const CreateKeyBody = contract['keys.create'].input
const RollBody = z.object({ graceSeconds: contract['keys.roll'].input.shape.graceSeconds }).strict()
const KeyWithSecret = z.object({ key: KeyDto, secret: z.string().describe('shown once; only its hash is stored') })

/** Key management through the API, for keys holding the `keys` scope. */
export const keyRoutes =
  (keys: KeysService): FastifyPluginAsyncZod =>
  async (app) => {
    const common = { tags: ['keys'], security: [{ bearerAuth: [] }] }

    app.get(
      '/keys',
      {
        config: { scope: 'keys' },
        schema: { ...common, summary: 'List API keys', response: { 200: successList(KeyDto), ...authErrors } },
      },
      async () => {
        const data = keys.list()
        return { success: true as const, data, meta: { page: 1, limit: data.length, total: data.length } }
      },
    )

    app.post(
      '/keys',
      {
        config: { scope: 'keys' },
        schema: {
          ...common,
          summary: 'Create an API key; the secret is in the response, once',
          body: CreateKeyBody,
          response: { 201: success(KeyWithSecret), ...authErrors },
        },
      },
      async (request, reply) => {
        const created = keys.create(request.body, `api:${request.apiKey!.id}`)
        return reply.code(201).send({ success: true as const, data: created })
      },
    )

    app.post(
      '/keys/:id/roll',
      {
        config: { scope: 'keys' },
        schema: {
          ...common,
          summary: 'Roll a key: a new secret, the old one valid for graceSeconds',
          params: KeyId,
          body: RollBody.optional(),
          response: { 200: success(KeyWithSecret.extend({ previous: KeyDto })), ...authErrors },
        },
      },
      async (request) => ({
        success: true as const,
        data: keys.roll(request.params.id, request.body?.graceSeconds ?? 0, `api:${request.apiKey!.id}`),
      }),
    )

    app.delete(
      '/keys/:id',
      {
        config: { scope: 'keys' },
        schema: { ...common, summary: 'Revoke a key, at once and for good', params: KeyId, response: { 200: success(KeyDto), ...authErrors } },
      },
      async (request) => ({ success: true as const, data: keys.revoke(request.params.id, `api:${request.apiKey!.id}`) }),
    )
  }
