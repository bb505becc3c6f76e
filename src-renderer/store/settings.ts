import type { Settings } from '../../src-shared/dto'
import type { SliceCreator } from './types'

export interface SettingsSlice {
  settings: Settings | null
  settingsLoaded: boolean
  loadSettings(): Promise<void>
  /** Saves the changed fields and keeps what the server answers. Throws on failure (INVALID_INPUT carries the reason). */
  saveSettings(changes: Partial<Settings>): Promise<Settings>
}

export const createSettingsSlice: SliceCreator<SettingsSlice> = ({ client }) => (set, get) => ({
  settings: null,
  settingsLoaded: false,

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
})
