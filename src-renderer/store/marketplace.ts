import type { MethodOutput } from '../../src-shared/contract'
import type { SliceCreator } from './types'

/** What spans the marketplace's lists: reading them all again, and the demo reset. */
export interface MarketplaceSlice {
  /** Reads again every marketplace list a page has loaded, each at its page and filter. */
  refreshMarketplace(): Promise<void>
  /** Puts the demo marketplace back as first seeded, then reads everything again. Throws on failure. */
  resetDemo(): Promise<MethodOutput<'demo.reset'>>
}

export const createMarketplaceSlice: SliceCreator<MarketplaceSlice> = ({ client }) => (_set, get) => ({
  async refreshMarketplace() {
    const state = get()
    await Promise.all([
      state.soulsLoaded && state.loadSouls(),
      state.listings.loaded && state.loadListings(),
      state.purchases.loaded && state.loadPurchases(),
      state.subscriptions.loaded && state.loadSubscriptions(),
      state.loadSoulHistory(),
      state.listingStats && state.loadListingStats(state.listingStats.listingId, state.listingStats.period),
    ])
  },

  async resetDemo() {
    const counts = await client.invoke('demo.reset', {})
    // Keys acting as a soul the demo set lacks went back to the operator's own soul.
    await Promise.all([get().refreshMarketplace(), get().loadKeys()])
    return counts
  },
})

/** API paths whose successful writes change marketplace data: purchases, listings, subscriptions, wallets. */
const MARKETPLACE_PATH = /^\/api\/v1\/(listings|subscriptions|wallet|souls)(\/|\?|$)/

/** A request-log row of an API call that changed the marketplace (a purchase by an agent, a new listing). */
export const changedMarketplace = (row: { method: string; path: string; status: number }): boolean =>
  row.method !== 'GET' && row.method !== 'HEAD' && row.status < 400 && MARKETPLACE_PATH.test(row.path)

/** Audit actions recorded when the marketplace changes from elsewhere (the CLI, another admin tab). */
export const MARKETPLACE_AUDIT_ACTION = /^(wallet|listing|demo|clock)\./
