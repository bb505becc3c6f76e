import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js'
import { z } from 'zod'
import { ChatUsage } from '../../../src-shared/agents'
import { License, Listing, ListingSort, Purchase, Wallet } from '../../../src-shared/marketplace'
import type { Scope } from '../../../src-shared/scopes'
import { ApiError, ErrorEnvelopeSchema, errorEnvelope, Meta } from '../api/envelope'
import { toApiError } from '../api/plugins/errors'
import { toListingQuery } from '../api/routes/listings'
import type { ChatService } from '../chat/chat.service'
import type { ApiKeyRow } from '../db/schema'
import type { AuthenticatedKey } from '../keys/keys.service'
import { MAX_PRICE_CENTS, type ListingsService } from '../listings/listings.service'
import type { PurchasesService } from '../purchases/purchases.service'
import type { WalletService } from '../wallet/wallet.service'

/**
 * The MCP tools (SPEC §4 "MCP"): what an agent does in the seed's integration patterns, as tools that
 * call the same services as the REST routes, under the same scopes. A tool's structured result is the
 * REST envelope: `{success: true, data, meta?}`, or `{success: false, error: {code, message, type,
 * details?, request_id}}` made by the API's own `toApiError`, so an agent reads `SPENDING_LIMIT_EXCEEDED`
 * with the seed's details exactly as a REST client would.
 */

export interface McpServices {
  listings: ListingsService
  purchases: PurchasesService
  wallets: WalletService
  chat: ChatService
}

/** Who calls: the key the gate authenticated, and what the tools report back to the request. */
export interface McpCaller {
  key: AuthenticatedKey
  keyRow: ApiKeyRow
  /** Where the app's thumbnails are (the origin the request named). */
  origin: string
  requestId: string
  /** Aborted when the server stops: a tool still running (a chat's agent) is cut short rather than waited for. */
  shutdown: AbortSignal
  /** A chat answer's token counts, for the request-log row. */
  countTokens(usage: ChatUsage): void
  /** A failure that is not the caller's (answered INTERNAL_ERROR): for the server log. */
  logFailure(error: unknown, tool: string): void
}

const MAX_PRICE_USDT = MAX_PRICE_CENTS / 100
const Id = (what: string) => z.string().trim().min(1).max(64).describe(what)
const Paging = {
  page: z.number().int().min(1).max(100_000).default(1).describe('page number, from 1'),
  limit: z
    .number()
    .int()
    .min(1)
    .default(20)
    .transform((limit) => Math.min(limit, 100))
    .describe('results per page, 1–100 (larger values are clamped to 100)'),
}

const ErrorBody = ErrorEnvelopeSchema.shape.error

/** A tool's structured result: the REST envelope, with `data` on success and `error` on failure. */
const envelope = <T extends z.ZodType>(data: T) =>
  z.object({
    success: z.boolean().describe('true: `data` holds the result; false: `error` says why, as the REST API would'),
    data: data.optional(),
    error: ErrorBody.optional(),
  })
const pagedEnvelope = <T extends z.ZodType>(item: T) =>
  z.object({
    success: z.boolean().describe('true: `data` and `meta` hold the page; false: `error` says why, as the REST API would'),
    data: z.array(item).optional(),
    meta: Meta.optional().describe('page, limit, and total matches'),
    error: ErrorBody.optional(),
  })

const ChatAnswer = z.object({
  response: z.string().describe("the agent's answer"),
  agent: z.string(),
  conversation_id: z.string().describe('pass it back to continue this conversation'),
  request_id: z.string(),
  usage: ChatUsage,
})

interface McpTool<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  name: string
  title: string
  description: string
  /** The scope the key needs (the REST route's); null: any valid key. */
  scope: Scope | null
  input: I
  output: O
  annotations: ToolAnnotations
  /** The REST success body, before it is shaped by `output`. */
  run(args: z.output<I>, caller: McpCaller, services: McpServices, signal: AbortSignal): unknown
}

const defineTool = <I extends z.ZodObject, O extends z.ZodObject>(tool: McpTool<I, O>): McpTool => tool as unknown as McpTool

const SHUTTING_DOWN = () => new ApiError(503, 'SERVICE_UNAVAILABLE', 'The server is shutting down; ask again once it is back.')

export const scopeNote = (scope: Scope | null) => (scope === null ? 'Any valid API key may call it.' : `Needs the API key scope "${scope}".`)

const searchListings = defineTool({
  name: 'search_listings',
  title: 'Search marketplace listings',
  description:
    'Search the local Clawget marketplace for skills, tools and agents to buy. Give `query` for relevance-ranked full-text search over titles, tags, ' +
    'categories and descriptions, or leave it out to browse (newest first); narrow with category, maxPrice and minPrice (USDT), minRating (0–5), ' +
    'featured, seller (soul_…), and sort. Returns a page of listings (id, title, price as a USDT string, pricing, rating, seller) with meta.total; ' +
    'read one with get_listing, buy one with purchase_listing and its id.',
  scope: 'listings:read',
  input: z.object({
    query: z.string().trim().min(1).max(200).optional().describe('words to look for, e.g. "web scraping"; leave out to browse'),
    category: z.string().trim().toLowerCase().max(60).optional().describe('e.g. "automation", "productivity"'),
    maxPrice: z.number().min(0).max(MAX_PRICE_USDT).optional().describe('highest price in USDT, e.g. 50'),
    minPrice: z.number().min(0).max(MAX_PRICE_USDT).optional().describe('lowest price in USDT'),
    minRating: z.number().min(0).max(5).optional().describe('lowest average rating, 0–5, e.g. 4'),
    featured: z.boolean().optional().describe('true: featured listings only'),
    seller: z.string().max(64).optional().describe("a seller's soul id (soul_…)"),
    sort: ListingSort.optional().describe('relevance (the default with a query), newest (the default without), price_asc, price_desc, rating, popular'),
    ...Paging,
  }),
  output: pagedEnvelope(Listing),
  annotations: { readOnlyHint: true, openWorldHint: false },
  run: ({ query, ...filters }, caller, { listings }) => {
    const listingQuery = toListingQuery(filters)
    const page = query === undefined ? listings.list(listingQuery, caller.origin) : listings.search(query, listingQuery, caller.origin)
    return { success: true, ...page }
  },
})

const getListing = defineTool({
  name: 'get_listing',
  title: 'Get a listing',
  description:
    "One listing's details by its id (listing_…): title, full description, category, tags, price (USDT string), pricing (one_time, or subscription: " +
    'monthly), rating and review count, seller. Fails with LISTING_NOT_FOUND for an unknown or deleted listing.',
  scope: 'listings:read',
  input: z.object({ id: Id('the listing id, listing_…') }),
  output: envelope(Listing),
  annotations: { readOnlyHint: true, openWorldHint: false },
  run: ({ id }, caller, { listings }) => ({ success: true, data: listings.get(id, caller.origin) }),
})

const purchaseListing = defineTool({
  name: 'purchase_listing',
  title: 'Buy a listing',
  description:
    "Buy a listing with the wallet of the soul this API key acts as; the price moves to the seller and the result holds the purchase with its " +
    'licenseKey (lic_…). Spends money: check the price (get_listing) against the balance (get_wallet) first. Fails with INSUFFICIENT_BALANCE ' +
    '(details.required, details.available), SPENDING_LIMIT_EXCEEDED (over the key\'s per-purchase or per-day limit: details.limit, details.amount, ' +
    'details.period; ask a human to raise the limit or wait), ALREADY_PURCHASED (details.licenseKey is the license already held; nothing is ' +
    'charged again), or LISTING_NOT_FOUND.',
  scope: 'purchases',
  input: z.object({ listingId: Id('the listing to buy, listing_…') }),
  output: envelope(Purchase),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  run: ({ listingId }, caller, { purchases }) => ({
    success: true,
    data: purchases.purchase(listingId, { soulId: caller.key.soulId, key: caller.keyRow }),
  }),
})

const getWallet = defineTool({
  name: 'get_wallet',
  title: 'Get the wallet',
  description: 'The USDT balance (a decimal string, e.g. "10.50") of the soul this API key acts as: what purchase_listing can spend.',
  scope: 'purchases',
  input: z.object({}),
  output: envelope(Wallet),
  annotations: { readOnlyHint: true, openWorldHint: false },
  run: (_args, caller, { wallets }) => ({ success: true, data: wallets.get(caller.key.soulId) }),
})

const listPurchases = defineTool({
  name: 'list_purchases',
  title: 'List purchases',
  description:
    "The purchases of the soul this API key acts as, newest first: listing id and title, amount, licenseKey, subscriptionId. Use it to find a " +
    'license already held before buying again.',
  scope: 'purchases',
  input: z.object(Paging),
  output: pagedEnvelope(Purchase),
  annotations: { readOnlyHint: true, openWorldHint: false },
  run: ({ page, limit }, caller, { purchases }) => ({ success: true, ...purchases.history(caller.key.soulId, page, limit) }),
})

const validateLicense = defineTool({
  name: 'validate_license',
  title: 'Validate a license',
  description:
    'Check a license key (lic_…): valid (true while it may be used), status (active, cancelled, expired), expiresAt for subscriptions, and the ' +
    'listing and buyer it belongs to. Fails with NOT_FOUND for a license that does not exist.',
  scope: null,
  input: z.object({ licenseKey: Id('the license key, lic_…') }),
  output: envelope(License),
  annotations: { readOnlyHint: true, openWorldHint: false },
  run: ({ licenseKey }, _caller, { purchases }) => ({ success: true, data: purchases.license(licenseKey) }),
})

const chat = defineTool({
  name: 'chat',
  title: 'Ask an agent',
  description:
    'Ask an agent hosted by this ClawHQ Local server, by its slug (e.g. "support-bot"), and get its whole answer. Pass the returned ' +
    'conversation_id to continue the same conversation. Fails with AGENT_NOT_FOUND (details.available lists the slugs there are), or ' +
    'UPSTREAM_UNAVAILABLE / UPSTREAM_TIMEOUT when the model server behind the agent fails.',
  scope: 'chat',
  input: z.object({
    agent: z.string().min(1).max(100).describe('the agent\'s slug, e.g. "support-bot"'),
    message: z.string().min(1).describe('what to ask the agent'),
    conversation_id: z.string().min(1).max(64).optional().describe('continue this conversation (conv_…)'),
  }),
  output: envelope(ChatAnswer),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  // As POST /chat answers without a stream: an answer cut short by a client that left is stored with why; by a stopping server, not at all.
  run: async ({ agent, message, conversation_id: conversationId }, caller, { chat }, signal) => {
    const exchange = chat.begin({
      message,
      agent,
      conversationId,
      caller: { keyId: caller.key.id, lineageId: caller.key.lineageId },
      requestId: caller.requestId,
      stream: false,
    })
    const { response, usage } = await exchange.collect(signal, {
      cutShort: 'the client closed the connection',
      stopping: () => (caller.shutdown.aborted ? SHUTTING_DOWN() : undefined),
      stoppingOverFailure: true,
    })
    caller.countTokens(usage)
    return {
      success: true,
      data: { response, agent: exchange.agent.agent.slug, conversation_id: exchange.conversationId, request_id: caller.requestId, usage },
    }
  },
})

export const MCP_TOOLS: readonly McpTool[] = [searchListings, getListing, purchaseListing, getWallet, listPurchases, validateLicense, chat]
const TOOLS_BY_NAME = new Map(MCP_TOOLS.map((tool) => [tool.name, tool]))

/** The scope a tool needs; undefined for a tool that needs none or does not exist. */
export const scopeOfTool = (name: string): Scope | undefined => TOOLS_BY_NAME.get(name)?.scope ?? undefined

/** A result as the agent reads it: the envelope as JSON text (for clients that read only text) and as structured content. */
function toolResult(body: Record<string, unknown>, isError: boolean): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(body) }], structuredContent: body, ...(isError && { isError: true }) }
}

/** A tool error in the REST error envelope, exactly as the REST route would answer it. */
export function toolError(error: ApiError, requestId: string): CallToolResult {
  return toolResult({ ...errorEnvelope(error.code, error.message, requestId, error.details) }, true)
}

export async function callTool(tool: McpTool, args: unknown, caller: McpCaller, services: McpServices, signal: AbortSignal): Promise<CallToolResult> {
  try {
    const body = await tool.run(args as never, caller, services, AbortSignal.any([signal, caller.shutdown]))
    // Parsed by the declared output, so the result holds exactly what the schema promises (no internal fields).
    return toolResult(tool.output.parse(body), false)
  } catch (error) {
    const apiError = toApiError(error)
    if (apiError.statusCode >= 500) caller.logFailure(error, tool.name)
    return toolError(apiError, caller.requestId)
  }
}
