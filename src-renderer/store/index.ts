import { createContext, useContext } from 'react'
import { useStore } from 'zustand'
import { createStore, type StoreApi } from 'zustand/vanilla'
import { createAgentsSlice } from './agents'
import { createAnalyticsSlice } from './analytics'
import { createDashboardSlice } from './dashboard'
import { createPlaygroundSlice } from './playground'
import { createAuditSlice } from './audit'
import { createClockSlice } from './clock'
import { createConversationsSlice } from './conversations'
import { createDeliveriesSlice } from './deliveries'
import { createInboxSlice } from './inbox'
import { createKeysSlice } from './keys'
import { createListingsSlice } from './listings'
import { createMarketplaceSlice } from './marketplace'
import { createRequestsSlice } from './requests'
import { createSalesSlice } from './sales'
import { createServerSlice } from './server'
import { createSettingsSlice } from './settings'
import { createSoulsSlice } from './souls'
import { createTiersSlice } from './tiers'
import { createTrialSlice } from './trial'
import type { AdminState, StoreDeps } from './types'
import { createUiSlice } from './ui'
import { createWebhooksSlice } from './webhooks'

export type { AdminState, Notice, StoreDeps } from './types'
export type { RequestFilter, RequestRow, StatusClass } from './requests'
export type { ColorScheme } from './ui'
export type { ListingFilter } from './listings'
export type { ConversationFilter, OpenConversation } from './conversations'
export type { Trial, TrialTurn } from './trial'
export type { DeliveryFilter, DeliveryRange, OpenDelivery } from './deliveries'
export type { OpenInboxMessage } from './inbox'

export type AdminStore = StoreApi<AdminState>

/** One store built from slices (STYLE §12); its actions are the only callers of the API client. */
export function createAdminStore(deps: StoreDeps): AdminStore {
  return createStore<AdminState>()((...a) => ({
    ...createUiSlice(deps)(...a),
    ...createServerSlice(deps)(...a),
    ...createKeysSlice(deps)(...a),
    ...createTiersSlice(deps)(...a),
    ...createRequestsSlice(deps)(...a),
    ...createAuditSlice(deps)(...a),
    ...createSettingsSlice(deps)(...a),
    ...createSoulsSlice(deps)(...a),
    ...createListingsSlice(deps)(...a),
    ...createSalesSlice(deps)(...a),
    ...createClockSlice(deps)(...a),
    ...createMarketplaceSlice(deps)(...a),
    ...createAgentsSlice(deps)(...a),
    ...createConversationsSlice(deps)(...a),
    ...createTrialSlice(deps)(...a),
    ...createWebhooksSlice(deps)(...a),
    ...createDeliveriesSlice(deps)(...a),
    ...createInboxSlice(deps)(...a),
    ...createPlaygroundSlice(deps)(...a),
    ...createAnalyticsSlice(deps)(...a),
    ...createDashboardSlice(deps)(...a),
  }))
}

export const AdminStoreContext = createContext<AdminStore | null>(null)

export function useAdmin<T>(selector: (state: AdminState) => T): T {
  const store = useContext(AdminStoreContext)
  if (!store) throw new Error('useAdmin must be used inside <AdminStoreContext.Provider>')
  return useStore(store, selector)
}
