import {
  contract,
  events,
  type EventName,
  type EventPayload,
  type MethodInput,
  type MethodName,
  type MethodOutput,
} from '../../src-shared/contract'
import { AdminError, unwrapResult } from './errors'
import type { Transport } from './transport'

/** The one way the GUI talks to the core, whichever transport carries it. */
export interface AdminClient {
  invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void
  /** After live events were interrupted (and so possibly missed), so lists can catch up. */
  onReconnect(listener: () => void): () => void
}

/**
 * Types vanish at the boundary, so the client checks what comes back against the contract's
 * output schemas: a core that drifted from the contract fails here, loudly, not deep in a page.
 */
export function createClient(transport: Transport): AdminClient {
  return {
    async invoke(method, input) {
      let reply: unknown
      try {
        reply = await transport.invoke(method, input)
      } catch (error) {
        if (error instanceof AdminError) throw error
        // A transport that fails outright (IPC torn down, a bug) still reaches the page as an AdminError.
        throw new AdminError({ code: 'INTERNAL_ERROR', message: `${method} failed: ${error instanceof Error ? error.message : String(error)}` })
      }
      const value = unwrapResult(reply, method)
      const parsed = contract[method].output.safeParse(value)
      if (!parsed.success) {
        throw new AdminError({
          code: 'INTERNAL_ERROR',
          message: `${method}: the reply does not match the contract`,
          details: parsed.error.issues,
        })
      }
      return parsed.data as MethodOutput<typeof method>
    },

    on(name, listener) {
      return transport.subscribe(name, (payload) => {
        const parsed = events[name].safeParse(payload)
        if (parsed.success) listener(parsed.data as EventPayload<typeof name>)
        else console.warn(`admin event ${name} does not match the contract`, parsed.error.issues)
      })
    },

    onReconnect: (listener) => transport.onReconnect(listener),
  }
}
