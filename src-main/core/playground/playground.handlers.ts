import { DomainError } from '../errors'
import type { HandlerDeps, HandlersOf } from '../admin/handlers'
import type { PlaygroundService } from './playground.service'

/** What the playground methods need from a running server; absent in one-shot CLI commands. */
export interface PlaygroundHost {
  service: PlaygroundService
  /** The API's OpenAPI document, naming the server as the playground reaches it. */
  openapi: () => Record<string, unknown>
}

const needsServer = (): never => {
  throw new DomainError('CONFLICT', 'The playground needs the running server (the desktop app or `clawhq-local serve`).')
}

/** The playground.* methods (SPEC §5, §6). */
export function playgroundHandlers(deps: HandlerDeps): HandlersOf<'playground'> {
  const host = () => deps.playground ?? needsServer()
  return {
    'playground.openapi': () => host().openapi(),
    'playground.send': (input) => host().service.send(input),
    'playground.cancel': (input) => ({ cancelled: host().service.cancel(input.runId) }),
    'playground.history': (input) => host().service.history(input),
    'playground.historyDelete': (input) => ({ deleted: host().service.deleteEntry(input.id) }),
    'playground.historyClear': () => ({ deleted: host().service.clearHistory() }),
  }
}
