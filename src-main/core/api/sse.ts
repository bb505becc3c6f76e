import { once } from 'node:events'
import type { ServerResponse } from 'node:http'
import type { FastifyReply } from 'fastify'

/** A comment line every so often keeps proxies and clients from timing out on a long silence (WHATWG SSE). */
export const HEARTBEAT_MS = 15_000

/**
 * A `text/event-stream` response written straight to the socket: each event goes out as it is written
 * (no buffering, `X-Accel-Buffering: no` for proxies), a comment heartbeat fills long gaps, and a write
 * waits for the socket to drain when the client reads slower than the agent speaks.
 */
export class SseWriter {
  private readonly raw: ServerResponse
  private lastWrite = Date.now()
  private readonly heartbeat: NodeJS.Timeout

  /** Takes the response over from fastify; the headers set on `reply` so far (request id, rate limits) go out with it. */
  constructor(reply: FastifyReply, heartbeatMs = HEARTBEAT_MS) {
    reply.hijack()
    this.raw = reply.raw
    const headers = reply.getHeaders() as Record<string, string | number | string[]>
    this.raw.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    })
    this.heartbeat = setInterval(() => {
      if (Date.now() - this.lastWrite >= heartbeatMs) this.write(': keep-alive\n\n')
    }, Math.max(10, Math.floor(heartbeatMs / 3)))
    this.heartbeat.unref()
  }

  get open(): boolean {
    return !this.raw.destroyed && !this.raw.writableEnded
  }

  /** One `data:` event; resolves once the socket took it (at once, unless the client is behind). */
  async data(payload: string): Promise<void> {
    if (!this.write(`data: ${payload}\n\n`) && this.open) await Promise.race([once(this.raw, 'drain'), once(this.raw, 'close')])
  }

  /** Ends the stream; `closeConnection` also ends the connection once the last bytes are out (a closing server does not wait for a keep-alive client to leave). */
  end(closeConnection = false): void {
    clearInterval(this.heartbeat)
    if (!this.open) return
    const socket = this.raw.socket
    this.raw.end(() => {
      if (closeConnection) socket?.end()
    })
  }

  private write(text: string): boolean {
    if (!this.open) return false
    this.lastWrite = Date.now()
    return this.raw.write(text)
  }
}
