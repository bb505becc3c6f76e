import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** One POST as the receiver got it: the raw body bytes as text, for verifying the signature. */
export interface ReceivedDelivery {
  webhookId: string
  path: string
  headers: http.IncomingHttpHeaders
  body: string
  at: number
}

export interface WebhookReceiverOptions {
  /** How long to wait before answering each request, in ms (a slow receiver); 0 answers at once. */
  delayMs?: () => number
  status?: number
}

/**
 * A real webhook receiver on 127.0.0.1 for tests that run the server as its own process: records every
 * POST when its body has arrived, then answers (200 by default) after `delayMs`; while paused, it answers
 * nothing until `resume()`. `holding` is what it has received but not answered yet: deliveries a kill of
 * the sender cuts short.
 */
export async function startWebhookReceiver(options: WebhookReceiverOptions = {}) {
  const received: ReceivedDelivery[] = []
  const holding = new Set<ReceivedDelivery>()
  let paused: { promise: Promise<void>; resume: () => void } | null = null
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const delivery: ReceivedDelivery = {
        webhookId: String(req.headers['webhook-id'] ?? ''),
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      }
      received.push(delivery)
      const answer = () => {
        holding.delete(delivery)
        res.writeHead(options.status ?? 200, { 'content-type': 'text/plain' }).end('OK')
      }
      const delay = options.delayMs?.() ?? 0
      if (delay <= 0 && !paused) return answer()
      holding.add(delivery)
      void (paused?.promise ?? Promise.resolve()).then(() => setTimeout(answer, delay))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    /** Received, not yet answered. */
    holding,
    /** Answers nothing from now on until `resume()`. */
    pause() {
      if (paused) return
      let resume!: () => void
      const promise = new Promise<void>((resolve) => (resume = resolve))
      paused = { promise, resume }
    },
    resume() {
      paused?.resume()
      paused = null
    },
    /** webhook-id → every delivery of it, in arrival order. */
    byId(): Map<string, ReceivedDelivery[]> {
      const map = new Map<string, ReceivedDelivery[]>()
      for (const delivery of received) map.set(delivery.webhookId, [...(map.get(delivery.webhookId) ?? []), delivery])
      return map
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>
