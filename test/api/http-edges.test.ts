import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { API_ERROR_TYPES } from '../../src-shared/errors'
import { createKey, startServer, type TestServer } from '../helpers/core'

/**
 * Item 8 and 9 of "the core under fire": every rejection in the envelope, after the Host guard, with
 * X-Request-Id and a request-log row; and the HTTP edge cases answered as RFC 9112 asks. Raw sockets
 * throughout: these are requests no well-behaved client sends.
 */
let server: TestServer
let host: string
let port: number
let secret: string

beforeAll(async () => {
  server = await startServer()
  host = new URL(server.origin).host
  port = Number(new URL(server.origin).port)
  secret = createKey(server, { name: 'edges', tierId: 'rpm-300' }).secret
})
afterAll(async () => {
  await server?.close()
})

/** Writes the bytes, then collects everything the server sends until it closes (or `waitMs` passes). */
function exchange(bytes: string | Buffer, waitMs = 5_000): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes))
    let text = ''
    const timer = setTimeout(() => {
      socket.destroy()
      resolve({ text, closed: false })
    }, waitMs)
    socket.on('data', (d) => (text += d))
    socket.on('close', () => {
      clearTimeout(timer)
      resolve({ text, closed: true })
    })
    socket.on('error', reject)
  })
}

interface RawAnswer {
  status: number
  headers: Record<string, string>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any
}

/** Splits a stream of HTTP/1.1 responses (Content-Length or chunked bodies) into its responses. */
function responses(text: string): RawAnswer[] {
  const out: RawAnswer[] = []
  let rest = text
  while (rest.startsWith('HTTP/1.1 ')) {
    const headEnd = rest.indexOf('\r\n\r\n')
    const [statusLine, ...lines] = rest.slice(0, headEnd).split('\r\n')
    const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]))
    let bodyText = ''
    let after = headEnd + 4
    if (headers['content-length'] !== undefined) {
      bodyText = rest.slice(after, after + Number(headers['content-length']))
      after += Number(headers['content-length'])
    } else if (headers['transfer-encoding'] === 'chunked') {
      for (;;) {
        const lineEnd = rest.indexOf('\r\n', after)
        const size = Number.parseInt(rest.slice(after, lineEnd), 16)
        after = lineEnd + 2
        if (size === 0) {
          after += 2
          break
        }
        bodyText += rest.slice(after, after + size)
        after += size + 2
      }
    }
    let body: unknown = bodyText
    try {
      body = JSON.parse(bodyText)
    } catch {
      // not JSON
    }
    out.push({ status: Number(statusLine.split(' ')[1]), headers, body })
    rest = rest.slice(after)
  }
  expect(rest, 'bytes after the last complete response').toBe('')
  return out
}

async function loggedRow(requestId: string) {
  await server.core.services.requestLog.flush()
  return server.core.services.store.sqlite.prepare('select * from request_log where id = ?').get(requestId) as
    | { status: number; error_code: string | null; path: string; key_id: string | null }
    | undefined
}

/** One request, one answer in the API's error envelope, with its X-Request-Id and its request-log row. */
const closing = (requestBytes: string) => requestBytes.replace(/\r\n\r\n$/, '\r\nConnection: close\r\n\r\n')

async function expectRefused(requestBytes: string, status: number, code: keyof typeof API_ERROR_TYPES) {
  const { text, closed } = await exchange(closing(requestBytes))
  const all = responses(text)
  expect(all, text).toHaveLength(1)
  const [answer] = all
  expect(answer.status).toBe(status)
  expect(answer.headers['x-request-id']).toMatch(/^req_/)
  expect(answer.body).toMatchObject({ success: false, error: { code, type: API_ERROR_TYPES[code], request_id: answer.headers['x-request-id'] } })
  expect(await loggedRow(answer.headers['x-request-id'])).toMatchObject({ status, error_code: code })
  return { answer, closed }
}

const LONG = 'a'.repeat(300)

describe('rejections before routing: in the envelope, with X-Request-Id and a request-log row', () => {
  const cases: Array<[string, () => string, number, keyof typeof API_ERROR_TYPES]> = [
    ['a bad percent-encoding', () => `GET /api/v1/%zz HTTP/1.1\r\nHost: ${host}\r\n\r\n`, 400, 'INVALID_REQUEST'],
    ['a path parameter of 300 characters', () => `DELETE /api/v1/keys/${LONG} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${secret}\r\n\r\n`, 414, 'URI_TOO_LONG'],
    ['a request without Host', () => `GET /api/v1/health HTTP/1.1\r\n\r\n`, 400, 'INVALID_REQUEST'],
    ['an unsupported Expect', () => `GET /api/v1/health HTTP/1.1\r\nHost: ${host}\r\nExpect: something-else\r\n\r\n`, 417, 'EXPECTATION_FAILED'],
    ['two Host headers', () => `GET /api/v1/health HTTP/1.1\r\nHost: ${host}\r\nHost: evil.example\r\n\r\n`, 400, 'INVALID_REQUEST'],
    ['two Authorization headers', () => `GET /api/v1/me HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${secret}\r\nAuthorization: Bearer clw_x\r\n\r\n`, 400, 'INVALID_REQUEST'],
    ['an absolute-form target naming another host', () => `GET http://evil.example/api/v1/me HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${secret}\r\n\r\n`, 403, 'INVALID_REQUEST'],
    ['an absolute-form target with another scheme', () => `GET https://${host}/api/v1/health HTTP/1.1\r\nHost: ${host}\r\n\r\n`, 403, 'INVALID_REQUEST'],
    ['a dot segment', () => `GET /api/v1/%2e%2e/admin/ HTTP/1.1\r\nHost: ${host}\r\n\r\n`, 400, 'INVALID_REQUEST'],
  ]
  it.each(cases)('answers %s', async (_label, request, status, code) => {
    await expectRefused(request(), status, code)
  })

  it.each([
    ['a bad percent-encoding', `GET /api/v1/%zz HTTP/1.1\r\n`],
    ['a path parameter of 300 characters', `DELETE /api/v1/keys/${LONG} HTTP/1.1\r\n`],
    ['an unsupported Expect', `GET /api/v1/health HTTP/1.1\r\nExpect: something-else\r\n`],
    ['an overlong-UTF-8 admin path', `GET /admin/%c0%ae%c0%ae/x HTTP/1.1\r\n`],
    ['an admin method name of 300 characters', `POST /admin/rpc/${LONG} HTTP/1.1\r\nContent-Length: 0\r\n`],
  ])('checks the Host first: %s with Host evil.example is a 403', async (_label, head) => {
    const { answer } = await expectRefusedAnyShape(`${head}Host: evil.example:${port}\r\n\r\n`)
    expect(answer.status).toBe(403)
    expect(JSON.stringify(answer.body)).toContain('evil.example')
  })

  it('answers an overlong-UTF-8 admin path and an overlong admin method in the admin Result shape, logged', async () => {
    for (const [request, status] of [
      [`GET /admin/%c0%ae%c0%ae/x HTTP/1.1\r\nHost: ${host}\r\n\r\n`, 400],
      [`POST /admin/rpc/${LONG} HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 0\r\n\r\n`, 414],
    ] as const) {
      const { answer } = await expectRefusedAnyShape(request)
      expect(answer.status).toBe(status)
      expect(answer.body).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.any(String) } })
      expect(await loggedRow(answer.headers['x-request-id'])).toMatchObject({ status })
    }
  })

  it('serves an absolute-form target that names this server', async () => {
    const { text } = await exchange(`GET http://${host}/api/v1/me HTTP/1.1\r\nHost: evil.example\r\nAuthorization: Bearer ${secret}\r\nConnection: close\r\n\r\n`)
    const [answer] = responses(text)
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ success: true, data: { key: { name: 'edges' } } })
  })
})

async function expectRefusedAnyShape(requestBytes: string) {
  const { text } = await exchange(closing(requestBytes))
  const all = responses(text)
  expect(all, text).toHaveLength(1)
  const [answer] = all
  expect(answer.headers['x-request-id']).toMatch(/^req_/)
  return { answer }
}

describe('HTTP edge cases (RFC 9112)', () => {
  it.each([
    ['a 401 from the key gate', 'POST /api/v1/keys', 401],
    ['a 404', 'POST /api/v1/nowhere', 404],
    ['a 404 to a GET', 'GET /api/v1/nowhere', 404],
  ])('never writes a second response on a socket after %s, when a malformed chunked body follows', async (_label, target, status) => {
    const socket = connect(port, '127.0.0.1')
    let text = ''
    socket.on('data', (d) => (text += d))
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
    socket.write(`${target} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"a":\r\n`)
    // The answer goes out before the rest of the body arrives…
    for (let i = 0; i < 100 && !text.includes('\r\n\r\n'); i++) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(text).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `))
    // …and the malformed rest gets no second response, only the connection closed.
    socket.write('ZZ-not-a-chunk-size\r\n\r\n')
    await closed
    expect(responses(text).map((answer) => answer.status)).toEqual([status])
  })

  it('answers a request whose malformed chunked body arrives with its headers exactly once', async () => {
    const { text, closed } = await exchange(
      `POST /api/v1/keys HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"a":\r\nZZ\r\n\r\n`,
    )
    const all = responses(text)
    expect(all).toHaveLength(1)
    expect([400, 401]).toContain(all[0].status)
    expect(closed).toBe(true)
  })

  it('answers the 49 valid requests of a pipeline of 100 before the 400 for its malformed 50th, then closes', async () => {
    const valid = `GET /api/v1/health HTTP/1.1\r\nHost: ${host}\r\n\r\n`
    const pipeline = Array.from({ length: 100 }, (_, i) => (i === 49 ? 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nBroken header line\r\n\r\n' : valid)).join('')
    const { text, closed } = await exchange(pipeline)
    const all = responses(text)
    expect(all.map((answer) => answer.status)).toEqual([...Array(49).fill(200), 400])
    expect(all[49].body).toMatchObject({ success: false, error: { code: 'INVALID_REQUEST' } })
    expect(closed).toBe(true)
  })

  it('answers a malformed chunked body of a request still waiting for it with one 400, in its place', async () => {
    const { text, closed } = await exchange(
      `POST /api/v1/keys HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${createKey(server, { scopes: ['keys'] }).secret}\r\n` +
        `Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"a":\r\nZZ\r\n\r\n`,
    )
    const all = responses(text)
    expect(all).toHaveLength(1)
    expect(all[0].status).toBe(400)
    expect(all[0].body).toMatchObject({ success: false, error: { code: 'INVALID_REQUEST' } })
    expect(closed).toBe(true)
  })

  it('keeps serving after all of the above', async () => {
    const { text } = await exchange(`GET /api/v1/health HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`)
    expect(responses(text).map((answer) => answer.status)).toEqual([200])
  })
})
