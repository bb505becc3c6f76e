import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, METHOD_NAMES, EVENT_NAMES } from '../../src-shared/contract'
import { createBridge, type IpcRendererLike } from '../../src-preload/bridge'

type Listener = (event: unknown, ...args: unknown[]) => void

function fakeIpc() {
  const listeners = new Map<string, Set<Listener>>()
  const ipc = {
    invoke: vi.fn(async (..._args: unknown[]) => ({ ok: true, value: 'from main' })),
    on: vi.fn((channel: string, listener: Listener) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set())
      listeners.get(channel)!.add(listener)
    }),
    removeListener: vi.fn((channel: string, listener: Listener) => {
      listeners.get(channel)?.delete(listener)
    }),
  } satisfies IpcRendererLike
  /** What Electron does when main calls webContents.send(channel, message). */
  const emit = (channel: string, message: unknown) => {
    const ipcEvent = { sender: { send: () => undefined }, ports: [], senderId: 0 }
    for (const listener of listeners.get(channel) ?? []) listener(ipcEvent, message)
  }
  const count = (channel: string) => listeners.get(channel)?.size ?? 0
  return { ipc, emit, count }
}

describe('createBridge', () => {
  it('exposes exactly invoke and onEvent', () => {
    expect(Object.keys(createBridge(fakeIpc().ipc))).toEqual(['invoke', 'onEvent'])
  })

  it('sends a contract method on the invoke channel with its input', async () => {
    const { ipc } = fakeIpc()
    const bridge = createBridge(ipc)
    await expect(bridge.invoke('keys.list', { includeRevoked: false })).resolves.toEqual({ ok: true, value: 'from main' })
    expect(ipc.invoke).toHaveBeenCalledExactlyOnceWith(IPC_INVOKE_CHANNEL, 'keys.list', { includeRevoked: false })
  })

  it.each(METHOD_NAMES)('lets the contract method %s through', async (method) => {
    const { ipc } = fakeIpc()
    await createBridge(ipc).invoke(method, {})
    expect(ipc.invoke).toHaveBeenCalledWith(IPC_INVOKE_CHANNEL, method, {})
  })

  it.each(['keys.nuke', 'constructor', '__proto__', 'toString', 'hasOwnProperty', '', 42, null])(
    'refuses the unknown method %j without touching IPC',
    async (method) => {
      const { ipc } = fakeIpc()
      const result = await createBridge(ipc).invoke(method as string, {})
      expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } })
      expect(ipc.invoke).not.toHaveBeenCalled()
    },
  )

  it('passes only the payload of the named event to the listener, never the IPC event', () => {
    const { ipc, emit } = fakeIpc()
    const listener = vi.fn()
    createBridge(ipc).onEvent(EVENT_NAMES[0], listener)
    emit(IPC_EVENT_CHANNEL, { name: EVENT_NAMES[0], payload: [{ id: 'req_1' }] })
    expect(listener).toHaveBeenCalledExactlyOnceWith([{ id: 'req_1' }])
  })

  it('does not deliver other events, or malformed messages, to a listener', () => {
    const { ipc, emit } = fakeIpc()
    const listener = vi.fn()
    createBridge(ipc).onEvent('requests.new', listener)
    emit(IPC_EVENT_CHANNEL, { name: 'audit.new', payload: [] })
    emit(IPC_EVENT_CHANNEL, null)
    emit(IPC_EVENT_CHANNEL, 'requests.new')
    emit(IPC_EVENT_CHANNEL, { payload: [] })
    expect(listener).not.toHaveBeenCalled()
  })

  it('listens only on the event channel', () => {
    const { ipc } = fakeIpc()
    createBridge(ipc).onEvent('audit.new', () => undefined)
    expect(ipc.on).toHaveBeenCalledExactlyOnceWith(IPC_EVENT_CHANNEL, expect.any(Function))
  })

  it('returns an unsubscribe that stops delivery and is safe to call twice', () => {
    const { ipc, emit, count } = fakeIpc()
    const listener = vi.fn()
    const unsubscribe = createBridge(ipc).onEvent('audit.new', listener)
    expect(count(IPC_EVENT_CHANNEL)).toBe(1)
    unsubscribe()
    unsubscribe()
    expect(count(IPC_EVENT_CHANNEL)).toBe(0)
    expect(ipc.removeListener).toHaveBeenCalledTimes(1)
    emit(IPC_EVENT_CHANNEL, { name: 'audit.new', payload: [] })
    expect(listener).not.toHaveBeenCalled()
  })

  it.each(['audit.deleted', '__proto__', 'constructor', ''])('refuses to subscribe to the unknown event %j', (name) => {
    const { ipc } = fakeIpc()
    expect(() => createBridge(ipc).onEvent(name, () => undefined)).toThrow(TypeError)
    expect(ipc.on).not.toHaveBeenCalled()
  })

  it('refuses a listener that is not a function', () => {
    const { ipc } = fakeIpc()
    expect(() => createBridge(ipc).onEvent('audit.new', 'alert(1)' as never)).toThrow(TypeError)
    expect(ipc.on).not.toHaveBeenCalled()
  })
})

/** A sandboxed preload's require() knows only these; anything else must be bundled into it. */
const SANDBOXED_PRELOAD_MODULES = ['electron', 'events', 'timers', 'url']
const BUILT_PRELOAD = 'out/preload/index.cjs'

describe('the built preload', () => {
  it.skipIf(!existsSync(BUILT_PRELOAD))('requires nothing a sandboxed preload cannot load (zod and the contract are bundled)', () => {
    const source = readFileSync(BUILT_PRELOAD, 'utf8')
    const required = [...source.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1])
    expect(required.filter((name) => !SANDBOXED_PRELOAD_MODULES.includes(name))).toEqual([])
    expect(source).not.toMatch(/\bimport\s*[({]|^import\s/m)
  })
})
