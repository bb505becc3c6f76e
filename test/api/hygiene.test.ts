import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKey, getJson, startServer, type TestServer } from '../helpers/core'
import { expectErrorEnvelope, rawRequest, tableCounts } from '../helpers/reliability'

/**
 * SPEC §4 "Local-server hygiene" and envelopes; RELIABILITY §6 #34–35. A real core on a real
 * SQLite file, a real loopback server, real requests; node:http where a test must set Host or Origin.
 */

const MIB = 1024 * 1024

let server: TestServer
let secret: string
let port: string
let countsBefore: Record<string, number>

const json = { 'content-type': 'application/json' }
const auth = () => ({ authorization: `Bearer ${secret}` })
const postKeys = (body: string | Buffer, headers: Record<string, string> = {}) =>
  rawRequest(server.origin, { method: 'POST', path: '/api/v1/keys', headers: { ...json, ...auth(), ...headers }, body })

beforeAll(async () => {
  server = await startServer()
  port = new URL(server.origin).port
  // 300 requests a minute: this file sends fewer than that with the key
  secret = createKey(server, { name: 'hygiene', scopes: ['keys'], tierId: 'rpm-300' }).secret
  countsBefore = tableCounts(server.core.services.store.sqlite)
})

afterAll(async () => {
  await server?.close()
})

describe('request bodies on POST /api/v1/keys', () => {
  it('answers malformed JSON with 400 INVALID_JSON', async () => {
    const response = await postKeys('{"name": "x",')
    expectErrorEnvelope(response, 400, 'INVALID_JSON')
  })

  it('answers an empty JSON body with 400 INVALID_JSON', async () => {
    const response = await postKeys('')
    expectErrorEnvelope(response, 400, 'INVALID_JSON')
  })

  it('answers valid JSON that breaks the schema (an unknown field) with 400 INVALID_REQUEST', async () => {
    const response = await postKeys(JSON.stringify({ name: 'x', admin: true }))
    expectErrorEnvelope(response, 400, 'INVALID_REQUEST')
  })

  it('answers a body of 1 MiB + 1 byte with 413 PAYLOAD_TOO_LARGE', async () => {
    const body = Buffer.alloc(MIB + 1, 0x20)
    body.write('{"name":"x","pad":"')
    body.write('"}', MIB + 1 - 2)
    expect(body.length).toBe(MIB + 1)
    const response = await postKeys(body)
    expectErrorEnvelope(response, 413, 'PAYLOAD_TOO_LARGE')
  })

  it('answers a chunked body (no Content-Length) over 1 MiB with 413 PAYLOAD_TOO_LARGE', async () => {
    const response = await postKeys(Buffer.alloc(MIB + 1024, 0x20), { 'transfer-encoding': 'chunked' })
    expectErrorEnvelope(response, 413, 'PAYLOAD_TOO_LARGE')
  })

  it('reads a body of exactly 1 MiB (and refuses it for its content, not its size)', async () => {
    const name = 'n'.repeat(MIB - '{"name":""}'.length)
    const body = JSON.stringify({ name })
    expect(Buffer.byteLength(body)).toBe(MIB)
    const response = await postKeys(body)
    expectErrorEnvelope(response, 400, 'INVALID_REQUEST') // name is at most 100 characters
  })

  it('answers {"__proto__": {...}} with a 400 envelope and pollutes nothing', async () => {
    const response = await postKeys('{"name":"proto","__proto__":{"polluted":"yes","scopes":["keys"]}}')
    expectErrorEnvelope(response, 400, 'INVALID_JSON') // Fastify's onProtoPoisoning: 'error'
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('answers {"constructor": {"prototype": {...}}} with a 400 envelope and pollutes nothing', async () => {
    const response = await postKeys('{"name":"ctor","constructor":{"prototype":{"polluted":"yes"}}}')
    expectErrorEnvelope(response, 400, 'INVALID_JSON') // onConstructorPoisoning: 'error'
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('answers a __proto__ nested inside a field with a 400 envelope', async () => {
    const response = await postKeys('{"name":"nested","spendingLimits":{"__proto__":{"perDay":"1.00"}}}')
    expectErrorEnvelope(response, 400, 'INVALID_JSON')
  })

  it('answers a JSON body sent as text/plain with a 4xx envelope, never a 5xx', async () => {
    const response = await postKeys(JSON.stringify({ name: 'plain' }), { 'content-type': 'text/plain' })
    expect(response.status).toBeGreaterThanOrEqual(400)
    expect(response.status).toBeLessThan(500)
    expectErrorEnvelope(response, response.status, response.body?.error?.code)
  })
})

describe('the Host header (DNS-rebinding defence)', () => {
  it.each([
    ['a foreign name', () => 'evil.example'],
    ['a foreign name with our port', () => `evil.example:${port}`],
    ['our address with another port', () => '127.0.0.1:1'],
    ['our address without a port', () => '127.0.0.1'],
    ['a look-alike name', () => `localhost.evil.example:${port}`],
    ['a rebinding name resolving to loopback', () => `127.0.0.1.nip.io:${port}`],
    ['the any address', () => `0.0.0.0:${port}`],
  ])('refuses %s with a 403 envelope', async (_label, host) => {
    const response = await rawRequest(server.origin, { path: '/api/v1/health', headers: { host: host() } })
    expectErrorEnvelope(response, 403, 'INVALID_REQUEST')
  })

  it('refuses a foreign Host before authenticating, even with a valid key', async () => {
    const response = await rawRequest(server.origin, { path: '/api/v1/me', headers: { host: `evil.example:${port}`, ...auth() } })
    expectErrorEnvelope(response, 403, 'INVALID_REQUEST')
  })

  it('refuses a foreign Host on the admin RPC with a 403 (not a 400 INVALID_INPUT)', async () => {
    const response = await rawRequest(server.origin, {
      method: 'POST',
      path: '/admin/rpc/keys.list',
      headers: { host: `evil.example:${port}`, authorization: `Bearer ${server.adminToken}`, ...json },
      body: '{}',
    })
    expect(response.headers['x-request-id']).toMatch(/^req_/)
    expect(response.body).toMatchObject({ ok: false, error: { message: expect.stringContaining('evil.example') } })
    expect(response.status).toBe(403)
  })

  it('refuses a foreign Host on the admin event stream with a 403', async () => {
    const response = await rawRequest(server.origin, {
      path: '/admin/events',
      headers: { host: `evil.example:${port}`, authorization: `Bearer ${server.adminToken}` },
    })
    expect(response.headers['content-type']).not.toMatch(/event-stream/)
    expect(response.status).toBe(403)
  })

  it.each([
    ['127.0.0.1:<port>', () => `127.0.0.1:${port}`],
    ['localhost:<port>', () => `localhost:${port}`],
    ['LOCALHOST:<port> (case-insensitive)', () => `LOCALHOST:${port}`],
    ['[::1]:<port>', () => `[::1]:${port}`],
  ])('serves Host %s', async (_label, host) => {
    const response = await rawRequest(server.origin, { path: '/api/v1/health', headers: { host: host() } })
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({ success: true, data: { status: 'ok' } })
  })
})

describe('the Origin header (CORS closed by default)', () => {
  it.each(['https://evil.example', 'null', 'http://127.0.0.1:1', 'http://localhost.evil.example'])(
    'refuses Origin %s with 403 and no access-control-allow-origin',
    async (origin) => {
      const response = await rawRequest(server.origin, { path: '/api/v1/me', headers: { origin, ...auth() } })
      expectErrorEnvelope(response, 403, 'INVALID_REQUEST')
      expect(response.headers['access-control-allow-origin']).toBeUndefined()
    },
  )

  it('refuses a CORS preflight from a foreign origin with 403 and no access-control-allow-origin', async () => {
    const response = await rawRequest(server.origin, {
      method: 'OPTIONS',
      path: '/api/v1/keys',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    })
    expect(response.status).toBe(403)
    expect(response.headers['access-control-allow-origin']).toBeUndefined()
    expect(response.headers['access-control-allow-methods']).toBeUndefined()
  })

  it('refuses a foreign Origin on the admin RPC with a 403 (not a 400 INVALID_INPUT)', async () => {
    const response = await rawRequest(server.origin, {
      method: 'POST',
      path: '/admin/rpc/keys.list',
      headers: { origin: 'https://evil.example', authorization: `Bearer ${server.adminToken}`, ...json },
      body: '{}',
    })
    expect(response.headers['access-control-allow-origin']).toBeUndefined()
    expect(response.body).toMatchObject({ ok: false })
    expect(response.status).toBe(403)
  })

  it('serves its own origin (the headless GUI) without a CORS header', async () => {
    const response = await rawRequest(server.origin, { path: '/api/v1/me', headers: { origin: server.origin, ...auth() } })
    expect(response.status).toBe(200)
    expect(response.headers['access-control-allow-origin']).toBeUndefined()
  })
})

describe('unknown routes', () => {
  it('answers an unknown /api/v1 route with 404 NOT_FOUND', async () => {
    const response = await getJson(`${server.apiBaseUrl}/no-such-route`, secret)
    expectErrorEnvelope(response, 404, 'NOT_FOUND')
  })

  it('answers an unknown route outside /api/v1 with 404 NOT_FOUND', async () => {
    const response = await getJson(`${server.origin}/no-such-route`)
    expectErrorEnvelope(response, 404, 'NOT_FOUND')
  })

  it('answers a known path with an unsupported method with a 404 envelope', async () => {
    const response = await getJson(`${server.apiBaseUrl}/me`, secret, { method: 'PATCH' })
    expectErrorEnvelope(response, 404, 'NOT_FOUND')
  })
})

describe('x-request-id', () => {
  it('is on every response, success or error, matches ^req_, is unique, and equals error.request_id', async () => {
    const responses = [
      await rawRequest(server.origin, { path: '/api/v1/health' }),
      await rawRequest(server.origin, { path: '/api/v1/me', headers: auth() }),
      await rawRequest(server.origin, { path: '/api/v1/openapi.json' }),
      await rawRequest(server.origin, { path: '/api/v1/me' }), // 401
      await rawRequest(server.origin, { path: '/api/v1/nope', headers: auth() }), // 404
      await rawRequest(server.origin, { path: '/nope' }), // 404
      await postKeys(Buffer.alloc(MIB + 1, 0x20)), // 413
      await postKeys('{'), // 400
      await rawRequest(server.origin, { path: '/api/v1/health', headers: { host: 'evil.example' } }), // 403
      await rawRequest(server.origin, { path: '/api/v1/health', headers: { origin: 'https://evil.example' } }), // 403
    ]
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 401, 404, 404, 413, 400, 403, 403])
    const ids = responses.map((r) => r.headers['x-request-id'])
    for (const id of ids) expect(id).toMatch(/^req_[0-9a-f]{24}$/)
    expect(new Set(ids).size).toBe(ids.length)
    for (const r of responses.filter((r) => r.status >= 400)) expect(r.body?.error?.request_id).toBe(r.headers['x-request-id'])
  })

  it('is on a successful key creation too', async () => {
    const response = await postKeys(JSON.stringify({ name: 'made by hygiene' }))
    expect(response.status).toBe(201)
    expect(response.headers['x-request-id']).toMatch(/^req_/)
    expect(response.body).toMatchObject({ success: true, data: { key: { name: 'made by hygiene' } } })
    // this one key is the only change this file makes; the last test accounts for it
    countsBefore = { ...countsBefore, api_keys: countsBefore.api_keys + 1, audit_log: countsBefore.audit_log + 1 }
  })
})

describe('after every bad request above', () => {
  it('has the same number of keys, tiers, audit entries and settings as before (apart from the one key made on purpose)', async () => {
    await server.core.dispatch('requests.list', {}, 'gui') // flushes the request log; writes nothing else
    expect(tableCounts(server.core.services.store.sqlite)).toEqual(countsBefore)
  })

  it('logged none of them as a 5xx', async () => {
    await server.core.services.requestLog.flush()
    const fiveHundreds = server.core.services.store.sqlite.prepare('select count(*) from request_log where status >= 500').pluck().get()
    expect(fiveHundreds).toBe(0)
  })

  it('is still healthy', async () => {
    const response = await getJson(`${server.apiBaseUrl}/health`)
    expect(response.status).toBe(200)
  })
})

describe('with a CORS origin allowed in the settings', () => {
  let cors: TestServer
  let corsSecret: string
  const allowed = 'http://allowed.example'

  beforeAll(async () => {
    cors = await startServer()
    corsSecret = createKey(cors, { name: 'cors' }).secret
    const result = await cors.core.dispatch('settings.set', { corsOrigins: [allowed] }, 'gui')
    expect(result).toMatchObject({ ok: true, value: { corsOrigins: [allowed] } })
  })

  afterAll(async () => {
    await cors?.close()
  })

  const get = (origin: string, secretToUse = corsSecret) =>
    rawRequest(cors.origin, { path: '/api/v1/me', headers: { origin, authorization: `Bearer ${secretToUse}` } })

  it('sends access-control-allow-origin to the allowed origin', async () => {
    const response = await get(allowed)
    expect(response.status).toBe(200)
    expect(response.headers['access-control-allow-origin']).toBe(allowed)
  })

  it('exposes x-request-id and the rate-limit headers to the allowed origin', async () => {
    const response = await get(allowed)
    const exposed = String(response.headers['access-control-expose-headers']).toLowerCase()
    for (const header of ['x-request-id', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'retry-after'])
      expect(exposed).toContain(header)
  })

  it('answers the allowed origin’s preflight with its origin and the method', async () => {
    const response = await rawRequest(cors.origin, {
      method: 'OPTIONS',
      path: '/api/v1/keys',
      headers: { origin: allowed, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    })
    expect(response.status).toBeLessThan(300)
    expect(response.headers['access-control-allow-origin']).toBe(allowed)
    expect(String(response.headers['access-control-allow-methods'])).toContain('POST')
  })

  it('lets the allowed origin read an error too (a 401 carries access-control-allow-origin)', async () => {
    const response = await get(allowed, 'clw_not-a-key')
    expectErrorEnvelope(response, 401, 'INVALID_API_KEY')
    expect(response.headers['access-control-allow-origin']).toBe(allowed)
  })

  it('still refuses any other origin with 403 and no access-control-allow-origin', async () => {
    for (const origin of ['http://evil.example', 'http://allowed.example.evil.example', 'https://allowed.example', 'http://allowed.example:8080']) {
      const response = await get(origin)
      expectErrorEnvelope(response, 403, 'INVALID_REQUEST')
      expect(response.headers['access-control-allow-origin']).toBeUndefined()
    }
  })

  it('closes CORS again when the setting is emptied', async () => {
    await cors.core.dispatch('settings.set', { corsOrigins: [] }, 'gui')
    const response = await get(allowed)
    expect(response.status).toBe(403)
    expect(response.headers['access-control-allow-origin']).toBeUndefined()
    await cors.core.dispatch('settings.set', { corsOrigins: [allowed] }, 'gui')
  })
})

describe('the bind address', () => {
  it('listens on 127.0.0.1 only', () => {
    const address = server.core.api.server.address()
    expect(address).toMatchObject({ address: '127.0.0.1' })
    expect(server.core.api.server).toBeInstanceOf(http.Server)
  })
})
