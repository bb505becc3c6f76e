import { EVENT_NAMES, IPC_INVOKE_CHANNEL } from '../../../../src-shared/contract'
import type { Result } from '../../../../src-shared/errors'
import type { EventBus } from '../../events'
import type { Dispatch } from '../dispatch'

/** The slice of Electron's ipcMain this transport uses, so it runs and is tested under plain Node. */
export interface IpcFrameLike {
  url: string
}
export interface IpcInvokeEventLike {
  senderFrame: IpcFrameLike | null
}
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => unknown): void
  removeHandler(channel: string): void
}

export interface IpcTransportOptions {
  ipcMain: IpcMainLike
  core: { dispatch: Dispatch; events: EventBus }
  isTrustedSender: (frame: IpcFrameLike | null) => boolean
  sendEvent: (message: { name: string; payload: unknown }) => void
}

/** Serves the admin contract over `admin:invoke` and forwards contract events; returns its teardown. */
export function registerIpcTransport({ ipcMain, core, isTrustedSender, sendEvent }: IpcTransportOptions): () => void {
  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, method, input): Promise<Result<unknown>> => {
    // senderFrame is null after a navigation or for a destroyed frame: that is a refusal too.
    if (!isTrustedSender(event.senderFrame))
      return { ok: false, error: { code: 'FORBIDDEN_SENDER', message: 'This frame may not call the admin API.' } }
    return core.dispatch(typeof method === 'string' ? method : '', input, 'gui')
  })
  const unsubscribes = EVENT_NAMES.map((name) => core.events.on(name, (payload) => sendEvent({ name, payload })))
  return () => {
    ipcMain.removeHandler(IPC_INVOKE_CHANNEL)
    for (const unsubscribe of unsubscribes) unsubscribe()
  }
}
