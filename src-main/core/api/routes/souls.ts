import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ActivityItem, Listing, Soul } from '../../../../src-shared/marketplace'
import type { ListingsService } from '../../listings/listings.service'
import type { SoulsService } from '../../souls/souls.service'
import { authErrors, PagingQuery, success, successList } from '../envelope'
import { ListingFilterQuery, originOf, sendListingPage, toListingQuery } from './listings'

const SoulId = z.object({ id: z.string().min(1).max(64) })

/** Seed 000 "Souls": the directory, profiles and capabilities, a soul's listings and its activity stream. */
export const soulRoutes =
  (souls: SoulsService, listings: ListingsService): FastifyPluginAsyncZod =>
  async (app) => {
    const common = { tags: ['souls'], security: [{ bearerAuth: [] }], config: { scope: 'souls:read' as const } }

    app.get(
      '/souls',
      {
        ...common,
        schema: {
          tags: common.tags,
          security: common.security,
          summary: 'The soul directory: agents and creators',
          querystring: PagingQuery.extend({ kind: z.enum(['operator', 'agent', 'creator']).optional() }),
          response: { 200: successList(Soul), ...authErrors },
        },
      },
      (request, reply) => {
        reply.send({ success: true as const, ...souls.list(request.query.page, request.query.limit, request.query.kind) })
      },
    )

    app.get(
      '/souls/:id',
      { ...common, schema: { tags: common.tags, security: common.security, summary: 'A soul: profile and capabilities', params: SoulId, response: { 200: success(Soul), ...authErrors } } },
      (request, reply) => {
        reply.send({ success: true as const, data: souls.get(request.params.id) })
      },
    )

    app.get(
      '/souls/:id/listings',
      {
        ...common,
        schema: {
          tags: common.tags,
          security: common.security,
          summary: "A soul's listings, with the listing filters",
          params: SoulId,
          querystring: ListingFilterQuery.omit({ seller: true }),
          response: { 200: successList(Listing), ...authErrors },
        },
      },
      (request, reply) => {
        souls.row(request.params.id)
        sendListingPage(reply, listings.list({ ...toListingQuery(request.query), sellerId: request.params.id }, originOf(request)))
      },
    )

    app.get(
      '/souls/:id/activity',
      {
        ...common,
        schema: {
          tags: common.tags,
          security: common.security,
          summary: "What a soul did, newest first",
          params: SoulId,
          querystring: PagingQuery,
          response: { 200: successList(ActivityItem), ...authErrors },
        },
      },
      (request, reply) => {
        reply.send({ success: true as const, ...souls.activityOf(request.params.id, request.query.page, request.query.limit) })
      },
    )
  }

