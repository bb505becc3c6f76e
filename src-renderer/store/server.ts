import type { ServerStatus } from '../../src-shared/dto'
import { changedMarketplace, MARKETPLACE_AUDIT_ACTION } from './marketplace'
import type { SliceCreator } from './types'

const STATUS_REFRESH_MS = 5_000

export interface ServerSlice {
  serverStatus: ServerStatus | null
  /** `quiet`: a background refresh, which says nothing when it fails (the next one will try again). */
  loadServerStatus(options?: { quiet?: boolean }): Promise<void>
  /**
   * Loads what every page shows and follows the live events. Changes made elsewhere (the CLI,
   * another admin tab) arrive as audit entries, so those refresh the keys, tiers and marketplace;
   * an agent's purchase through the API arrives as a request-log row, and refreshes the marketplace.
   * Returns the function that stops following.
   */
  startSession(): () => void
}

export const createServerSlice: SliceCreator<ServerSlice> = ({ client }) => (set, get) => ({
  serverStatus: null,

  async loadServerStatus(options) {
    try {
      set({ serverStatus: await client.invoke('server.status', {}) })
    } catch (error) {
      if (!options?.quiet) get().reportError(error, 'Could not read the server status')
    }
  },

  startSession() {
    void get().loadServerStatus()
    void get().loadTiers()
    void get().loadKeys()
    // The keys table names the soul each key acts as; the header shows the simulation clock.
    void get().loadSouls()
    void get().loadClock()

    let refreshTimer: ReturnType<typeof setTimeout> | null = null
    const refreshKeysAndTiers = () => {
      refreshTimer ??= setTimeout(() => {
        refreshTimer = null
        void get().loadKeys()
        void get().loadTiers()
      }, 250)
    }
    let marketplaceTimer: ReturnType<typeof setTimeout> | null = null
    const refreshMarketplace = () => {
      marketplaceTimer ??= setTimeout(() => {
        marketplaceTimer = null
        void get().refreshMarketplace()
      }, 250)
    }

    const stopRequests = client.on('requests.new', (rows) => {
      get().receiveRequests(rows)
      if (rows.some(changedMarketplace)) refreshMarketplace()
    })
    const stopAudit = client.on('audit.new', (entries) => {
      get().receiveAudit(entries)
      // A demo reset moves keys whose soul is gone back to the operator's own.
      if (entries.some((entry) => /^(key|tier|demo)\./.test(entry.action))) refreshKeysAndTiers()
      if (entries.some((entry) => MARKETPLACE_AUDIT_ACTION.test(entry.action))) refreshMarketplace()
      if (entries.some((entry) => entry.action.startsWith('clock.'))) void get().loadClock({ quiet: true })
      // Settings changed elsewhere (the CLI, another tab): the settings page follows once it has loaded them.
      if (get().settingsLoaded && entries.some((entry) => entry.action === 'settings.changed')) void get().loadSettings()
    })
    // Events sent while the stream was down are gone: read the lists again.
    const stopReconnect = client.onReconnect(() => {
      refreshKeysAndTiers()
      if (get().requestLog.loaded) void get().loadRequests()
      if (get().auditLog.loaded) void get().loadAudit()
      if (get().settingsLoaded) void get().loadSettings()
      void get().loadServerStatus()
      void get().loadClock({ quiet: true })
      refreshMarketplace()
    })
    // The status carries the request log's health (a full disk shows up there): keep it current.
    // The simulation clock rides along, so the header's sim time stays true while the page is open.
    const statusTimer = setInterval(() => {
      void get().loadServerStatus({ quiet: true })
      void get().loadClock({ quiet: true })
    }, STATUS_REFRESH_MS)
    return () => {
      clearInterval(statusTimer)
      if (marketplaceTimer) clearTimeout(marketplaceTimer)
      stopReconnect()
      stopRequests()
      stopAudit()
      if (refreshTimer) clearTimeout(refreshTimer)
    }
  },
})
