import { z } from 'zod'
import { API_ERROR_TYPES, type ApiErrorCode } from '../../../src-shared/errors'

/** SPEC §4 envelopes. Success: `{success, data, meta?}`; every error: `{success:false, error:{code, message, type, details?, request_id}}`. */

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export interface ErrorEnvelope {
  success: false
  error: { code: ApiErrorCode; message: string; type: string; details?: Record<string, unknown>; request_id: string }
}

export function errorEnvelope(
  code: ApiErrorCode,
  message: string,
  requestId: string,
  details?: Record<string, unknown>,
): ErrorEnvelope {
  return {
    success: false,
    error: { code, message, type: API_ERROR_TYPES[code], ...(details !== undefined && { details }), request_id: requestId },
  }
}

export const ErrorEnvelopeSchema = z
  .object({
    success: z.literal(false),
    error: z.object({
      code: z.string().describe('UPPER_SNAKE error code, e.g. INVALID_API_KEY, RATE_LIMIT_EXCEEDED'),
      message: z.string(),
      type: z.enum(['invalid_request_error', 'authentication_error', 'permission_error', 'rate_limit_error', 'api_error']),
      details: z.record(z.string(), z.unknown()).optional(),
      request_id: z.string(),
    }),
  })
  .meta({ id: 'Error' })

export const Meta = z.object({ page: z.number().int(), limit: z.number().int(), total: z.number().int() })

export const success = <T extends z.ZodType>(data: T) => z.object({ success: z.literal(true), data })
export const successList = <T extends z.ZodType>(item: T) =>
  z.object({ success: z.literal(true), data: z.array(item), meta: Meta })

/** The error responses every authenticated route can give, for the OpenAPI document. */
export const authErrors = { '4xx': ErrorEnvelopeSchema, '5xx': ErrorEnvelopeSchema } as const

/** Paging of list routes: `page` from 1, `limit` 1–100 (larger values are clamped to 100, SPEC §4). */
export const PagingQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .default(20)
    .transform((limit) => Math.min(limit, 100))
    .describe('1–100 (larger values are clamped to 100)'),
})
