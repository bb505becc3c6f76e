import http from 'node:http'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keyChecksum } from '../../src-main/core/keys/secret'
import { createKey, startServer, type TestServer } from '../helpers/core'
import { expectErrorEnvelope, mapLimit, rawRequest } from '../helpers/reliability'

/**
 * RELIABILITY #11: malformed auth never returns a 5xx. 10,000 generated Authorization values go over
 * real HTTP to /api/v1/me, 50 at a time on keep-alive sockets; every one must get 401 INVALID_API_KEY.
 * The seed is printed on failure; set AUTH_FUZZ_SEED to replay a run.
 */
const RUNS = 10_000
const CONCURRENCY = 50
const SEED = process.env.AUTH_FUZZ_SEED ? Number(process.env.AUTH_FUZZ_SEED) : Date.now() ^ (Math.random() * 2 ** 31)

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const alnum = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...ALNUM), minLength: min, maxLength: max })

let server: TestServer
let secret: string
let revokedSecret: string
let expiredSecret: string
let agent: http.Agent

beforeAll(async () => {
  server = await startServer()
  secret = createKey(server, { name: 'real' }).secret
  const revoked = createKey(server, { name: 'revoked' })
  server.core.services.keys.revoke(revoked.key.id, 'cli')
  revokedSecret = revoked.secret
  const rolled = createKey(server, { name: 'rolled away' })
  server.core.services.keys.roll(rolled.key.id, 0, 'cli') // grace 0: the old secret is expired at once
  expiredSecret = rolled.secret
  agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY })
})

afterAll(async () => {
  agent?.destroy()
  await server?.close()
})

/** Authorization values that must all be refused; none of them is a working key. */
function authorizationValues(): fc.Arbitrary<string> {
  const bearer = (value: fc.Arbitrary<string>) => value.map((v) => `Bearer ${v}`)
  const maybeBearer = (value: fc.Arbitrary<string>) => fc.oneof(value, bearer(value))
  const badChecksum = alnum(32, 32)
    .map((body) => `clw_${body}`)
    .filter((candidate) => keyChecksum(candidate.slice(4, 30)) !== candidate.slice(30))
  const unknownButWellFormed = alnum(26, 26).map((random) => `clw_${random}${keyChecksum(random)}`)
  const truncated = fc.integer({ min: 0, max: 35 }).map((n) => secret.slice(0, n))
  const extended = alnum(1, 40).map((extra) => secret + extra)
  const wrongCasePrefix = fc.constantFrom('CLW_', 'Clw_', 'cLw_', 'clW_', 'CLw_', 'clw-', 'clw', 'clw__').map((p) => p + secret.slice(4))
  const oneCharChanged = fc
    .tuple(fc.integer({ min: 4, max: 35 }), fc.constantFrom(...ALNUM))
    .filter(([at, ch]) => secret[at] !== ch)
    .map(([at, ch]) => secret.slice(0, at) + ch + secret.slice(at + 1))
  const wrongScheme = fc.constantFrom('Token', 'Basic', 'Bearer:', 'Bearer=', 'Bearerx', 'Bearer_', 'Key', 'bearer,').map((s) => `${s} ${secret}`)
  const extraTokens = fc.constantFrom(`Bearer ${secret} ${secret}`, `Bearer ${secret},${secret}`, `Bearer ${secret};`, `Bearer "${secret}"`, `Bearer <${secret}>`)
  const empties = fc.constantFrom('', ' ', 'Bearer', 'Bearer ', 'Bearer  ', 'Bearer\t', 'bearer', 'Bearer clw_', 'clw_', 'Bearer null', 'Bearer undefined')
  const refusedKeys = fc.constantFrom(revokedSecret, expiredSecret).chain((s) => maybeBearer(fc.constant(s)))
  return fc.oneof(
    { weight: 15, arbitrary: fc.string({ maxLength: 120 }) }, // printable ASCII
    { weight: 15, arbitrary: bearer(fc.string({ maxLength: 120 })) },
    { weight: 15, arbitrary: maybeBearer(badChecksum) },
    { weight: 8, arbitrary: maybeBearer(unknownButWellFormed) },
    { weight: 8, arbitrary: maybeBearer(truncated) },
    { weight: 8, arbitrary: maybeBearer(extended) },
    { weight: 6, arbitrary: maybeBearer(wrongCasePrefix) },
    { weight: 6, arbitrary: maybeBearer(oneCharChanged) },
    { weight: 4, arbitrary: wrongScheme },
    { weight: 2, arbitrary: extraTokens },
    { weight: 4, arbitrary: empties },
    { weight: 4, arbitrary: refusedKeys },
    { weight: 5, arbitrary: maybeBearer(fc.string({ minLength: 1024, maxLength: 8192, size: 'max' })) }, // long, up to 8 KB
  )
}

describe(`${RUNS.toLocaleString('en')} fuzzed Authorization headers on GET /api/v1/me`, () => {
  it('all get 401 INVALID_API_KEY, none a 5xx, and the server stays healthy', async () => {
    const values = fc.sample(authorizationValues(), { numRuns: RUNS, seed: SEED })
    // sanity: the generator covers what it should, and never produces the working key
    expect(values).toHaveLength(RUNS)
    expect(values.filter((v) => v.trim() === `Bearer ${secret}`)).toEqual([])
    expect(values.some((v) => v.length > 4096)).toBe(true)
    expect(values.some((v) => v === 'Bearer ')).toBe(true)
    for (const v of values) http.validateHeaderValue('authorization', v)

    const started = performance.now()
    const results = await mapLimit(values, CONCURRENCY, async (value) => {
      const response = await rawRequest(server.origin, { path: '/api/v1/me', headers: { authorization: value }, agent })
      return { value, status: response.status, code: response.body?.error?.code as unknown, requestId: response.headers['x-request-id'] }
    })
    const elapsed = performance.now() - started

    const wrong = results.filter((r) => r.status !== 401 || r.code !== 'INVALID_API_KEY' || typeof r.requestId !== 'string')
    expect(wrong.slice(0, 10).map((r) => ({ ...r, value: r.value.slice(0, 80), seed: SEED }))).toEqual([])
    expect(results.filter((r) => r.status >= 500)).toHaveLength(0)
    expect(elapsed).toBeLessThan(30_000)

    const health = await rawRequest(server.origin, { path: '/api/v1/health' })
    expect(health.status).toBe(200)
    const me = await rawRequest(server.origin, { path: '/api/v1/me', headers: { authorization: `Bearer ${secret}` } })
    expect(me.status).toBe(200)
  })

  it('logged every one of them as a 401 in the request log, and no 5xx', async () => {
    await server.core.services.requestLog.flush()
    const db = server.core.services.store.sqlite
    expect(db.prepare(`select count(*) from request_log where status = 401 and error_code = 'INVALID_API_KEY'`).pluck().get()).toBeGreaterThanOrEqual(RUNS)
    expect(db.prepare('select count(*) from request_log where status >= 500').pluck().get()).toBe(0)
  })
})

describe('the 401 message says what is wrong', () => {
  const me = (authorization?: string) =>
    rawRequest(server.origin, { path: '/api/v1/me', headers: authorization === undefined ? {} : { authorization } })

  it.each([
    ['a missing header', () => undefined, /missing/i],
    ['an empty Bearer', () => 'Bearer ', /malformed/i],
    ['a malformed key', () => 'Bearer clw_short', /malformed/i],
    ['a bad checksum', () => `Bearer ${secret.slice(0, -1)}${secret.endsWith('a') ? 'b' : 'a'}`, /checksum/i],
    ['an unknown key', () => `Bearer clw_${'A'.repeat(26)}${keyChecksum('A'.repeat(26))}`, /no such key/i],
    ['a revoked key', () => `Bearer ${revokedSecret}`, /revoked/i],
    ['an expired key', () => `Bearer ${expiredSecret}`, /expired/i],
  ])('for %s', async (_label, value, message) => {
    const response = await me(value())
    expectErrorEnvelope(response, 401, 'INVALID_API_KEY')
    expect(response.body?.error?.message).toMatch(message)
  })

  it('accepts the real key, also with a lower-case scheme and surrounding spaces', async () => {
    for (const value of [`Bearer ${secret}`, `bearer ${secret}`, `BEARER   ${secret}  `]) {
      const response = await me(value)
      expect(response.status).toBe(200)
    }
  })
})
