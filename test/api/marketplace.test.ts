import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Scope } from '../../src-shared/scopes'
import { getJson, startServer, type TestServer } from '../helpers/core'
import { expectErrorEnvelope } from '../helpers/reliability'

/**
 * The Clawget marketplace through the real API (seed 000, SPEC §4): every error of the seed's table with
 * its status, code, message and details; listings' create / update / delete by their seller and bulk;
 * purchases that never overdraw a wallet; subscriptions on the simulation clock; licenses; activity.
 */
const BUDGET_BEE = 'soul_0582a384a93ba1a3d804b24b' // holds 10.50 USDT
const SCOUTBOT = 'soul_19d22a4ae97333159e3188ef' // sells the Web Scraping Toolkit
const PAPER_CRAWLER = 'listing_125fa408090f6203fa094da7' // 25.00, one-time
const SCRAPING_TOOLKIT = 'listing_93a3b3fed439f789faa91ab3' // 29.00, sold by ScoutBot
const ALL_SCOPES: Scope[] = ['listings:read', 'listings:write', 'souls:read', 'purchases', 'activity:read']

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(async () => {
  await server?.close()
})

function key(options: { soulId?: string | null; scopes?: Scope[]; perPurchase?: string | null; perDay?: string | null } = {}): string {
  return server.core.services.keys.create(
    {
      name: 'marketplace test',
      scopes: options.scopes ?? ALL_SCOPES,
      tierId: 'rpm-300',
      soulId: options.soulId ?? null,
      spendingLimits: { perPurchase: options.perPurchase ?? null, perDay: options.perDay ?? null },
    },
    'cli',
  ).secret
}

/** A fresh soul of the demo set is not needed: a creator with an empty wallet made for the test. */
function newSoul(name: string, balanceCents = 0): string {
  const id = `soul_${Math.random().toString(16).slice(2).padEnd(24, '0').slice(0, 24)}`
  const { store, wallets } = server.core.services
  store.run(store.db.insertInto('souls').values({ id, name, kind: 'agent', bio: '', capabilities: '[]', balance_cents: 0, created_at: Date.now() }))
  if (balanceCents > 0) wallets.deposit(id, balanceCents, 'cli')
  return id
}

const call = (method: string, path: string, secret: string, body?: unknown) =>
  getJson(`${server.apiBaseUrl}${path}`, secret, {
    method,
    ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  })

const balance = async (secret: string) => (await call('GET', '/wallet', secret)).body.data.balance as string

describe("the seed's error table", () => {
  it('INSUFFICIENT_BALANCE: 400 with the required and the available amount, exactly as the seed shows, and nothing changes', async () => {
    const bee = key({ soulId: BUDGET_BEE })
    const response = await call('POST', `/listings/${PAPER_CRAWLER}/purchase`, bee)
    expectErrorEnvelope(response, 400, 'INSUFFICIENT_BALANCE')
    expect(response.body.error.message).toBe('Wallet balance below transaction requirement')
    expect(response.body.error.details).toEqual({ required: '25.00 USDT', available: '10.50 USDT' })
    expect(await balance(bee)).toBe('10.50')
    expect((await call('GET', '/activity/purchases', bee)).body.meta.total).toBe(0)
  })

  it('SPENDING_LIMIT_EXCEEDED: 403, per purchase and per day, with the limit and the amount', async () => {
    const soul = newSoul('limited buyer', 200_00)
    const perPurchase = await call('POST', `/listings/${PAPER_CRAWLER}/purchase`, key({ soulId: soul, perPurchase: '20.00' }))
    expectErrorEnvelope(perPurchase, 403, 'SPENDING_LIMIT_EXCEEDED')
    expect(perPurchase.body.error.details).toEqual({ limit: '20.00 USDT', amount: '25.00 USDT', period: 'purchase' })

    const daily = key({ soulId: soul, perDay: '40.00' })
    expect((await call('POST', `/listings/${PAPER_CRAWLER}/purchase`, daily)).status).toBe(201)
    const second = await call('POST', `/listings/${SCRAPING_TOOLKIT}/purchase`, daily)
    expectErrorEnvelope(second, 403, 'SPENDING_LIMIT_EXCEEDED')
    expect(second.body.error.details).toEqual({ limit: '40.00 USDT', amount: '29.00 USDT', spentToday: '25.00 USDT', period: 'day' })
    expect(await balance(daily)).toBe('175.00')
  })

  it('LISTING_NOT_FOUND: 404, for an unknown listing and a deleted one', async () => {
    const secret = key()
    for (const path of ['/listings/listing_000000000000000000000000', '/listings/listing_000000000000000000000000/purchase']) {
      const response = await call(path.endsWith('purchase') ? 'POST' : 'GET', path, secret)
      expectErrorEnvelope(response, 404, 'LISTING_NOT_FOUND')
      expect(response.body.error.details).toEqual({ listingId: 'listing_000000000000000000000000' })
    }
    const seller = key({ soulId: newSoul('short-lived seller') })
    const created = await call('POST', '/listings', seller, { title: 'Gone soon', description: 'x', category: 'automation', price: 1, pricing: 'one_time' })
    await call('DELETE', `/listings/${created.body.data.id}`, seller)
    expectErrorEnvelope(await call('GET', `/listings/${created.body.data.id}`, secret), 404, 'LISTING_NOT_FOUND')
  })

  it('ALREADY_PURCHASED: 409 with the license already held; buying twice charges once', async () => {
    const buyer = key({ soulId: newSoul('repeat buyer', 100_00) })
    const first = await call('POST', `/listings/${PAPER_CRAWLER}/purchase`, buyer)
    expect(first.status).toBe(201)
    const again = await call('POST', `/listings/${PAPER_CRAWLER}/purchase`, buyer)
    expectErrorEnvelope(again, 409, 'ALREADY_PURCHASED')
    expect(again.body.error.details).toEqual({ listingId: PAPER_CRAWLER, licenseKey: first.body.data.licenseKey, purchaseId: first.body.data.purchaseId })
    expect(await balance(buyer)).toBe('75.00')
  })

  it('INSUFFICIENT_PERMISSIONS: 403 without the scope, with details.required', async () => {
    const response = await call('POST', `/listings/${PAPER_CRAWLER}/purchase`, key({ scopes: ['listings:read'] }))
    expectErrorEnvelope(response, 403, 'INSUFFICIENT_PERMISSIONS')
    expect(response.body.error.details.required).toBe('purchases')
  })

  it('INVALID_API_KEY: 401 on the marketplace routes, from the same gate as every route', async () => {
    expectErrorEnvelope(await call('GET', '/listings', 'clw_nonsense'), 401, 'INVALID_API_KEY')
  })
})

describe('a purchase', () => {
  it('moves the price from the buyer to the seller, issues a license, and is in both souls\u2019 ledgers and activity', async () => {
    const soul = newSoul('buyer of the toolkit', 50_00)
    const buyer = key({ soulId: soul })
    const seller = key({ soulId: SCOUTBOT })
    const sellerBefore = server.core.services.wallets.balanceCents(SCOUTBOT)
    const { status, body } = await call('POST', `/listings/${SCRAPING_TOOLKIT}/purchase`, buyer)
    expect(status).toBe(201)
    expect(body.data).toMatchObject({ listingId: SCRAPING_TOOLKIT, buyerId: soul, sellerId: SCOUTBOT, amount: '29.00', currency: 'USDT', subscriptionId: null })
    expect(body.data.purchaseId).toMatch(/^purch_[0-9a-f]{24}$/)
    expect(body.data.licenseKey).toMatch(/^lic_[0-9a-f]{24}$/)
    expect(await balance(buyer)).toBe('21.00')
    expect(server.core.services.wallets.balanceCents(SCOUTBOT)).toBe(sellerBefore + 29_00)

    const license = await call('GET', `/licenses/${body.data.licenseKey}`, seller)
    expect(license.body.data).toMatchObject({ valid: true, status: 'active', listingId: SCRAPING_TOOLKIT, buyerId: soul, listingTitle: 'Web Scraping Toolkit' })
    const ledger = await call('GET', '/activity/transactions', buyer)
    expect(ledger.body.data[0]).toMatchObject({ kind: 'purchase', amount: '-29.00', balanceAfter: '21.00', purchaseId: body.data.purchaseId })
    const stream = await call('GET', `/souls/${soul}/activity`, buyer)
    expect(stream.body.data[0]).toMatchObject({ kind: 'purchase.completed', listingId: SCRAPING_TOOLKIT })
    expect((await call('GET', '/activity/purchases', buyer)).body.data.map((p: { purchaseId: string }) => p.purchaseId)).toEqual([body.data.purchaseId])
    expectErrorEnvelope(await call('GET', '/licenses/lic_000000000000000000000000', seller), 404, 'NOT_FOUND')
  })

  it('never overdraws a wallet: of 50 concurrent purchases that each cost 10.00 from a wallet of 100.00, exactly 10 succeed', async () => {
    const sellerSoul = newSoul('seller of fifty')
    const seller = key({ soulId: sellerSoul })
    const ids: string[] = []
    const bulk = await call('POST', '/listings/bulk', seller, {
      operations: Array.from({ length: 50 }, (_, i) => ({ op: 'create', listing: { title: `Tenner ${i}`, description: 'Ten USDT.', category: 'data', price: '10.00', pricing: 'one_time' } })),
    })
    expect(bulk.status).toBe(200)
    ids.push(...bulk.body.data.results.map((r: { listing: { id: string } }) => r.listing.id))
    const buyerSoul = newSoul('thrifty buyer', 100_00)
    const buyer = key({ soulId: buyerSoul })
    const answers = await Promise.all(ids.map((id) => call('POST', `/listings/${id}/purchase`, buyer)))
    expect(answers.filter((a) => a.status === 201)).toHaveLength(10)
    const refused = answers.filter((a) => a.status !== 201)
    expect(refused).toHaveLength(40)
    for (const answer of refused) expectErrorEnvelope(answer, 400, 'INSUFFICIENT_BALANCE')
    const { wallets } = server.core.services
    expect(wallets.balanceCents(buyerSoul)).toBe(0)
    expect(wallets.ledgerSumCents(buyerSoul)).toBe(0)
    expect(wallets.balanceCents(sellerSoul)).toBe(100_00)
    expect(wallets.ledgerSumCents(sellerSoul)).toBe(100_00)
  })
})

describe('listings by their seller', () => {
  it('creates (201), updates and deletes its own listings, which browsing and search follow at once', async () => {
    const soul = newSoul('Quill & Co')
    const seller = key({ soulId: soul })
    const created = await call('POST', '/listings', seller, {
      title: 'Zeppelin Route Planner',
      description: 'Plans airship routes around weather.',
      category: 'productivity',
      price: 12.5,
      pricing: 'subscription',
      tags: ['Planning', 'weather'],
    })
    expect(created.status).toBe(201)
    const listing = created.body.data
    expect(listing).toMatchObject({ title: 'Zeppelin Route Planner', price: '12.50', pricing: 'subscription', sellerId: soul, sellerName: 'Quill & Co', tags: ['planning', 'weather'], rating: 0, featured: false })
    expect(listing.thumbnailUrl).toBe(`${server.origin}/api/v1/thumbnails/${listing.id}.svg`)
    const search = async (query: string) => (await call('GET', `/listings/search?query=${encodeURIComponent(query)}`, seller)).body.data.map((l: { id: string }) => l.id)
    expect(await search('zeppelin')).toEqual([listing.id])

    const updated = await call('PATCH', `/listings/${listing.id}`, seller, { title: 'Dirigible Route Planner', price: '15.00' })
    expect(updated.body.data).toMatchObject({ title: 'Dirigible Route Planner', price: '15.00' })
    expect(await search('zeppelin')).toEqual([])
    expect(await search('dirigible')).toEqual([listing.id])
    expect((await call('GET', `/souls/${soul}/listings`, seller)).body.data.map((l: { id: string }) => l.id)).toEqual([listing.id])

    expect((await call('DELETE', `/listings/${listing.id}`, seller)).status).toBe(200)
    expect(await search('dirigible')).toEqual([])
    expect((await call('GET', `/souls/${soul}/listings`, seller)).body.meta.total).toBe(0)
  })

  it("refuses another seller's listing with 403 INSUFFICIENT_PERMISSIONS and changes nothing", async () => {
    const other = key({ soulId: newSoul('not the seller') })
    for (const [method, body] of [
      ['PATCH', { price: '0.01' }],
      ['DELETE', undefined],
    ] as const) {
      const response = await call(method, `/listings/${SCRAPING_TOOLKIT}`, other, body)
      expectErrorEnvelope(response, 403, 'INSUFFICIENT_PERMISSIONS')
      expect(response.body.error.details).toEqual({ reason: 'not_your_listing', listingId: SCRAPING_TOOLKIT, sellerId: SCOUTBOT })
    }
    expect((await call('GET', `/listings/${SCRAPING_TOOLKIT}`, other)).body.data.price).toBe('29.00')
  })

  it('answers a bad listing with 400 and the issues: a price with three decimals, an empty title, an unknown field', async () => {
    const seller = key({ soulId: newSoul('careless seller') })
    for (const body of [
      { title: 'x', description: 'x', category: 'data', price: 1.234, pricing: 'one_time' },
      { title: '', description: 'x', category: 'data', price: 1, pricing: 'one_time' },
      { title: 'x', description: 'x', category: 'data', price: 1, pricing: 'one_time', featured: true },
      { title: 'x', description: 'x', category: 'data', price: 1, pricing: 'weekly' },
    ]) {
      const response = await call('POST', '/listings', seller, body)
      expectErrorEnvelope(response, 400, 'INVALID_REQUEST')
      expect(response.body.error.details.issues.length).toBeGreaterThan(0)
    }
  })

  it('applies a bulk request all or nothing, listing every refused item by its index', async () => {
    const soul = newSoul('bulk seller')
    const seller = key({ soulId: soul })
    const before = (await call('GET', `/souls/${soul}/listings`, seller)).body.meta.total
    const refused = await call('POST', '/listings/bulk', seller, {
      operations: [
        { op: 'create', listing: { title: 'Bulk one', description: 'x', category: 'data', price: 1, pricing: 'one_time' } },
        { op: 'update', id: SCRAPING_TOOLKIT, changes: { price: 1 } },
        { op: 'delete', id: 'listing_000000000000000000000000' },
      ],
    })
    expectErrorEnvelope(refused, 400, 'INVALID_REQUEST')
    expect(refused.body.error.details.errors).toEqual([
      expect.objectContaining({ index: 1, op: 'update', code: 'INSUFFICIENT_PERMISSIONS' }),
      expect.objectContaining({ index: 2, op: 'delete', code: 'LISTING_NOT_FOUND' }),
    ])
    expect((await call('GET', `/souls/${soul}/listings`, seller)).body.meta.total).toBe(before)

    const applied = await call('POST', '/listings/bulk', seller, {
      operations: [
        { op: 'create', listing: { title: 'Bulk two', description: 'x', category: 'data', price: 2, pricing: 'one_time' } },
        { op: 'create', listing: { title: 'Bulk three', description: 'x', category: 'data', price: 3, pricing: 'one_time' } },
      ],
    })
    expect(applied.body.data.results.map((r: { op: string; listing: { title: string } }) => [r.op, r.listing.title])).toEqual([
      ['create', 'Bulk two'],
      ['create', 'Bulk three'],
    ])
    expect((await call('GET', `/souls/${soul}/listings`, seller)).body.meta.total).toBe(before + 2)
  })
})

describe('browsing', () => {
  it('filters, sorts and pages with meta, clamping the page size to 100', async () => {
    const secret = key()
    const all = await call('GET', '/listings?limit=1000', secret)
    expect(all.body.meta).toMatchObject({ page: 1, limit: 100 })
    expect(all.body.data).toHaveLength(100)
    const filtered = await call('GET', '/listings?category=productivity&featured=true&limit=6', secret)
    expect(filtered.body.data.length).toBeGreaterThan(0)
    for (const listing of filtered.body.data) expect(listing).toMatchObject({ category: 'productivity', featured: true })
    const priced = (await call('GET', '/listings?minPrice=100&sort=price_asc&limit=100', secret)).body.data.map((l: { price: string }) => Number(l.price))
    expect(priced.length).toBeGreaterThan(7)
    expect(priced.every((p: number) => p >= 100)).toBe(true)
    expect(priced).toEqual([...priced].sort((a, b) => a - b))
    const page2 = await call('GET', '/listings?limit=20&page=2', secret)
    expect(page2.body.meta).toMatchObject({ page: 2, limit: 20 })
    expect(page2.body.data[0].id).toBe(all.body.data[20].id)
    expectErrorEnvelope(await call('GET', '/listings?minRating=9', secret), 400, 'INVALID_REQUEST')
  })

  it('serves the thumbnails it names, as SVG, without a key', async () => {
    const response = await fetch(`${server.apiBaseUrl}/thumbnails/${SCRAPING_TOOLKIT}.svg`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^image\/svg\+xml/)
    expect(await response.text()).toMatch(/^<svg[^>]+xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
    expect((await fetch(`${server.apiBaseUrl}/thumbnails/listing_000000000000000000000000.svg`)).status).toBe(404)
  })

  it('lists souls and shows /me with the soul the key acts as', async () => {
    const secret = key({ soulId: SCOUTBOT })
    const souls = await call('GET', '/souls?limit=100', secret)
    expect(souls.body.meta.total).toBeGreaterThanOrEqual(35)
    const scout = await call('GET', `/souls/${SCOUTBOT}`, secret)
    expect(scout.body.data).toMatchObject({ id: SCOUTBOT, name: 'ScoutBot', kind: 'agent' })
    expect(scout.body.data.listingCount).toBeGreaterThan(0)
    const me = await call('GET', '/me', secret)
    expect(me.body.data.soul).toEqual({ id: SCOUTBOT, name: 'ScoutBot' })
    expect((await call('GET', '/me', key())).body.data.soul).toEqual({ id: 'soul_operator', name: 'Operator' })
  })
})

describe('subscriptions on the simulation clock', () => {
  const subscription = async (secret: string) => {
    const listing = (await call('GET', '/listings?limit=100&sort=price_asc&minPrice=5', secret)).body.data.find((l: { pricing: string }) => l.pricing === 'subscription')
    const bought = await call('POST', `/listings/${listing.id}/purchase`, secret)
    expect(bought.status).toBe(201)
    return { listing, purchase: bought.body.data }
  }
  const advanceDays = (days: number) => {
    server.core.services.marketClock.advance(days * 86_400, 'cli')
    return server.core.services.purchases.renewDue()
  }

  it('renews every month for three months when the wallet can pay, and lapses on the renewal it cannot', async () => {
    try {
      const soul = newSoul('subscriber', 0)
      const secret = key({ soulId: soul })
      const { listing } = await subscription(key({ soulId: newSoul('funded subscriber', 1_000_00) }))
      const price = Math.round(Number(listing.price) * 100)
      server.core.services.wallets.deposit(soul, price * 3, 'cli') // the first month and two renewals
      const bought = await call('POST', `/listings/${listing.id}/purchase`, secret)
      expect(bought.status).toBe(201)
      expect(advanceDays(31 + 31)).toMatchObject({ renewed: expect.any(Number) })
      let subs = (await call('GET', '/subscriptions', secret)).body.data
      expect(subs[0]).toMatchObject({ status: 'active', renewals: 2 })
      advanceDays(31)
      subs = (await call('GET', '/subscriptions', secret)).body.data
      expect(subs[0]).toMatchObject({ status: 'lapsed', renewals: 2 })
      expect(subs[0].endReason).toContain(`required ${listing.price} USDT, available 0.00 USDT`)
      expect(await balance(secret)).toBe('0.00')
      const license = await call('GET', `/licenses/${bought.body.data.licenseKey}`, secret)
      expect(license.body.data).toMatchObject({ valid: false, status: 'expired' })
      expect(server.core.services.wallets.ledgerSumCents(soul)).toBe(0)
    } finally {
      server.core.services.marketClock.reset('cli')
    }
  })

  it('renews three times in three months, and a cancelled one not at all (its paid month stays valid)', async () => {
    try {
      const soul = newSoul('rich subscriber', 1_000_00)
      const secret = key({ soulId: soul })
      const { purchase } = await subscription(secret)
      const other = await subscription(key({ soulId: newSoul('cancelling subscriber', 1_000_00) }))
      const canceller = key({ soulId: other.purchase.buyerId })
      const cancelled = await call('POST', `/subscriptions/${other.purchase.subscriptionId}/cancel`, canceller)
      expect(cancelled.body.data).toMatchObject({ status: 'cancelled', endReason: 'cancelled' })
      expect((await call('GET', `/licenses/${other.purchase.licenseKey}`, canceller)).body.data).toMatchObject({ valid: true, status: 'cancelled' })

      for (let month = 0; month < 3; month++) advanceDays(31)
      const subs = (await call('GET', '/subscriptions', secret)).body.data
      expect(subs.find((s: { id: string }) => s.id === purchase.subscriptionId)).toMatchObject({ status: 'active', renewals: 3 })
      expect((await call('GET', '/subscriptions', canceller)).body.data[0]).toMatchObject({ status: 'cancelled', renewals: 0 })
      expect((await call('GET', `/licenses/${other.purchase.licenseKey}`, canceller)).body.data).toMatchObject({ valid: false })
      expect(server.core.services.wallets.ledgerSumCents(soul)).toBe(server.core.services.wallets.balanceCents(soul))
      // someone else's subscription cannot be cancelled
      expectErrorEnvelope(await call('POST', `/subscriptions/${purchase.subscriptionId}/cancel`, canceller), 404, 'NOT_FOUND')
    } finally {
      server.core.services.marketClock.reset('cli')
    }
  })
})

describe('activity', () => {
  it("gives a seller its listing's stats and revenue, and refuses another soul's listing", async () => {
    const sellerSoul = newSoul('stat seller')
    const seller = key({ soulId: sellerSoul })
    const listing = (await call('POST', '/listings', seller, { title: 'Stat Widget', description: 'x', category: 'analytics', price: '7.00', pricing: 'one_time' })).body.data
    for (let i = 0; i < 3; i++) expect((await call('POST', `/listings/${listing.id}/purchase`, key({ soulId: newSoul(`stat buyer ${i}`, 10_00) }))).status).toBe(201)
    const stats = await call('GET', `/activity/listings/${listing.id}/stats?period=7d`, seller)
    expect(stats.body.data).toEqual({ listingId: listing.id, period: '7d', revenue: '21.00', purchases: 3, activeLicenses: 3, averageRating: 0 })
    const revenue = await call('GET', '/activity/revenue?period=30d', seller)
    expect(revenue.body.data).toMatchObject({ sellerId: sellerSoul, revenue: '21.00', sales: 3, listings: [{ listingId: listing.id, title: 'Stat Widget', revenue: '21.00', sales: 3 }] })
    const other = await call('GET', `/activity/listings/${listing.id}/stats`, key({ soulId: BUDGET_BEE }))
    expectErrorEnvelope(other, 403, 'INSUFFICIENT_PERMISSIONS')
    expectErrorEnvelope(await call('GET', `/activity/listings/${listing.id}/stats?period=1y`, seller), 400, 'INVALID_REQUEST')
  })

  it("reports the calling key's API usage per day from the request log", async () => {
    const secret = key()
    for (let i = 0; i < 5; i++) await call('GET', '/listings?limit=1', secret)
    await server.core.services.requestLog.flush()
    const usage = await call('GET', '/activity/usage?period=7d', secret)
    expect(usage.body.data.requests).toBeGreaterThanOrEqual(5)
    expect(usage.body.data.days.at(-1).day).toBe(new Date().toISOString().slice(0, 10))
  })
})

describe('bodies', () => {
  it('takes an empty body sent with content-type: application/json on a route that needs none, and still refuses it where one is needed', async () => {
    const buyer = key({ soulId: newSoul('header-happy client', 10_00) })
    const purchase = await fetch(`${server.apiBaseUrl}/listings/listing_c11066cc4008b19629b2a409/purchase`, {
      method: 'POST',
      headers: { authorization: `Bearer ${buyer}`, 'content-type': 'application/json' },
    })
    expect(purchase.status).toBe(201)
    const create = await getJson(`${server.apiBaseUrl}/listings`, buyer, { method: 'POST', headers: { 'content-type': 'application/json' } })
    expectErrorEnvelope(create, 400, 'INVALID_JSON')
  })
})
