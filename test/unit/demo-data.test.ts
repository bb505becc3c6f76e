import Database from 'better-sqlite3'
import { describe, expect, it, vi } from 'vitest'
import { DEMO_CATEGORIES, DEMO_EPOCH, SEARCH_QUALITY_CASES, demoActivity, demoListings, demoSouls, type DemoListing } from '../../src-main/core/demo/demo-data'
import { listingThumbnailSvg } from '../../src-main/core/demo/thumbnail'

const soulIds = new Set(demoSouls.map((s) => s.id))
const isScraper = (l: DemoListing) => /scrap|crawler/i.test(l.title) || l.tags.some((t) => t === 'web-scraping' || t === 'scraping')

/** The search as the API runs it: FTS5 with bm25 weights title 10, tags 5, category 2, description 1; every term a required prefix. */
function searchIndex() {
  const db = new Database(':memory:')
  db.exec(`create table listings (id text primary key, category text, price_cents integer, rating real, review_count integer)`)
  db.exec(`create virtual table listings_fts using fts5(title, tags, category, description, tokenize = 'unicode61 remove_diacritics 2')`)
  const insertListing = db.prepare('insert into listings (rowid, id, category, price_cents, rating, review_count) values (?, ?, ?, ?, ?, ?)')
  const insertFts = db.prepare('insert into listings_fts (rowid, title, tags, category, description) values (?, ?, ?, ?, ?)')
  demoListings.forEach((l, i) => {
    insertListing.run(i + 1, l.id, l.category, l.priceCents, l.rating, l.reviewCount)
    insertFts.run(i + 1, l.title, l.tags.join(' '), l.category, l.description)
  })
  const search = (query: string, filters: { category?: string; maxPriceCents?: number; minRating?: number } = {}): string[] => {
    const match = query
      .split(/\s+/)
      .filter(Boolean)
      .map((term) => `"${term.replaceAll('"', '""')}"*`)
      .join(' ')
    const rows = db
      .prepare(
        `select l.id from listings_fts f join listings l on l.rowid = f.rowid
         where listings_fts match ? and (? is null or l.category = ?) and (? is null or l.price_cents <= ?) and (? is null or l.rating >= ?)
         order by bm25(listings_fts, 10.0, 5.0, 2.0, 1.0), l.rating desc, l.review_count desc`,
      )
      .all(match, filters.category ?? null, filters.category ?? null, filters.maxPriceCents ?? null, filters.maxPriceCents ?? null, filters.minRating ?? null, filters.minRating ?? null) as Array<{ id: string }>
    return rows.map((r) => r.id)
  }
  return { search, close: () => db.close() }
}

describe('demo souls', () => {
  it('has 30–36 souls with unique soul_ ids, none of them the operator', () => {
    expect(demoSouls.length).toBeGreaterThanOrEqual(30)
    expect(demoSouls.length).toBeLessThanOrEqual(36)
    expect(soulIds.size).toBe(demoSouls.length)
    for (const soul of demoSouls) expect(soul.id).toMatch(/^soul_[0-9a-f]{24}$/)
    expect(soulIds.has('soul_operator')).toBe(false)
  })

  it('mixes agents and creators, each with a bio and capabilities', () => {
    expect(demoSouls.filter((s) => s.kind === 'agent').length).toBeGreaterThanOrEqual(10)
    expect(demoSouls.filter((s) => s.kind === 'creator').length).toBeGreaterThanOrEqual(10)
    for (const soul of demoSouls) {
      expect(soul.bio.length).toBeGreaterThan(30)
      expect(soul.capabilities.length).toBeGreaterThan(0)
      for (const capability of soul.capabilities) expect(capability).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/)
    }
  })

  it('holds balances in whole cents, including an agent with exactly 10.50 USDT', () => {
    for (const soul of demoSouls) {
      expect(Number.isInteger(soul.balanceCents)).toBe(true)
      expect(soul.balanceCents).toBeGreaterThanOrEqual(0)
      expect(soul.balanceCents).toBeLessThanOrEqual(1_000_000)
    }
    expect(demoSouls.some((s) => s.kind === 'agent' && s.balanceCents === 1050)).toBe(true)
  })
})

describe('demo listings', () => {
  it('has exactly 150 listings with unique listing_ ids and unique titles', () => {
    expect(demoListings).toHaveLength(150)
    expect(new Set(demoListings.map((l) => l.id)).size).toBe(150)
    expect(new Set(demoListings.map((l) => l.title)).size).toBe(150)
    for (const listing of demoListings) expect(listing.id).toMatch(/^listing_[0-9a-f]{24}$/)
  })

  it('uses every one of the 10–12 categories', () => {
    expect(DEMO_CATEGORIES.length).toBeGreaterThanOrEqual(10)
    expect(DEMO_CATEGORIES.length).toBeLessThanOrEqual(12)
    expect(new Set(demoListings.map((l) => l.category))).toEqual(new Set(DEMO_CATEGORIES))
  })

  it('is sold by demo souls only', () => {
    for (const listing of demoListings) expect(soulIds.has(listing.sellerId)).toBe(true)
  })

  it('prices in whole cents from free to a few hundred USDT, with at least 8 over 100 USDT', () => {
    for (const listing of demoListings) {
      expect(Number.isInteger(listing.priceCents)).toBe(true)
      expect(listing.priceCents).toBeGreaterThanOrEqual(0)
      expect(listing.priceCents).toBeLessThanOrEqual(50_000)
    }
    expect(demoListings.some((l) => l.priceCents === 0)).toBe(true)
    expect(demoListings.filter((l) => l.priceCents > 10_000).length).toBeGreaterThanOrEqual(8)
  })

  it('sells about a third by subscription', () => {
    const subscriptions = demoListings.filter((l) => l.pricing === 'subscription').length
    expect(subscriptions).toBeGreaterThanOrEqual(40)
    expect(subscriptions).toBeLessThanOrEqual(60)
  })

  it('rates 3.0–5.0 with one decimal, and 0 exactly when nobody has reviewed', () => {
    for (const listing of demoListings) {
      expect(Number.isInteger(listing.reviewCount)).toBe(true)
      expect(listing.reviewCount).toBeGreaterThanOrEqual(0)
      expect(listing.reviewCount).toBeLessThanOrEqual(2000)
      if (listing.reviewCount === 0) {
        expect(listing.rating).toBe(0)
      } else {
        expect(listing.rating).toBeGreaterThanOrEqual(3)
        expect(listing.rating).toBeLessThanOrEqual(5)
        expect(Math.round(listing.rating * 10) / 10).toBe(listing.rating)
      }
    }
  })

  it('features 12–15 listings, at least 3 of them in productivity', () => {
    const featured = demoListings.filter((l) => l.featured)
    expect(featured.length).toBeGreaterThanOrEqual(12)
    expect(featured.length).toBeLessThanOrEqual(15)
    expect(featured.filter((l) => l.category === 'productivity').length).toBeGreaterThanOrEqual(3)
  })

  it('tags each listing with 3–6 lowercase tags and describes it in a sentence or three', () => {
    for (const listing of demoListings) {
      expect(listing.tags.length).toBeGreaterThanOrEqual(3)
      expect(listing.tags.length).toBeLessThanOrEqual(6)
      for (const tag of listing.tags) expect(tag).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/)
      expect(listing.description.length).toBeGreaterThan(40)
      expect(listing.description.length).toBeLessThan(300)
    }
  })

  it('dates every listing after its seller joined and no later than the epoch', () => {
    const joined = new Map(demoSouls.map((s) => [s.id, s.createdAt]))
    for (const listing of demoListings) {
      expect(listing.createdAt).toBeLessThanOrEqual(DEMO_EPOCH)
      expect(listing.createdAt).toBeGreaterThan(joined.get(listing.sellerId)!)
    }
    for (const soul of demoSouls) expect(soul.createdAt).toBeLessThanOrEqual(DEMO_EPOCH)
  })
})

describe('demo activity', () => {
  it('records a listing.created for every listing, on its seller at its creation time', () => {
    for (const listing of demoListings) {
      const created = demoActivity.filter((a) => a.kind === 'listing.created' && a.listingId === listing.id)
      expect(created).toEqual([expect.objectContaining({ soulId: listing.sellerId, at: listing.createdAt })])
    }
  })

  it('has a few hundred entries of every kind, spread over the souls, none after the epoch', () => {
    expect(demoActivity.length).toBeGreaterThanOrEqual(300)
    expect(demoActivity.length).toBeLessThanOrEqual(600)
    expect(new Set(demoActivity.map((a) => a.kind))).toEqual(new Set(['listing.created', 'listing.updated', 'review.posted', 'profile.updated', 'capability.added']))
    expect(new Set(demoActivity.map((a) => a.soulId))).toEqual(soulIds)
    const listingIds = new Set(demoListings.map((l) => l.id))
    for (const item of demoActivity) {
      expect(item.at).toBeLessThanOrEqual(DEMO_EPOCH)
      if (item.listingId !== undefined) expect(listingIds.has(item.listingId)).toBe(true)
    }
  })

  it('never has a soul review its own listing', () => {
    const sellerOf = new Map(demoListings.map((l) => [l.id, l.sellerId]))
    for (const review of demoActivity.filter((a) => a.kind === 'review.posted')) expect(sellerOf.get(review.listingId!)).not.toBe(review.soulId)
  })
})

describe('determinism', () => {
  it('gives deep-equal data when the module is evaluated again', async () => {
    vi.resetModules()
    const again = await import('../../src-main/core/demo/demo-data')
    expect(again.demoSouls).not.toBe(demoSouls)
    expect(again.demoSouls).toEqual(demoSouls)
    expect(again.demoListings).toEqual(demoListings)
    expect(again.demoActivity).toEqual(demoActivity)
    expect(again.SEARCH_QUALITY_CASES).toEqual(SEARCH_QUALITY_CASES)
  })
})

describe('search over the demo data', () => {
  it("finds several genuine scrapers for the seed's query (web scraping, automation, ≤ 50 USDT, ≥ 4.0), and filters out others", () => {
    const index = searchIndex()
    try {
      const byId = new Map(demoListings.map((l) => [l.id, l]))
      const all = index.search('web scraping').map((id) => byId.get(id)!)
      const filtered = index.search('web scraping', { category: 'automation', maxPriceCents: 5000, minRating: 4.0 }).map((id) => byId.get(id)!)
      expect(filtered.length).toBeGreaterThanOrEqual(3)
      for (const listing of filtered) expect(isScraper(listing)).toBe(true)
      const filteredOut = all.filter((l) => !filtered.includes(l))
      expect(filteredOut.some((l) => l.category !== 'automation')).toBe(true)
      expect(filteredOut.some((l) => l.priceCents > 5000)).toBe(true)
      expect(filteredOut.some((l) => l.rating < 4.0)).toBe(true)
    } finally {
      index.close()
    }
  })

  it('ranks the expected listing first for all but at most one of the search-quality cases', () => {
    expect(SEARCH_QUALITY_CASES.length).toBeGreaterThanOrEqual(12)
    const index = searchIndex()
    const titleOf = new Map(demoListings.map((l) => [l.id, l.title]))
    try {
      const misses = SEARCH_QUALITY_CASES.flatMap((c) => {
        const ranked = index.search(c.query, c.filters)
        return ranked[0] === c.expectedFirst ? [] : [`"${c.query}": expected ${titleOf.get(c.expectedFirst)}, got ${ranked.slice(0, 3).map((id) => titleOf.get(id)).join(' | ') || 'nothing'}`]
      })
      if (misses.length > 0) console.log(`search-quality misses:\n${misses.join('\n')}`)
      expect(misses.length).toBeLessThanOrEqual(1)
    } finally {
      index.close()
    }
  })
})

describe('listingThumbnailSvg', () => {
  const listing = demoListings[0]

  it('is a self-contained SVG with a namespace and a viewBox', () => {
    const svg = listingThumbnailSvg(listing)
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"')
    expect(svg).toMatch(/viewBox="0 0 \d+ \d+"/)
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true)
  })

  it('is the same for the same listing and differs between listings', () => {
    expect(listingThumbnailSvg(listing)).toBe(listingThumbnailSvg({ ...listing }))
    const distinct = new Set(demoListings.map((l) => listingThumbnailSvg(l)))
    expect(distinct.size).toBe(demoListings.length)
  })

  it('escapes XML special characters in the title', () => {
    const svg = listingThumbnailSvg({ id: 'listing_000000000000000000000000', title: '<b>Tom & "Jerry"</b> \'s', category: 'design' })
    expect(svg).not.toContain('<b>')
    expect(svg).not.toContain('Tom & ')
    expect(svg).toContain('&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;')
    expect(svg.match(/</g)!.length).toBe(svg.match(/<\/?[a-zA-Z]/g)!.length)
  })

  it('loads nothing and runs nothing', () => {
    for (const l of demoListings) {
      const svg = listingThumbnailSvg(l)
      expect(svg).not.toMatch(/<script/i)
      expect(svg).not.toMatch(/href=/i)
      expect(svg).not.toMatch(/url\(\s*['"]?(https?:|data:|\/\/)/i)
      expect(svg).not.toMatch(/@import|<foreignObject|\son[a-z]+=/i)
    }
  })

  it('handles a category it has no colour for', () => {
    const svg = listingThumbnailSvg({ id: 'listing_abc', title: 'Something New', category: 'gardening' })
    expect(svg.startsWith('<svg')).toBe(true)
  })
})
