import { z } from 'zod'

/** Webhooks (SPEC §5, seed 000 "Webhook Integration") as the API, the admin contract and the GUI hand them out. */

const isoTime = z.iso.datetime({ offset: true })

export const WEBHOOK_EVENTS = [
  'purchase.completed',
  'subscription.renewed',
  'subscription.cancelled',
  'listing.created',
  'listing.updated',
  'listing.deleted',
  'key.revoked',
] as const
export const WebhookEventType = z.enum(WEBHOOK_EVENTS)
export type WebhookEventType = z.infer<typeof WebhookEventType>
/** What an endpoint can subscribe to: the events, or `*` for all of them. `ping` is sent on demand to any endpoint. */
export const WebhookEventFilter = z.union([WebhookEventType, z.literal('*')])

export const WebhookEndpoint = z
  .object({
    id: z.string().describe('whk_…'),
    url: z.string(),
    events: z.array(WebhookEventFilter),
    description: z.string(),
    enabled: z.boolean(),
    disabledReason: z.string().nullable().describe('why delivery stopped: a 410 from the receiver, 5 days of failures, the operator'),
    soulId: z.string().nullable().describe('the soul whose events it receives; null: every event (the operator\'s endpoints)'),
    secretHint: z.string().describe('the secret\'s first characters; the secret itself is shown once'),
    rotatingUntil: isoTime.nullable().describe('until then the previous secret signs too'),
    failingSince: isoTime.nullable(),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .meta({ id: 'WebhookEndpoint' })
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>

export const DeliveryStatus = z.enum(['pending', 'succeeded', 'failed'])
export type DeliveryStatus = z.infer<typeof DeliveryStatus>

export const WebhookAttempt = z.object({
  id: z.number().int(),
  at: isoTime,
  requestHeaders: z.record(z.string(), z.string()),
  requestBody: z.string(),
  responseStatus: z.number().int().nullable(),
  responseHeaders: z.record(z.string(), z.string()).nullable(),
  responseBody: z.string().nullable().describe('the first 64 KiB'),
  durationMs: z.number(),
  error: z.string().nullable(),
})
export type WebhookAttempt = z.infer<typeof WebhookAttempt>

export const WebhookDelivery = z
  .object({
    id: z.string().describe('dlv_…'),
    eventId: z.string().describe('evt_…: the webhook-id header; the same on every attempt and redelivery'),
    event: z.union([WebhookEventType, z.literal('ping')]),
    endpointId: z.string(),
    status: DeliveryStatus,
    attempts: z.number().int(),
    nextAttemptAt: isoTime.nullable(),
    lastStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .meta({ id: 'WebhookDelivery' })
export type WebhookDelivery = z.infer<typeof WebhookDelivery>

/** A delivery with the event's body as sent and every attempt, oldest first. */
export const WebhookDeliveryDetail = WebhookDelivery.extend({ body: z.string(), attemptLog: z.array(WebhookAttempt) }).meta({ id: 'WebhookDeliveryDetail' })
export type WebhookDeliveryDetail = z.infer<typeof WebhookDeliveryDetail>
