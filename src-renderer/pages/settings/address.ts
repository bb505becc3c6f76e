import type { NextServer } from '../../store/settings'

/** The same test the server applies (SPEC §7): plain HTTP only on these. */
const LOOPBACK = /^(127(\.\d{1,3}){3}|localhost|::1|\[::1\])$/i
export const isLoopbackHost = (host: string): boolean => LOOPBACK.test(host.trim())

/** Every interface: the server is reached by whatever name or address a client uses for this machine. */
export const isWildcardHost = (host: string): boolean => ['0.0.0.0', '::', '[::]'].includes(host.trim())

/** The hash a page that followed the server opens with: Settings, told to say where it is now. */
export const MOVED_HASH = '#/settings?moved=1'

/**
 * Where a headless page goes after the server moved: the new admin URL (with its token), on the same
 * page. The server names 127.0.0.1 for an all-interfaces address; a browser on another machine that
 * reached it by a LAN name keeps using that name.
 */
export function followUrl(next: NextServer, here: Pick<Location, 'hostname'>): string | null {
  if (next.adminUrl === null) return null
  const url = new URL(next.adminUrl)
  if (isWildcardHost(next.host) && !isLoopbackHost(here.hostname)) url.hostname = here.hostname
  url.hash = MOVED_HASH
  return url.toString()
}

/** 1536 → "1.5 KB". */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${bytes} bytes` : `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`
}

/** The last part of a path, whichever separator the server's platform uses. */
export const fileName = (path: string): string => path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1)
