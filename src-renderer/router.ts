import { useSyncExternalStore } from 'react'

/** The pages, addressed by hash (`#/keys`) so the same build works from app:// and /admin/. */
export const ROUTES = ['dashboard', 'keys', 'tiers', 'requests', 'playground', 'analytics', 'audit', 'marketplace', 'agents', 'webhooks', 'inbox', 'settings'] as const
export type Route = (typeof ROUTES)[number]
export const DEFAULT_ROUTE: Route = 'keys'

const parts = (hash: string): string[] => hash.replace(/^#\/?/, '').split('?')[0].split('/')

export function routeFromHash(hash: string): Route {
  const name = parts(hash)[0]
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : DEFAULT_ROUTE
}

/** The part after the page (`#/marketplace/souls` → "souls"), for pages with tabs; '' when there is none. */
export const sectionFromHash = (hash: string): string => parts(hash)[1] ?? ''

export const hrefFor = (route: Route, section?: string): string => (section ? `#/${route}/${section}` : `#/${route}`)

const subscribe = (onChange: () => void) => {
  window.addEventListener('hashchange', onChange)
  return () => window.removeEventListener('hashchange', onChange)
}

export function useRoute(): Route {
  return useSyncExternalStore(subscribe, () => routeFromHash(window.location.hash))
}

/** The page's section from the hash, and a way to switch it that the back button can undo. */
export function useSection<S extends string>(sections: readonly S[], fallback: S): [S, (section: S) => void] {
  const name = useSyncExternalStore(subscribe, () => sectionFromHash(window.location.hash))
  const section = (sections as readonly string[]).includes(name) ? (name as S) : fallback
  const setSection = (next: S) => {
    window.location.hash = hrefFor(routeFromHash(window.location.hash), next)
  }
  return [section, setSection]
}
