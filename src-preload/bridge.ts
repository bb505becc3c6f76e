import {
  IPC_EVENT_CHANNEL,
  IPC_INVOKE_CHANNEL,
  isEventName,
  isMethodName,
  type ClawhqBridge,
} from '../src-shared/contract'
import type { Result } from '../src-shared/errors'

/**
 * The whole of `window.clawhq`, built from the contract (SPEC §2, RELIABILITY §1 item 20). Pure: it takes the
 * part of `ipcRenderer` it needs, so it is tested with a fake; `index.ts` only hands it to contextBridge.
 */

type IpcListener = (event: unknown, ...args: unknown[]) => void

/** The slice of Electron's `ipcRenderer` the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>
  on(channel: string, listener: IpcListener): unknown
  removeListener(channel: string, listener: IpcListener): unknown
}

/** What main posts on IPC_EVENT_CHANNEL: one contract event. */
interface EventMessage {
  name: string
  payload: unknown
}

const isEventMessage = (value: unknown): value is EventMessage =>
  typeof value === 'object' && value !== null && typeof (value as { name?: unknown }).name === 'string'

export function createBridge(ipc: IpcRendererLike): ClawhqBridge {
  return {
    invoke(method: string, input: unknown): Promise<unknown> {
      if (!isMethodName(method)) {
        // Errors cross the boundary as data, in the same shape the core's dispatcher uses.
        const refused: Result<never> = {
          ok: false,
          error: { code: 'UNKNOWN_METHOD', message: `Unknown admin method: ${String(method)}` },
        }
        return Promise.resolve(refused)
      }
      return ipc.invoke(IPC_INVOKE_CHANNEL, method, input)
    },

    onEvent(name: string, listener: (payload: unknown) => void): () => void {
      if (!isEventName(name)) throw new TypeError(`Unknown admin event: ${String(name)}`)
      if (typeof listener !== 'function') throw new TypeError('onEvent needs a listener function')
      // The IPC event object (sender, ports, …) never reaches the page: only the payload does.
      const forward: IpcListener = (_event, message) => {
        if (isEventMessage(message) && message.name === name) listener(message.payload)
      }
      ipc.on(IPC_EVENT_CHANNEL, forward)
      let subscribed = true
      return () => {
        if (!subscribed) return
        subscribed = false
        ipc.removeListener(IPC_EVENT_CHANNEL, forward)
      }
    },
  }
}
