import type { Scope } from '../../../src-shared/scopes'

/** One line per scope, shown beside its checkbox. */
export const SCOPE_HELP: Record<Scope, string> = {
  'listings:read': 'browse and search listings',
  'listings:write': 'create, update and delete own listings',
  'souls:read': 'read soul profiles',
  purchases: 'buy listings from the wallet',
  'activity:read': 'purchase history and stats',
  webhooks: 'manage webhook endpoints',
  chat: 'talk to agents',
  keys: 'manage API keys (powerful)',
}
