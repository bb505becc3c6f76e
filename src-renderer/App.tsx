import { MantineProvider } from '@mantine/core'
import { Notifications } from '@mantine/notifications'
import { useEffect, useState } from 'react'
import type { StoreApi } from 'zustand/vanilla'
import type { Connection } from './api'
import { Layout } from './components/Layout'
import { NoAccessScreen } from './components/NoAccessScreen'
import { showNotice } from './components/notify'
import { AgentsStoreContext, createAgentsStore, type AgentsState } from './pages/agents/agents-store'
import { AgentsPage } from './pages/agents/AgentsPage'
import { AuditPage } from './pages/audit/AuditPage'
import { KeysPage } from './pages/keys/KeysPage'
import { MarketplacePage } from './pages/marketplace/MarketplacePage'
import { RequestsPage } from './pages/requests/RequestsPage'
import { SettingsPage } from './pages/settings/SettingsPage'
import { TiersPage } from './pages/tiers/TiersPage'
import { useRoute, type Route } from './router'
import { AdminStoreContext, createAdminStore, useAdmin, type AdminStore, type ColorScheme } from './store'
import { theme } from './theme'

const PAGES: Record<Route, () => React.JSX.Element> = {
  keys: KeysPage,
  tiers: TiersPage,
  requests: RequestsPage,
  audit: AuditPage,
  marketplace: MarketplacePage,
  agents: AgentsPage,
  settings: SettingsPage,
}

function Admin() {
  const route = useRoute()
  const startSession = useAdmin((s) => s.startSession)
  const unauthorized = useAdmin((s) => s.unauthorized)
  useEffect(() => startSession(), [startSession])
  useEffect(() => {
    document.title = `${route[0].toUpperCase()}${route.slice(1)} · ClawHQ Local`
  }, [route])

  if (unauthorized) return <NoAccessScreen reason="unauthorized" />
  const Page = PAGES[route]
  return (
    <Layout route={route}>
      <Page />
    </Layout>
  )
}

function Themed({ scheme, children }: { scheme: ColorScheme; children: React.ReactNode }) {
  return (
    <MantineProvider theme={theme} forceColorScheme={scheme}>
      <Notifications position="bottom-right" />
      {children}
    </MantineProvider>
  )
}

function StoreBoundApp() {
  const scheme = useAdmin((s) => s.colorScheme)
  return (
    <Themed scheme={scheme}>
      <Admin />
    </Themed>
  )
}

const prefersDark = () => window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false

interface Stores {
  admin: AdminStore
  agents: StoreApi<AgentsState>
}

function createStores(connection: Connection): Stores | null {
  if (connection.status !== 'ready') return null
  const admin = createAdminStore({ client: connection.client, notify: showNotice, storage: localStorage, prefersDark: prefersDark() })
  return { admin, agents: createAgentsStore({ client: connection.client, admin }) }
}

export function App({ connection }: { connection: Connection }) {
  const [stores] = useState<Stores | null>(() => createStores(connection))
  if (!stores) {
    return (
      <Themed scheme={prefersDark() ? 'dark' : 'light'}>
        <NoAccessScreen reason="no-token" />
      </Themed>
    )
  }
  return (
    <AdminStoreContext.Provider value={stores.admin}>
      <AgentsStoreContext.Provider value={stores.agents}>
        <StoreBoundApp />
      </AgentsStoreContext.Provider>
    </AdminStoreContext.Provider>
  )
}
