import { useSyncExternalStore } from 'react'

/** The pages, addressed by hash (`#/keys`) so the same build works from app:// and /admin/. */
export const ROUTES = ['keys', 'tiers', 'requests', 'audit', 'settings'] as const
export type Route = (typeof ROUTES)[number]
export const DEFAULT_ROUTE: Route = 'keys'

export function routeFromHash(hash: string): Route {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0]
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : DEFAULT_ROUTE
}

export const hrefFor = (route: Route): string => `#/${route}`

const subscribe = (onChange: () => void) => {
  window.addEventListener('hashchange', onChange)
  return () => window.removeEventListener('hashchange', onChange)
}

export function useRoute(): Route {
  return useSyncExternalStore(subscribe, () => routeFromHash(window.location.hash))
}
