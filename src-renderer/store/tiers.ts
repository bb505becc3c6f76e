import type { MethodInput } from '../../src-shared/contract'
import type { TierDto } from '../../src-shared/dto'
import type { SliceCreator } from './types'

export interface TiersSlice {
  tiers: TierDto[]
  tiersLoaded: boolean
  loadTiers(): Promise<void>
  createTier(input: MethodInput<'tiers.create'>): Promise<TierDto>
  deleteTier(id: string): Promise<void>
}

export const createTiersSlice: SliceCreator<TiersSlice> = ({ client }) => (set, get) => ({
  tiers: [],
  tiersLoaded: false,

  async loadTiers() {
    try {
      set({ tiers: await client.invoke('tiers.list', {}), tiersLoaded: true })
    } catch (error) {
      get().reportError(error, 'Could not load the rate-limit tiers')
    }
  },

  async createTier(input) {
    const tier = await client.invoke('tiers.create', input)
    set({ tiers: [...get().tiers.filter((existing) => existing.id !== tier.id), tier] })
    return tier
  },

  async deleteTier(id) {
    await client.invoke('tiers.delete', { id })
    set({ tiers: get().tiers.filter((tier) => tier.id !== id) })
  },
})
