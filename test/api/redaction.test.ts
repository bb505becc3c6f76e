import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKey, openEventStream, startServer, type TestServer } from '../helpers/core'
import { rawRequest } from '../helpers/reliability'

/** No key secret reaches the request log or the live event stream, in any spelling (item 7). */
let server: TestServer
let secret: string
let body: string

beforeAll(async () => {
  server = await startServer({ requestLogFlushMs: 10 })
  secret = createKey(server, { name: 'pasted into a URL', tierId: 'rpm-300' }).secret
  body = secret.slice(4)
})
afterAll(async () => {
  await server?.close()
})

const percent = (char: string) => `%${char.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`
function fullyDecoded(text: string): string {
  let current = text
  for (let i = 0; i < 6; i++) {
    const next = current.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    if (next === current) return current
    current = next
  }
  return current
}

describe('key secrets in URLs', () => {
  it('are redacted in every spelling, in the stored request log and on the live event stream', async () => {
    const stream = await openEventStream(server.origin, server.adminToken)
    const streamed = stream.received

    const paths = [
      `/api/v1/me?api_key=${secret}`,
      `/api/v1/me?api_key=clw%5F${body}`,
      `/api/v1/me?api_key=%63lw_${body}`,
      `/api/v1/me?api_key=clw_${body.slice(0, -1)}${percent(body.at(-1)!)}`,
      `/api/v1/me?api_key=%2563lw_${body}`,
      `/api/v1/keys/${[...secret].map(percent).join('')}`,
    ]
    for (const path of paths) {
      const response = await rawRequest(server.origin, { path, headers: { authorization: `Bearer ${secret}` } })
      expect(response.headers['x-request-id']).toMatch(/^req_/)
    }

    const deadline = Date.now() + 5_000
    const streamedPaths = () =>
      streamed.filter((event) => event.event === 'requests.new').flatMap((event) => (JSON.parse(event.data) as Array<{ path: string }>).map((row) => row.path))
    while (streamedPaths().length < paths.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    await stream.close()

    const stored = server.core.services.requestLog.list({ limit: 50 }).rows.map((row) => row.path)
    for (const logged of [stored, streamedPaths()]) {
      expect(logged).toHaveLength(paths.length)
      for (const path of logged) {
        expect(path).toContain('clw_[redacted]')
        expect(fullyDecoded(path)).not.toContain(body)
      }
    }
    // Nowhere in the database file either.
    const everything = JSON.stringify(server.core.services.store.sqlite.prepare('select * from request_log').all())
    expect(fullyDecoded(everything)).not.toContain(body)
  })
})
