import { WEBHOOK_EVENTS, type DeliveryStatus, type WebhookEndpoint } from '../../../src-shared/webhooks'
import { formatDateTime, formatSeconds } from '../../components/format'
import type { DeliveryRange } from '../../store'

/** How the Webhooks page names things, in one place. */

/** What an endpoint subscribes to for every event, present and future. */
export const ALL_EVENTS = '*'
export type EventChoice = (typeof WEBHOOK_EVENTS)[number] | typeof ALL_EVENTS

export const EVENT_CHOICES: { value: EventChoice; label: string }[] = [
  { value: ALL_EVENTS, label: 'All events (*)' },
  ...WEBHOOK_EVENTS.map((event) => ({ value: event, label: event })),
]

/** The events a delivery can carry: the subscribable ones and the on-demand `ping`. */
export const DELIVERY_EVENTS = [...WEBHOOK_EVENTS, 'ping'] as const

/** `*` wins over the rest: choosing it drops the others, choosing another after it drops `*`. */
export function normalizeEvents(previous: readonly string[], next: string[]): EventChoice[] {
  const added = next.filter((event) => !previous.includes(event))
  if (added.includes(ALL_EVENTS)) return [ALL_EVENTS]
  return next.filter((event) => event !== ALL_EVENTS || added.length === 0) as EventChoice[]
}

export const DELIVERY_STATUS_COLOR: Record<DeliveryStatus, string> = { pending: 'blue', succeeded: 'teal', failed: 'red' }

export const DELIVERY_STATUS_CHOICES = [
  { value: 'all', label: 'All' },
  { value: 'succeeded', label: 'Succeeded' },
  { value: 'pending', label: 'Pending' },
  { value: 'failed', label: 'Failed' },
]

export const RANGE_CHOICES: { value: DeliveryRange; label: string }[] = [
  { value: 'hour', label: 'Last hour' },
  { value: 'day', label: 'Last 24 hours' },
  { value: 'week', label: 'Last 7 days' },
  { value: 'all', label: 'Any time' },
  { value: 'custom', label: 'Between…' },
]

/** How long the previous secret keeps signing after a rotation; the contract's default is a day. */
export const ROTATION_OVERLAPS = [0, 3600, 86_400, 7 * 86_400]
export const DEFAULT_ROTATION_OVERLAP = 86_400
export const overlapLabel = (seconds: number): string => (seconds === 0 ? 'None' : formatSeconds(seconds))

/** An endpoint's state in one badge: delivering, failing (still retried), or disabled and why. */
export function endpointState(endpoint: WebhookEndpoint): { label: string; color: string; detail: string | null } {
  if (!endpoint.enabled) return { label: 'disabled', color: 'red', detail: endpoint.disabledReason ?? 'disabled' }
  if (endpoint.failingSince)
    return {
      label: 'failing',
      color: 'orange',
      detail: `Deliveries fail since ${formatDateTime(endpoint.failingSince)}; retried on the schedule, disabled after 5 days of failure.`,
    }
  return { label: 'enabled', color: 'teal', detail: null }
}

/** A body as JSON indented for reading, or as it came when it is not JSON. */
export function prettyBody(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    return text
  }
}
