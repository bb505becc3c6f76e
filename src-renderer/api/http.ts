import { createParser } from 'eventsource-parser'
import { AdminError } from './errors'
import type { Transport } from './transport'

/** The folder the admin page is served from (`/admin/`), which the RPC and event routes live under. */
export function adminBaseUrl(location: Pick<Location, 'href'> = window.location): URL {
  const url = new URL(location.href)
  url.search = ''
  url.hash = ''
  // `/admin/index.html` → `/admin/`; a bare `/admin` is a folder too.
  const last = url.pathname.slice(url.pathname.lastIndexOf('/') + 1)
  if (last.includes('.')) url.pathname = url.pathname.slice(0, -last.length)
  else if (!url.pathname.endsWith('/')) url.pathname += '/'
  return url
}

const INITIAL_RETRY_MS = 500
const MAX_RETRY_MS = 15_000

/**
 * Headless transport: `POST <base>/rpc/<method>` answers a Result in every case, and
 * `GET <base>/events` is one server-sent-events stream carrying every contract event.
 * The stream is opened with fetch (EventSource cannot send the Authorization header),
 * shared by all listeners, and reopened with backoff when it drops.
 */
export function createHttpTransport(token: string, base: URL = adminBaseUrl()): Transport {
  const authorization = `Bearer ${token}`
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  let stream: AbortController | null = null
  let retryTimer: ReturnType<typeof setTimeout> | null = null

  const listenerCount = () => [...listeners.values()].reduce((sum, set) => sum + set.size, 0)

  const dispatch = (name: string, data: string) => {
    const set = listeners.get(name)
    if (!set || set.size === 0) return
    let payload: unknown
    try {
      payload = JSON.parse(data)
    } catch {
      console.warn(`admin events: ${name} carried data that is not JSON`)
      return
    }
    for (const listener of [...set]) listener(payload)
  }

  async function readStream(controller: AbortController): Promise<'ended' | 'unauthorized'> {
    const response = await fetch(new URL('events', base), {
      headers: { Authorization: authorization, Accept: 'text/event-stream' },
      cache: 'no-store',
      signal: controller.signal,
    })
    if (response.status === 401 || response.status === 403) return 'unauthorized'
    if (!response.ok || !response.body) throw new Error(`admin events: HTTP ${response.status}`)
    retryDelay = INITIAL_RETRY_MS
    const parser = createParser({ onEvent: (message) => dispatch(message.event ?? 'message', message.data) })
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return 'ended'
      parser.feed(value)
    }
  }

  let retryDelay = INITIAL_RETRY_MS

  function connect() {
    if (stream) return
    const controller = new AbortController()
    stream = controller
    readStream(controller)
      .then((outcome) => (outcome === 'unauthorized' ? 'stop' : 'retry'))
      .catch(() => (controller.signal.aborted ? 'stop' : 'retry'))
      .then((next) => {
        if (stream !== controller) return
        stream = null
        if (next === 'stop' || controller.signal.aborted || listenerCount() === 0) return
        retryTimer = setTimeout(() => {
          retryTimer = null
          if (listenerCount() > 0) connect()
        }, retryDelay)
        retryDelay = Math.min(retryDelay * 2, MAX_RETRY_MS)
      })
  }

  function disconnect() {
    if (retryTimer) clearTimeout(retryTimer)
    retryTimer = null
    stream?.abort()
    stream = null
  }

  return {
    kind: 'http',

    async invoke(method, input) {
      let response: Response
      try {
        response = await fetch(new URL(`rpc/${encodeURIComponent(method)}`, base), {
          method: 'POST',
          headers: { Authorization: authorization, 'Content-Type': 'application/json' },
          body: JSON.stringify(input ?? {}),
          cache: 'no-store',
        })
      } catch (error) {
        throw new AdminError({
          code: 'INTERNAL_ERROR',
          message: 'The ClawHQ Local server cannot be reached. Is `clawhq-local serve` still running?',
          details: String(error),
        })
      }
      try {
        return await response.json()
      } catch {
        throw new AdminError({
          code: response.status === 401 ? 'UNAUTHORIZED' : 'INTERNAL_ERROR',
          message: `The server answered HTTP ${response.status} without a Result`,
        })
      }
    },

    subscribe(name, listener) {
      let set = listeners.get(name)
      if (!set) listeners.set(name, (set = new Set()))
      // Wrap so the same callback can be subscribed twice and unsubscribed once per subscription.
      const entry = (payload: unknown) => listener(payload)
      set.add(entry)
      connect()
      return () => {
        set.delete(entry)
        if (listenerCount() === 0) disconnect()
      }
    },
  }
}
