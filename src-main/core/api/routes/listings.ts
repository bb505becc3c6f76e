import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { Listing, ListingSort, Pricing, Purchase } from '../../../../src-shared/marketplace'
import { MarketplaceError } from '../../errors'
import { MAX_PRICE_CENTS, type ListingsService, type NewListing } from '../../listings/listings.service'
import { priceToCents } from '../../money'
import type { PurchasesService } from '../../purchases/purchases.service'
import type { Page } from '../../souls/souls.service'
import { authErrors, PagingQuery, success, successList } from '../envelope'
import { compileSerializer } from '../serializer'

/** The origin this request named (the front door has vouched for it): where the app's thumbnails are. */
export const originOf = (request: FastifyRequest): string => `${request.protocol}://${request.host}`

const MAX_PRICE_USDT = MAX_PRICE_CENTS / 100

/** A price as a number of USDT (25, 12.5) or a decimal string ("25.00"), in cents. */
const Price = z
  .union([z.number().min(0).max(MAX_PRICE_USDT), z.string().max(12)])
  .transform((price, ctx) => {
    const cents = priceToCents(price)
    if (cents === null || cents > MAX_PRICE_USDT * 100) {
      ctx.addIssue({ code: 'custom', message: 'price must be an amount of USDT with at most two decimals, e.g. 25 or "25.00"' })
      return z.NEVER
    }
    return cents
  })
  .describe('USDT: a number (25) or a decimal string ("25.00")')

const Tag = z.string().trim().toLowerCase().min(1).max(40)
const ListingFields = {
  title: z.string().trim().min(1).max(200),
  description: z.string().trim().min(1).max(5000),
  category: z.string().trim().toLowerCase().min(1).max(60),
  price: Price,
  pricing: Pricing,
  tags: z.array(Tag).max(20).optional(),
  thumbnailUrl: z.url({ protocol: /^https?$/ }).max(2000).nullable().optional(),
}
const CreateListing = z.object(ListingFields).strict()
const UpdateListing = z
  .object(ListingFields)
  .partial()
  .strict()
  .refine((changes) => Object.keys(changes).length > 0, 'nothing to change')

type CreateListingInput = z.output<typeof CreateListing>
const toNewListing = ({ price, ...rest }: CreateListingInput): NewListing => ({ ...rest, priceCents: price })
const toChanges = ({ price, ...rest }: Partial<CreateListingInput>) => ({ ...rest, ...(price !== undefined && { priceCents: price }) })

/** Browsing filters (SPEC §4): prices and ratings as numbers, page sizes clamped to 100. */
export const ListingFilterQuery = z.object({
  category: z.string().trim().toLowerCase().max(60).optional(),
  featured: z.stringbool().optional(),
  minPrice: z.coerce.number().min(0).max(MAX_PRICE_USDT).optional().describe('USDT'),
  maxPrice: z.coerce.number().min(0).max(MAX_PRICE_USDT).optional().describe('USDT'),
  minRating: z.coerce.number().min(0).max(5).optional(),
  seller: z.string().max(64).optional().describe('a soul id'),
  sort: ListingSort.optional().describe('newest (default for lists), relevance (default for search), price_asc, price_desc, rating, popular'),
  ...PagingQuery.shape,
})
export type ListingFilterQuery = z.output<typeof ListingFilterQuery>

export const toListingQuery = (query: ListingFilterQuery) => ({
  ...(query.category !== undefined && { category: query.category }),
  ...(query.featured !== undefined && { featured: query.featured }),
  ...(query.minPrice !== undefined && { minPriceCents: Math.round(query.minPrice * 100) }),
  ...(query.maxPrice !== undefined && { maxPriceCents: Math.round(query.maxPrice * 100) }),
  ...(query.minRating !== undefined && { minRating: query.minRating }),
  ...(query.seller !== undefined && { sellerId: query.seller }),
  ...(query.sort !== undefined && { sort: query.sort }),
  page: query.page,
  limit: query.limit,
})

const ListingId = z.object({ id: z.string().min(1).max(64) })

const ListingPage = successList(Listing)
const stringifyListingPage = compileSerializer(ListingPage)
const pageBodies = new WeakMap<Page<Listing>, string>()

/**
 * A page of listings as the response body. ListingsService hands out the same page object until the store
 * changes, so its JSON is made once per page and change, by the schema's own serializer.
 */
export function sendListingPage(reply: FastifyReply, page: Page<Listing>): void {
  let body = pageBodies.get(page)
  if (body === undefined) {
    body = stringifyListingPage({ success: true, ...page })
    pageBodies.set(page, body)
  }
  reply.type('application/json; charset=utf-8').send(body as never)
}

const BulkOperation = z.discriminatedUnion('op', [
  z.object({ op: z.literal('create'), listing: CreateListing }).strict(),
  z.object({ op: z.literal('update'), id: z.string().min(1).max(64), changes: UpdateListing }).strict(),
  z.object({ op: z.literal('delete'), id: z.string().min(1).max(64) }).strict(),
])

/** Seed 000 "Listings": browsing, search, details, the sellers' create / update / delete, bulk, and purchase. */
export const listingRoutes =
  (listings: ListingsService, purchases: PurchasesService): FastifyPluginAsyncZod =>
  async (app) => {
    const common = { tags: ['listings'], security: [{ bearerAuth: [] }] }
    const asSeller = (request: FastifyRequest) => ({ soulId: request.apiKey!.soulId, actor: `api:${request.apiKey!.id}` as const })

    app.get(
      '/listings',
      {
        config: { scope: 'listings:read' },
        schema: { ...common, summary: 'Browse listings, with filters and paging', querystring: ListingFilterQuery, response: { 200: successList(Listing), ...authErrors } },
      },
      // The URL names the query: the page is found by it, and the filters are read only when it is not cached.
      (request, reply) => sendListingPage(reply, listings.list(() => toListingQuery(request.query), originOf(request), request.url)),
    )

    app.get(
      '/listings/search',
      {
        config: { scope: 'listings:read' },
        schema: {
          ...common,
          summary: 'Full-text search, relevance-ranked, with the same filters',
          querystring: ListingFilterQuery.extend({ query: z.string().trim().min(1).max(200).describe('words to look for in titles, tags, categories and descriptions') }),
          response: { 200: successList(Listing), ...authErrors },
        },
      },
      (request, reply) => sendListingPage(reply, listings.search(request.query.query, () => toListingQuery(request.query), originOf(request), request.url)),
    )

    app.get(
      '/listings/:id',
      {
        config: { scope: 'listings:read' },
        schema: { ...common, summary: 'One listing', params: ListingId, response: { 200: success(Listing), ...authErrors } },
      },
      (request, reply) => {
        reply.send({ success: true as const, data: listings.get(request.params.id, originOf(request)) })
      },
    )

    app.post(
      '/listings',
      {
        config: { scope: 'listings:write' },
        schema: { ...common, summary: "Create a listing, sold by the key's soul", body: CreateListing, response: { 201: success(Listing), ...authErrors } },
      },
      (request, reply) => {
        const listing = listings.create(request.apiKey!.soulId, toNewListing(request.body), `api:${request.apiKey!.id}`, originOf(request))
        reply.code(201).send({ success: true as const, data: listing })
      },
    )

    app.patch(
      '/listings/:id',
      {
        config: { scope: 'listings:write' },
        schema: { ...common, summary: 'Change a listing (its seller only)', params: ListingId, body: UpdateListing, response: { 200: success(Listing), ...authErrors } },
      },
      (request, reply) => {
        reply.send({ success: true as const, data: listings.update(request.params.id, toChanges(request.body), asSeller(request), originOf(request)) })
      },
    )

    app.delete(
      '/listings/:id',
      {
        config: { scope: 'listings:write' },
        schema: { ...common, summary: 'Delete a listing (its seller only); purchases keep their licenses', params: ListingId, response: { 200: success(Listing), ...authErrors } },
      },
      (request, reply) => {
        reply.send({ success: true as const, data: listings.delete(request.params.id, asSeller(request), originOf(request)) })
      },
    )

    app.post(
      '/listings/bulk',
      {
        config: { scope: 'listings:write' },
        schema: {
          ...common,
          summary: 'Up to 100 creates, updates and deletes, all or none',
          body: z.object({ operations: z.array(BulkOperation).min(1).max(100) }).strict(),
          response: {
            200: success(z.object({ results: z.array(z.object({ index: z.number().int(), op: z.enum(['create', 'update', 'delete']), listing: Listing })) })),
            ...authErrors,
          },
        },
      },
      (request, reply) => {
        const operations = request.body.operations.map((operation) =>
          operation.op === 'create'
            ? { op: 'create' as const, listing: toNewListing(operation.listing) }
            : operation.op === 'update'
              ? { op: 'update' as const, id: operation.id, changes: toChanges(operation.changes) }
              : operation,
        )
        reply.send({ success: true as const, data: { results: listings.bulk(operations, asSeller(request), originOf(request)) } })
      },
    )

    app.post(
      '/listings/:id/purchase',
      {
        config: { scope: 'purchases' },
        schema: {
          ...common,
          summary: "Buy a listing with the key's soul's wallet; the response holds the license key",
          params: ListingId,
          response: { 201: success(Purchase), ...authErrors },
        },
      },
      (request, reply) => {
        const key = request.apiKey!
        if (!request.apiKeyRow) throw new MarketplaceError('INVALID_REQUEST', 'No key.')
        const purchase = purchases.purchase(request.params.id, { soulId: key.soulId, key: request.apiKeyRow })
        reply.code(201).send({ success: true as const, data: purchase })
      },
    )
  }
