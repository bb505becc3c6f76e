import type { ClawhqBridge } from '../../src-shared/contract'
import type { Transport } from './transport'

declare global {
  interface Window {
    /** Present only inside the Electron window, exposed by the preload. */
    clawhq?: ClawhqBridge
  }
}

/** The bridge the preload exposed, if this page runs inside the desktop app. */
export const findBridge = (): ClawhqBridge | undefined => window.clawhq

export function createIpcTransport(bridge: ClawhqBridge): Transport {
  return {
    kind: 'ipc',
    invoke: (method, input) => bridge.invoke(method, input),
    subscribe: (name, listener) => bridge.onEvent(name, listener),
    onReconnect: () => () => {},
  }
}
