import { useSyncExternalStore } from 'react'

/** The pages, addressed by hash (`#/keys`) so the same build works from app:// and /admin/. */
export const ROUTES = ['dashboard', 'keys', 'tiers', 'requests', 'playground', 'analytics', 'audit', 'marketplace', 'agents', 'webhooks', 'inbox', 'settings'] as const
export type Route = (typeof ROUTES)[number]
export const DEFAULT_ROUTE: Route = 'dashboard'

const parts = (hash: string): string[] => hash.replace(/^#\/?/, '').split('?')[0].split('/')

export function routeFromHash(hash: string): Route {
  const name = parts(hash)[0]
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : DEFAULT_ROUTE
}

/** The part after the page (`#/marketplace/souls` → "souls"), for pages with tabs; '' when there is none. */
export const sectionFromHash = (hash: string): string => parts(hash)[1] ?? ''

/** The query after the page and section (`#/keys?key=key_abc` → key=key_abc): what a link asks the page to show. */
export const paramsFromHash = (hash: string): URLSearchParams => new URLSearchParams(hash.split('?')[1] ?? '')

export const hrefFor = (route: Route, section?: string, params?: Record<string, string>): string => {
  const query = params && Object.keys(params).length > 0 ? `?${new URLSearchParams(params).toString()}` : ''
  return `${section ? `#/${route}/${section}` : `#/${route}`}${query}`
}

const subscribe = (onChange: () => void) => {
  window.addEventListener('hashchange', onChange)
  return () => window.removeEventListener('hashchange', onChange)
}

export function useRoute(): Route {
  return useSyncExternalStore(subscribe, () => routeFromHash(window.location.hash))
}

/** Goes to a page (an href from `hrefFor`), as a link would: the back button returns. */
export function navigate(href: string): void {
  window.location.hash = href
}

/** One parameter of the hash's query, e.g. `useHashParam('key')` on `#/keys?key=key_abc`; null when absent. */
export function useHashParam(name: string): string | null {
  return useSyncExternalStore(subscribe, () => paramsFromHash(window.location.hash).get(name))
}

/**
 * Drops a parameter a page has acted on (a dialog it opened), in place: the back button does not
 * return to it, and a reload does not act again.
 */
export function dropHashParam(name: string): void {
  const [path, query = ''] = window.location.hash.split('?')
  const params = new URLSearchParams(query)
  if (!params.has(name)) return
  params.delete(name)
  const rest = params.toString()
  window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}${path}${rest ? `?${rest}` : ''}`)
  window.dispatchEvent(new HashChangeEvent('hashchange'))
}

/** The page's section from the hash, and a way to switch it that the back button can undo. */
export function useSection<S extends string>(sections: readonly S[], fallback: S): [S, (section: S) => void] {
  const name = useSyncExternalStore(subscribe, () => sectionFromHash(window.location.hash))
  const section = (sections as readonly string[]).includes(name) ? (name as S) : fallback
  const setSection = (next: S) => {
    navigate(hrefFor(routeFromHash(window.location.hash), next))
  }
  return [section, setSection]
}
