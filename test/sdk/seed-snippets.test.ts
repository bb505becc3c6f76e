/* eslint-disable @typescript-eslint/ban-ts-comment, @typescript-eslint/no-unused-vars */
// @ts-nocheck -- the seed's snippets are JavaScript and stay verbatim: strict TypeScript refuses `error.code` in
// `catch (error)` (unknown) and `price <= spendingLimit` (a decimal string and a number). The typed equivalents are
// in client.test.ts; the harness around the snippets is typed in helpers.ts.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { startServer } from '../helpers/core'
import { captureConsole, DEMO, importSdk, marketKey } from './helpers'

/**
 * The four integration patterns of seed 000, copied from the document and run against the local server.
 * Around each: only `baseUrl` added to the constructor, the variables the snippet assumes (`client`,
 * `spendingLimit`, `renderListings`) defined, and the seed's placeholder id 'listing_xyz' replaced by a
 * demo listing the pattern can act on. The marketplace is reset to the demo set before each test.
 */

let server
let Clawget
let oneRequestPerMinute

beforeAll(async () => {
  ;({ Clawget } = await importSdk())
  server = await startServer()
  oneRequestPerMinute = server.core.services.tiers.create({ name: 'one', limit: 1, windowSeconds: 60 }, 'cli').id
})
afterAll(async () => {
  await server?.close()
})
beforeEach(() => {
  server.core.services.demo.reset('cli')
})
afterEach(() => {
  vi.unstubAllEnvs()
})

/** The seed's constructor, with the local server's base URL; the key comes from CLAWGET_API_KEY as in the seed. */
function clientWithKey(secret) {
  vi.stubEnv('CLAWGET_API_KEY', secret)
  const client = new Clawget({
    apiKey: process.env.CLAWGET_API_KEY,
    baseUrl: server.apiBaseUrl
  });
  return client
}

describe("the seed's integration patterns, verbatim", () => {
  it('Autonomous Agent Purchasing: finds the Web Scraping Toolkit first, buys it within the spending limit, and logs its lic_ key', async () => {
    const client = clientWithKey(marketKey(server))
    const spendingLimit = 50
    const before = await client.wallet.get()
    const log = captureConsole('log')
    try {
      // Search marketplace
      const results = await client.listings.search({
        query: 'web scraping',
        category: 'automation',
        maxPrice: 50,
        minRating: 4.0
      });
      // Evaluate and purchase
      const targetListing = results.data[0];
      if (targetListing.price <= spendingLimit) {
        const purchase = await client.listings.purchase(
          targetListing.id
        );
        console.log(`Purchased: ${purchase.licenseKey}`);
      }

      expect(targetListing).toMatchObject({ id: DEMO.webScrapingToolkit, title: 'Web Scraping Toolkit', price: '29.00', category: 'automation' })
    } finally {
      log.restore()
    }
    expect(log.lines).toHaveLength(1)
    expect(log.lines[0]).toMatch(/^Purchased: lic_[A-Za-z0-9]+$/)
    expect(before.balance).toBe('500.00')
    expect((await client.wallet.get()).balance).toBe('471.00')
    const license = await client.licenses.validate(log.lines[0].slice('Purchased: '.length))
    expect(license).toMatchObject({ valid: true, status: 'active', listingId: DEMO.webScrapingToolkit, buyerId: DEMO.operator })
  })

  it('Autonomous Agent Purchasing: buys nothing when the listing costs more than the spending limit', async () => {
    const client = clientWithKey(marketKey(server))
    const spendingLimit = 20
    const log = captureConsole('log')
    try {
      // Search marketplace
      const results = await client.listings.search({
        query: 'web scraping',
        category: 'automation',
        maxPrice: 50,
        minRating: 4.0
      });
      // Evaluate and purchase
      const targetListing = results.data[0];
      if (targetListing.price <= spendingLimit) {
        const purchase = await client.listings.purchase(
          targetListing.id
        );
        console.log(`Purchased: ${purchase.licenseKey}`);
      }
    } finally {
      log.restore()
    }
    expect(log.lines).toEqual([])
    expect((await client.wallet.get()).balance).toBe('500.00')
  })

  it("Creator Analytics: ScoutBot sees the toolkit's revenue, purchases, active licenses and rating after a sale", async () => {
    const buyer = new Clawget({ apiKey: marketKey(server), baseUrl: server.apiBaseUrl })
    await buyer.listings.purchase(DEMO.webScrapingToolkit)
    const client = clientWithKey(marketKey(server, { soulId: DEMO.scoutBot, scopes: ['activity:read'] }))
    const log = captureConsole('log')
    try {
      // Fetch listing performance metrics
      const stats = await client.activity.listingStats({
        listingId: 'listing_93a3b3fed439f789faa91ab3',
        period: '30d'
      });
      console.log(`Revenue: ${stats.revenue} USDT`);
      console.log(`Purchases: ${stats.purchases}`);
      console.log(`Active licenses: ${stats.activeLicenses}`);
      console.log(`Avg rating: ${stats.averageRating}`);
    } finally {
      log.restore()
    }
    expect(log.lines).toEqual(['Revenue: 29.00 USDT', 'Purchases: 1', 'Active licenses: 1', 'Avg rating: 4.7'])
  })

  it('Marketplace Embedding: renders at most 6 featured productivity listings as cards whose thumbnails are SVG images', async () => {
    const client = clientWithKey(marketKey(server))
    let rendered
    const renderListings = (cards) => {
      rendered = cards
    }

    // Fetch featured listings for display
    const featured = await client.listings.list({
      featured: true,
      limit: 6,
      category: 'productivity'
    });
    // Process for UI rendering
    const listingCards = featured.data.map(listing => ({
      id: listing.id,
      title: listing.title,
      price: listing.price,
      rating: listing.rating,
      thumbnail: listing.thumbnailUrl
    }));
    // Render in application UI
    renderListings(listingCards);

    expect(rendered.length).toBeGreaterThan(0)
    expect(rendered.length).toBeLessThanOrEqual(6)
    expect(rendered.map((card) => card.id)).toContain(DEMO.featuredProductivity)
    for (const card of rendered) {
      expect(Object.keys(card)).toEqual(['id', 'title', 'price', 'rating', 'thumbnail'])
      expect(card).toMatchObject({ id: expect.stringMatching(/^listing_/), title: expect.any(String), price: expect.stringMatching(/^\d+\.\d\d$/), rating: expect.any(Number) })
      expect(await client.listings.get(card.id)).toMatchObject({ category: 'productivity', featured: true })
    }
    const thumbnail = await fetch(rendered[0].thumbnail)
    expect(thumbnail.status).toBe(200)
    expect(thumbnail.headers.get('content-type')).toMatch(/^image\/svg\+xml/)
    expect(await thumbnail.text()).toMatch(/^<svg[\s>]/)
  })

  describe('SDK Error Handling: each branch of the try/catch', () => {
    /** The seed's snippet, with the Academic Paper Crawler (25.00) for its placeholder. */
    async function buyWithErrorHandling(client) {
      try {
        const purchase = await client.listings.purchase('listing_125fa408090f6203fa094da7');
      } catch (error) {
        if (error.code === 'INSUFFICIENT_BALANCE') {
          console.error('Insufficient wallet balance');
          // Handle deposit requirement
        } else if (error.code === 'SPENDING_LIMIT_EXCEEDED') {
          console.error('Purchase exceeds configured limits');
          // Request approval or wait
        } else if (error.code === 'RATE_LIMIT_EXCEEDED') {
          const resetTime = new Date(error.details.resetAt);
          console.error(`Rate limit exceeded. Reset at ${resetTime}`);
          // Implement backoff strategy
        } else {
          console.error(`Unexpected error: ${error.message}`);
          throw error;
        }
      }
    }

    async function run(client) {
      const errors = captureConsole('error')
      try {
        await buyWithErrorHandling(client)
      } finally {
        errors.restore()
      }
      return errors.lines
    }

    it('INSUFFICIENT_BALANCE: Budget Bee (10.50 USDT) cannot pay 25.00, and the details say so as in the seed', async () => {
      const client = clientWithKey(marketKey(server, { soulId: DEMO.budgetBee }))
      expect(await run(client)).toEqual(['Insufficient wallet balance'])
      await expect(client.listings.purchase(DEMO.paperCrawler)).rejects.toMatchObject({
        code: 'INSUFFICIENT_BALANCE',
        status: 400,
        details: { required: '25.00 USDT', available: '10.50 USDT' },
      })
      expect((await client.wallet.get()).balance).toBe('10.50')
    })

    it('SPENDING_LIMIT_EXCEEDED: a key limited to 20.00 per purchase cannot buy a 25.00 listing', async () => {
      const client = clientWithKey(marketKey(server, { perPurchase: '20.00' }))
      expect(await run(client)).toEqual(['Purchase exceeds configured limits'])
      expect((await client.wallet.get()).balance).toBe('500.00')
    })

    it('RATE_LIMIT_EXCEEDED: a key of one request per minute, after its one request, reads resetAt as a date', async () => {
      const client = clientWithKey(marketKey(server, { tierId: oneRequestPerMinute }))
      await client.me()
      const startedAt = Date.now()
      const lines = await run(client)
      expect(lines).toHaveLength(1)
      const [, resetTime] = /^Rate limit exceeded\. Reset at (.+)$/.exec(lines[0]) ?? []
      expect(resetTime).toBeDefined()
      expect(resetTime).not.toBe('Invalid Date')
      const resetAt = Date.parse(resetTime)
      expect(resetAt).toBeGreaterThan(startedAt - 1_000)
      expect(resetAt).toBeLessThanOrEqual(startedAt + 61_000)
    })

    it('any other error takes the last branch, which logs it and throws it on', async () => {
      const client = clientWithKey('clw_notakey')
      const errors = captureConsole('error')
      try {
        await expect(buyWithErrorHandling(client)).rejects.toMatchObject({ name: 'ClawgetError', code: 'INVALID_API_KEY', status: 401 })
      } finally {
        errors.restore()
      }
      expect(errors.lines).toHaveLength(1)
      expect(errors.lines[0]).toMatch(/^Unexpected error: .+/)
    })
  })
})
