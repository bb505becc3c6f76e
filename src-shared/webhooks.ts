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

/** The built-in inbox (`POST /inbox/<name>`): what arrived, and whether each scheme's signature holds. */
export const INBOX_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/
export const InboxName = z.string().regex(INBOX_NAME, 'lower-case letters, digits and dashes')

export const InboxVerification = z.object({
  scheme: z.enum(['standard-webhooks', 'clawget']),
  /** The scheme's headers came with the message. */
  present: z.boolean(),
  verified: z.boolean(),
  reason: z.string().describe('"verified", or why not: no secret set, a signature mismatch, a stale timestamp …'),
  signedString: z.string().nullable().describe('what the signature is over: "id.timestamp.body" or the body'),
  expectedSignature: z.string().nullable().describe('computed here with the inbox\'s secret'),
  receivedSignature: z.string().nullable(),
  timestamp: isoTime.nullable(),
  timestampVerdict: z.string().describe('the timestamp against the time of receipt (±300 s)'),
})
export type InboxVerification = z.infer<typeof InboxVerification>

export const InboxMessage = z
  .object({
    id: z.number().int(),
    inbox: z.string(),
    receivedAt: isoTime,
    method: z.string(),
    headers: z.record(z.string(), z.string()),
    body: z.string(),
    event: z.string().nullable().describe('the body\'s "event" field, when it is a webhook of ours'),
    verifications: z.array(InboxVerification),
  })
  .meta({ id: 'InboxMessage' })
export type InboxMessage = z.infer<typeof InboxMessage>

export const Inbox = z.object({
  name: z.string(),
  url: z.string().describe('where to point an endpoint'),
  hasSecret: z.boolean(),
  messages: z.number().int(),
  lastAt: isoTime.nullable(),
})
export type Inbox = z.infer<typeof Inbox>
