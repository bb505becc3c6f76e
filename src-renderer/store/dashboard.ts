import type { DashboardSummary } from '../../src-shared/dashboard'
import type { SliceCreator } from './types'

export interface DashboardSlice {
  /** The last summary read; null until the first has come. */
  dashboard: DashboardSummary | null
  dashboardLoading: boolean
  /** `quiet`: a background refresh, which says nothing when it fails (the next one will try again). */
  loadDashboard(options?: { quiet?: boolean }): Promise<void>
}

export const createDashboardSlice: SliceCreator<DashboardSlice> = ({ client }) => (set, get) => ({
  dashboard: null,
  dashboardLoading: false,

  async loadDashboard(options) {
    if (get().dashboardLoading) return
    set({ dashboardLoading: true })
    try {
      set({ dashboard: await client.invoke('dashboard.summary', {}) })
    } catch (error) {
      if (!options?.quiet) get().reportError(error, 'Could not read the dashboard')
    } finally {
      set({ dashboardLoading: false })
    }
  },
})
