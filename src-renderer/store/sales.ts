import type { Purchase, Subscription } from '../../src-shared/marketplace'
import { createNumberedList, emptyNumberedList, type NumberedList } from './numbered-list'
import type { SliceCreator } from './types'

export const SALES_PAGE_SIZE = 50

/** Purchases and subscriptions, newest first, across every soul (the filter is unused for now). */
export interface SalesSlice {
  purchases: NumberedList<Purchase, null>
  subscriptions: NumberedList<Subscription, null>
  loadPurchases(): Promise<void>
  setPurchasesPage(page: number): void
  loadSubscriptions(): Promise<void>
  setSubscriptionsPage(page: number): void
  /** Ends renewals; the paid period stays usable. Throws on failure. */
  cancelSubscription(id: string): Promise<Subscription>
}

export const createSalesSlice: SliceCreator<SalesSlice> = ({ client }) => (set, get) => {
  const reportError = (error: unknown, title: string) => get().reportError(error, title)
  const purchases = createNumberedList<Purchase, null>(
    { fetchPage: (_filter, page, limit) => client.invoke('purchases.list', { page, limit }), failure: 'Could not load the purchases' },
    { read: () => get().purchases, write: (change) => set({ purchases: { ...get().purchases, ...change } }), reportError },
  )
  const subscriptions = createNumberedList<Subscription, null>(
    { fetchPage: (_filter, page, limit) => client.invoke('subscriptions.list', { page, limit }), failure: 'Could not load the subscriptions' },
    { read: () => get().subscriptions, write: (change) => set({ subscriptions: { ...get().subscriptions, ...change } }), reportError },
  )

  return {
    purchases: emptyNumberedList(null, SALES_PAGE_SIZE),
    subscriptions: emptyNumberedList(null, SALES_PAGE_SIZE),
    loadPurchases: purchases.load,
    setPurchasesPage: purchases.setPage,
    loadSubscriptions: subscriptions.load,
    setSubscriptionsPage: subscriptions.setPage,

    async cancelSubscription(id) {
      const cancelled = await client.invoke('subscriptions.cancel', { id })
      const list = get().subscriptions
      set({ subscriptions: { ...list, rows: list.rows.map((subscription) => (subscription.id === id ? cancelled : subscription)) } })
      // The buyer's activity gains a line; nothing else moves (no money changes hands on a cancel).
      if (get().soulActivity.filter === cancelled.buyerId) void get().loadSoulHistory()
      return cancelled
    },
  }
}
