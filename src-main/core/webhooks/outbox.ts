import type { WebhookEventType } from '../../../src-shared/webhooks'
import type { Clock } from '../clock'
import type { Store } from '../db/store'
import { newId } from '../ids'

/**
 * The webhook outbox (SPEC §5): a service that changes something an endpoint may subscribe to calls
 * `emit` inside its own transaction, so the event and one pending delivery per matching endpoint commit
 * with the change or not at all. The dispatcher delivers them at least once, across crashes and restarts.
 */
export class WebhookOutbox {
  /** Told after a transaction that emitted commits: the dispatcher looks for work at once. */
  onQueued: () => void = () => {}

  constructor(
    private readonly store: Store,
    /** Marketplace time: deliveries are scheduled on it, so the simulation clock fast-forwards retries. */
    private readonly clock: Clock,
  ) {}

  /** Records `type` with `data`, concerning `souls` (an endpoint made by a soul's key only hears its own events). Returns the event id. */
  emit(type: WebhookEventType | 'ping', data: Record<string, unknown>, souls: readonly string[], onlyEndpoint?: string): string {
    return this.store.transaction(() => {
      const now = this.clock.now()
      const id = newId('evt')
      this.store.run(this.store.db.insertInto('webhook_events').values({ id, type, data: JSON.stringify(data), souls: JSON.stringify(souls), created_at: now }))
      let endpoints = this.store.db.selectFrom('webhook_endpoints').select(['id', 'events', 'soul_id']).where('enabled', '=', 1)
      if (onlyEndpoint !== undefined) endpoints = endpoints.where('id', '=', onlyEndpoint)
      for (const endpoint of this.store.all(endpoints)) {
        if (onlyEndpoint === undefined) {
          const events = JSON.parse(endpoint.events) as string[]
          if (!events.includes('*') && !events.includes(type)) continue
          if (endpoint.soul_id !== null && !souls.includes(endpoint.soul_id)) continue
        }
        this.store.run(
          this.store.db.insertInto('webhook_deliveries').values({
            id: newId('dlv'),
            event_id: id,
            endpoint_id: endpoint.id,
            status: 'pending',
            attempts: 0,
            next_attempt_at: now,
            last_status: null,
            last_error: null,
            created_at: now,
            updated_at: now,
          }),
        )
      }
      this.store.onCommit(() => this.onQueued())
      return id
    })
  }
}
