import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { STORAGE_MESSAGES, STORAGE_RETRY_AFTER_SECONDS, storageProblem } from '../../db/storage-errors'
import { DomainError, MarketplaceError, type MarketplaceErrorCode } from '../../errors'
import { UpstreamError } from '../../agents/providers/types'
import { ChatError, type ChatErrorCode } from '../../chat/chat.service'
import { KeyPermissionError } from '../../keys/ownership'
import { ApiError, errorEnvelope } from '../envelope'

const DOMAIN_STATUS = { NOT_FOUND: 404, CONFLICT: 409, INVALID_INPUT: 400 } as const

/** The seed's marketplace errors, with the status REST conventions give them (README: Errors). */
const MARKETPLACE_STATUS: Record<MarketplaceErrorCode, number> = {
  INSUFFICIENT_BALANCE: 400,
  SPENDING_LIMIT_EXCEEDED: 403,
  LISTING_NOT_FOUND: 404,
  ALREADY_PURCHASED: 409,
  INSUFFICIENT_PERMISSIONS: 403,
  NOT_FOUND: 404,
  INVALID_REQUEST: 400,
}

const CHAT_STATUS: Record<ChatErrorCode, number> = {
  AGENT_NOT_FOUND: 404,
  NOT_FOUND: 404,
  INVALID_REQUEST: 400,
  PAYLOAD_TOO_LARGE: 413,
  CONCURRENT_STREAMS_EXCEEDED: 429,
}

/** Turns anything thrown on a route into the SPEC §4 error envelope. A 5xx never shows its cause. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error
  // A key acting beyond its own rights (KeysService's *AsKey rules), with the service's reason in details.
  if (error instanceof KeyPermissionError) return new ApiError(403, 'INSUFFICIENT_PERMISSIONS', error.message, error.details)
  if (error instanceof ChatError) return new ApiError(CHAT_STATUS[error.code], error.code, error.message, error.details)
  // A model server that failed before the answer began: 504 when it was too slow, 502 otherwise, its status in details.
  if (error instanceof UpstreamError) {
    const slow = error.failure === 'timeout' || error.failure === 'idle'
    return new ApiError(slow ? 504 : 502, slow ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE', error.message, {
      failure: error.failure,
      ...(error.status !== undefined && { upstreamStatus: error.status }),
    })
  }
  if (error instanceof MarketplaceError) return new ApiError(MARKETPLACE_STATUS[error.code], error.code, error.message, error.details)
  if (error instanceof DomainError)
    return new ApiError(DOMAIN_STATUS[error.code], error.code === 'NOT_FOUND' ? 'NOT_FOUND' : 'INVALID_REQUEST', error.message, error.details)
  const storage = storageProblem(error)
  if (storage === 'full') return new ApiError(507, 'STORAGE_FULL', STORAGE_MESSAGES.full)
  if (storage === 'unavailable') return new ApiError(503, 'STORAGE_UNAVAILABLE', STORAGE_MESSAGES.unavailable)
  const fastifyError = error as Partial<FastifyError>
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((v) => ({ path: v.instancePath || '/', message: v.message }))
    return new ApiError(400, 'INVALID_REQUEST', `Invalid ${error.validationContext ?? 'request'}: ${issues[0]?.path} ${issues[0]?.message}`, { issues })
  }
  const status = fastifyError.statusCode ?? 500
  if (status === 413) return new ApiError(413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than the 1 MiB limit.')
  if (status === 400 && (error instanceof SyntaxError || fastifyError.code?.startsWith('FST_ERR_CTP')))
    return new ApiError(400, 'INVALID_JSON', `The request body is not valid JSON: ${fastifyError.message}`)
  if (status >= 400 && status < 500) return new ApiError(status, 'INVALID_REQUEST', fastifyError.message ?? 'Bad request.')
  return new ApiError(500, 'INTERNAL_ERROR', 'Internal server error. The details are in the server log under this request id.')
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const apiError = toApiError(error)
  if (apiError.statusCode >= 500) request.log.error({ err: error, reqId: request.id }, 'request failed')
  request.errorCode = apiError.code
  if (apiError.statusCode === 503 || apiError.statusCode === 507) reply.header('retry-after', STORAGE_RETRY_AFTER_SECONDS)
  if (apiError.code === 'CONCURRENT_STREAMS_EXCEEDED') reply.header('retry-after', 1)
  reply.code(apiError.statusCode).send(errorEnvelope(apiError.code, apiError.message, request.id, apiError.details))
}
