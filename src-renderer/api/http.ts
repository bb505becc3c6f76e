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
/** A stream that has shown heartbeats and then says nothing for this long is taken as dead. */
const SILENCE_LIMIT_MS = 45_000

/**
 * Headless transport: `POST <base>/rpc/<method>` answers a Result in every case, and
 * `GET <base>/events` is one server-sent-events stream carrying every contract event.
 * The stream is opened with fetch (EventSource cannot send the Authorization header),
 * shared by all listeners, and reopened with backoff when it drops; events sent while it
 * was down are lost, so reconnect listeners are told to catch up.
 */
export function createHttpTransport(token: string, base: URL = adminBaseUrl()): Transport {
  const authorization = `Bearer ${token}`
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const reconnectListeners = new Set<() => void>()
  let stream: AbortController | null = null
  let retryTimer: ReturnType<typeof setTimeout> | null = null
  let retryDelay = INITIAL_RETRY_MS
  let everConnected = false

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
    if (everConnected) for (const listener of [...reconnectListeners]) listener()
    everConnected = true

    // Half-open connections (a sleeping laptop, a killed proxy) never end by themselves. Once the
    // server has shown it sends heartbeat comments, a long silence means the stream is dead.
    let lastHeard = Date.now()
    let comments = 0
    const watchdog = setInterval(() => {
      if (comments >= 2 && Date.now() - lastHeard > SILENCE_LIMIT_MS) controller.abort(new Error('silent'))
    }, 5_000)
    const parser = createParser({
      onEvent: (message) => dispatch(message.event ?? 'message', message.data),
      onComment: () => comments++,
    })
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) return 'ended'
        lastHeard = Date.now()
        parser.feed(value)
      }
    } finally {
      clearInterval(watchdog)
    }
  }

  function connect() {
    if (stream) return
    const controller = new AbortController()
    stream = controller
    readStream(controller)
      .then((outcome) => (outcome === 'unauthorized' ? 'stop' : 'retry'))
      .catch(() => 'retry')
      .then((next) => {
        if (stream !== controller) return // disconnect() ran: nobody is listening
        stream = null
        if (next === 'stop' || listenerCount() === 0) return
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
    const current = stream
    stream = null
    current?.abort()
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
      // Wrapped so the same callback can be subscribed twice and each subscription ends on its own.
      const entry = (payload: unknown) => listener(payload)
      set.add(entry)
      connect()
      return () => {
        set.delete(entry)
        if (listenerCount() === 0) disconnect()
      }
    },

    onReconnect(listener) {
      reconnectListeners.add(listener)
      return () => reconnectListeners.delete(listener)
    },
  }
}
