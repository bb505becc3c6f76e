import type { AnalyticsRange, AnalyticsRevenue, AnalyticsUsage } from '../../src-shared/analytics'
import { isAdminError } from '../api'
import type { SliceCreator } from './types'

/** Which calls the usage charts count: every call, one key's, or those that carried no valid key. */
export type AnalyticsKeyFilter = { kind: 'all' } | { kind: 'key'; keyId: string } | { kind: 'none' }

export interface AnalyticsState {
  range: AnalyticsRange
  keyFilter: AnalyticsKeyFilter
  /** The last answers read for the range and filter above; null until the first has come. */
  usage: AnalyticsUsage | null
  revenue: AnalyticsRevenue | null
  loading: boolean
}

export interface AnalyticsSlice {
  analytics: AnalyticsState
  /** Reads usage and revenue for the current range and filter. `quiet`: a background refresh, silent when it fails. */
  loadAnalytics(options?: { quiet?: boolean }): Promise<void>
  setAnalyticsRange(range: AnalyticsRange): Promise<void>
  setAnalyticsKeyFilter(filter: AnalyticsKeyFilter): Promise<void>
}

const keyIdOf = (filter: AnalyticsKeyFilter): { keyId?: string | null } =>
  filter.kind === 'all' ? {} : { keyId: filter.kind === 'key' ? filter.keyId : null }

export const createAnalyticsSlice: SliceCreator<AnalyticsSlice> = ({ client }) => {
  // Answers to an older choice of range or key that arrive after a newer one are dropped.
  let latest = 0
  return (set, get) => {
    const patch = (changes: Partial<AnalyticsState>) => set({ analytics: { ...get().analytics, ...changes } })
    return {
      analytics: { range: '1h', keyFilter: { kind: 'all' }, usage: null, revenue: null, loading: false },

      async loadAnalytics(options) {
        const request = ++latest
        const { range, keyFilter } = get().analytics
        patch({ loading: true })
        try {
          const [usage, revenue] = await Promise.all([
            client.invoke('analytics.usage', { range, ...keyIdOf(keyFilter) }),
            client.invoke('analytics.revenue', { range }),
          ])
          if (request === latest) patch({ usage, revenue })
        } catch (error) {
          if (request !== latest) return
          // The key was deleted meanwhile: back to every key rather than an error on each refresh.
          if (keyFilter.kind === 'key' && isAdminError(error) && error.code === 'NOT_FOUND') {
            patch({ keyFilter: { kind: 'all' } })
            return get().loadAnalytics(options)
          }
          if (!options?.quiet) get().reportError(error, 'Could not read the analytics')
        } finally {
          if (request === latest) patch({ loading: false })
        }
      },

      async setAnalyticsRange(range) {
        patch({ range })
        await get().loadAnalytics()
      },

      async setAnalyticsKeyFilter(keyFilter) {
        patch({ keyFilter })
        await get().loadAnalytics()
      },
    }
  }
}
