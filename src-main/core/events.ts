import type { EventName, EventPayload } from '../../src-shared/contract'

type Listener<E extends EventName> = (payload: EventPayload<E>) => void

/** The contract's live events, fanned out to every transport (IPC, admin SSE) that listens. */
export class EventBus {
  private readonly listeners = new Map<EventName, Set<Listener<never>>>()

  on<E extends EventName>(name: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(name)
    if (!set) this.listeners.set(name, (set = new Set()))
    set.add(listener as Listener<never>)
    return () => set.delete(listener as Listener<never>)
  }

  /** Where a listener's error goes; one failing listener never stops the others or the emitter. */
  onListenerError: (error: unknown, name: EventName) => void = (error, name) => console.error(`listener of ${name} failed`, error)

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners.get(name) ?? []) {
      try {
        ;(listener as Listener<E>)(payload)
      } catch (error) {
        this.onListenerError(error, name)
      }
    }
  }

  listenerCount(name: EventName): number {
    return this.listeners.get(name)?.size ?? 0
  }
}
