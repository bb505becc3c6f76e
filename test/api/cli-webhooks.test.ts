import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, spawnServe, tempDir } from '../helpers/core'

/** `clawhq-local webhooks …` and `deliveries …` as their own processes, and a server delivering what they queued. */
let dataDir: string
let receiver: http.Server
let origin: string
const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> = []

beforeAll(async () => {
  dataDir = tempDir()
  receiver = http.createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      received.push({ headers: req.headers, body })
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise<void>((resolve) => receiver.close(() => resolve()))
  rmSync(dataDir, { recursive: true, force: true })
})

async function json(args: string[]) {
  const result = await runCli([...args, '--data-dir', dataDir, '--json'])
  expect(result.code, result.stderr).toBe(0)
  return JSON.parse(result.stdout)
}

describe('webhooks and deliveries from the CLI', () => {
  it('creates an endpoint (secret shown once), queues a ping, and a server started later delivers it', async () => {
    const created = await json(['webhooks', 'create', `${origin}/hook`, '--events', 'purchase.completed,key.revoked'])
    expect(created).toMatchObject({ url: `${origin}/hook`, events: ['purchase.completed', 'key.revoked'], enabled: true, secret: expect.stringMatching(/^whsec_/) })
    expect((await json(['webhooks', 'list']))[0].secret).toBeUndefined()

    const refused = await runCli(['webhooks', 'create', 'http://example.com/hook', '--data-dir', dataDir])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/Plain HTTP is allowed only to this machine/)

    const ping = await json(['webhooks', 'ping', created.id])
    expect(ping).toMatchObject({ event: 'ping', status: 'pending' })
    expect((await json(['deliveries', 'list']))[0]).toMatchObject({ id: ping.id, status: 'pending' })

    const { child } = await spawnServe(['--data-dir', dataDir, '--port', '0'])
    try {
      const deadline = Date.now() + 10_000
      while (!received.some((r) => r.headers['webhook-id'] === ping.eventId) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
      expect(JSON.parse(received.at(-1)!.body).event).toBe('ping')
      // Revoking a key from the CLI beside the running server is an event too: the server delivers it.
      const key = await json(['keys', 'create', '--name', 'short-lived'])
      await json(['keys', 'revoke', key.id])
      while (!received.some((r) => JSON.parse(r.body).event === 'key.revoked') && Date.now() < deadline + 10_000) await new Promise((resolve) => setTimeout(resolve, 50))
      expect(JSON.parse(received.at(-1)!.body)).toMatchObject({ event: 'key.revoked', data: { keyId: key.id } })
    } finally {
      child.kill('SIGTERM')
      await new Promise((resolve) => child.once('exit', resolve))
    }
    const listed = await json(['deliveries', 'list'])
    expect(listed.find((d: { id: string }) => d.id === ping.id)).toMatchObject({ status: 'succeeded', attempts: 1, lastStatus: 204 })
    expect(await json(['deliveries', 'list', '--failed'])).toEqual([])
    expect(await json(['deliveries', 'redeliver', ping.id])).toMatchObject({ id: ping.id, status: 'pending' })
    await json(['webhooks', 'delete', created.id])
    expect(await json(['webhooks', 'list'])).toEqual([])
  })
})
