import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getJson, startServer, type TestServer } from '../helpers/core'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(async () => {
  await server.close()
})

/** Sends raw bytes and returns the raw answer: for requests no HTTP client would send. */
function raw(bytes: string): Promise<string> {
  const { port } = new URL(server.origin)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(bytes))
    let answer = ''
    socket.on('data', (d) => (answer += d)).on('end', () => resolve(answer)).on('error', reject)
  })
}

const envelopeOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))

describe('requests Node rejects before routing', () => {
  it('answers oversized headers with 431 in the error envelope', async () => {
    const answer = await raw(`GET /api/v1/health HTTP/1.1\r\nHost: ${new URL(server.origin).host}\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)
    expect(answer).toMatch(/^HTTP\/1\.1 431 /)
    const body = envelopeOf(answer)
    expect(body).toMatchObject({ success: false, error: { code: 'PAYLOAD_TOO_LARGE', type: 'invalid_request_error' } })
    expect(answer).toContain(`X-Request-Id: ${body.error.request_id}`)
  })

  it('answers broken HTTP with 400 in the error envelope, and keeps serving', async () => {
    const answer = await raw('THIS IS NOT HTTP\r\n\r\n')
    expect(answer).toMatch(/^HTTP\/1\.1 400 /)
    expect(envelopeOf(answer).error.code).toBe('INVALID_REQUEST')
    expect((await getJson(`${server.apiBaseUrl}/health`)).status).toBe(200)
  })
})
