import { createClient, type AdminClient } from './client'
import { createHttpTransport } from './http'
import { createIpcTransport, findBridge } from './ipc'
import { takeAdminToken } from './session'

export type { AdminClient } from './client'
export { AdminError, isAdminError } from './errors'
export { forgetAdminToken } from './session'

export type Connection = { status: 'ready'; client: AdminClient } | { status: 'no-token' }

/**
 * Picks the transport once, at start: the preload's bridge inside the desktop app, otherwise the
 * headless admin HTTP routes with the token from the admin URL. Nothing after this knows which.
 */
export function connect(): Connection {
  const bridge = findBridge()
  if (bridge) return { status: 'ready', client: createClient(createIpcTransport(bridge)) }
  const token = takeAdminToken()
  if (token) return { status: 'ready', client: createClient(createHttpTransport(token)) }
  return { status: 'no-token' }
}
