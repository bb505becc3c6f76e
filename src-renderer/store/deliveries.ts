import type { DeliveryStatus, WebhookDelivery, WebhookDeliveryDetail } from '../../src-shared/webhooks'
import { createNumberedList, emptyNumberedList, type NumberedList } from './numbered-list'
import { changedMarketplace } from './marketplace'
import type { AdminState, SliceCreator } from './types'
import { errorMessage } from './ui'

export const DELIVERIES_PAGE_SIZE = 25

/** The time filter's choices: a span back from now (marketplace time), every delivery, or given bounds. */
export const DELIVERY_RANGES = ['hour', 'day', 'week', 'all', 'custom'] as const
export type DeliveryRange = (typeof DELIVERY_RANGES)[number]
const RANGE_SECONDS: Record<Exclude<DeliveryRange, 'all' | 'custom'>, number> = { hour: 3600, day: 86_400, week: 7 * 86_400 }

export interface DeliveryFilter {
  endpointId: string | null
  /** An event type (`purchase.completed`, `ping` …), or null for every event. */
  event: string | null
  status: DeliveryStatus | null
  range: DeliveryRange
  /** With `range: 'custom'`: ISO times in marketplace time; null leaves that side open. */
  since: string | null
  until: string | null
}

/** The delivery shown in the drawer, with every attempt. */
export interface OpenDelivery {
  id: string
  delivery: WebhookDeliveryDetail | null
  loading: boolean
  error: string | null
}

/** The delivery log: every event sent to an endpoint, newest first, a page at a time, and one open in the drawer. */
export interface DeliveriesSlice {
  deliveries: NumberedList<WebhookDelivery, DeliveryFilter>
  loadDeliveries(): Promise<void>
  setDeliveryFilter(change: Partial<DeliveryFilter>): void
  setDeliveriesPage(page: number): void
  openDelivery: OpenDelivery | null
  showDelivery(id: string): Promise<void>
  hideDelivery(): void
  /** Sends the delivery again now: a new attempt of the same event (the same webhook-id). Throws on failure. */
  redeliver(id: string): Promise<WebhookDelivery>
  /**
   * Sends again every failed delivery created in the last `seconds` of marketplace time, of one endpoint
   * or all. Resolves to how many went out again. Throws on failure.
   */
  redeliverFailed(seconds: number, endpointId?: string | null): Promise<number>
  /**
   * A delivery was just queued here (a ping, a redelivery): the log and the drawer catch up, and the
   * deliveries named are followed until they settle, even while the log is not shown, so the endpoint's
   * health (failing, disabled by a 410) shows as it changes.
   */
  noteDeliveryQueued(ids?: readonly string[]): void
  /**
   * Keeps the log, the open delivery and the endpoints' health current while the Webhooks page is open:
   * the core sends no delivery events, so it follows what causes them (purchases and listing changes
   * through the API, revoked keys, the simulation clock) and polls while a delivery is due. Returns the stop.
   */
  followDeliveries(): () => void
}

/** Marketplace time now: deliveries are created, filtered and retried on it. */
export const marketNow = (state: Pick<AdminState, 'clock'>): number => Date.now() + (state.clock?.offsetSeconds ?? 0) * 1000

/** The `since`/`until` bounds a filter asks for, in marketplace time. */
export function deliveryBounds(filter: DeliveryFilter, now: number): { since?: string; until?: string } {
  switch (filter.range) {
    case 'all':
      return {}
    case 'custom':
      return { ...(filter.since && { since: filter.since }), ...(filter.until && { until: filter.until }) }
    default:
      return { since: new Date(now - RANGE_SECONDS[filter.range] * 1000).toISOString() }
  }
}

/** A pending delivery whose next attempt is due (or under way): its outcome is a moment away. */
const due = (delivery: Pick<WebhookDelivery, 'status' | 'nextAttemptAt'>, now: number) =>
  delivery.status === 'pending' && (delivery.nextAttemptAt === null || Date.parse(delivery.nextAttemptAt) <= now + 1000)

/** What the endpoints' health depends on: a delivery's outcome. */
const outcomes = (rows: readonly WebhookDelivery[]) => rows.map((row) => `${row.id}:${row.status}:${row.attempts}`).join(',')

/** Audit actions after which deliveries may have been made or sent: webhook changes, a revoked key, listings, the clock. */
const DELIVERY_AUDIT_ACTION = /^(webhook\.|key\.revoked|listing\.|clock\.|subscription\.|demo\.)/
/** API paths that manage webhook endpoints (a soul's own, through its key). */
const WEBHOOKS_PATH = /^\/api\/v1\/webhooks(\/|\?|$)/

const EMPTY_FILTER: DeliveryFilter = { endpointId: null, event: null, status: null, range: 'all', since: null, until: null }

export const createDeliveriesSlice: SliceCreator<DeliveriesSlice> = ({ client }) => (set, get) => {
  const list = createNumberedList<WebhookDelivery, DeliveryFilter>(
    {
      fetchPage: (filter, page, limit) =>
        client.invoke('deliveries.list', {
          endpointId: filter.endpointId ?? undefined,
          event: filter.event ?? undefined,
          status: filter.status ?? undefined,
          ...deliveryBounds(filter, marketNow(get())),
          page,
          limit,
        }),
      failure: 'Could not load the deliveries',
    },
    {
      read: () => get().deliveries,
      write: (change) => set({ deliveries: { ...get().deliveries, ...change } }),
      reportError: (error, title) => get().reportError(error, title),
    },
  )
  // The drawer shows the delivery asked for last; an older answer is dropped.
  let deliveryRequest = 0
  /** Deliveries queued here whose outcome is awaited (a few at most: pings and redeliveries). */
  const watching = new Set<string>()
  let checkingWatched = false

  /** Reads the watched deliveries; those settled (or waiting for a later retry) stop being watched, and what shows them catches up. */
  const checkWatched = async () => {
    if (checkingWatched || watching.size === 0) return
    checkingWatched = true
    try {
      const now = marketNow(get())
      const settled = await Promise.all(
        [...watching].map(async (id) => {
          try {
            const delivery = await client.invoke('deliveries.get', { id })
            return due(delivery, now) ? null : id
          } catch {
            return id // gone with its endpoint
          }
        }),
      )
      const done = settled.filter((id): id is string => id !== null)
      for (const id of done) watching.delete(id)
      if (done.length > 0) {
        if (get().webhookEndpointsLoaded) void get().loadWebhooks()
        void refresh()
      }
    } finally {
      checkingWatched = false
    }
  }

  const showDelivery = async (id: string) => {
    const mine = ++deliveryRequest
    const current = get().openDelivery
    const same = current?.id === id
    set({ openDelivery: { id, delivery: same ? current.delivery : null, loading: true, error: null } })
    try {
      const delivery = await client.invoke('deliveries.get', { id })
      if (mine === deliveryRequest) set({ openDelivery: { id, delivery, loading: false, error: null } })
    } catch (error) {
      if (mine !== deliveryRequest) return
      set({ openDelivery: { id, delivery: same ? (current.delivery ?? null) : null, loading: false, error: errorMessage(error) } })
    }
  }

  /** Reads again what the page shows of deliveries: the log's page and the open delivery. */
  const refresh = async () => {
    const before = outcomes(get().deliveries.rows)
    const open = get().openDelivery
    await Promise.all([get().deliveries.loaded && list.load(), open && showDelivery(open.id)])
    // An outcome moved: the endpoint's failing-since or disabled state may have too.
    if (get().webhookEndpointsLoaded && outcomes(get().deliveries.rows) !== before) void get().loadWebhooks()
  }

  return {
    deliveries: emptyNumberedList<WebhookDelivery, DeliveryFilter>(EMPTY_FILTER, DELIVERIES_PAGE_SIZE),
    loadDeliveries: list.load,
    setDeliveryFilter: (change) => list.setFilter({ ...get().deliveries.filter, ...change }),
    setDeliveriesPage: list.setPage,
    openDelivery: null,
    showDelivery,

    hideDelivery() {
      deliveryRequest++
      set({ openDelivery: null })
    },

    async redeliver(id) {
      const delivery = await client.invoke('deliveries.redeliver', { id })
      get().noteDeliveryQueued([id])
      return delivery
    },

    async redeliverFailed(seconds, endpointId) {
      const since = new Date(marketNow(get()) - seconds * 1000).toISOString()
      const { redelivered } = await client.invoke('deliveries.redeliverFailed', { since, ...(endpointId && { endpointId }) })
      if (redelivered > 0) get().noteDeliveryQueued()
      return redelivered
    },

    noteDeliveryQueued(ids = []) {
      for (const id of ids.slice(0, 20)) watching.add(id)
      void refresh()
    },

    followDeliveries() {
      let timer: ReturnType<typeof setTimeout> | null = null
      const soon = () => {
        timer ??= setTimeout(() => {
          timer = null
          void refresh()
        }, 300)
      }
      const stopRequests = client.on('requests.new', (rows) => {
        if (rows.some(changedMarketplace)) soon()
        if (rows.some((row) => row.method !== 'GET' && WEBHOOKS_PATH.test(row.path)) && get().webhookEndpointsLoaded) void get().loadWebhooks()
      })
      const stopAudit = client.on('audit.new', (entries) => {
        if (entries.some((entry) => DELIVERY_AUDIT_ACTION.test(entry.action))) soon()
        // The CLI or another tab changed an endpoint.
        if (entries.some((entry) => entry.action.startsWith('webhook.')) && get().webhookEndpointsLoaded) void get().loadWebhooks()
      })
      const stopReconnect = client.onReconnect(() => {
        if (get().webhookEndpointsLoaded) void get().loadWebhooks()
        soon()
      })
      // While a delivery shown is due, its outcome comes within moments: look every second, else every 15.
      let lastPoll = Date.now()
      const poll = setInterval(() => {
        void checkWatched()
        const state = get()
        const now = marketNow(state)
        const shown = [...state.deliveries.rows, ...(state.openDelivery?.delivery ? [state.openDelivery.delivery] : [])]
        const pending = shown.some((delivery) => delivery.status === 'pending')
        const waited = Date.now() - lastPoll
        if (shown.some((delivery) => due(delivery, now)) || (pending && waited >= 15_000)) {
          lastPoll = Date.now()
          void refresh()
        }
      }, 1000)
      return () => {
        clearInterval(poll)
        if (timer) clearTimeout(timer)
        stopReconnect()
        stopAudit()
        stopRequests()
      }
    },
  }
}
