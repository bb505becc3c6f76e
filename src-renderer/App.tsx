import { Center, Loader, MantineProvider } from '@mantine/core'
import { Notifications } from '@mantine/notifications'
import { lazy, Suspense, useEffect, useState } from 'react'
import type { Connection } from './api'
import { Layout } from './components/Layout'
import { NoAccessScreen } from './components/NoAccessScreen'
import { showNotice } from './components/notify'
import { DashboardPage } from './pages/dashboard/DashboardPage'
import { AgentsPage } from './pages/agents/AgentsPage'
import { AuditPage } from './pages/audit/AuditPage'
import { InboxPage } from './pages/inbox/InboxPage'
import { KeysPage } from './pages/keys/KeysPage'
import { MarketplacePage } from './pages/marketplace/MarketplacePage'
import { RequestsPage } from './pages/requests/RequestsPage'
import { SettingsPage } from './pages/settings/SettingsPage'
import { TiersPage } from './pages/tiers/TiersPage'
import { WebhooksPage } from './pages/webhooks/WebhooksPage'
import { useRoute, type Route } from './router'
import { AdminStoreContext, createAdminStore, useAdmin, type AdminStore, type ColorScheme } from './store'
import { theme } from './theme'

// The pages with heavy libraries load when first opened: the Playground (highlight.js) and Analytics
// (recharts) would otherwise be half of the first page's download.
const PlaygroundPage = lazy(() => import('./pages/playground/PlaygroundPage').then((m) => ({ default: m.PlaygroundPage })))
const AnalyticsPage = lazy(() => import('./pages/analytics/AnalyticsPage').then((m) => ({ default: m.AnalyticsPage })))

const PAGES: Record<Route, React.ComponentType> = {
  dashboard: DashboardPage,
  playground: PlaygroundPage,
  analytics: AnalyticsPage,
  keys: KeysPage,
  tiers: TiersPage,
  requests: RequestsPage,
  audit: AuditPage,
  marketplace: MarketplacePage,
  agents: AgentsPage,
  webhooks: WebhooksPage,
  inbox: InboxPage,
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
      <Suspense
        fallback={
          <Center h={200}>
            <Loader aria-label="Loading the page" />
          </Center>
        }
      >
        <Page />
      </Suspense>
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

export function App({ connection }: { connection: Connection }) {
  const [store] = useState<AdminStore | null>(() =>
    connection.status === 'ready'
      ? createAdminStore({ client: connection.client, notify: showNotice, storage: localStorage, prefersDark: prefersDark() })
      : null,
  )
  if (!store) {
    return (
      <Themed scheme={prefersDark() ? 'dark' : 'light'}>
        <NoAccessScreen reason="no-token" />
      </Themed>
    )
  }
  return (
    <AdminStoreContext.Provider value={store}>
      <StoreBoundApp />
    </AdminStoreContext.Provider>
  )
}
