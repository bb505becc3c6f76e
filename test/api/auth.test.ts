import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../src-main/core/clock'
import { createKey, getJson, runCli, startServer, type TestServer } from '../helpers/core'

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0)
let server: TestServer

afterEach(async () => {
  await server?.close()
})

const me = (secret?: string) => getJson(`${server.apiBaseUrl}/me`, secret)

function expectInvalidKey(response: Awaited<ReturnType<typeof me>>, message: RegExp) {
  expect(response.status).toBe(401)
  expect(response.body).toMatchObject({ success: false, error: { code: 'INVALID_API_KEY', type: 'authentication_error' } })
  expect(response.body.error.message).toMatch(message)
  expect(response.body.error.request_id).toBe(response.headers.get('x-request-id'))
}

describe('GET /api/v1/me', () => {
  it("returns the calling key's identity, scopes and limits with rate-limit headers", async () => {
    server = await startServer()
    const { key, secret } = createKey(server, { name: 'backend', tierId: 'rpm-120', scopes: ['chat', 'keys'] })
    const r = await me(secret)
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      success: true,
      data: {
        key: { id: key.id, name: 'backend', hint: key.hint, scopes: ['chat', 'keys'], tierId: 'rpm-120', status: 'active' },
        rateLimit: { tier: 'rpm-120', limit: 120, window: '1m', windowSeconds: 60, remaining: 119 },
      },
    })
    expect(JSON.stringify(r.body)).not.toContain(secret)
    expect(r.headers.get('x-ratelimit-limit')).toBe('120')
    expect(r.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{24}$/)
  })

  it('refuses a missing, non-Bearer, malformed, mistyped or unknown key with 401 INVALID_API_KEY saying which', async () => {
    server = await startServer()
    const { secret } = createKey(server)
    expectInvalidKey(await me(), /Missing API key/)
    expectInvalidKey(await getJson(`${server.apiBaseUrl}/me`, undefined, { headers: { authorization: `Basic ${secret}` } }), /Malformed/)
    expectInvalidKey(await me('clw_short'), /Malformed/)
    expectInvalidKey(await me(`sk_${secret.slice(3)}`), /Malformed/)
    const typo = secret.slice(0, 10) + (secret[10] === 'a' ? 'b' : 'a') + secret.slice(11)
    expectInvalidKey(await me(typo), /checksum/)
    const otherServer = await startServer()
    const foreign = createKey(otherServer).secret // well-formed, valid checksum, but not this server's key
    await otherServer.close()
    expectInvalidKey(await me(foreign), /no such key/)
  })

  it('refuses a revoked key on the very next request', async () => {
    server = await startServer()
    const { key, secret } = createKey(server)
    expect((await me(secret)).status).toBe(200)
    server.core.services.keys.revoke(key.id, 'gui')
    expectInvalidKey(await me(secret), /revoked/)
  })

  it('refuses a key revoked by the CLI, another process on the same data directory, on the next request', async () => {
    server = await startServer()
    const created = await runCli(['keys', 'create', '--name', 'cli-made', '--json', '--data-dir', server.dataDir])
    expect(created.code).toBe(0)
    const { id, key: secret } = JSON.parse(created.stdout) as { id: string; key: string }
    expect((await me(secret)).status).toBe(200)
    const revoked = await runCli(['keys', 'revoke', id, '--data-dir', server.dataDir])
    expect(revoked.code).toBe(0)
    expectInvalidKey(await me(secret), /revoked/)
  })

  it('honours expiry to the millisecond: works at T−1 ms, refused at T', async () => {
    const clock = new ManualClock(T0)
    server = await startServer({ clock })
    const expiresAt = T0 + 30 * 86_400_000
    const { secret } = createKey(server, { expiresAt: new Date(expiresAt).toISOString() })
    clock.set(expiresAt - 1)
    expect((await me(secret)).status).toBe(200)
    clock.set(expiresAt)
    expectInvalidKey(await me(secret), /expired/)
  })

  it('keeps a rolled key working for its grace period, to the millisecond, and the new one at once', async () => {
    const clock = new ManualClock(T0)
    server = await startServer({ clock })
    const { key, secret: oldSecret } = createKey(server, { tierId: 'rpm-300', scopes: ['chat'] })
    const rolled = server.core.services.keys.roll(key.id, 15 * 60, 'gui')
    expect(rolled.key).toMatchObject({ name: key.name, tierId: 'rpm-300', scopes: ['chat'], status: 'active' })
    expect(rolled.previous).toMatchObject({ status: 'grace', rolledToId: rolled.key.id })
    expect((await me(rolled.secret)).status).toBe(200)
    clock.set(T0 + 15 * 60_000 - 1)
    expect((await me(oldSecret)).status).toBe(200)
    clock.set(T0 + 15 * 60_000)
    expectInvalidKey(await me(oldSecret), /expired/)
    expect((await me(rolled.secret)).status).toBe(200)
  })

  it('refuses the old secret at once after a roll without grace, and never extends past the original expiry', async () => {
    const clock = new ManualClock(T0)
    server = await startServer({ clock })
    const noGrace = createKey(server)
    server.core.services.keys.roll(noGrace.key.id, 0, 'gui')
    expectInvalidKey(await me(noGrace.secret), /expired/)

    const shortLived = createKey(server, { expiresAt: new Date(T0 + 60_000).toISOString() })
    const rolled = server.core.services.keys.roll(shortLived.key.id, 3600, 'gui')
    expect(rolled.previous.expiresAt).toBe(new Date(T0 + 60_000).toISOString())
  })
})

describe('key management through the API', () => {
  it('refuses a key without the keys scope with 403 INSUFFICIENT_PERMISSIONS naming the scope', async () => {
    server = await startServer()
    const { secret } = createKey(server, { scopes: ['chat'] })
    for (const [method, path] of [
      ['GET', '/keys'],
      ['POST', '/keys'],
      ['DELETE', '/keys/key_x'],
      ['POST', '/keys/key_x/roll'],
    ]) {
      const r = await getJson(`${server.apiBaseUrl}${path}`, secret, {
        method,
        ...(method === 'POST' && { body: '{}', headers: { 'content-type': 'application/json' } }),
      })
      expect(r.status).toBe(403)
      expect(r.body.error).toMatchObject({ code: 'INSUFFICIENT_PERMISSIONS', type: 'permission_error', details: { required: 'keys' } })
    }
  })

  it('creates, lists, rolls and revokes keys, audited as the calling key', async () => {
    server = await startServer()
    // A key grants at most what it holds (test/api/keys-escalation.test.ts): this one holds what it grants below.
    const admin = createKey(server, { scopes: ['keys', 'listings:read'], tierId: 'pro' })
    const post = (path: string, body: unknown) =>
      getJson(`${server.apiBaseUrl}${path}`, admin.secret, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })

    const created = await post('/keys', { name: 'made by api', tierId: 'pro', scopes: ['listings:read'] })
    expect(created.status).toBe(201)
    expect(created.body.data.key).toMatchObject({ name: 'made by api', tierId: 'pro', scopes: ['listings:read'] })
    const newSecret: string = created.body.data.secret
    expect((await me(newSecret)).status).toBe(200)

    const list = await getJson(`${server.apiBaseUrl}/keys`, admin.secret)
    // only the keys it made: not itself, not the operator's
    expect(list.body.meta).toEqual({ page: 1, limit: 1, total: 1 })
    expect(list.body.data.map((k: { id: string }) => k.id)).toEqual([created.body.data.key.id])
    expect(JSON.stringify(list.body)).not.toMatch(/clw_[0-9A-Za-z]{32}/)

    const rolled = await post(`/keys/${created.body.data.key.id}/roll`, { graceSeconds: 60 })
    expect(rolled.status).toBe(200)
    expect((await me(rolled.body.data.secret)).status).toBe(200)

    const revoked = await getJson(`${server.apiBaseUrl}/keys/${rolled.body.data.key.id}`, admin.secret, { method: 'DELETE' })
    expect(revoked.body.data.status).toBe('revoked')
    expectInvalidKey(await me(rolled.body.data.secret), /revoked/)

    const { entries } = server.core.services.audit.list({ limit: 10 })
    expect(entries.map((e) => [e.action, e.actor])).toEqual([
      ['key.revoked', `api:${admin.key.id}`],
      ['key.rolled', `api:${admin.key.id}`],
      ['key.created', `api:${admin.key.id}`],
      ['key.created', 'cli'],
    ])
  })

  it('answers bad input with 400 INVALID_REQUEST, an unknown key with 404, and changes nothing', async () => {
    server = await startServer()
    const admin = createKey(server, { scopes: ['keys'] })
    const before = server.core.services.keys.list().length
    const bad = await getJson(`${server.apiBaseUrl}/keys`, admin.secret, {
      method: 'POST',
      body: JSON.stringify({ name: '', scopes: ['root'] }),
      headers: { 'content-type': 'application/json' },
    })
    expect(bad.status).toBe(400)
    expect(bad.body.error).toMatchObject({ code: 'INVALID_REQUEST', type: 'invalid_request_error' })
    const missingTier = await getJson(`${server.apiBaseUrl}/keys`, admin.secret, {
      method: 'POST',
      body: JSON.stringify({ name: 'x', tierId: 'nope' }),
      headers: { 'content-type': 'application/json' },
    })
    expect(missingTier.status).toBe(404)
    const unknown = await getJson(`${server.apiBaseUrl}/keys/key_nope`, admin.secret, { method: 'DELETE' })
    expect(unknown.status).toBe(404)
    expect(unknown.body.error.code).toBe('NOT_FOUND')
    expect(server.core.services.keys.list()).toHaveLength(before)
  })
})

describe('unauthenticated routes', () => {
  it('serves health without a key', async () => {
    server = await startServer()
    const r = await getJson(`${server.apiBaseUrl}/health`)
    expect(r.body).toMatchObject({ success: true, data: { status: 'ok' } })
  })

  it('serves an OpenAPI 3.1 document generated from the route schemas', async () => {
    server = await startServer()
    const { body } = await getJson(`${server.apiBaseUrl}/openapi.json`)
    expect(body.openapi).toBe('3.1.0')
    expect(body.servers).toEqual([{ url: server.origin }])
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/health', '/api/v1/keys', '/api/v1/keys/{id}', '/api/v1/keys/{id}/roll', '/api/v1/me', '/api/v1/openapi.json']),
    )
    expect(Object.keys(body.paths).every((path) => path.startsWith('/api/v1/'))).toBe(true)
    const create = body.paths['/api/v1/keys'].post
    expect(create.security).toEqual([{ bearerAuth: [] }])
    expect(create.requestBody.content['application/json'].schema.properties.scopes.items.enum).toContain('chat')
    expect(body.paths['/api/v1/me'].get.responses['200']).toBeDefined()
    expect(JSON.stringify(body.paths)).not.toContain('/admin')
  })
})
