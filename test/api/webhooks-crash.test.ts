import type { ChildProcess } from 'node:child_process'
import { randomInt } from 'node:crypto'
import { once } from 'node:events'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { verifyWebhook } from '../../src-sdk/webhooks-verify'
import { killChild, spawnServe, tempDir } from '../helpers/core'
import { assertBuilt } from '../helpers/reliability'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver'

/**
 * The outbox delivers at least once across a crash (SPEC §5): the built server runs as its own process
 * with 1,000 events pending against a slow receiver, is killed with SIGKILL while deliveries are in
 * flight, and is started again on the same data directory. Every event in the database reaches the
 * receiver, none is lost, and what arrives twice (only what was in flight at the kill) carries the same
 * webhook-id and the same body.
 */
const EVENTS = 1_000
const TOKEN = 'webhooks-crash-admin-token'
/** The dispatcher's limit for one endpoint: only these can have been sent and not yet recorded at the kill. */
const IN_FLIGHT_PER_ENDPOINT = 8

let dataDir: string
let receiver: WebhookReceiver | undefined
let child: ChildProcess | undefined

afterAll(async () => {
  await killChild(child)
  await receiver?.close()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

async function serve() {
  const served = await spawnServe(['--data-dir', dataDir, '--port', '0', '--admin-token', TOKEN])
  child = served.child
  const origin = new URL(served.apiBaseUrl).origin
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const rpc = async (method: string, input: unknown): Promise<any> => {
    const response = await fetch(`${origin}/admin/rpc/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(input),
    })
    const result = await response.json()
    if (!result.ok) throw new Error(`${method}: ${JSON.stringify(result.error)}`)
    return result.value
  }
  return { child: served.child, rpc }
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

function readDatabase() {
  const db = new BetterSqlite3(join(dataDir, 'clawhq.db'), { readonly: true })
  try {
    return {
      events: db.prepare('select id, type, data from webhook_events').all() as Array<{ id: string; type: string; data: string }>,
      pending: db.prepare("select count(*) from webhook_deliveries where status = 'pending'").pluck().get() as number,
    }
  } finally {
    db.close()
  }
}

describe('webhooks across a kill -9 of the server', () => {
  it('1,000 events pending against a slow receiver: after a restart every one arrives at least once, and a duplicate is the same webhook-id with the same body', async () => {
    assertBuilt()
    dataDir = tempDir('clawhq-webhooks-crash-')
    receiver = await startWebhookReceiver({ delayMs: () => randomInt(20, 51) })
    const first = await serve()
    const { endpoint, secret } = await first.rpc('webhooks.create', { url: `${receiver.origin}/hooks`, events: ['*'] })

    // 1,000 pings, 16 at a time, while the receiver answers nothing: each answered ping is a committed event
    // with its pending delivery. Then the receiver takes 20–50 ms per answer (the dispatcher sends 8 at once),
    // and the server is killed once 200 have arrived, while the receiver holds deliveries it never answers.
    receiver.pause()
    let made = 0
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (made < EVENTS) {
          made++
          await first.rpc('webhooks.ping', { id: endpoint.id })
        }
      }),
    )
    receiver.resume()
    await until('200 deliveries and one held', () => receiver!.received.length >= 200 && receiver!.holding.size > 0, 20_000)
    const cut = [...receiver.holding].map((delivery) => delivery.webhookId)
    first.child.kill('SIGKILL')
    await once(first.child, 'exit')

    const atKill = readDatabase()
    const eventIds = new Set(atKill.events.map((event) => event.id))
    expect(eventIds.size).toBe(EVENTS)
    // Every delivery the receiver never saw is still pending, and so is every one the kill cut short.
    const seen = new Set(receiver.received.map((delivery) => delivery.webhookId)).size
    expect(seen).toBeLessThan(EVENTS / 2)
    expect(atKill.pending).toBeGreaterThanOrEqual(EVENTS - seen + cut.length)

    const second = await serve()
    await until('every event received', () => [...eventIds].every((id) => receiver!.byId().has(id)), 40_000)
    await until('every delivery recorded as succeeded', async () => (await second.rpc('deliveries.list', { status: 'succeeded', limit: 1 })).meta.total === EVENTS, 10_000)
    second.child.kill('SIGTERM')
    await once(second.child, 'exit')

    const byId = receiver.byId()
    expect(new Set(byId.keys())).toEqual(eventIds)
    for (const event of atKill.events) {
      const deliveries = byId.get(event.id)!
      // Only a delivery in flight at the kill goes again, and then once more only.
      expect(deliveries.length, event.id).toBeLessThanOrEqual(2)
      for (const delivery of deliveries) {
        expect(verifyWebhook(delivery.body, delivery.headers as Record<string, string>, secret), event.id).toMatchObject({ ok: true, id: event.id })
        expect(delivery.body).toBe(deliveries[0]!.body)
      }
      expect(JSON.parse(deliveries[0]!.body)).toMatchObject({ event: event.type, data: JSON.parse(event.data) })
    }
    const duplicated = [...byId].filter(([, deliveries]) => deliveries.length > 1).map(([id]) => id)
    expect(duplicated.length).toBeLessThanOrEqual(IN_FLIGHT_PER_ENDPOINT)
    for (const id of cut) expect(duplicated, `${id} was cut by the kill`).toContain(id)
    const db = readDatabase()
    expect(db.pending).toBe(0)
  }, 60_000)
})
