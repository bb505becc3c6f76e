import type { ServerStatus } from '../../src-shared/dto'
import type { SliceCreator } from './types'

const STATUS_REFRESH_MS = 5_000

export interface ServerSlice {
  serverStatus: ServerStatus | null
  /** `quiet`: a background refresh, which says nothing when it fails (the next one will try again). */
  loadServerStatus(options?: { quiet?: boolean }): Promise<void>
  /**
   * Loads what every page shows and follows the live events. Changes made elsewhere (the CLI,
   * another admin tab) arrive as audit entries, so those refresh the keys and tiers.
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

    let refreshTimer: ReturnType<typeof setTimeout> | null = null
    const refreshKeysAndTiers = () => {
      refreshTimer ??= setTimeout(() => {
        refreshTimer = null
        void get().loadKeys()
        void get().loadTiers()
      }, 250)
    }

    const stopRequests = client.on('requests.new', (rows) => get().receiveRequests(rows))
    const stopAudit = client.on('audit.new', (entries) => {
      get().receiveAudit(entries)
      if (entries.some((entry) => /^(key|tier)\./.test(entry.action))) refreshKeysAndTiers()
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
    })
    // The status carries the request log's health (a full disk shows up there): keep it current.
    const statusTimer = setInterval(() => void get().loadServerStatus({ quiet: true }), STATUS_REFRESH_MS)
    return () => {
      clearInterval(statusTimer)
      stopReconnect()
      stopRequests()
      stopAudit()
      if (refreshTimer) clearTimeout(refreshTimer)
    }
  },
})
