import { execFile, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { promisify } from 'node:util'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ClawgetError as ClawgetErrorType } from '../../src-sdk/index'
import { startServer, type TestServer } from '../helpers/core'
import { REPO_ROOT } from '../helpers/reliability'
import { DEMO, importSdk, marketKey, recordingFetch, type Sdk } from './helpers'

/**
 * The SDK (clawhq-local/sdk) against a real server on a loopback port: every method, the envelope that
 * lists resolve to and the object that single reads resolve to, the ClawgetError of each failure, the
 * base URL forms it accepts, and that plain Node and the TypeScript compiler can use the built package.
 */

let sdk: Sdk
let server: TestServer
let operatorKey: string

beforeAll(async () => {
  sdk = await importSdk()
  server = await startServer()
})
afterAll(async () => {
  await server?.close()
})
beforeEach(() => {
  server.core.services.demo.reset('cli')
  operatorKey = marketKey(server)
})
afterEach(() => {
  vi.unstubAllEnvs()
})

const clientFor = (apiKey: string, options: { fetch?: ReturnType<typeof recordingFetch>['fetch']; timeoutMs?: number } = {}) =>
  new sdk.Clawget({ apiKey, baseUrl: server.apiBaseUrl, ...options })

/** The error a promise rejects with; fails the test when it resolves. */
async function failure(promise: Promise<unknown>): Promise<ClawgetErrorType> {
  try {
    await promise
  } catch (error) {
    expect(sdk.isClawgetError(error)).toBe(true)
    return error as ClawgetErrorType
  }
  throw new Error('expected the call to fail, and it succeeded')
}

const expectPage = (page: unknown) =>
  expect(page).toMatchObject({ success: true, data: expect.any(Array), meta: { page: expect.any(Number), limit: expect.any(Number), total: expect.any(Number) } })

describe('the constructor', () => {
  it('accepts the base URL with or without a trailing slash, with or without /api/v1, and reaches the API with each', async () => {
    const id = server.core.services.keys.list().find((key) => key.name === 'sdk test')!.id
    for (const baseUrl of [server.apiBaseUrl, `${server.apiBaseUrl}/`, server.origin, `${server.origin}/`, `${server.origin}//`]) {
      const client = new sdk.Clawget({ apiKey: operatorKey, baseUrl })
      expect(client.baseUrl).toBe(`${server.origin}/api/v1`)
      expect((await client.me()).key.id).toBe(id)
    }
    expect(new sdk.Clawget({ apiKey: operatorKey, baseUrl: 'https://proxy.example/clawget/api/v1/' }).baseUrl).toBe('https://proxy.example/clawget/api/v1')
    vi.stubEnv('CLAWGET_BASE_URL', '')
    expect(new sdk.Clawget({ apiKey: operatorKey }).baseUrl).toBe('http://127.0.0.1:7420/api/v1')
  })

  it('reads CLAWGET_API_KEY and CLAWGET_BASE_URL from the environment when the options leave them out', async () => {
    vi.stubEnv('CLAWGET_API_KEY', operatorKey)
    vi.stubEnv('CLAWGET_BASE_URL', server.origin)
    const client = new sdk.Clawget()
    expect(client.baseUrl).toBe(server.apiBaseUrl)
    expect((await client.me()).soul).toEqual({ id: DEMO.operator, name: 'Operator' })
  })

  it('refuses a missing key, a base URL that is not an http URL and a negative timeout with INVALID_OPTIONS', () => {
    vi.stubEnv('CLAWGET_API_KEY', '')
    const attempts = [
      () => new sdk.Clawget({ apiKey: undefined, baseUrl: server.apiBaseUrl }),
      () => new sdk.Clawget({ apiKey: '  ', baseUrl: server.apiBaseUrl }),
      () => new sdk.Clawget({ apiKey: operatorKey, baseUrl: '127.0.0.1:7420' }),
      () => new sdk.Clawget({ apiKey: operatorKey, baseUrl: 'ftp://127.0.0.1/api/v1' }),
      () => new sdk.Clawget({ apiKey: operatorKey, baseUrl: server.apiBaseUrl, timeoutMs: -1 }),
    ]
    for (const attempt of attempts) {
      let thrown: unknown
      try {
        attempt()
      } catch (error) {
        thrown = error
      }
      expect(sdk.isClawgetError(thrown, 'INVALID_OPTIONS')).toBe(true)
      expect(thrown).toMatchObject({ status: 0, requestId: null })
    }
  })

  it('keeps the key out of what console.log and JSON.stringify show of a client', async () => {
    const { inspect } = await import('node:util')
    const client = clientFor(operatorKey)
    expect(inspect(client, { depth: 10 })).not.toContain(operatorKey)
    expect(JSON.stringify(client)).not.toContain(operatorKey)
  })
})

describe('listings', () => {
  it('list resolves to the envelope {success, data, meta} and sends the filters as query parameters, skipping undefined ones', async () => {
    const wire = recordingFetch()
    const client = clientFor(operatorKey, { fetch: wire.fetch })
    const all = await client.listings.list()
    expectPage(all)
    expect(Object.keys(all)).toEqual(['success', 'data', 'meta'])
    expect(all.meta).toEqual({ page: 1, limit: 20, total: 150 })
    expect(wire.last().url).toBe(`${server.apiBaseUrl}/listings`)

    const featured = await client.listings.list({ category: 'productivity', featured: true, limit: 6, seller: undefined, minPrice: 0, maxPrice: '100.00', minRating: 4, sort: 'rating', page: 1 })
    expect(new URL(wire.last().url).search).toBe('?category=productivity&featured=true&limit=6&minPrice=0&maxPrice=100.00&minRating=4&sort=rating&page=1')
    expect(featured.data.length).toBeGreaterThan(0)
    for (const listing of featured.data) expect(listing).toMatchObject({ category: 'productivity', featured: true })
    const ratings = featured.data.map((listing) => listing.rating)
    expect(ratings).toEqual([...ratings].sort((a, b) => b - a))

    const notFeatured = await client.listings.list({ featured: false, limit: 100 })
    expect(new URL(wire.last().url).searchParams.get('featured')).toBe('false')
    expect(notFeatured.data.every((listing) => !listing.featured)).toBe(true)
    expect(notFeatured.meta.total).toBe(150 - (await client.listings.list({ featured: true })).meta.total)

    const bySeller = await client.listings.list({ seller: DEMO.scoutBot, limit: 100 })
    expect(bySeller.data.map((listing) => listing.sellerId)).toEqual(bySeller.data.map(() => DEMO.scoutBot))
    expect(wire.exchanges.every((exchange) => exchange.headers.authorization === `Bearer ${operatorKey}` && !exchange.url.includes('undefined'))).toBe(true)
  })

  it('search resolves to the envelope, relevance-ranked: the seed query finds the Web Scraping Toolkit first', async () => {
    const results = await clientFor(operatorKey).listings.search({ query: 'web scraping', category: 'automation', maxPrice: 50, minRating: 4.0 })
    expectPage(results)
    expect(results.data[0]).toMatchObject({ id: DEMO.webScrapingToolkit, title: 'Web Scraping Toolkit', price: '29.00', rating: 4.7 })
    expect(results.data.every((listing) => listing.category === 'automation' && Number(listing.price) <= 50 && listing.rating >= 4)).toBe(true)
    expect(results.meta.total).toBe(results.data.length)
  })

  it('get resolves to the listing itself, not its envelope', async () => {
    const listing = await clientFor(operatorKey).listings.get(DEMO.webScrapingToolkit)
    expect(listing).toMatchObject({ id: DEMO.webScrapingToolkit, title: 'Web Scraping Toolkit', price: '29.00', currency: 'USDT', sellerId: DEMO.scoutBot, sellerName: 'ScoutBot' })
    expect(listing).not.toHaveProperty('success')
    expect(listing.thumbnailUrl).toBe(`${server.apiBaseUrl}/thumbnails/${DEMO.webScrapingToolkit}.svg`)
  })

  it("create, update and delete a listing of the key's soul; a deleted one is LISTING_NOT_FOUND", async () => {
    const client = clientFor(operatorKey)
    const created = await client.listings.create({ title: 'SDK Widget', description: 'Made by the SDK test.', category: 'Analytics', price: 12.5, pricing: 'one_time', tags: ['SDK'] })
    expect(created).toMatchObject({ id: expect.stringMatching(/^listing_/), title: 'SDK Widget', category: 'analytics', price: '12.50', pricing: 'one_time', tags: ['sdk'], sellerId: DEMO.operator })

    const updated = await client.listings.update(created.id, { title: 'SDK Widget Pro', price: '15.00' })
    expect(updated).toMatchObject({ id: created.id, title: 'SDK Widget Pro', price: '15.00', description: 'Made by the SDK test.' })
    expect((await client.listings.get(created.id)).title).toBe('SDK Widget Pro')
    expect((await client.listings.search({ query: 'widget pro' })).data.map((listing) => listing.id)).toContain(created.id)

    const deleted = await client.listings.delete(created.id)
    expect(deleted).toMatchObject({ id: created.id, title: 'SDK Widget Pro' })
    const gone = await failure(client.listings.get(created.id))
    expect(gone).toMatchObject({ code: 'LISTING_NOT_FOUND', status: 404, details: { listingId: created.id } })
  })

  it('bulk applies creates, updates and deletes in one request and resolves to the results in order', async () => {
    const client = clientFor(operatorKey)
    const existing = await client.listings.create({ title: 'Bulk Target', description: 'x', category: 'data', price: 1, pricing: 'one_time' })
    const doomed = await client.listings.create({ title: 'Bulk Doomed', description: 'x', category: 'data', price: 1, pricing: 'one_time' })
    const outcome = await client.listings.bulk([
      { op: 'create', listing: { title: 'Bulk New', description: 'x', category: 'data', price: '3.00', pricing: 'subscription' } },
      { op: 'update', id: existing.id, changes: { price: 2 } },
      { op: 'delete', id: doomed.id },
    ])
    expect(outcome.results.map(({ index, op }) => ({ index, op }))).toEqual([
      { index: 0, op: 'create' },
      { index: 1, op: 'update' },
      { index: 2, op: 'delete' },
    ])
    expect(outcome.results[0].listing).toMatchObject({ title: 'Bulk New', pricing: 'subscription', price: '3.00' })
    expect(outcome.results[1].listing).toMatchObject({ id: existing.id, price: '2.00' })
    expect((await failure(client.listings.get(doomed.id))).code).toBe('LISTING_NOT_FOUND')
  })

  it('purchase resolves to the purchase with its lic_ license key and takes the price from the wallet', async () => {
    const client = clientFor(operatorKey)
    const purchase = await client.listings.purchase(DEMO.paperCrawler)
    expect(purchase).toMatchObject({
      purchaseId: expect.stringMatching(/^purch_/),
      listingId: DEMO.paperCrawler,
      listingTitle: 'Academic Paper Crawler',
      buyerId: DEMO.operator,
      amount: '25.00',
      currency: 'USDT',
      licenseKey: expect.stringMatching(/^lic_/),
      subscriptionId: null,
    })
    expect(await client.wallet.get()).toEqual({ soulId: DEMO.operator, balance: '475.00', currency: 'USDT' })
  })
})

describe('souls', () => {
  it('list, get, listings and activity: envelopes for the lists, the soul itself for get', async () => {
    const client = clientFor(operatorKey)
    const souls = await client.souls.list({ limit: 100 })
    expectPage(souls)
    expect(souls.meta.total).toBeGreaterThanOrEqual(35)
    const agents = await client.souls.list({ kind: 'agent', limit: 100 })
    expect(agents.data.length).toBeGreaterThan(0)
    expect(agents.data.every((soul) => soul.kind === 'agent')).toBe(true)
    expect(agents.meta.total).toBeLessThan(souls.meta.total)

    const scout = await client.souls.get(DEMO.scoutBot)
    expect(scout).toMatchObject({ id: DEMO.scoutBot, name: 'ScoutBot', kind: 'agent', capabilities: expect.arrayContaining(['web-scraping']) })
    expect(scout).not.toHaveProperty('success')

    const listings = await client.souls.listings(DEMO.scoutBot, { limit: 100 })
    expectPage(listings)
    expect(listings.meta.total).toBe(scout.listingCount)
    expect(listings.data.map((listing) => listing.id)).toContain(DEMO.webScrapingToolkit)
    const cheap = await client.souls.listings(DEMO.scoutBot, { maxPrice: 20, sort: 'price_asc' })
    expect(cheap.data.every((listing) => Number(listing.price) <= 20)).toBe(true)
    expect(cheap.data.length).toBeLessThan(listings.data.length)

    const activity = await client.souls.activity(DEMO.scoutBot, { limit: 5 })
    expectPage(activity)
    expect(activity.data.length).toBeGreaterThan(0)
    expect(activity.data.every((item) => item.soulId === DEMO.scoutBot)).toBe(true)
    expect((await failure(client.souls.get('soul_000000000000000000000000'))).status).toBe(404)
  })
})

describe('wallet, licenses and subscriptions', () => {
  it("wallet.get resolves to the key's soul's wallet", async () => {
    expect(await clientFor(marketKey(server, { soulId: DEMO.budgetBee })).wallet.get()).toEqual({ soulId: DEMO.budgetBee, balance: '10.50', currency: 'USDT' })
    expect((await clientFor(operatorKey).wallet.get()).balance).toBe('500.00')
  })

  it('licenses.validate says whether a license is valid; an unknown key is NOT_FOUND', async () => {
    const client = clientFor(operatorKey)
    const { licenseKey, purchaseId } = await client.listings.purchase(DEMO.webScrapingToolkit)
    const license = await clientFor(marketKey(server, { soulId: DEMO.budgetBee, scopes: ['listings:read'] })).licenses.validate(licenseKey)
    expect(license).toMatchObject({ licenseKey, valid: true, status: 'active', listingId: DEMO.webScrapingToolkit, listingTitle: 'Web Scraping Toolkit', buyerId: DEMO.operator, purchaseId, expiresAt: null })
    expect(await failure(client.licenses.validate('lic_doesnotexist'))).toMatchObject({ code: 'NOT_FOUND', status: 404, details: { licenseKey: 'lic_doesnotexist' } })
  })

  it('subscriptions.list shows a bought subscription; cancel stops it and keeps its paid month valid', async () => {
    const client = clientFor(operatorKey)
    const monthly = (await client.listings.search({ query: 'Scheduled Scraper Jobs' })).data[0]
    expect(monthly).toMatchObject({ title: 'Scheduled Scraper Jobs', pricing: 'subscription' })
    const purchase = await client.listings.purchase(monthly.id)
    expect(purchase.subscriptionId).toMatch(/^sub_/)

    const subscriptions = await client.subscriptions.list()
    expectPage(subscriptions)
    expect(subscriptions.data).toEqual([expect.objectContaining({ id: purchase.subscriptionId, listingId: monthly.id, status: 'active', price: monthly.price, licenseKey: purchase.licenseKey })])

    const cancelled = await client.subscriptions.cancel(purchase.subscriptionId!)
    expect(cancelled).toMatchObject({ id: purchase.subscriptionId, status: 'cancelled', endReason: 'cancelled' })
    expect(await client.licenses.validate(purchase.licenseKey)).toMatchObject({ valid: true, status: 'cancelled' })
    expect((await client.subscriptions.list()).data[0].status).toBe('cancelled')
    expect(await failure(client.subscriptions.cancel('sub_doesnotexist'))).toMatchObject({ code: 'NOT_FOUND', status: 404 })
  })
})

describe('activity and me', () => {
  it('purchases and transactions resolve to envelopes of what the soul bought and its ledger', async () => {
    const client = clientFor(operatorKey)
    const bought = await client.listings.purchase(DEMO.paperCrawler)
    const purchases = await client.activity.purchases()
    expectPage(purchases)
    expect(purchases.meta.total).toBe(1)
    expect(purchases.data[0]).toEqual(bought)
    const transactions = await client.activity.transactions({ limit: 10 })
    expectPage(transactions)
    expect(transactions.data[0]).toMatchObject({ soulId: DEMO.operator, kind: 'purchase', amount: '-25.00', balanceAfter: '475.00', purchaseId: bought.purchaseId })
  })

  it('usage, revenue and listingStats resolve to objects; the period is sent and defaults to 30d', async () => {
    const wire = recordingFetch()
    const buyer = clientFor(operatorKey)
    await buyer.listings.purchase(DEMO.webScrapingToolkit)
    const scout = clientFor(marketKey(server, { soulId: DEMO.scoutBot, scopes: ['activity:read'] }), { fetch: wire.fetch })

    const stats = await scout.activity.listingStats({ listingId: DEMO.webScrapingToolkit, period: '7d' })
    expect(new URL(wire.last().url).search).toBe('?period=7d')
    expect(stats).toEqual({ listingId: DEMO.webScrapingToolkit, period: '7d', revenue: '29.00', purchases: 1, activeLicenses: 1, averageRating: 4.7 })
    expect((await scout.activity.listingStats({ listingId: DEMO.webScrapingToolkit })).period).toBe('30d')
    expect(new URL(wire.last().url).search).toBe('')

    const revenue = await scout.activity.revenue({ period: '90d' })
    expect(revenue).toMatchObject({ sellerId: DEMO.scoutBot, period: '90d', revenue: '29.00', sales: 1, listings: [{ listingId: DEMO.webScrapingToolkit, title: 'Web Scraping Toolkit', revenue: '29.00', sales: 1 }] })

    await server.core.services.requestLog.flush()
    const usage = await scout.activity.usage({ period: '7d' })
    expect(usage).toMatchObject({ period: '7d', requests: expect.any(Number), days: expect.any(Array) })
    expect(usage.requests).toBeGreaterThanOrEqual(3)
    expect((await scout.me()).key.id).toBe(usage.keyId)
  })

  it("me resolves to the key, the soul it acts as and its rate limit now", async () => {
    const secret = marketKey(server, { soulId: DEMO.scoutBot, perPurchase: '25.00' })
    const me = await clientFor(secret).me()
    expect(me.key).toMatchObject({ name: 'sdk test', tierId: 'rpm-300', status: 'active', soulId: DEMO.scoutBot, spendingLimits: { perPurchase: '25.00', perDay: null } })
    expect(secret.startsWith(me.key.hint.slice(0, 8))).toBe(true)
    expect(me.soul).toEqual({ id: DEMO.scoutBot, name: 'ScoutBot' })
    expect(me.rateLimit).toMatchObject({ tier: 'rpm-300', limit: 300, window: '1m', windowSeconds: 60, remaining: 299 })
  })
})

describe('webhooks', () => {
  it("the seed's client.webhooks.create runs as written; list and delete follow", async () => {
    const client = clientFor(marketKey(server, { scopes: ['webhooks'] }))
    // Seed 000 "Webhook Integration", verbatim.
    const created = await client.webhooks.create({
url: 'https://yourapp.com/webhooks/clawget',
events: [
'purchase.completed',
'subscription.renewed',
'subscription.cancelled'
],
secret: 'webhook_secret_key'
});
    expect(created).toMatchObject({
      id: expect.stringMatching(/^whk_/),
      url: 'https://yourapp.com/webhooks/clawget',
      events: ['purchase.completed', 'subscription.renewed', 'subscription.cancelled'],
      enabled: true,
      secret: 'webhook_secret_key',
    })
    const listed = await client.webhooks.list()
    expect(listed.data.map((webhook) => webhook.id)).toContain(created.id)
    expect(listed.data.find((webhook) => webhook.id === created.id)!.secret).toBeUndefined()
    expect((await client.webhooks.delete(created.id)).id).toBe(created.id)
    const refused = await failure(client.webhooks.create({ url: 'http://yourapp.com/hook', events: ['purchase.completed'] }))
    expect(refused).toMatchObject({ code: 'INVALID_REQUEST', status: 400 })
  })
})

describe('errors', () => {
  it('401: INVALID_API_KEY with the status, the type and the request id of the X-Request-Id header', async () => {
    const wire = recordingFetch()
    const error = await failure(clientFor('clw_notakey', { fetch: wire.fetch }).listings.list())
    expect(error).toBeInstanceOf(sdk.ClawgetError)
    expect(error).toBeInstanceOf(Error)
    expect(error).toMatchObject({ name: 'ClawgetError', code: 'INVALID_API_KEY', status: 401, type: 'authentication_error', retryAfter: null })
    expect(error.message).toMatch(/./)
    expect(error.requestId).toMatch(/^req_/)
    expect(error.requestId).toBe(wire.last().requestId)
    expect(error.is('INVALID_API_KEY')).toBe(true)
    expect(sdk.isClawgetError(error, 'INVALID_API_KEY')).toBe(true)
    expect(sdk.isClawgetError(error, 'NOT_FOUND')).toBe(false)
    expect(sdk.isClawgetError(new Error('x'))).toBe(false)
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ code: 'INVALID_API_KEY', status: 401, requestId: error.requestId })
  })

  it('403: INSUFFICIENT_PERMISSIONS with details.required, and for another seller\u2019s listing details.reason', async () => {
    const wire = recordingFetch()
    const reader = clientFor(marketKey(server, { scopes: ['listings:read'] }), { fetch: wire.fetch })
    const noScope = await failure(reader.listings.purchase(DEMO.paperCrawler))
    expect(noScope).toMatchObject({ code: 'INSUFFICIENT_PERMISSIONS', status: 403, type: 'permission_error', details: { required: 'purchases' }, requestId: wire.last().requestId })
    const notMine = await failure(clientFor(operatorKey).listings.update(DEMO.webScrapingToolkit, { title: 'Mine now' }))
    expect(notMine).toMatchObject({ code: 'INSUFFICIENT_PERMISSIONS', status: 403, details: { reason: 'not_your_listing', sellerId: DEMO.scoutBot } })
    expect((await clientFor(operatorKey).listings.get(DEMO.webScrapingToolkit)).title).toBe('Web Scraping Toolkit')
  })

  it('404: LISTING_NOT_FOUND with details.listingId; a POST without a body is sent without a content-type', async () => {
    const wire = recordingFetch()
    const client = clientFor(operatorKey, { fetch: wire.fetch })
    const error = await failure(client.listings.purchase('listing_000000000000000000000000'))
    expect(error).toMatchObject({ code: 'LISTING_NOT_FOUND', status: 404, details: { listingId: 'listing_000000000000000000000000' }, requestId: wire.last().requestId })
    expect(wire.last()).toMatchObject({ method: 'POST', url: `${server.apiBaseUrl}/listings/listing_000000000000000000000000/purchase`, body: undefined })
    expect(wire.last().headers).not.toHaveProperty('content-type')
  })

  it('an id is one path segment: slashes and dots in it cannot reach another route', async () => {
    const wire = recordingFetch()
    const error = await failure(clientFor(operatorKey, { fetch: wire.fetch }).listings.get('../wallet'))
    expect(wire.last().url).toBe(`${server.apiBaseUrl}/listings/..%2Fwallet`)
    expect(error.status).toBeGreaterThanOrEqual(400)
    expect(error.code).not.toBe('INTERNAL_ERROR')
  })

  it('409: ALREADY_PURCHASED with the license already held; the second purchase charges nothing', async () => {
    const client = clientFor(operatorKey)
    const first = await client.listings.purchase(DEMO.paperCrawler)
    const error = await failure(client.listings.purchase(DEMO.paperCrawler))
    expect(error).toMatchObject({ code: 'ALREADY_PURCHASED', status: 409, type: 'invalid_request_error', details: { listingId: DEMO.paperCrawler, licenseKey: first.licenseKey, purchaseId: first.purchaseId } })
    expect((await client.wallet.get()).balance).toBe('475.00')
  })

  it('400: INVALID_REQUEST with details.issues for bad filters and a bad listing; INSUFFICIENT_BALANCE with the amounts', async () => {
    const wire = recordingFetch()
    const client = clientFor(operatorKey, { fetch: wire.fetch })
    const filters = await failure(client.listings.list({ minRating: 9 }))
    expect(filters).toMatchObject({ code: 'INVALID_REQUEST', status: 400, details: { issues: [{ path: '/minRating', message: expect.any(String) }] }, requestId: wire.last().requestId })
    const listing = await failure(client.listings.create({ title: '', description: 'x', category: 'data', price: '1.999', pricing: 'one_time' }))
    expect(listing.code).toBe('INVALID_REQUEST')
    expect((listing.details as { issues: Array<{ path: string }> }).issues.map((issue) => issue.path)).toEqual(['/title', '/price'])
    const bulk = await failure(client.listings.bulk([]))
    expect(bulk).toMatchObject({ code: 'INVALID_REQUEST', status: 400 })

    const balance = await failure(clientFor(marketKey(server, { soulId: DEMO.budgetBee })).listings.purchase(DEMO.paperCrawler))
    expect(balance).toMatchObject({ code: 'INSUFFICIENT_BALANCE', status: 400, message: 'Wallet balance below transaction requirement', details: { required: '25.00 USDT', available: '10.50 USDT' } })
    // Typed details once the code is known:
    if (balance.is('INSUFFICIENT_BALANCE')) expect(balance.details.required).toBe('25.00 USDT')
    else expect.unreachable()
  })

  it('429: RATE_LIMIT_EXCEEDED with {resetAt, limit, window} and Retry-After as retryAfter in seconds', async () => {
    const tier = server.core.services.tiers.create({ name: `sdk one per minute ${Math.random()}`, limit: 1, windowSeconds: 60 }, 'cli')
    const client = clientFor(marketKey(server, { tierId: tier.id }))
    await client.me()
    const error = await failure(client.listings.list())
    expect(error).toMatchObject({ code: 'RATE_LIMIT_EXCEEDED', status: 429, type: 'rate_limit_error', details: { limit: 1, window: '1m' } })
    expect(error.retryAfter).toBeGreaterThan(0)
    expect(error.retryAfter).toBeLessThanOrEqual(60)
    if (!error.is('RATE_LIMIT_EXCEEDED')) return expect.unreachable()
    const resetAt = Date.parse(error.details.resetAt)
    expect(resetAt).toBeGreaterThan(Date.now())
    expect(Math.abs(resetAt - Date.now() - error.retryAfter! * 1000)).toBeLessThan(2_000)
  })

  it('NETWORK_ERROR, status 0, when nothing listens on the port', async () => {
    const closed = http.createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise((resolve) => closed.close(resolve))
    const error = await failure(new sdk.Clawget({ apiKey: operatorKey, baseUrl: `http://127.0.0.1:${port}` }).listings.list())
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', status: 0, requestId: null, details: undefined, type: null })
    expect(error.message).toContain(`GET http://127.0.0.1:${port}/api/v1/listings failed`)
    expect(error.message).toContain('ECONNREFUSED')
    expect(error.cause).toBeInstanceOf(Error)
  })

  describe('against a server that is not the API', () => {
    let foreign: http.Server
    let origin: string
    beforeAll(async () => {
      foreign = http.createServer((request, response) => {
        if (request.url?.includes('silent')) return // never answers
        if (request.url?.includes('html')) {
          response.writeHead(502, { 'content-type': 'text/html', 'retry-after': '7', 'x-request-id': 'req_proxy' })
          return response.end('<html><body>Bad Gateway</body></html>')
        }
        response.writeHead(200, { 'content-type': 'application/json' })
        response.end(JSON.stringify({ hello: 'world' }))
      })
      await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve))
      origin = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}`
    })
    afterAll(async () => {
      foreign.closeAllConnections()
      await new Promise((resolve) => foreign.close(resolve))
    })

    it('INVALID_RESPONSE with the HTTP status for an answer that is not JSON', async () => {
      const error = await failure(new sdk.Clawget({ apiKey: operatorKey, baseUrl: `${origin}/html/api/v1` }).listings.list())
      expect(error).toMatchObject({ code: 'INVALID_RESPONSE', status: 502, requestId: 'req_proxy', retryAfter: 7 })
      expect(error.message).toContain('Bad Gateway')
    })

    it("INVALID_RESPONSE for JSON that is not the API's envelope", async () => {
      const error = await failure(new sdk.Clawget({ apiKey: operatorKey, baseUrl: origin }).wallet.get())
      expect(error).toMatchObject({ code: 'INVALID_RESPONSE', status: 200 })
    })

    it('TIMEOUT, status 0, when no answer comes within timeoutMs', async () => {
      const startedAt = Date.now()
      const error = await failure(new sdk.Clawget({ apiKey: operatorKey, baseUrl: `${origin}/silent`, timeoutMs: 200 }).me())
      expect(error).toMatchObject({ code: 'TIMEOUT', status: 0 })
      expect(Date.now() - startedAt).toBeLessThan(5_000)
    })
  })
})

describe('the built package', () => {
  it("plain Node ESM imports it as 'clawhq-local/sdk' from the checkout and reaches the server", async () => {
    const script = [
      "import { Clawget, isClawgetError } from 'clawhq-local/sdk'",
      `const client = new Clawget({ apiKey: ${JSON.stringify(operatorKey)}, baseUrl: ${JSON.stringify(server.apiBaseUrl)} })`,
      `const listing = await client.listings.get(${JSON.stringify(DEMO.webScrapingToolkit)})`,
      "const error = await client.listings.get('listing_nope').catch((e) => e)",
      'console.log(JSON.stringify([listing.title, isClawgetError(error), error.code]))',
    ].join('\n')
    // Not spawnSync: the server runs in this process and has to answer.
    const result = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8' })
    expect(result.stderr).toBe('')
    expect(JSON.parse(result.stdout)).toEqual(['Web Scraping Toolkit', true, 'LISTING_NOT_FOUND'])
  })

  it('its declarations are self-contained: an installed copy typechecks in a strict NodeNext project, with DOM or with Node types', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clawget-consumer-'))
    try {
      mkdirSync(join(dir, 'node_modules', '@types'), { recursive: true })
      symlinkSync(REPO_ROOT, join(dir, 'node_modules', 'clawhq-local'), 'dir')
      symlinkSync(join(REPO_ROOT, 'node_modules', '@types', 'node'), join(dir, 'node_modules', '@types', 'node'), 'dir')
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module' }))
      writeFileSync(
        join(dir, 'consumer.ts'),
        [
          "import { Clawget, ClawgetError, isClawgetError, type Listing, type Page, type Purchase } from 'clawhq-local/sdk'",
          "const client = new Clawget({ apiKey: process.env.CLAWGET_API_KEY, baseUrl: 'http://127.0.0.1:7420' })",
          "const results: Page<Listing> = await client.listings.search({ query: 'web scraping', category: 'automation', maxPrice: 50, minRating: 4.0 })",
          'const spendingLimit = 50',
          'if (Number(results.data[0].price) <= spendingLimit) {',
          '  try {',
          '    const purchase: Purchase = await client.listings.purchase(results.data[0].id)',
          '    console.log(purchase.licenseKey.startsWith("lic_"))',
          '  } catch (error) {',
          "    if (isClawgetError(error, 'INSUFFICIENT_BALANCE')) console.error(error.details.required, error.details.available)",
          "    else if (isClawgetError(error) && error.is('RATE_LIMIT_EXCEEDED')) console.error(new Date(error.details.resetAt), error.retryAfter)",
          '    else if (error instanceof ClawgetError) console.error(error.code, error.status, error.requestId)',
          '  }',
          '}',
          "const stats = await client.activity.listingStats({ listingId: 'listing_xyz', period: '30d' })",
          'const revenue: string = stats.revenue',
          'console.log(revenue, stats.purchases + stats.activeLicenses + stats.averageRating)',
          '// The declarations are real types, not any:',
          "// @ts-expect-error: not a sort order",
          "await client.listings.list({ sort: 'cheapest' })",
          '// @ts-expect-error: a price is a string',
          'const price: number = results.data[0].price',
          'console.log(price)',
        ].join('\n'),
      )
      const base = { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: false }
      const configs = {
        'tsconfig.dom.json': { compilerOptions: { ...base, lib: ['ES2022', 'DOM'], types: [] }, files: ['consumer.ts', 'env.d.ts'] },
        'tsconfig.node.json': { compilerOptions: { ...base, lib: ['ES2022'], types: ['node'] }, files: ['consumer.ts'] },
      }
      // Without Node's types, `process` is the consumer's own business.
      writeFileSync(join(dir, 'env.d.ts'), 'declare const process: { env: Record<string, string | undefined> }\n')
      for (const [name, config] of Object.entries(configs)) {
        writeFileSync(join(dir, name), JSON.stringify(config))
        const result = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, name)], { cwd: dir, encoding: 'utf8' })
        expect(`${name}: ${result.stdout}${result.stderr}`).toBe(`${name}: `)
        expect(result.status).toBe(0)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
