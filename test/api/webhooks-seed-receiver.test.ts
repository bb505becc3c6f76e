/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../helpers/core'

/**
 * Real deliveries, received by the seed's own code (000 "Signature Verification" and "Webhook Security",
 * copied verbatim into an Express app on a loopback port) and checked by the `standardwebhooks` package.
 */
const express = require('express')
const crypto = require('crypto');
function verifyWebhook(payload: any, signature: any, secret: any) {
const expectedSignature = crypto
.createHmac('sha256', secret)
.update(JSON.stringify(payload))
.digest('hex');
return crypto.timingSafeEqual(
Buffer.from(signature),
Buffer.from(expectedSignature)
);
}

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
let server: TestServer
let receiver: Server
let url: string
const accepted: any[] = []
const answers: Array<{ status: number; body: string }> = []
const raw: Array<{ body: string; headers: Record<string, string> }> = []

beforeAll(async () => {
  server = await startServer({ webhookPollMs: 50 })
  const app = express()
  app.use(express.json({ verify: (req: any, _res: unknown, buffer: Buffer) => raw.push({ body: buffer.toString('utf8'), headers: req.headers }) }))
  const webhookSecret = SECRET
  const handleWebhookEvent = (event: any) => accepted.push(event)
  app.use((_req: any, res: any, next: any) => {
    const send = res.send.bind(res)
    res.send = (body: any) => {
      answers.push({ status: res.statusCode, body: String(body) })
      return send(body)
    }
    next()
  })
app.post('/webhooks/clawget', (req: any, res: any) => {
const signature = req.headers['x-clawget-signature'];
const timestamp = req.headers['x-clawget-timestamp'];
// Verify signature
if (!verifyWebhook(req.body, signature, webhookSecret)) {
return res.status(401).send('Invalid signature');
}
// Prevent replay attacks (>5 min = reject)
const age = Date.now() - parseInt(timestamp);
if (age > 5 * 60 * 1000) {
return res.status(400).send('Timestamp too old');
}
// Process event
handleWebhookEvent(req.body);
res.status(200).send('OK');
});
  receiver = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening))
  })
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/clawget`
})
afterAll(async () => {
  await server?.close()
  await new Promise((resolve) => receiver?.close(resolve))
})

describe("the seed's receiver and the standardwebhooks package accept every delivery", () => {
  it('purchases, listing changes and pings, each verified both ways; a changed byte fails both', async () => {
    const { secret: created } = await server.core.services.webhooks.create({ url, events: ['*'], secret: SECRET }, { operator: true }, 'cli')
    expect(created).toBe(SECRET)
    const endpoint = server.core.services.webhooks.list({ operator: true }, 1, 10).data[0]!
    server.core.services.wallets.deposit('soul_operator', 10_000, 'cli')
    const seller = 'soul_19d22a4ae97333159e3188ef'
    const listing = server.core.services.listings.create(seller, { title: 'Seed receiver fixture', description: 'x', category: 'development', priceCents: 250, pricing: 'one_time' }, 'cli', server.origin)
    server.core.services.listings.update(listing.id, { priceCents: 300 }, { soulId: seller, actor: 'cli' }, server.origin)
    server.core.services.purchases.purchase(listing.id, { soulId: 'soul_operator', key: null })
    server.core.services.webhooks.ping(endpoint.id, { operator: true })
    const deadline = Date.now() + 10_000
    while (accepted.length < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25))

    expect(accepted.map((event) => event.event).sort()).toEqual(['listing.created', 'listing.updated', 'ping', 'purchase.completed'])
    expect(answers.every((answer) => answer.status === 200 && answer.body === 'OK')).toBe(true)
    const standard = new Webhook(SECRET)
    for (const delivery of raw) {
      expect(standard.verify(delivery.body, delivery.headers)).toEqual(JSON.parse(delivery.body))
      const tampered = delivery.body.replace('"event":"', '"event":"x')
      expect(() => standard.verify(tampered, delivery.headers)).toThrow()
      expect(verifyWebhook(JSON.parse(tampered), delivery.headers['x-clawget-signature'], SECRET)).toBe(false)
    }
    // The receiver answered; the dispatcher records each answer as it reads it.
    const allSucceeded = () => server.core.services.webhooks.deliveries({ page: 1, limit: 10 }, { operator: true }).data.every((d) => d.status === 'succeeded')
    while (!allSucceeded() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25))
    expect(allSucceeded()).toBe(true)
  })
})
