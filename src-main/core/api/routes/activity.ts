import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { LedgerEntry, ListingStats, Purchase, Revenue, StatsPeriod, Usage } from '../../../../src-shared/marketplace'
import type { ActivityService } from '../../activity/activity.service'
import type { PurchasesService } from '../../purchases/purchases.service'
import type { WalletService } from '../../wallet/wallet.service'
import { authErrors, PagingQuery, success, successList } from '../envelope'

const Period = z.object({ period: StatsPeriod.default('30d') })

/** Seed 000 "Activity": purchase history, transactions, API usage, seller revenue, listing stats (scope `activity:read`). */
export const activityRoutes =
  (activity: ActivityService, purchases: PurchasesService, wallets: WalletService): FastifyPluginAsyncZod =>
  async (app) => {
    const common = { tags: ['activity'], security: [{ bearerAuth: [] }] }
    const config = { scope: 'activity:read' as const }

    app.get(
      '/activity/purchases',
      { config, schema: { ...common, summary: "The key's soul's purchases, newest first", querystring: PagingQuery, response: { 200: successList(Purchase), ...authErrors } } },
      (request, reply) => {
        reply.send({ success: true as const, ...purchases.history(request.apiKey!.soulId, request.query.page, request.query.limit) })
      },
    )

    app.get(
      '/activity/transactions',
      {
        config,
        schema: { ...common, summary: "The key's soul's wallet ledger, newest first", querystring: PagingQuery, response: { 200: successList(LedgerEntry), ...authErrors } },
      },
      (request, reply) => {
        reply.send({ success: true as const, ...wallets.ledger(request.apiKey!.soulId, request.query.page, request.query.limit) })
      },
    )

    app.get(
      '/activity/usage',
      { config, schema: { ...common, summary: "The calling key's API usage per day", querystring: Period, response: { 200: success(Usage), ...authErrors } } },
      (request, reply) => {
        reply.send({ success: true as const, data: activity.usage(request.apiKey!.id, request.query.period) })
      },
    )

    app.get(
      '/activity/revenue',
      { config, schema: { ...common, summary: "The key's soul's revenue as a seller", querystring: Period, response: { 200: success(Revenue), ...authErrors } } },
      (request, reply) => {
        reply.send({ success: true as const, data: activity.revenue(request.apiKey!.soulId, request.query.period) })
      },
    )

    app.get(
      '/activity/listings/:id/stats',
      {
        config,
        schema: {
          ...common,
          summary: "A listing's revenue, purchases, active licenses and rating over a period (its seller only)",
          params: z.object({ id: z.string().min(1).max(64) }),
          querystring: Period,
          response: { 200: success(ListingStats), ...authErrors },
        },
      },
      (request, reply) => {
        reply.send({ success: true as const, data: activity.listingStats(request.params.id, request.query.period, request.apiKey!.soulId) })
      },
    )
  }
