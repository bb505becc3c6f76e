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

/**
 * Key management through the API, for keys holding the `keys` scope: a key sees and manages only the
 * keys it made (transitively), and grants no more than it holds. The rules live in KeysService.
 */
export const keyRoutes =
  (keys: KeysService): FastifyPluginAsyncZod =>
  async (app) => {
    const common = { tags: ['keys'], security: [{ bearerAuth: [] }] }

    app.get(
      '/keys',
      {
        config: { scope: 'keys' },
        schema: {
          ...common,
          summary: 'List the API keys this key created, directly or through keys it created',
          response: { 200: successList(KeyDto), ...authErrors },
        },
      },
      async (request) => {
        const data = keys.listAsKey(request.apiKey!)
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
        const created = keys.createAsKey(request.apiKey!, request.body)
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
        data: keys.rollAsKey(request.apiKey!, request.params.id, request.body?.graceSeconds ?? 0),
      }),
    )

    app.delete(
      '/keys/:id',
      {
        config: { scope: 'keys' },
        schema: { ...common, summary: 'Revoke a key, at once and for good', params: KeyId, response: { 200: success(KeyDto), ...authErrors } },
      },
      async (request) => ({ success: true as const, data: keys.revokeAsKey(request.apiKey!, request.params.id) }),
    )
  }
