import { z } from 'zod'
import { method, nothing } from './contract-kit'
import { WebhookEndpoint } from './webhooks'

/** The Dashboard (part 5): what an operator looks at first, read in one call. */

const isoTime = z.iso.datetime({ offset: true })

/** One minute of the last hour, from the per-minute usage rollup (every key, and calls without one). */
export const DashboardMinute = z.object({
  minute: isoTime.describe('the start of the minute'),
  requests: z.number().int(),
  errors: z.number().int().describe('answers with a status of 400 or more, 429s included'),
  limited: z.number().int().describe('429 RATE_LIMIT_EXCEEDED answers'),
})
export type DashboardMinute = z.infer<typeof DashboardMinute>

/** An endpoint whose events are not arriving: disabled, or whose last attempt or recent deliveries failed. */
export const FailingEndpoint = z.object({
  endpoint: WebhookEndpoint,
  failedDeliveries: z.number().int().describe('deliveries that gave up (status failed) in the last 24 hours of marketplace time'),
  retrying: z.number().int().describe('pending deliveries with at least one failed attempt'),
  lastError: z.string().nullable().describe('what the most recent unsuccessful attempt got'),
})
export type FailingEndpoint = z.infer<typeof FailingEndpoint>

export const DashboardSummary = z.object({
  at: isoTime.describe('when the summary was read'),
  keys: z.object({
    active: z.number().int(),
    grace: z.number().int().describe('rolled keys whose old secret still works'),
    expired: z.number().int(),
    revoked: z.number().int(),
  }),
  lastHour: z.object({
    since: isoTime.describe('the start of the first of the 60 minutes counted; the last is the current minute'),
    requests: z.number().int(),
    errors: z.number().int().describe('status 400 or more, 429s included'),
    limited: z.number().int().describe('429s'),
    perMinute: z.array(DashboardMinute).length(60).describe('oldest first, minutes without traffic as zeros'),
  }),
  webhooks: z.object({
    endpoints: z.number().int(),
    enabled: z.number().int(),
    failing: z.array(FailingEndpoint).describe('disabled endpoints first, then the longest failing'),
  }),
})
export type DashboardSummary = z.infer<typeof DashboardSummary>

export const dashboardMethods = {
  'dashboard.summary': method(nothing, DashboardSummary),
} as const
