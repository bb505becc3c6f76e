import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { License, Subscription, Wallet } from '../../../../src-shared/marketplace'
import type { PurchasesService } from '../../purchases/purchases.service'
import type { WalletService } from '../../wallet/wallet.service'
import { authErrors, PagingQuery, success, successList } from '../envelope'

/** The key's soul's wallet and subscriptions (scope `purchases`), and license validation (any key). */
export const walletRoutes =
  (wallets: WalletService, purchases: PurchasesService): FastifyPluginAsyncZod =>
  async (app) => {
    const security = [{ bearerAuth: [] }]

    app.get(
      '/wallet',
      {
        config: { scope: 'purchases' },
        schema: { tags: ['wallet'], security, summary: "The key's soul's wallet (USDT)", response: { 200: success(Wallet), ...authErrors } },
      },
      (request, reply) => {
        reply.send({ success: true as const, data: wallets.get(request.apiKey!.soulId) })
      },
    )

    app.get(
      '/licenses/:licenseKey',
      {
        schema: {
          tags: ['licenses'],
          security,
          summary: 'Validate a license: valid or not, its status, for which listing and buyer',
          params: z.object({ licenseKey: z.string().min(1).max(64) }),
          response: { 200: success(License), ...authErrors },
        },
      },
      (request, reply) => {
        reply.send({ success: true as const, data: purchases.license(request.params.licenseKey) })
      },
    )

    app.get(
      '/subscriptions',
      {
        config: { scope: 'purchases' },
        schema: { tags: ['subscriptions'], security, summary: "The key's soul's subscriptions", querystring: PagingQuery, response: { 200: successList(Subscription), ...authErrors } },
      },
      (request, reply) => {
        reply.send({ success: true as const, ...purchases.subscriptions(request.query.page, request.query.limit, request.apiKey!.soulId) })
      },
    )

    app.post(
      '/subscriptions/:id/cancel',
      {
        config: { scope: 'purchases' },
        schema: {
          tags: ['subscriptions'],
          security,
          summary: 'Cancel a subscription: it does not renew; the paid period stays usable',
          params: z.object({ id: z.string().min(1).max(64) }),
          response: { 200: success(Subscription), ...authErrors },
        },
      },
      (request, reply) => {
        reply.send({ success: true as const, data: purchases.cancel(request.params.id, request.apiKey!.soulId, `api:${request.apiKey!.id}`) })
      },
    )
  }
