import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MethodInput, MethodOutput } from '../../src-shared/contract'
import { PlaygroundCredential } from '../../src-main/core/playground/credential'
import { PlaygroundService } from '../../src-main/core/playground/playground.service'
import { createKey, startServer, type TestServer } from '../helpers/core'

/**
 * The playground (SPEC §5 "Playground identity"): requests sent from the admin contract travel the whole API
 * pipeline over real HTTP as the chosen key, are marked in the request log, stream live, and can be stopped.
 */
let server: TestServer
let runs = 0
const runId = () => `run_test${++runs}_${Date.now()}`

async function send(input: Omit<MethodInput<'playground.send'>, 'runId'> & { runId?: string }): Promise<MethodOutput<'playground.send'>> {
  const result = await server.core.dispatch('playground.send', { runId: runId(), ...input }, 'gui')
  if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code })
  return result.value as MethodOutput<'playground.send'>
}

async function requestLogRow(requestId: string) {
  await server.core.services.requestLog.flush()
  return server.core.services.requestLog.list({ limit: 50 }).rows.find((row) => row.id === requestId)
}

beforeAll(async () => {
  server = await startServer()
  server.core.services.agents.create(
    {
      slug: 'slow-bot',
      name: 'Slow bot',
      description: 'Answers slowly, in small pieces.',
      provider: 'scripted',
      scripted: { rules: [], defaultReply: 'one two three four five six seven eight nine ten eleven twelve', chunkChars: 4, chunkDelayMs: 150 },
    },
    'cli',
  )
})
afterAll(() => server?.close())

describe('sending as a key by id', () => {
  it('runs the whole pipeline as that key, marks the row as the playground\'s, and never shows a secret', async () => {
    const { key, secret } = createKey(server, { name: 'playground key' })
    const exchange = await send({ method: 'GET', path: '/api/v1/me', auth: { kind: 'key', keyId: key.id } })
    expect(exchange.response?.status).toBe(200)
    expect(JSON.parse(exchange.response!.body).data.key.id).toBe(key.id)
    expect(exchange.auth).toEqual({ kind: 'key', keyId: key.id, hint: key.hint, name: 'playground key' })
    expect(exchange.request.headers).toContainEqual(['Authorization', `Bearer ${key.hint}`])
    expect(exchange.rateLimit).toMatchObject({ limit: 60, remaining: 59, retryAfterSeconds: null })
    expect(JSON.stringify(exchange)).not.toContain(secret)
    expect(JSON.stringify(exchange)).not.toContain('x-clawhq-playground')
    const row = await requestLogRow(exchange.requestId!)
    expect(row).toMatchObject({ keyId: key.id, path: '/api/v1/me', status: 200, source: 'playground' })
  })

  it('gets the key\'s own refusals: a missing scope (403), a revoked key (401), an unknown id (401)', async () => {
    const { key } = createKey(server, { name: 'chat only', scopes: ['chat'] })
    const forbidden = await send({ method: 'GET', path: '/api/v1/listings', auth: { kind: 'key', keyId: key.id } })
    expect(forbidden.response?.status).toBe(403)
    expect(JSON.parse(forbidden.response!.body).error).toMatchObject({ code: 'INSUFFICIENT_PERMISSIONS', details: { required: 'listings:read' } })

    server.core.services.keys.revoke(key.id, 'cli')
    const revoked = await send({ method: 'GET', path: '/api/v1/me', auth: { kind: 'key', keyId: key.id } })
    expect(revoked.response?.status).toBe(401)
    expect(JSON.parse(revoked.response!.body).error.message).toMatch(/revoked/)

    const unknown = await send({ method: 'GET', path: '/api/v1/me', auth: { kind: 'key', keyId: 'key_doesnotexist' } })
    expect(unknown.response?.status).toBe(401)
    expect(unknown.auth).toMatchObject({ kind: 'key', keyId: 'key_doesnotexist', hint: null })
  })

  it('counts against the key\'s limit and explains the 429', async () => {
    const tier = server.core.services.tiers.create({ name: 'two a minute', limit: 2, windowSeconds: 60 }, 'cli')
    const { key } = createKey(server, { name: 'tiny', tierId: tier.id })
    const remaining: number[] = []
    for (let i = 0; i < 2; i++) remaining.push((await send({ method: 'GET', path: '/api/v1/me', auth: { kind: 'key', keyId: key.id } })).rateLimit!.remaining)
    expect(remaining).toEqual([1, 0])
    const refused = await send({ method: 'GET', path: '/api/v1/me', auth: { kind: 'key', keyId: key.id } })
    expect(refused.response?.status).toBe(429)
    expect(refused.rateLimit).toMatchObject({ limit: 2, remaining: 0 })
    expect(refused.rateLimit!.retryAfterSeconds).toBeGreaterThanOrEqual(1)
    expect(Date.parse(refused.rateLimit!.resetAt)).toBeGreaterThan(Date.now())
  })
})

describe('other ways in', () => {
  it('takes a pasted secret for one request and keeps only its hint', async () => {
    const { key, secret } = createKey(server, { name: 'pasted' })
    const exchange = await send({ method: 'GET', path: '/api/v1/me', auth: { kind: 'secret', secret } })
    expect(exchange.response?.status).toBe(200)
    expect(exchange.auth).toMatchObject({ kind: 'secret', hint: key.hint })
    const history = await server.core.dispatch('playground.history', { search: '/api/v1/me' }, 'gui')
    expect(JSON.stringify(history)).not.toContain(secret)
    expect((await requestLogRow(exchange.requestId!))?.source).toBe('playground')
  })

  it('sends with no key at all and shows the API\'s 401', async () => {
    const exchange = await send({ method: 'GET', path: '/api/v1/me', auth: { kind: 'none' } })
    expect(exchange.response?.status).toBe(401)
    expect(JSON.parse(exchange.response!.body).error.code).toBe('INVALID_API_KEY')
    expect(exchange.rateLimit).toBeNull()
  })

  it('refuses headers that are the playground\'s own, and sends nothing', async () => {
    const before = (await server.core.dispatch('playground.history', {}, 'gui')) as { ok: true; value: { total: number } }
    await expect(send({ method: 'GET', path: '/api/v1/me', auth: { kind: 'none' }, headers: [['Authorization', 'Bearer clw_x']] })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(send({ method: 'GET', path: '/api/v1/me', auth: { kind: 'none' }, headers: [['X-ClawHQ-Playground-Key', 'key_x']] })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    const after = (await server.core.dispatch('playground.history', {}, 'gui')) as { ok: true; value: { total: number } }
    expect(after.value.total).toBe(before.value.total)
  })

  it('a copied playground header without the process\'s token is no credential and no playground mark', async () => {
    const { key } = createKey(server, { name: 'spoofed' })
    const response = await fetch(`${server.apiBaseUrl}/me`, { headers: { 'x-clawhq-playground-key': key.id, 'x-clawhq-playground': 'guess' } })
    expect(response.status).toBe(401)
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/Missing API key/)
    expect((await requestLogRow(response.headers.get('x-request-id')!))?.source).toBe('api')
  })
})

describe('bodies, streams and stops', () => {
  it('sends a JSON body and shows the API\'s own 413 past its 1 MiB limit', async () => {
    const { key } = createKey(server, { name: 'chatter' })
    const ok = await send({ method: 'POST', path: '/api/v1/chat', auth: { kind: 'key', keyId: key.id }, body: JSON.stringify({ message: 'What are your business hours?', agent: 'support-bot' }) })
    expect(ok.response?.status).toBe(200)
    expect(ok.request.headers).toContainEqual(['Content-Type', 'application/json'])
    expect(JSON.parse(ok.response!.body).response).toMatch(/hours/i)
    const big = await send({ method: 'POST', path: '/api/v1/chat', auth: { kind: 'key', keyId: key.id }, body: JSON.stringify({ message: 'x'.repeat(1024 * 1024 + 10), agent: 'support-bot' }) })
    expect(big.response?.status).toBe(413)
    expect(JSON.parse(big.response!.body).error.code).toBe('PAYLOAD_TOO_LARGE')
  })

  it('publishes a streamed chat\'s chunks while they arrive, then returns the whole stream', async () => {
    const { key } = createKey(server, { name: 'streamer' })
    const id = runId()
    const chunks: Array<{ text: string; at: number }> = []
    const off = server.core.events.on('playground.chunk', (chunk) => chunk.runId === id && chunks.push({ text: chunk.text, at: Date.now() }))
    const started = Date.now()
    const exchange = await send({ runId: id, method: 'POST', path: '/api/v1/chat', auth: { kind: 'key', keyId: key.id }, body: JSON.stringify({ message: 'hi', agent: 'slow-bot', stream: true }) })
    const ended = Date.now()
    off()
    expect(exchange.response).toMatchObject({ status: 200, stream: true })
    expect(exchange.response!.body).toContain('data: {"content":')
    expect(exchange.response!.body.trimEnd().endsWith('data: [DONE]')).toBe(true)
    expect(chunks.map((c) => c.text).join('')).toBe(exchange.response!.body)
    // The first piece came long before the end (12 words at 150 ms a chunk).
    expect(chunks.length).toBeGreaterThan(3)
    expect(chunks[0].at - started).toBeLessThan((ended - started) / 2)
  })

  it('stops a running stream: what arrived is kept, the error says "cancelled"', async () => {
    const { key } = createKey(server, { name: 'stopper' })
    const id = runId()
    let seen = 0
    const off = server.core.events.on('playground.chunk', (chunk) => {
      if (chunk.runId === id && ++seen === 2) void server.core.dispatch('playground.cancel', { runId: id }, 'gui')
    })
    const exchange = await send({ runId: id, method: 'POST', path: '/api/v1/chat', auth: { kind: 'key', keyId: key.id }, body: JSON.stringify({ message: 'hi', agent: 'slow-bot', stream: true }) })
    off()
    expect(exchange.error).toEqual({ kind: 'cancelled', message: 'Stopped by the operator.' })
    expect(exchange.response?.status).toBe(200)
    expect(exchange.response!.body).not.toContain('[DONE]')
    expect(exchange.durationMs).toBeLessThan(1_500)
    const cancelAgain = await server.core.dispatch('playground.cancel', { runId: id }, 'gui')
    expect(cancelAgain).toEqual({ ok: true, value: { cancelled: false } })
  })

  it('says plainly when nothing answers (a transport failure, not a response)', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number }
        probe.close(() => resolve(port))
      })
    })
    const services = server.core.services
    const playground = new PlaygroundService({
      store: services.store,
      clock: services.clock,
      keys: services.keys,
      events: services.events,
      credential: new PlaygroundCredential(),
      origin: () => `http://127.0.0.1:${closed}`,
      userAgent: 'test',
    })
    const exchange = await playground.send({ method: 'GET', path: '/api/v1/health', query: [], headers: [], body: null, auth: { kind: 'none' }, runId: runId(), remember: false })
    playground.close()
    expect(exchange.response).toBeNull()
    expect(exchange.error?.kind).toBe('transport')
    expect(exchange.error?.message).toMatch(/Could not connect/)
  })
})

describe('history', () => {
  it('keeps each exchange with its form, finds it by path or status, and deletes it', async () => {
    const { key } = createKey(server, { name: 'historian' })
    const exchange = await send({ method: 'GET', path: '/api/v1/listings', query: [['category', 'automation'], ['limit', '2']], auth: { kind: 'key', keyId: key.id } })
    expect(exchange.request.url).toMatch(/\/api\/v1\/listings\?category=automation&limit=2$/)
    const found = await server.core.dispatch('playground.history', { search: 'category=automation' }, 'gui')
    if (!found.ok) throw new Error(found.error.message)
    const entry = (found.value as MethodOutput<'playground.history'>).entries[0]
    expect(entry.id).toBe(exchange.id)
    expect(entry.form).toEqual({ method: 'GET', path: '/api/v1/listings', query: [['category', 'automation'], ['limit', '2']], headers: [], body: null })
    expect(entry.response?.status).toBe(200)
    const byStatus = (await server.core.dispatch('playground.history', { search: '403' }, 'gui')) as { ok: true; value: MethodOutput<'playground.history'> }
    expect(byStatus.value.entries.length).toBeGreaterThan(0)
    for (const hit of byStatus.value.entries) expect(hit.response?.status).toBe(403)

    expect(await server.core.dispatch('playground.historyDelete', { id: exchange.id }, 'gui')).toEqual({ ok: true, value: { deleted: 1 } })
    const gone = (await server.core.dispatch('playground.history', { search: 'category=automation' }, 'gui')) as { ok: true; value: MethodOutput<'playground.history'> }
    expect(gone.value.entries.map((e) => e.id)).not.toContain(exchange.id)
  })

  it('does not keep what is sent with remember: false', async () => {
    const exchange = await send({ method: 'GET', path: '/api/v1/health', auth: { kind: 'none' }, remember: false })
    const all = (await server.core.dispatch('playground.history', { limit: 200 }, 'gui')) as { ok: true; value: MethodOutput<'playground.history'> }
    expect(all.value.entries.map((e) => e.id)).not.toContain(exchange.id)
  })
})
