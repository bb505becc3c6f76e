/**
 * The headless admin token. It arrives once in the admin URL (`/admin/?token=…`, as Jupyter does),
 * is kept for this tab only, and is taken out of the address bar so it doesn't end up in history,
 * bookmarks or a screenshot.
 */
const STORAGE_KEY = 'clawhq.adminToken'

export function takeAdminToken(): string | null {
  const url = new URL(window.location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    sessionStorage.setItem(STORAGE_KEY, fromUrl)
    url.searchParams.delete('token')
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash)
    return fromUrl
  }
  return sessionStorage.getItem(STORAGE_KEY)
}

export function forgetAdminToken(): void {
  sessionStorage.removeItem(STORAGE_KEY)
}
