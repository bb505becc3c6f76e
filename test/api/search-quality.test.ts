import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoListings, demoSouls, SEARCH_QUALITY_CASES } from '../../src-main/core/demo/demo-data'
import type { Listing } from '../../src-shared/marketplace'
import { createKey, getJson, startServer, type TestServer } from '../helpers/core'

/**
 * Search through the real API (GET /api/v1/listings/search): the demo data's quality cases rank the
 * expected listing first, filters hold for every result, FTS5's syntax in a query is only text, and an
 * edited or deleted listing is found by what it is now, at once.
 */
let server: TestServer
let reader: string
beforeAll(async () => {
  server = await startServer()
  reader = createKey(server, { name: 'search reader', scopes: ['listings:read'], tierId: 'rpm-300' }).secret
})
afterAll(async () => {
  await server?.close()
})

type Filters = { category?: string; maxPrice?: number; minRating?: number; sort?: string; limit?: number }

async function search(query: string, filters: Filters = {}) {
  const params = new URLSearchParams({ query })
  for (const [name, value] of Object.entries(filters)) if (value !== undefined) params.set(name, String(value))
  return getJson(`${server.apiBaseUrl}/listings/search?${params}`, reader)
}

async function found(query: string, filters: Filters = {}): Promise<Listing[]> {
  const { status, body } = await search(query, filters)
  expect(status, `${query} ${JSON.stringify(filters)}: ${JSON.stringify(body)}`).toBe(200)
  return body.data as Listing[]
}

const titleOf = (id: string) => demoListings.find((listing) => listing.id === id)?.title ?? id
const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []

/** What FTS5 matches, said again in plain code: every query word begins a word of the title, tags, category or description. */
function matchesEveryWord(listing: { title: string; tags: readonly string[]; category: string; description: string }, query: string): boolean {
  const text = words([listing.title, ...listing.tags, listing.category, listing.description].join(' ').normalize('NFD').replace(/\p{M}/gu, ''))
  return words(query).every((term) => text.some((word) => word.startsWith(term)))
}

describe("the demo data's search quality cases", () => {
  it('rank the expected listing first for at least 90% of the cases', async () => {
    const misses: string[] = []
    for (const { query, expectedFirst, filters } of SEARCH_QUALITY_CASES) {
      const asked: Filters = {
        category: filters?.category,
        maxPrice: filters?.maxPriceCents === undefined ? undefined : filters.maxPriceCents / 100,
        minRating: filters?.minRating,
      }
      const results = await found(query, asked)
      if (results[0]?.id !== expectedFirst)
        misses.push(
          `"${query}" ${JSON.stringify(asked)}: expected "${titleOf(expectedFirst)}" first, got ${results.length ? results.slice(0, 3).map((l) => `"${l.title}"`).join(', ') : 'nothing'}` +
            ` (expected at ${results.findIndex((l) => l.id === expectedFirst) + 1 || 'none'})`,
        )
    }
    const hits = SEARCH_QUALITY_CASES.length - misses.length
    console.log(`search quality: ${hits} of ${SEARCH_QUALITY_CASES.length} first${misses.length ? `; misses:\n  ${misses.join('\n  ')}` : ''}`)
    expect(SEARCH_QUALITY_CASES.length).toBeGreaterThanOrEqual(10)
    expect(hits / SEARCH_QUALITY_CASES.length, misses.join('\n')).toBeGreaterThanOrEqual(0.9)
  })
})

describe("the seed's query: web scraping, in automation, at most 50 USDT, rated 4 or better", () => {
  const query = 'web scraping'
  const filters = { category: 'automation', maxPrice: 50, minRating: 4, limit: 100 }
  const expected = demoListings.filter(
    (l) => l.category === 'automation' && l.priceCents <= 50_00 && l.rating >= 4 && matchesEveryWord(l, query),
  )

  it('returns only listings that match every filter and every word, and all of them', async () => {
    const results = await found(query, filters)
    expect(results.length).toBeGreaterThan(1)
    for (const listing of results) {
      expect(listing.category, listing.title).toBe('automation')
      expect(Number(listing.price), listing.title).toBeLessThanOrEqual(50)
      expect(listing.rating, listing.title).toBeGreaterThanOrEqual(4)
      expect(matchesEveryWord(listing, query), listing.title).toBe(true)
    }
    expect(results.map((l) => l.id).sort()).toEqual(expected.map((l) => l.id).sort())
  })

  it('ranks by relevance: the Web Scraping Toolkit first, listings with both words in the title before the rest', async () => {
    const results = await found(query, filters)
    expect(results[0].title).toBe('Web Scraping Toolkit')
    expect(results.map((l) => l.id)).toEqual((await found(query, { ...filters, sort: 'relevance' })).map((l) => l.id))
    const inTitle = results.map((l) => matchesEveryWord({ title: l.title, tags: [], category: '', description: '' }, query))
    expect(inTitle.indexOf(false) === -1 || inTitle.lastIndexOf(true) < inTitle.indexOf(false), results.map((l) => l.title).join(' | ')).toBe(true)
  })

  it('sort=price_asc gives the same listings cheapest first, in another order than relevance', async () => {
    const relevance = await found(query, filters)
    const cheapest = await found(query, { ...filters, sort: 'price_asc' })
    expect(cheapest.map((l) => l.id).sort()).toEqual(relevance.map((l) => l.id).sort())
    const prices = cheapest.map((l) => Number(l.price))
    expect(prices).toEqual([...prices].sort((a, b) => a - b))
    expect(cheapest.map((l) => l.id)).not.toEqual(relevance.map((l) => l.id))
  })
})

describe('FTS5 syntax in a query', () => {
  it.each([
    '"',
    '"web scraping',
    'web"',
    '*',
    'web*',
    '* OR *',
    'NEAR(',
    'NEAR(web scraping)',
    'NEAR(web, 2)',
    '-',
    'web -scraping',
    '-crawler',
    ':',
    'title:web',
    'tags:*',
    '{title tags}: web',
    'web AND',
    'OR',
    'NOT scraping',
    '^web',
    '(',
    ')',
    "'; drop table listings; --",
    '\\',
    '"""',
    'web + scraping',
  ])('is only text in %j: 200 or 400, never a 500', async (query) => {
    const { status, body } = await search(query)
    expect([200, 400], `${query}: ${status} ${JSON.stringify(body)}`).toContain(status)
    if (status === 200) expect(body).toMatchObject({ success: true, data: expect.any(Array) })
    else expect(body).toMatchObject({ success: false, error: { code: expect.any(String) } })
  })

  it('finds by the words around the syntax ("web* -scraping:" finds the Web Scraping Toolkit)', async () => {
    const results = await found('web* -scraping:')
    expect(results.map((l) => l.title)).toContain('Web Scraping Toolkit')
  })
})

describe('an edited or deleted listing', () => {
  const QUILL = demoSouls.find((soul) => soul.name === 'Quill')!.id
  const call = (method: string, path: string, secret: string, body?: unknown) =>
    getJson(`${server.apiBaseUrl}${path}`, secret, {
      method,
      ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    })
  const sellerKey = () => server.core.services.keys.create({ name: 'seller', scopes: ['listings:read', 'listings:write'], tierId: 'rpm-300', soulId: QUILL }, 'cli').secret
  const ids = async (query: string) => (await found(query)).map((l) => l.id)

  it('is found by its new title and not by its old one, at once', async () => {
    const seller = sellerKey()
    const created = await call('POST', '/listings', seller, {
      title: 'Zephyrine Summarizer',
      description: 'Summaries for long threads.',
      category: 'writing',
      price: 3,
      pricing: 'one_time',
    })
    expect(created.status).toBe(201)
    const id = created.body.data.id as string
    expect(await ids('zephyrine')).toEqual([id]) // searched once, so a cached page could go stale

    const patched = await call('PATCH', `/listings/${id}`, seller, { title: 'Marmalade Digest' })
    expect(patched.status).toBe(200)
    expect(patched.body.data.title).toBe('Marmalade Digest')
    expect(await ids('marmalade')).toEqual([id])
    expect(await ids('marmalade digest')).toEqual([id])
    expect(await ids('zephyrine')).toEqual([])
  })

  it('is not found once deleted', async () => {
    const seller = sellerKey()
    const created = await call('POST', '/listings', seller, {
      title: 'Quokkafold Indexer',
      description: 'Indexes things, briefly.',
      category: 'data',
      price: 0,
      pricing: 'one_time',
    })
    expect(created.status).toBe(201)
    const id = created.body.data.id as string
    expect(await ids('quokkafold')).toEqual([id])
    expect((await call('DELETE', `/listings/${id}`, seller)).status).toBe(200)
    expect(await ids('quokkafold')).toEqual([])
    expect(await ids('quokkafold indexer')).toEqual([])
    expect((await call('GET', `/listings/${id}`, reader)).status).toBe(404)
  })
})
