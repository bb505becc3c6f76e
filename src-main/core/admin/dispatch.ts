import { z } from 'zod'
import { contract, isMethodName } from '../../../src-shared/contract'
import type { AdminErrorData, Result } from '../../../src-shared/errors'
import type { Actor } from '../audit/audit.service'
import { STORAGE_MESSAGES, storageProblem } from '../db/storage-errors'
import { UpstreamError } from '../agents/providers/types'
import { ChatError } from '../chat/chat.service'
import { DomainError, MarketplaceError } from '../errors'
import type { createHandlers } from './handlers'

export type Dispatch = (method: string, input: unknown, actor: Actor) => Promise<Result<unknown>>

const failure = (error: AdminErrorData): Result<never> => ({ ok: false, error })

/**
 * The one entry both transports call: checks the method name, validates the input with the
 * contract's schema, runs the handler, and returns errors as data (they cross IPC intact).
 */
export function createDispatch(
  handlers: ReturnType<typeof createHandlers>,
  onInternalError: (method: string, error: unknown) => void,
): Dispatch {
  return async (method, input, actor) => {
    if (!isMethodName(method)) return failure({ code: 'UNKNOWN_METHOD', message: `Unknown admin method "${String(method)}".` })
    const parsed = contract[method].input.safeParse(input ?? {})
    if (!parsed.success)
      return failure({
        code: 'INVALID_INPUT',
        message: `Invalid input for ${method}: ${z.prettifyError(parsed.error)}`,
        details: { issues: parsed.error.issues.map(({ path, message }) => ({ path: path.map(String), message })) },
      })
    try {
      const handler = handlers[method] as (input: unknown, context: { actor: Actor }) => unknown
      return { ok: true, value: await handler(parsed.data, { actor }) }
    } catch (error) {
      if (error instanceof DomainError) return failure({ code: error.code, message: error.message, details: error.details })
      if (error instanceof MarketplaceError)
        return failure({
          code: error.code === 'NOT_FOUND' || error.code === 'LISTING_NOT_FOUND' ? 'NOT_FOUND' : error.code === 'ALREADY_PURCHASED' ? 'CONFLICT' : 'INVALID_INPUT',
          message: error.message,
          details: { code: error.code, ...error.details },
        })
      if (error instanceof ChatError)
        return failure({
          code: error.code === 'NOT_FOUND' || error.code === 'AGENT_NOT_FOUND' ? 'NOT_FOUND' : 'INVALID_INPUT',
          message: error.message,
          details: { code: error.code, ...error.details },
        })
      if (error instanceof UpstreamError)
        return failure({ code: 'UPSTREAM_FAILED', message: error.message, details: { failure: error.failure, upstreamStatus: error.status ?? null } })
      const storage = storageProblem(error)
      onInternalError(method, error)
      if (storage === 'full') return failure({ code: 'STORAGE_FULL', message: STORAGE_MESSAGES.full })
      if (storage === 'unavailable') return failure({ code: 'STORAGE_UNAVAILABLE', message: STORAGE_MESSAGES.unavailable })
      return failure({ code: 'INTERNAL_ERROR', message: `${method} failed; the details are in the server log.` })
    }
  }
}
