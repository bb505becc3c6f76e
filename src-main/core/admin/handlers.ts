import type { Contract, MethodOutput, MethodParsedInput } from '../../../src-shared/contract'
import type { ServerStatus } from '../../../src-shared/dto'
import type { AuditService, Actor } from '../audit/audit.service'
import type { KeysService } from '../keys/keys.service'
import type { SettingsService } from '../settings/settings.service'
import type { TiersService } from '../tiers/tiers.service'
import type { RequestLog } from '../usage/request-log'

export interface AdminContext {
  actor: Actor
}

/** One handler per contract method; a missing or mistyped one is a compile error (STYLE §2). */
export type Handlers<C extends Contract> = {
  [M in keyof C & string]: (
    input: MethodParsedInput<M & keyof Contract>,
    context: AdminContext,
  ) => MethodOutput<M & keyof Contract> | Promise<MethodOutput<M & keyof Contract>>
}

export interface HandlerDeps {
  keys: KeysService
  tiers: TiersService
  requestLog: RequestLog
  audit: AuditService
  settings: SettingsService
  status: () => ServerStatus
}

export function createHandlers(deps: HandlerDeps) {
  const { keys, tiers, requestLog, audit, settings } = deps
  return {
    'keys.list': (input) => keys.list(input.includeRevoked),
    'keys.create': (input, { actor }) => keys.create(input, actor),
    'keys.update': (input, { actor }) => keys.update(input, actor),
    'keys.revoke': (input, { actor }) => keys.revoke(input.id, actor),
    'keys.roll': (input, { actor }) => keys.roll(input.id, input.graceSeconds, actor),
    'tiers.list': () => tiers.list(),
    'tiers.create': (input, { actor }) => tiers.create(input, actor),
    'tiers.update': (input, { actor }) => tiers.update(input, actor),
    'tiers.delete': (input, { actor }) => {
      tiers.delete(input.id, actor)
      return { id: input.id, deleted: true as const }
    },
    // A live view asks for the newest rows; flush the batch first so they are there.
    'requests.list': async (input) => {
      await requestLog.flush()
      return requestLog.list(input)
    },
    'audit.list': (input) => audit.list(input),
    'server.status': () => deps.status(),
    'settings.get': () => settings.get(),
    'settings.set': (input, { actor }) => settings.set(input, actor),
  } satisfies Handlers<Contract>
}
