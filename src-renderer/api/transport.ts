/**
 * How the client reaches the core. Two implementations (Electron IPC and headless HTTP) behave the
 * same to the client: `invoke` resolves to the raw, untyped `Result` of a contract method, and
 * `subscribe` delivers raw event payloads. Typing and validation happen once, in the client.
 */
export interface Transport {
  readonly kind: 'ipc' | 'http'
  invoke(method: string, input: unknown): Promise<unknown>
  subscribe(name: string, listener: (payload: unknown) => void): () => void
  /** Called after the event stream came back from a drop: events in the gap were missed. IPC never drops. */
  onReconnect(listener: () => void): () => void
}
