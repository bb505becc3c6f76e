import { randomBytes } from 'node:crypto'
import { expect } from 'vitest'
import type { MethodOutput } from '../../../src-shared/contract'
import { createKey, type TestServer } from '../../helpers/core'
import type { CasesOf, InvalidOf } from './case'

// The analytics.* methods' cases.
export const analyticsCases = (server: () => TestServer): CasesOf<'analytics'> => {
  let sellerId = ''
  return {
    'analytics.usage': {
      input: async () => {
        const { key, secret } = createKey(server(), { name: 'analytics case' })
        // Two answered calls and one 404 (an unknown listing), as this fresh key: the key's usage is exactly these.
        for (const path of ['/me', '/me', '/listings/listing_doesnotexist']) {
          const response = await fetch(`${server().apiBaseUrl}${path}`, { headers: { authorization: `Bearer ${secret}` } })
          await response.arrayBuffer()
        }
        return { range: '1h' as const, keyId: key.id }
      },
      check: (output: MethodOutput<'analytics.usage'>, input) => {
        expect(output).toMatchObject({ range: '1h', keyId: input.keyId, bucketSeconds: 60, keysWithTraffic: 1 })
        expect(output.totals).toMatchObject({ requests: 3, errors: 1, limited: 0, statusMix: { '2xx': 2, '3xx': 0, '4xx': 1, '429': 0, '5xx': 0 } })
        expect(output.buckets).toHaveLength(60)
        expect(output.buckets.reduce((sum, bucket) => sum + bucket.requests, 0)).toBe(3)
        expect(Date.parse(output.until) - Date.parse(output.since)).toBe(3_600_000)
        expect(output.topKeys).toEqual([expect.objectContaining({ keyId: input.keyId, name: 'analytics case', requests: 3, errors: 1 })])
        expect(output.topKeys[0].series.reduce((sum, bucket) => sum + bucket.requests, 0)).toBe(3)
        const { p50Ms, p95Ms, p99Ms, maxMs } = output.totals.latency
        expect(p50Ms).not.toBeNull()
        expect(p50Ms!).toBeLessThanOrEqual(p95Ms!)
        expect(p95Ms!).toBeLessThanOrEqual(p99Ms!)
        expect(p99Ms!).toBeLessThanOrEqual(maxMs!)
      },
    },
    'analytics.revenue': {
      input: () => {
        // A seller of this case's own, whose one sale (400.00) puts it among the top sellers of the hour.
        const { store, listings, purchases, wallets } = server().core.services
        const soul = (name: string) => {
          const id = `soul_${randomBytes(12).toString('hex')}`
          store.run(store.db.insertInto('souls').values({ id, name, kind: 'agent', bio: '', capabilities: '[]', balance_cents: 0, created_at: Date.now() }))
          return id
        }
        sellerId = soul('Analytics seller')
        const buyer = soul('Analytics buyer')
        wallets.deposit(buyer, 400_00, 'cli')
        const listing = listings.create(
          sellerId,
          { title: `Analytics fixture ${randomBytes(4).toString('hex')}`, description: 'Made by the contract test.', category: 'writing', priceCents: 400_00, pricing: 'one_time', tags: [] },
          'cli',
          server().origin,
        )
        purchases.purchase(listing.id, { soulId: buyer, key: null })
        return { range: '1h' as const }
      },
      check: (output: MethodOutput<'analytics.revenue'>) => {
        expect(output).toMatchObject({ range: '1h', currency: 'USDT', bucketSeconds: 60 })
        expect(output.buckets).toHaveLength(60)
        const seller = output.sellers.find((s) => s.sellerId === sellerId)
        expect(seller).toMatchObject({ name: 'Analytics seller', revenue: '400.00', sales: 1 })
        expect(seller!.series.filter((cents) => cents !== '0.00')).toEqual(['400.00'])
        // The buckets add up to the total, which agrees with the ledger itself over the same span.
        const cents = (money: string) => Math.round(Number(money) * 100)
        expect(output.buckets.reduce((sum, bucket) => sum + cents(bucket.revenue), 0)).toBe(cents(output.revenue))
        const ledger = server()
          .core.services.store.sqlite.prepare(`select coalesce(sum(amount_cents), 0) from ledger where kind in ('sale', 'renewal_sale') and at >= ? and at <= ?`)
          .pluck()
          .get(Date.parse(output.since), Date.parse(output.at))
        expect(cents(output.revenue)).toBe(ledger)
      },
    },
  }
}

export const analyticsInvalid: InvalidOf<'analytics'> = {
  'analytics.usage': [{ range: '7d' }, { range: 24 }, { range: '1h', keyId: '' }, { range: '1h', keyId: 42 }, { keyId: 'x'.repeat(65) }],
  'analytics.revenue': [{ range: '90d' }, { range: null }, { range: '30d', sellerId: 'soul_x' }],
}
