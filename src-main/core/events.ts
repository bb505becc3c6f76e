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

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners.get(name) ?? []) (listener as Listener<E>)(payload)
  }

  listenerCount(name: EventName): number {
    return this.listeners.get(name)?.size ?? 0
  }
}
