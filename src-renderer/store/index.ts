import { createContext, useContext } from 'react'
import { useStore } from 'zustand'
import { createStore, type StoreApi } from 'zustand/vanilla'
import { createAuditSlice } from './audit'
import { createKeysSlice } from './keys'
import { createRequestsSlice } from './requests'
import { createServerSlice } from './server'
import { createSettingsSlice } from './settings'
import { createTiersSlice } from './tiers'
import type { AdminState, StoreDeps } from './types'
import { createUiSlice } from './ui'

export type { AdminState, Notice, StoreDeps } from './types'
export type { RequestFilter, RequestRow, StatusClass } from './requests'
export type { ColorScheme } from './ui'

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
  }))
}

export const AdminStoreContext = createContext<AdminStore | null>(null)

export function useAdmin<T>(selector: (state: AdminState) => T): T {
  const store = useContext(AdminStoreContext)
  if (!store) throw new Error('useAdmin must be used inside <AdminStoreContext.Provider>')
  return useStore(store, selector)
}
