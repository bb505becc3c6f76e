import type { MethodInput, MethodOutput } from '../../src-shared/contract'
import type { Settings } from '../../src-shared/dto'
import type { BackupFile, CertificateInfo, ServerConfigView } from '../../src-shared/server-config'
import type { SliceCreator } from './types'

/** Where the server said it will answer after `config.set`. */
export type NextServer = MethodOutput<'config.set'>['next']

/**
 * How a move ended, as this client sees it: `moved`, it answers here at the new address (the desktop app,
 * or a headless page whose origin did not change); `left`, it stopped answering at this page's origin and
 * did not come back (a headless page must follow it); `failed`, it still or again answers at the old address.
 */
export type MoveOutcome = 'moved' | 'left' | 'failed'

/** Polls while the server moves: the old address goes on answering ~150 ms, then closes; the new one opens. */
const MOVE_POLL_MS = 200
/** Gone from this origin this long without coming back on the old address: it is on the new one (a failed move falls back within this). */
const MOVE_GONE_MS = 1_200
/** Still on the old address this long (never gone): the move failed and the server stayed. */
const MOVE_GIVE_UP_MS = 10_000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export interface SettingsSlice {
  settings: Settings | null
  settingsLoaded: boolean
  loadSettings(): Promise<void>
  /** Saves the changed fields and keeps what the server answers. Throws on failure (INVALID_INPUT carries the reason). */
  saveSettings(changes: Partial<Settings>): Promise<Settings>

  /** Where the server listens (saved and running), its certificate, the data and backup folders. */
  serverConfig: ServerConfigView | null
  loadServerConfig(options?: { quiet?: boolean }): Promise<void>
  /** Checks and saves a new address or certificate; the server moves right after answering (`restarting`). Throws on refusal. */
  applyServerConfig(changes: MethodInput<'config.set'>): Promise<MethodOutput<'config.set'>>
  /**
   * Waits for a move `applyServerConfig` announced. `leavesOrigin`: this page is served by the server
   * and the new address is another origin, so it cannot be reached from here (the page's CSP allows only
   * its own origin): the outcome is then `left` once the old address has closed for good.
   */
  awaitServerMove(next: NextServer, options: { leavesOrigin: boolean }): Promise<MoveOutcome>
  /** A new self-signed certificate with extra names; used when the server next moves or starts on it. Throws on failure. */
  generateCertificate(hosts: string[]): Promise<CertificateInfo>

  /** The backup folder's files, newest first. */
  backups: BackupFile[]
  backupsLoaded: boolean
  loadBackups(): Promise<void>
  /** A backup to the backup folder, or to `file`. Throws on failure. */
  createBackup(file?: string): Promise<BackupFile>
  /** Replaces the data with a backup (checked first; a bad one changes nothing), then reads everything again. Throws on refusal. */
  restoreBackup(file: string): Promise<MethodOutput<'backup.restore'>>
}

export const createSettingsSlice: SliceCreator<SettingsSlice> = ({ client }) => (set, get) => ({
  settings: null,
  settingsLoaded: false,
  serverConfig: null,
  backups: [],
  backupsLoaded: false,

  async loadSettings() {
    try {
      set({ settings: await client.invoke('settings.get', {}), settingsLoaded: true })
    } catch (error) {
      get().reportError(error, 'Could not load the settings')
    }
  },

  async saveSettings(changes) {
    const settings = await client.invoke('settings.set', changes)
    set({ settings, settingsLoaded: true })
    return settings
  },

  async loadServerConfig(options) {
    try {
      set({ serverConfig: await client.invoke('config.get', {}) })
    } catch (error) {
      if (!options?.quiet) get().reportError(error, 'Could not read the server configuration')
    }
  },

  async applyServerConfig(changes) {
    const answer = await client.invoke('config.set', changes)
    const { restarting: _restarting, next: _next, ...view } = answer
    set({ serverConfig: view })
    return answer
  },

  async awaitServerMove(next, { leavesOrigin }) {
    const started = Date.now()
    // Only the certificate changes: the address it reports is the new one from the start, so only its closing says it moved.
    const sameAddress = get().serverConfig?.running.apiBaseUrl === next.apiBaseUrl
    let goneSince: number | null = null
    for (;;) {
      await sleep(MOVE_POLL_MS)
      let view: ServerConfigView | null = null
      try {
        view = await client.invoke('config.get', {})
      } catch {
        // Closed, closing (503) or not yet listening again.
      }
      if (view) {
        set({ serverConfig: view })
        const there = view.running.apiBaseUrl === next.apiBaseUrl
        if (there && !leavesOrigin) {
          void get().loadServerStatus({ quiet: true })
          return 'moved'
        }
        if (there && (!sameAddress || goneSince !== null)) return 'left'
        // Back on the old address after it had closed: the new one could not be listened on.
        if (!there && goneSince !== null) return 'failed'
      } else {
        goneSince ??= Date.now()
        if (leavesOrigin && Date.now() - goneSince >= MOVE_GONE_MS) return 'left'
      }
      if (Date.now() - started > MOVE_GIVE_UP_MS) return 'failed'
    }
  },

  async generateCertificate(hosts) {
    const certificate = await client.invoke('config.generateCertificate', { hosts })
    void get().loadServerConfig({ quiet: true })
    return certificate
  },

  async loadBackups() {
    try {
      set({ backups: await client.invoke('backup.list', {}), backupsLoaded: true })
    } catch (error) {
      get().reportError(error, 'Could not list the backups')
    }
  },

  async createBackup(file) {
    const backup = await client.invoke('backup.create', file ? { file } : {})
    void get().loadBackups()
    return backup
  },

  async restoreBackup(file) {
    const restored = await client.invoke('backup.restore', { file })
    // Everything came from the backup: read again what the pages show.
    const state = get()
    await Promise.all([
      state.loadBackups(),
      state.loadSettings(),
      state.loadServerConfig({ quiet: true }),
      state.loadServerStatus({ quiet: true }),
      state.loadKeys(),
      state.loadTiers(),
      state.loadClock({ quiet: true }),
      state.refreshMarketplace(),
      state.requestLog.loaded && state.loadRequests(),
      state.auditLog.loaded && state.loadAudit(),
      state.webhookEndpointsLoaded && state.loadWebhooks(),
      state.agentsLoaded && state.loadAgents(),
      state.inboxesLoaded && state.loadInboxes(),
    ])
    return restored
  },
})
