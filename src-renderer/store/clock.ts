import type { ClockState } from '../../src-shared/marketplace'
import type { SliceCreator } from './types'

/** The marketplace's simulation clock: how far its time runs ahead of real time. */
export interface ClockSlice {
  clock: ClockState | null
  /** `quiet`: a background refresh, which says nothing when it fails (the next one will try again). */
  loadClock(options?: { quiet?: boolean }): Promise<void>
  /** Moves marketplace time forward; renewals fall due, so balances and subscriptions are read again. Throws on failure. */
  advanceClock(seconds: number): Promise<ClockState & { renewed: number; lapsed: number }>
  /** Back to real time. Throws on failure. */
  resetClock(): Promise<ClockState>
}

export const createClockSlice: SliceCreator<ClockSlice> = ({ client }) => (set, get) => ({
  clock: null,

  async loadClock(options) {
    try {
      set({ clock: await client.invoke('clock.get', {}) })
    } catch (error) {
      if (!options?.quiet) get().reportError(error, 'Could not read the marketplace clock')
    }
  },

  async advanceClock(seconds) {
    const clock = await client.invoke('clock.advance', { seconds })
    set({ clock })
    await get().refreshMarketplace()
    return clock
  },

  async resetClock() {
    const clock = await client.invoke('clock.reset', {})
    set({ clock })
    await get().refreshMarketplace()
    return clock
  },
})
