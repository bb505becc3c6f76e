import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { WebhookDelivery, WebhookEndpoint, WebhookEventFilter } from '../../../../src-shared/webhooks'
import type { EndpointOwner, WebhooksService } from '../../webhooks/webhooks.service'
import { authErrors, PagingQuery, success, successList } from '../envelope'

const Secret = z.string().min(8).max(200).describe('generated (whsec_…) when left out; the seed pastes its own, e.g. "webhook_secret_key"')
const NewEndpointBody = z.object({
  url: z.string().min(1).max(2000).describe('https://…, or http:// to this machine'),
  events: z.array(WebhookEventFilter).min(1).max(20).describe('event types, or ["*"] for all'),
  secret: Secret.optional(),
  description: z.string().max(500).optional(),
})
const EndpointChangesBody = z.object({
  url: z.string().min(1).max(2000).optional(),
  events: z.array(WebhookEventFilter).min(1).max(20).optional(),
  description: z.string().max(500).optional(),
  enabled: z.boolean().optional().describe('true re-enables an endpoint that was disabled'),
})
const WithSecret = WebhookEndpoint.extend({ secret: z.string().describe('shown this once') })
const Id = z.object({ id: z.string().min(1).max(64) })

const ownerOf = (request: FastifyRequest): EndpointOwner => ({ soulId: request.apiKey!.soulId, lineageId: request.apiKey!.lineageId })

/** Webhook endpoints of the key's soul (scope `webhooks`): the seed's `client.webhooks.create`, and the rest of their management. */
export const webhookRoutes =
  (webhooks: WebhooksService): FastifyPluginAsyncZod =>
  async (app) => {
    const security = [{ bearerAuth: [] }]
    const common = { config: { scope: 'webhooks' as const } }
    const tags = ['webhooks']

    app.get(
      '/webhooks',
      { ...common, schema: { tags, security, summary: "The soul's webhook endpoints", querystring: PagingQuery, response: { 200: successList(WebhookEndpoint), ...authErrors } } },
      (request) => ({ success: true as const, ...webhooks.list(ownerOf(request), request.query.page, request.query.limit) }),
    )

    app.post(
      '/webhooks',
      {
        ...common,
        schema: {
          tags,
          security,
          summary: 'Register an endpoint: events are POSTed to it, signed with its secret',
          body: NewEndpointBody,
          response: { 201: success(WithSecret), ...authErrors },
        },
      },
      async (request, reply) => {
        const { endpoint, secret } = await webhooks.create(request.body, ownerOf(request), `api:${request.apiKey!.id}`)
        reply.code(201)
        return { success: true as const, data: { ...endpoint, secret } }
      },
    )

    app.get(
      '/webhooks/:id',
      { ...common, schema: { tags, security, summary: 'One endpoint', params: Id, response: { 200: success(WebhookEndpoint), ...authErrors } } },
      (request) => ({ success: true as const, data: webhooks.get(request.params.id, ownerOf(request)) }),
    )

    app.patch(
      '/webhooks/:id',
      {
        ...common,
        schema: { tags, security, summary: 'Change an endpoint (or enable it again)', params: Id, body: EndpointChangesBody, response: { 200: success(WebhookEndpoint), ...authErrors } },
      },
      (request) => ({ success: true as const, data: webhooks.update(request.params.id, request.body, ownerOf(request), `api:${request.apiKey!.id}`) }),
    )

    app.delete(
      '/webhooks/:id',
      { ...common, schema: { tags, security, summary: 'Remove an endpoint and its deliveries', params: Id, response: { 200: success(WebhookEndpoint), ...authErrors } } },
      (request) => ({ success: true as const, data: webhooks.delete(request.params.id, ownerOf(request), `api:${request.apiKey!.id}`) }),
    )

    app.post(
      '/webhooks/:id/ping',
      { ...common, schema: { tags, security, summary: 'Send a ping event to this endpoint now', params: Id, response: { 202: success(WebhookDelivery), ...authErrors } } },
      (request, reply) => {
        reply.code(202)
        return { success: true as const, data: webhooks.ping(request.params.id, ownerOf(request)) }
      },
    )

    app.post(
      '/webhooks/:id/rotate-secret',
      {
        ...common,
        schema: {
          tags,
          security,
          summary: 'A new secret; the previous one keeps signing for overlapSeconds (default a day)',
          params: Id,
          body: z.object({ overlapSeconds: z.number().int().min(0).max(30 * 86_400).optional(), secret: Secret.optional() }).optional(),
          response: { 200: success(WithSecret), ...authErrors },
        },
      },
      async (request) => {
        const { endpoint, secret } = await webhooks.rotateSecret(
          request.params.id,
          ownerOf(request),
          `api:${request.apiKey!.id}`,
          request.body?.overlapSeconds,
          request.body?.secret,
        )
        return { success: true as const, data: { ...endpoint, secret } }
      },
    )

    app.get(
      '/webhooks/:id/deliveries',
      {
        ...common,
        schema: { tags, security, summary: "The endpoint's deliveries, newest first", params: Id, querystring: PagingQuery, response: { 200: successList(WebhookDelivery), ...authErrors } },
      },
      (request) => {
        webhooks.get(request.params.id, ownerOf(request)) // 404 for an endpoint that isn't the soul's
        return { success: true as const, ...webhooks.deliveries({ endpointId: request.params.id, ...request.query }, ownerOf(request)) }
      },
    )
  }
