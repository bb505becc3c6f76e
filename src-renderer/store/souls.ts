import type { ActivityItem, LedgerEntry, SoulWithWallet, Wallet } from '../../src-shared/marketplace'
import { createNumberedList, emptyNumberedList, type NumberedList, type NumberedListActions } from './numbered-list'
import type { AdminState, SliceCreator } from './types'

export const SOUL_HISTORY_PAGE_SIZE = 20

/** The soul whose activity and ledger are shown, or null. */
export type SoulDetailFilter = string | null

export interface SoulsSlice {
  souls: SoulWithWallet[]
  soulsLoaded: boolean
  soulActivity: NumberedList<ActivityItem, SoulDetailFilter>
  soulLedger: NumberedList<LedgerEntry, SoulDetailFilter>
  loadSouls(): Promise<void>
  /** Adds `amount` (USDT, "50.00") to the soul's wallet. Throws on failure. */
  deposit(soulId: string, amount: string): Promise<Wallet>
  /** Shows one soul's activity and ledger from their first pages (null: none). */
  openSoul(soulId: SoulDetailFilter): void
  loadSoulHistory(): Promise<void>
  setSoulActivityPage(page: number): void
  setSoulLedgerPage(page: number): void
}

type HistoryKey = 'soulActivity' | 'soulLedger'

export const createSoulsSlice: SliceCreator<SoulsSlice> = ({ client }) => (set, get) => {
  const access = <K extends HistoryKey>(key: K) => ({
    read: () => get()[key],
    write: (change: Partial<AdminState[K]>) => set({ [key]: { ...get()[key], ...change } } as Pick<AdminState, K>),
    reportError: (error: unknown, title: string) => get().reportError(error, title),
  })
  const none = { data: [], meta: { page: 1, limit: SOUL_HISTORY_PAGE_SIZE, total: 0 } }
  const activity: NumberedListActions<SoulDetailFilter> = createNumberedList<ActivityItem, SoulDetailFilter>(
    {
      fetchPage: async (soulId, page, limit) => (soulId ? client.invoke('souls.activity', { id: soulId, page, limit }) : none),
      failure: 'Could not load the soul’s activity',
    },
    access('soulActivity'),
  )
  const ledger: NumberedListActions<SoulDetailFilter> = createNumberedList<LedgerEntry, SoulDetailFilter>(
    {
      fetchPage: async (soulId, page, limit) => (soulId ? client.invoke('wallet.ledger', { soulId, page, limit }) : none),
      failure: 'Could not load the soul’s ledger',
    },
    access('soulLedger'),
  )

  return {
    souls: [],
    soulsLoaded: false,
    soulActivity: emptyNumberedList(null, SOUL_HISTORY_PAGE_SIZE),
    soulLedger: emptyNumberedList(null, SOUL_HISTORY_PAGE_SIZE),

    async loadSouls() {
      try {
        set({ souls: await client.invoke('souls.list', {}), soulsLoaded: true })
      } catch (error) {
        get().reportError(error, 'Could not load the souls')
      }
    },

    async deposit(soulId, amount) {
      const wallet = await client.invoke('wallet.deposit', { soulId, amount })
      set({ souls: get().souls.map((soul) => (soul.id === soulId ? { ...soul, balance: wallet.balance } : soul)) })
      if (get().soulLedger.filter === soulId) void get().loadSoulHistory()
      return wallet
    },

    openSoul(soulId) {
      activity.setFilter(soulId, { clear: true })
      ledger.setFilter(soulId, { clear: true })
    },

    async loadSoulHistory() {
      if (!get().soulLedger.filter) return
      await Promise.all([activity.load(), ledger.load()])
    },

    setSoulActivityPage: activity.setPage,
    setSoulLedgerPage: ledger.setPage,
  }
}
