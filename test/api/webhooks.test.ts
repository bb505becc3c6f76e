/* eslint-disable @typescript-eslint/no-require-imports */
import { createHmac } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Scope } from '../../src-shared/scopes'
import { verifyWebhook as verifyDelivery } from '../../src-sdk/webhooks-verify'
import { getJson, startServer, type TestServer } from '../helpers/core'
import { expectErrorEnvelope } from '../helpers/reliability'

/**
 * Webhooks through the real server (SPEC §5): endpoints over the API, events written by the change that
 * causes them, signed deliveries to a real receiver on a loopback port, the retry schedule on the
 * simulation clock, redirects and 410, the response cap, and secrets kept out of every log.
 */

// The seed's verifyWebhook (000 "Signature Verification"), verbatim.
const crypto = require('crypto');
function verifyWebhook(payload: unknown, signature: string, secret: string) {
const expectedSignature = crypto
.createHmac('sha256', secret)
.update(JSON.stringify(payload))
.digest('hex');
return crypto.timingSafeEqual(
Buffer.from(signature),
Buffer.from(expectedSignature)
);
}

interface Received {
  path: string
  headers: http.IncomingHttpHeaders
  body: string
  at: number
}

/** A real receiver on 127.0.0.1: records every POST and answers as `answer` says. */
async function startReceiver() {
  const received: Received[] = []
  let answer: (request: Received, res: http.ServerResponse) => void = (_request, res) => res.writeHead(200).end('OK')
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      const request = { path: req.url ?? '', headers: req.headers, body, at: Date.now() }
      received.push(request)
      answer(request, res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    origin,
    received,
    answer: (next: typeof answer) => (answer = next),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

let server: TestServer
let receiver: Awaited<ReturnType<typeof startReceiver>>
const BUDGET_BEE = 'soul_0582a384a93ba1a3d804b24b' // holds 10.50 USDT
const PAPER_CRAWLER = 'listing_125fa408090f6203fa094da7' // 25.00, one-time
const CHEAP = 'listing_93a3b3fed439f789faa91ab3' // 29.00

beforeAll(async () => {
  server = await startServer({ webhookPollMs: 50, webhookTimeoutMs: 1000 })
  receiver = await startReceiver()
})
afterAll(async () => {
  await server?.close()
  await receiver?.close()
})

function key(options: { soulId?: string; scopes?: Scope[] } = {}) {
  return server.core.services.keys.create(
    { name: 'webhooks test', scopes: options.scopes ?? ['webhooks', 'purchases', 'listings:read'], tierId: 'rpm-300', soulId: options.soulId ?? null },
    'cli',
  ).secret
}

const api = (secret: string, method: string, path: string, body?: unknown) =>
  getJson(`${server.apiBaseUrl}${path}`, secret, {
    method,
    ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  })

async function until<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

const deliveriesOf = (endpointId: string) => server.core.services.webhooks.deliveries({ endpointId, page: 1, limit: 100 }, { operator: true }).data

describe('a purchase through the API reaches a receiver, signed both ways', () => {
  it('the seed\'s client.webhooks.create, a purchase, and the seed\'s verifyWebhook accepts the delivery', async () => {
    const secret = key()
    server.core.services.wallets.deposit('soul_operator', 10_000, 'cli')
    const created = await api(secret, 'POST', '/webhooks', {
      url: `${receiver.origin}/webhooks/clawget`,
      events: ['purchase.completed', 'subscription.renewed', 'subscription.cancelled'],
      secret: 'webhook_secret_key',
    })
    expect(created.status).toBe(201)
    expect(created.body.data).toMatchObject({ id: expect.stringMatching(/^whk_/), enabled: true, secret: 'webhook_secret_key', soulId: 'soul_operator' })
    const seen = receiver.received.length

    const bought = await api(secret, 'POST', `/listings/${PAPER_CRAWLER}/purchase`)
    expect(bought.status).toBe(201)
    const delivery = await until(() => receiver.received.length > seen && receiver.received.at(-1))
    expect(delivery.path).toBe('/webhooks/clawget')

    const payload = JSON.parse(delivery.body)
    expect(payload).toMatchObject({
      event: 'purchase.completed',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      data: {
        purchaseId: bought.body.data.purchaseId,
        listingId: PAPER_CRAWLER,
        buyerId: 'soul_operator',
        amount: '25.00',
        currency: 'USDT',
        licenseKey: bought.body.data.licenseKey,
      },
      signature: expect.stringMatching(/^[0-9a-f]{64}$/),
    })
    expect(verifyWebhook(payload, delivery.headers['x-clawget-signature'] as string, 'webhook_secret_key')).toBe(true)
    expect(Math.abs(Date.now() - Number(delivery.headers['x-clawget-timestamp']))).toBeLessThan(60_000)
    // The Standard Webhooks headers verify too (the SDK's receiver helper), and a changed byte fails both.
    expect(verifyDelivery(delivery.body, delivery.headers as Record<string, string>, 'webhook_secret_key')).toMatchObject({ ok: true, scheme: 'standard-webhooks' })
    expect(delivery.headers['webhook-id']).toMatch(/^evt_/)
    const tampered = delivery.body.replace('"25.00"', '"26.00"')
    expect(verifyDelivery(tampered, delivery.headers as Record<string, string>, 'webhook_secret_key').ok).toBe(false)
    expect(verifyWebhook(JSON.parse(tampered), delivery.headers['x-clawget-signature'] as string, 'webhook_secret_key')).toBe(false)

    const [logged] = deliveriesOf(created.body.data.id)
    expect(logged).toMatchObject({ status: 'succeeded', attempts: 1, lastStatus: 200, event: 'purchase.completed', eventId: delivery.headers['webhook-id'] })
  })

  it('a refused purchase emits nothing: the event commits with the change or not at all', async () => {
    const secret = key({ soulId: BUDGET_BEE })
    const created = await api(secret, 'POST', '/webhooks', { url: `${receiver.origin}/bee`, events: ['*'] })
    expect(created.body.data.secret).toMatch(/^whsec_/)
    const refused = await api(secret, 'POST', `/listings/${PAPER_CRAWLER}/purchase`)
    expectErrorEnvelope(refused, 400, 'INSUFFICIENT_BALANCE')
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(deliveriesOf(created.body.data.id)).toEqual([])
    expect(receiver.received.some((r) => r.path === '/bee')).toBe(false)
  })

  it('an endpoint made by a soul\'s key hears only that soul\'s events, and other souls cannot see it', async () => {
    const bee = key({ soulId: BUDGET_BEE })
    const mine = await api(bee, 'POST', '/webhooks', { url: `${receiver.origin}/only-bee`, events: ['purchase.completed'] })
    const operator = key()
    await api(operator, 'POST', `/listings/${CHEAP}/purchase`)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(receiver.received.some((r) => r.path === '/only-bee')).toBe(false)
    expectErrorEnvelope(await api(operator, 'GET', `/webhooks/${mine.body.data.id}`), 404, 'NOT_FOUND')
    expectErrorEnvelope(await api(operator, 'DELETE', `/webhooks/${mine.body.data.id}`), 404, 'NOT_FOUND')
    expect((await api(bee, 'GET', '/webhooks')).body.data.map((w: { id: string }) => w.id)).toContain(mine.body.data.id)
  })
})

describe('the URL policy', () => {
  it('takes https anywhere and http only to this machine; anything else is refused and nothing is made', async () => {
    const secret = key()
    const count = () => server.core.services.webhooks.list({ operator: true }, 1, 100).meta.total
    const before = count()
    for (const url of ['http://example.com/hook', 'http://10.0.0.5/hook', 'ftp://127.0.0.1/x', 'not a url', 'http://user:pw@127.0.0.1/x']) {
      const refused = await api(secret, 'POST', '/webhooks', { url, events: ['*'] })
      expectErrorEnvelope(refused, 400, 'INVALID_REQUEST')
    }
    expect(count()).toBe(before)
    for (const url of ['https://example.com/hook', 'http://localhost:9/x', 'http://[::1]:9/x', 'http://127.0.0.1:9/x'])
      expect((await api(secret, 'POST', '/webhooks', { url, events: ['listing.created'] })).status).toBe(201)
    expectErrorEnvelope(await api(secret, 'POST', '/webhooks', { url: 'https://example.com', events: ['nope'] }), 400, 'INVALID_REQUEST')
    expectErrorEnvelope(await api(key({ scopes: ['listings:read'] }), 'GET', '/webhooks'), 403, 'INSUFFICIENT_PERMISSIONS')
    // Those endpoints subscribed to listing.created go: the rest of the suite does not create listings to nowhere.
    for (const endpoint of server.core.services.webhooks.list({ operator: true }, 1, 100).data)
      if (endpoint.url.endsWith(':9/x') || endpoint.url.startsWith('https://example.com')) server.core.services.webhooks.delete(endpoint.id, { operator: true }, 'cli')
  })
})

describe('delivery rules', () => {
  it('does not follow a redirect, and keeps only the first 64 KiB of an answer', async () => {
    const { endpoint } = await server.core.services.webhooks.create({ url: `${receiver.origin}/moved`, events: ['*'] }, { operator: true }, 'cli')
    receiver.answer((request, res) => {
      if (request.path === '/moved') return res.writeHead(302, { location: `${receiver.origin}/elsewhere` }).end()
      if (request.path === '/big') return res.writeHead(200).end('x'.repeat(200_000))
      res.writeHead(200).end('OK')
    })
    try {
      const ping = server.core.services.webhooks.ping(endpoint.id, { operator: true })
      const detail = await until(() => {
        const d = server.core.services.webhooks.delivery(ping.id, { operator: true })
        return d.attemptLog.length > 0 && d
      })
      expect(detail.attemptLog[0]).toMatchObject({ responseStatus: 302, error: expect.stringContaining('redirects are not followed') })
      expect(detail.status).toBe('pending') // retried on the schedule
      expect(receiver.received.some((r) => r.path === '/elsewhere')).toBe(false)

      const big = await server.core.services.webhooks.create({ url: `${receiver.origin}/big`, events: ['*'] }, { operator: true }, 'cli')
      const sent = server.core.services.webhooks.ping(big.endpoint.id, { operator: true })
      const stored = await until(() => {
        const d = server.core.services.webhooks.delivery(sent.id, { operator: true })
        return d.status === 'succeeded' && d
      })
      expect(stored.attemptLog[0]!.responseBody).toHaveLength(64 * 1024)
      server.core.services.webhooks.delete(endpoint.id, { operator: true }, 'cli')
      server.core.services.webhooks.delete(big.endpoint.id, { operator: true }, 'cli')
    } finally {
      receiver.answer((_request, res) => res.writeHead(200).end('OK'))
    }
  })

  it('retries on the schedule in marketplace time: 500, then 429 with Retry-After, then a timeout, then 410 disables', async () => {
    const { endpoint } = await server.core.services.webhooks.create({ url: `${receiver.origin}/flaky`, events: ['*'] }, { operator: true }, 'cli')
    const answers = [500, 429, 'hang', 410]
    receiver.answer((request, res) => {
      if (request.path !== '/flaky') return res.writeHead(200).end('OK')
      const next = answers.shift()
      if (next === 'hang') return // no answer: the dispatcher's timeout (1 s here) ends the attempt
      if (next === 429) return res.writeHead(429, { 'retry-after': '600' }).end('slow down')
      res.writeHead(next as number).end()
    })
    const clock = server.core.services.marketClock
    try {
      const ping = server.core.services.webhooks.ping(endpoint.id, { operator: true })
      const detail = () => server.core.services.webhooks.delivery(ping.id, { operator: true })
      const attempts = (n: number) => until(() => detail().attemptLog.length >= n && detail(), 4000)

      let d = await attempts(1)
      expect(d.attemptLog[0]!.responseStatus).toBe(500)
      // Next in 5 s (±10 %), on marketplace time: nothing happens until the clock moves.
      const firstWait = Date.parse(d.nextAttemptAt!) - clock.now()
      expect(firstWait).toBeGreaterThan(4000)
      expect(firstWait).toBeLessThanOrEqual(5500)
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(detail().attemptLog).toHaveLength(1)
      clock.advance(6, 'cli')
      d = await attempts(2)
      expect(d.attemptLog[1]!.responseStatus).toBe(429)
      // The schedule says 5 min; Retry-After says 10: the later wins.
      expect(Date.parse(d.nextAttemptAt!) - clock.now()).toBeGreaterThan(590_000)
      clock.advance(601, 'cli')
      d = await attempts(3)
      expect(d.attemptLog[2]).toMatchObject({ responseStatus: null, error: expect.stringContaining('no answer within 1 s') })
      clock.advance(34 * 60, 'cli') // 30 min, +10 % jitter at most
      d = await attempts(4)
      expect(d.attemptLog[3]!.responseStatus).toBe(410)
      expect(d.status).toBe('failed')
      expect(server.core.services.webhooks.get(endpoint.id, { operator: true })).toMatchObject({ enabled: false, disabledReason: expect.stringContaining('410') })
      // Every attempt carries the same webhook-id: a receiver deduplicates on it.
      expect(new Set(d.attemptLog.map((a) => a.requestHeaders['webhook-id'])).size).toBe(1)
    } finally {
      clock.reset('cli')
      receiver.answer((_request, res) => res.writeHead(200).end('OK'))
    }
  })

  it('a redelivery sends the same event again; an endpoint enabled again takes deliveries', async () => {
    const { endpoint } = await server.core.services.webhooks.create({ url: `${receiver.origin}/again`, events: ['*'] }, { operator: true }, 'cli')
    const ping = server.core.services.webhooks.ping(endpoint.id, { operator: true })
    await until(() => server.core.services.webhooks.delivery(ping.id, { operator: true }).status === 'succeeded')
    const redelivered = await server.core.dispatch('deliveries.redeliver', { id: ping.id }, 'gui')
    expect(redelivered.ok).toBe(true)
    const detail = await until(() => {
      const d = server.core.services.webhooks.delivery(ping.id, { operator: true })
      return d.attemptLog.length === 2 && d.status === 'succeeded' && d
    })
    expect(detail.attemptLog[0]!.requestHeaders['webhook-id']).toBe(detail.attemptLog[1]!.requestHeaders['webhook-id'])
  })

  it('during a secret rotation both secrets sign', async () => {
    const { endpoint, secret: old } = await server.core.services.webhooks.create({ url: `${receiver.origin}/rotating`, events: ['*'] }, { operator: true }, 'cli')
    const { secret: fresh } = await server.core.services.webhooks.rotateSecret(endpoint.id, { operator: true }, 'cli', 3600)
    expect(fresh).not.toBe(old)
    const seen = receiver.received.length
    server.core.services.webhooks.ping(endpoint.id, { operator: true })
    const delivery = await until(() => receiver.received.slice(seen).find((r) => r.path === '/rotating'))
    expect((delivery.headers['webhook-signature'] as string).split(' ')).toHaveLength(2)
    expect(verifyDelivery(delivery.body, delivery.headers as Record<string, string>, old).ok).toBe(true)
    expect(verifyDelivery(delivery.body, delivery.headers as Record<string, string>, fresh).ok).toBe(true)
    expect(delivery.headers['x-clawget-signature']).toBe(createHmac('sha256', fresh).update(delivery.body).digest('hex'))
  })
})

describe('secrets', () => {
  it('are shown once and never appear in the request log, the audit log, the delivery log or the database file', async () => {
    const secret = key()
    const made = await api(secret, 'POST', '/webhooks', { url: `${receiver.origin}/secretive`, events: ['*'], secret: 'whsec_dG9wLXNlY3JldC12YWx1ZS0xMjM0NTY3OA==' })
    const id = made.body.data.id
    expect((await api(secret, 'GET', `/webhooks/${id}`)).body.data.secret).toBeUndefined()
    await api(secret, 'POST', `/webhooks/${id}/ping`)
    await until(() => deliveriesOf(id)[0]?.status === 'succeeded')
    const needle = 'whsec_dG9wLXNlY3JldC12YWx1ZS0xMjM0NTY3OA=='
    await server.core.services.requestLog.flush()
    const dump = (table: string) => JSON.stringify(server.core.services.store.sqlite.prepare(`select * from ${table}`).all())
    for (const table of ['request_log', 'audit_log', 'webhook_attempts', 'webhook_deliveries', 'webhook_endpoints', 'webhook_events'])
      expect(dump(table), table).not.toContain(needle)
    expect(JSON.stringify(await server.core.dispatch('webhooks.list', {}, 'gui'))).not.toContain(needle)
  })
})

describe('the built-in inbox', () => {
  it('receives a purchase\'s delivery and shows both signatures verified with the connected endpoint\'s secret', async () => {
    const connected = await server.core.dispatch('inbox.connect', { name: 'shop', events: ['purchase.completed'] }, 'gui')
    if (!connected.ok) throw new Error(connected.error.message)
    const { endpoint, inbox } = connected.value as { endpoint: { id: string; url: string }; inbox: { url: string; hasSecret: boolean } }
    expect(endpoint.url).toBe(`${server.origin}/inbox/shop`)
    expect(inbox).toMatchObject({ url: `${server.origin}/inbox/shop`, hasSecret: true })

    const listing = server.core.services.listings.create(
      'soul_19d22a4ae97333159e3188ef',
      { title: 'Inbox test tool', description: 'For the inbox test.', category: 'development', priceCents: 100, pricing: 'one_time' },
      'cli',
      server.origin,
    )
    const bought = await api(key(), 'POST', `/listings/${listing.id}/purchase`)
    expect(bought.status).toBe(201)
    const message = await until(() => server.core.services.inbox.messages('shop', 1, 10).then((page) => page.data.find((m) => m.event === 'purchase.completed')))
    const [standard, clawget] = message.verifications
    expect(standard).toMatchObject({ scheme: 'standard-webhooks', present: true, verified: true, reason: 'verified', timestampVerdict: expect.stringMatching(/^fresh/) })
    expect(standard!.expectedSignature).toBe(standard!.receivedSignature)
    expect(standard!.signedString).toBe(`${message.headers['webhook-id']}.${message.headers['webhook-timestamp']}.${message.body}`)
    expect(clawget).toMatchObject({ scheme: 'clawget', present: true, verified: true, signedString: message.body })
    expect(clawget!.expectedSignature).toBe(message.headers['x-clawget-signature'])
    expect(JSON.parse(message.body).data.purchaseId).toBe(bought.body.data.purchaseId)
    await until(() => deliveriesOf(endpoint.id)[0]?.status === 'succeeded')

    // With another secret nothing verifies, and the page says why.
    await server.core.services.inbox.setSecret('shop', 'a-different-secret', 'cli')
    const again = await server.core.services.inbox.message(message.id)
    expect(again.verifications.map((v) => v.verified)).toEqual([false, false])
    expect(again.verifications[0]!.expectedSignature).not.toBe(again.verifications[0]!.receivedSignature)
  })

  it('takes anything POSTed (any content type, exact bytes) and refuses a bad name', async () => {
    const raw = await fetch(`${server.origin}/inbox/raw-test`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'not json at all' })
    expect(raw.status).toBe(200)
    const json = await fetch(`${server.origin}/inbox/raw-test`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"b":1,  "a":2}' })
    expect((await json.json()) as unknown).toMatchObject({ received: true, inbox: 'raw-test' })
    const { data } = await server.core.services.inbox.messages('raw-test', 1, 10)
    expect(data.map((m) => m.body)).toEqual(['{"b":1,  "a":2}', 'not json at all'])
    expect(data[0]!.verifications.every((v) => !v.present && !v.verified)).toBe(true)
    const bad = await getJson(`${server.origin}/inbox/Not_Valid`, undefined, { method: 'POST', body: 'x' })
    expectErrorEnvelope(bad, 400, 'INVALID_REQUEST')
    expect((await server.core.dispatch('inbox.clear', { name: 'raw-test' }, 'gui')).ok).toBe(true)
    expect((await server.core.services.inbox.messages('raw-test', 1, 10)).meta.total).toBe(0)
  })
})

describe('housekeeping', () => {
  it('disables an endpoint that has failed for 5 days, saying why', async () => {
    const { endpoint } = await server.core.services.webhooks.create({ url: `${receiver.origin}/down`, events: ['*'] }, { operator: true }, 'cli')
    receiver.answer((request, res) => res.writeHead(request.path === '/down' ? 503 : 200).end())
    const clock = server.core.services.marketClock
    try {
      const first = server.core.services.webhooks.ping(endpoint.id, { operator: true })
      await until(() => server.core.services.webhooks.delivery(first.id, { operator: true }).attempts === 1)
      expect(server.core.services.webhooks.get(endpoint.id, { operator: true }).failingSince).not.toBeNull()
      clock.advance(5 * 86_400 + 60, 'cli')
      await until(() => server.core.services.webhooks.get(endpoint.id, { operator: true }).enabled === false)
      expect(server.core.services.webhooks.get(endpoint.id, { operator: true }).disabledReason).toMatch(/\(5 days\)/)
      // Enabled again by the operator, it starts afresh.
      const enabled = server.core.services.webhooks.update(endpoint.id, { enabled: true }, { operator: true }, 'cli')
      expect(enabled).toMatchObject({ enabled: true, disabledReason: null, failingSince: null })
    } finally {
      clock.reset('cli')
      receiver.answer((_request, res) => res.writeHead(200).end('OK'))
    }
  })

  it('prunes finished deliveries past the retention period, never pending ones', async () => {
    const { endpoint } = await server.core.services.webhooks.create({ url: `${receiver.origin}/old`, events: ['*'] }, { operator: true }, 'cli')
    const done = server.core.services.webhooks.ping(endpoint.id, { operator: true })
    await until(() => server.core.services.webhooks.delivery(done.id, { operator: true }).status === 'succeeded')
    server.core.services.webhooks.update(endpoint.id, { enabled: false }, { operator: true }, 'cli')
    const count = (table: string) => server.core.services.store.sqlite.prepare(`select count(*) from ${table}`).pluck().get() as number
    const before = count('webhook_deliveries')
    const pending = server.core.services.store.sqlite.prepare("select count(*) from webhook_deliveries where status = 'pending'").pluck().get() as number
    const deleted = server.core.services.webhooks.prune(server.core.services.marketClock.now() + 1)
    expect(deleted).toBeGreaterThan(0)
    expect(count('webhook_deliveries')).toBe(before - deleted)
    expect(count('webhook_deliveries')).toBe(pending)
    expect(server.core.services.store.sqlite.prepare('select count(*) from webhook_attempts where delivery_id not in (select id from webhook_deliveries)').pluck().get()).toBe(0)
  })
})
