import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONNECTION_LIMITS } from '../../src-main/core/api/server'
import { createKey, startServer, type TestServer } from '../helpers/core'

/**
 * Stalled and slow clients are cut off (item 3): a client that sends its headers and part of a body,
 * then a byte now and then, loses its connection within 40 s; one that never finishes its headers gets
 * a 408; 500 of them at once do not slow anyone else; past the connection cap, new ones are closed.
 */
let server: TestServer
let port: number
let host: string

beforeAll(async () => {
  server = await startServer()
  port = Number(new URL(server.origin).port)
  host = new URL(server.origin).host
})
afterAll(async () => {
  await server?.close()
})

interface Stalled {
  socket: Socket
  received: () => string
  firstByteAfterMs: Promise<number>
  closedAfterMs: Promise<number>
}

/** Connects, writes `head`, then trickles one byte every `trickleMs` until the server closes the connection. */
function stall(head: string, trickleMs = 3_000): Promise<Stalled> {
  return new Promise((resolve, reject) => {
    const started = Date.now()
    let text = ''
    let onFirstByte: (ms: number) => void
    let onClosed: (ms: number) => void
    const firstByteAfterMs = new Promise<number>((r) => (onFirstByte = r))
    const closedAfterMs = new Promise<number>((r) => (onClosed = r))
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(head)
      resolve({ socket, received: () => text, firstByteAfterMs, closedAfterMs })
    })
    const trickle = setInterval(() => socket.writable && socket.write('x'), trickleMs)
    socket.on('data', (d) => {
      if (text === '') onFirstByte(Date.now() - started)
      text += d
    })
    socket.on('error', () => {}) // a reset is a way of being cut off too
    socket.on('close', () => {
      clearInterval(trickle)
      onClosed(Date.now() - started)
    })
    socket.once('error', (error) => (socket.connecting ? reject(error) : undefined))
  })
}

describe('stalled clients', () => {
  it('cuts off 500 stalled-body clients within 40 s, answers them 401 before reading their bodies, and keeps /health under a second meanwhile', async () => {
    const stalled: Stalled[] = []
    for (let i = 0; i < 500; i++)
      stalled.push(await stall(`POST /admin/rpc/keys.list HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"a":`))

    const healthLatencies: number[] = []
    let watching = true
    const watcher = (async () => {
      while (watching) {
        const started = performance.now()
        const response = await fetch(`${server.apiBaseUrl}/health`, { signal: AbortSignal.timeout(5_000) })
        expect(response.status).toBe(200)
        await response.arrayBuffer()
        healthLatencies.push(performance.now() - started)
        await new Promise((resolve) => setTimeout(resolve, 250))
      }
    })()

    const closedAfter = await Promise.all(stalled.map((client) => client.closedAfterMs))
    watching = false
    await watcher

    // The token was checked before the body: each got its 401 at once, with the body still unsent.
    const firstBytes = await Promise.all(stalled.map((client) => client.firstByteAfterMs))
    expect(Math.max(...firstBytes)).toBeLessThan(5_000)
    for (const client of stalled) {
      expect(client.received()).toMatch(/^HTTP\/1\.1 401 /)
      expect(client.received()).toContain('"code":"UNAUTHORIZED"')
    }
    expect(Math.max(...closedAfter)).toBeLessThan(40_000)
    expect(Math.min(...closedAfter)).toBeGreaterThanOrEqual(CONNECTION_LIMITS.requestTimeoutMs - 1_000)
    expect(healthLatencies.length).toBeGreaterThan(20)
    expect(Math.max(...healthLatencies)).toBeLessThan(1_000)
  })

  it('answers a client that never finishes its headers with 408 in the envelope, and one that stalls an API body with 408 too', async () => {
    const { secret } = createKey(server, { scopes: ['keys'], tierId: 'rpm-300' })
    const [headers, body] = await Promise.all([
      stall(`GET /api/v1/health HTTP/1.1\r\nHost: ${host}\r\nX-Slow: `, 60_000),
      stall(`POST /api/v1/keys HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${secret}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":`),
    ])
    const [headersClosed, bodyClosed] = await Promise.all([headers.closedAfterMs, body.closedAfterMs])
    expect(headersClosed).toBeLessThan(CONNECTION_LIMITS.headersTimeoutMs + 5_000)
    expect(bodyClosed).toBeLessThan(40_000)
    for (const client of [headers, body]) {
      const text = client.received()
      expect(text).toMatch(/^HTTP\/1\.1 408 /)
      const envelope = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))
      expect(envelope).toMatchObject({ success: false, error: { code: 'REQUEST_TIMEOUT', type: 'invalid_request_error' } })
      expect(text).toMatch(new RegExp(`x-request-id: ${envelope.error.request_id}`, 'i'))
    }
  })
})

describe('the connection cap', () => {
  it('closes connections past the cap at once, and serves again when there is room', async () => {
    const capped = await startServer({ maxConnections: 20 })
    try {
      const { port: cappedPort } = new URL(capped.origin)
      const open = await Promise.all(
        Array.from({ length: 20 }, () => new Promise<Socket>((resolve) => {
          const socket = connect(Number(cappedPort), '127.0.0.1', () => resolve(socket))
        })),
      )
      await new Promise((resolve) => setTimeout(resolve, 100))
      const refused = await new Promise<{ text: string; closedMs: number }>((resolve) => {
        const started = Date.now()
        let text = ''
        const socket = connect(Number(cappedPort), '127.0.0.1', () => socket.write(`GET /api/v1/health HTTP/1.1\r\nHost: ${new URL(capped.origin).host}\r\n\r\n`))
        socket.on('data', (d) => (text += d))
        socket.on('error', () => {})
        socket.on('close', () => resolve({ text, closedMs: Date.now() - started }))
      })
      expect(refused.text).toBe('')
      expect(refused.closedMs).toBeLessThan(2_000)
      for (const socket of open) socket.destroy()
      await new Promise((resolve) => setTimeout(resolve, 200))
      const response = await fetch(`${capped.apiBaseUrl}/health`)
      expect(response.status).toBe(200)
    } finally {
      await capped.close()
    }
  })
})
