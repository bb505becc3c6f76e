import http from 'node:http'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Scope } from '../../src-shared/scopes'
import { getJson, startServer, type TestServer } from '../helpers/core'
import { startFakeOpenAi } from '../helpers/fake-openai'
import { expectErrorEnvelope } from '../helpers/reliability'

/**
 * `POST /mcp` (SPEC §4 "MCP") driven by the official SDK's own Client over Streamable HTTP, against a real
 * server: the tools, a purchase and its license, the seed's errors as tool errors with the seed's details,
 * the key's 401 / 403 / 429 from the API's own gate, and one request-log row per POST.
 */
const BUDGET_BEE = 'soul_0582a384a93ba1a3d804b24b' // holds 10.50 USDT
const PAPER_CRAWLER = 'listing_125fa408090f6203fa094da7' // 25.00, one-time
const SHOPPER_SCOPES: Scope[] = ['listings:read', 'purchases', 'chat']

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(async () => {
  await server?.close()
})

function key(options: { soulId?: string | null; scopes?: Scope[]; perPurchase?: string | null; tierId?: string } = {}) {
  return server.core.services.keys.create(
    {
      name: 'mcp test',
      scopes: options.scopes ?? SHOPPER_SCOPES,
      tierId: options.tierId ?? 'rpm-300',
      soulId: options.soulId ?? null,
      spendingLimits: { perPurchase: options.perPurchase ?? null, perDay: null },
    },
    'cli',
  )
}

function newSoul(name: string, balanceCents: number): string {
  const id = `soul_${Math.random().toString(16).slice(2).padEnd(24, '0').slice(0, 24)}`
  const { store, wallets } = server.core.services
  store.run(store.db.insertInto('souls').values({ id, name, kind: 'agent', bio: '', capabilities: '[]', balance_cents: 0, created_at: Date.now() }))
  wallets.deposit(id, balanceCents, 'cli')
  return id
}

interface Exchange {
  method: string
  rpc: string | undefined
  status: number
  requestId: string | null
  retryAfter: string | null
}

const clients: Client[] = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()))
})

/** An SDK client on POST /mcp with the key in the Authorization header; `exchanges` records each HTTP round trip. */
async function connect(secret?: string) {
  const exchanges: Exchange[] = []
  const recordingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init)
    const rpc = typeof init?.body === 'string' ? (JSON.parse(init.body) as { method?: string }).method : undefined
    exchanges.push({ method: init?.method ?? 'GET', rpc, status: response.status, requestId: response.headers.get('x-request-id'), retryAfter: response.headers.get('retry-after') })
    return response
  }
  const client = new Client({ name: 'clawhq-mcp-test', version: '1.0.0' })
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', server.origin), {
    requestInit: secret === undefined ? {} : { headers: { authorization: `Bearer ${secret}` } },
    fetch: recordingFetch,
  })
  await client.connect(transport)
  clients.push(client)
  return { client, exchanges }
}

/** The tool result's envelope, checked to be the same in the text block and in structuredContent. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function envelopeOf(result: CallToolResult): Record<string, any> {
  const text = result.content.find((block) => block.type === 'text')
  expect(text).toBeDefined()
  expect(JSON.parse((text as { text: string }).text)).toEqual(result.structuredContent)
  return result.structuredContent as Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
}

const call = async (client: Client, name: string, args: Record<string, unknown> = {}) => envelopeOf((await client.callTool({ name, arguments: args })) as CallToolResult)

async function callError(client: Client, name: string, args: Record<string, unknown>) {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult
  expect(result.isError).toBe(true)
  const body = envelopeOf(result)
  expect(body.success).toBe(false)
  return body.error
}

async function requestLogRow(requestId: string) {
  await server.core.services.requestLog.flush()
  return server.core.services.store.sqlite.prepare('select * from request_log where id = ?').get(requestId) as Record<string, unknown> | undefined
}

/** The REST answer to the same request, for comparing errors (request ids aside). */
const rest = (method: string, path: string, secret: string) => getJson(`${server.apiBaseUrl}${path}`, secret, { method })
const withoutRequestId = ({ request_id: _requestId, ...error }: Record<string, unknown>) => error

describe('the tools', () => {
  it('lists every tool with a description and a JSON schema for its arguments and its result', async () => {
    const { client } = await connect(key().secret)
    const { tools } = await client.listTools()
    expect(tools.map((tool) => tool.name).sort()).toEqual(
      ['chat', 'get_listing', 'get_wallet', 'list_purchases', 'purchase_listing', 'search_listings', 'validate_license'].sort(),
    )
    for (const tool of tools) {
      expect(tool.description!.length).toBeGreaterThan(60)
      expect(tool.inputSchema.type).toBe('object')
      expect(tool.outputSchema?.type).toBe('object')
    }
    const purchase = tools.find((tool) => tool.name === 'purchase_listing')!
    expect(purchase.inputSchema.required).toEqual(['listingId'])
    expect(purchase.description).toMatch(/SPENDING_LIMIT_EXCEEDED/)
    expect(purchase.description).toMatch(/"purchases"/)
    expect(purchase.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true })
    expect(client.getServerVersion()?.name).toBe('clawhq-local')
  })

  it('searches, buys a listing, and reads the license, the wallet and the purchase history through tools', async () => {
    const { client } = await connect(key({ soulId: newSoul('mcp shopper', 100_00) }).secret)
    const found = await call(client, 'search_listings', { query: 'web scraping', maxPrice: 50, minRating: 4 })
    expect(found.success).toBe(true)
    expect(found.meta.total).toBeGreaterThan(0)
    const target = found.data[0]
    expect(target.id).toMatch(/^listing_/)
    expect(Number(target.price)).toBeLessThanOrEqual(50)
    expect(target.rating).toBeGreaterThanOrEqual(4)

    const listing = await call(client, 'get_listing', { id: target.id })
    expect(listing.data).toEqual(target)

    const bought = await call(client, 'purchase_listing', { listingId: target.id })
    expect(bought.success).toBe(true)
    expect(bought.data).toMatchObject({ listingId: target.id, amount: target.price, currency: 'USDT' })
    expect(bought.data.licenseKey).toMatch(/^lic_/)

    const license = await call(client, 'validate_license', { licenseKey: bought.data.licenseKey })
    expect(license.data).toMatchObject({ licenseKey: bought.data.licenseKey, valid: true, status: 'active', listingId: target.id, purchaseId: bought.data.purchaseId })

    const wallet = await call(client, 'get_wallet')
    expect(wallet.data.balance).toBe((100 - Number(target.price)).toFixed(2))
    const history = await call(client, 'list_purchases', { limit: 500 })
    expect(history.meta).toEqual({ page: 1, limit: 100, total: 1 })
    expect(history.data[0]).toEqual(bought.data)

    // Buying again is the seed's ALREADY_PURCHASED with the license already held, and charges nothing.
    const again = await callError(client, 'purchase_listing', { listingId: target.id })
    expect(again).toMatchObject({ code: 'ALREADY_PURCHASED', details: { listingId: target.id, licenseKey: bought.data.licenseKey } })
    expect((await call(client, 'get_wallet')).data.balance).toBe(wallet.data.balance)
  })

  it('browses without a query, with the same filters as the REST API', async () => {
    const { client } = await connect(key().secret)
    const page = await call(client, 'search_listings', { featured: true, limit: 3, sort: 'price_asc' })
    expect(page.data).toHaveLength(3)
    expect(page.data.every((listing: { featured: boolean }) => listing.featured)).toBe(true)
    const prices = page.data.map((listing: { price: string }) => Number(listing.price))
    expect(prices).toEqual([...prices].sort((a, b) => a - b))
  })

  it('asks an agent by its slug, continues the conversation, and names the agents there are for an unknown slug', async () => {
    const { client, exchanges } = await connect(key().secret)
    const first = await call(client, 'chat', { agent: 'support-bot', message: 'Hello, how do I get an API key?' })
    expect(first.data.response.length).toBeGreaterThan(0)
    expect(first.data).toMatchObject({ agent: 'support-bot', conversation_id: expect.stringMatching(/^conv_/), request_id: expect.stringMatching(/^req_/) })
    const second = await call(client, 'chat', { agent: 'support-bot', message: 'Thanks!', conversation_id: first.data.conversation_id })
    expect(second.data.conversation_id).toBe(first.data.conversation_id)

    const row = await requestLogRow(first.data.request_id)
    expect(row).toMatchObject({ path: '/mcp', status: 200, tokens_in: first.data.usage.prompt_tokens, tokens_out: first.data.usage.completion_tokens })
    expect(exchanges.some((exchange) => exchange.requestId === first.data.request_id && exchange.rpc === 'tools/call')).toBe(true)

    const unknown = await callError(client, 'chat', { agent: 'nobody-bot', message: 'hi' })
    expect(unknown.code).toBe('AGENT_NOT_FOUND')
    expect(unknown.details.available).toContain('support-bot')
  })
})

describe("the seed's errors as tool errors", () => {
  it('SPENDING_LIMIT_EXCEEDED: with the limit and the amount, exactly as the REST API answers it, and nothing is charged', async () => {
    const soul = newSoul('limited mcp buyer', 200_00)
    const { secret } = key({ soulId: soul, perPurchase: '20.00' })
    const { client } = await connect(secret)
    const error = await callError(client, 'purchase_listing', { listingId: PAPER_CRAWLER })
    expect(error).toMatchObject({ code: 'SPENDING_LIMIT_EXCEEDED', type: 'permission_error', details: { limit: '20.00 USDT', amount: '25.00 USDT', period: 'purchase' } })
    const viaRest = await rest('POST', `/listings/${PAPER_CRAWLER}/purchase`, secret)
    expect(withoutRequestId(error)).toEqual(withoutRequestId(viaRest.body.error))
    expect(server.core.services.wallets.balanceCents(soul)).toBe(200_00)
  })

  it('INSUFFICIENT_BALANCE: the required and the available amount, as the seed shows', async () => {
    const { secret } = key({ soulId: BUDGET_BEE })
    const { client } = await connect(secret)
    const error = await callError(client, 'purchase_listing', { listingId: PAPER_CRAWLER })
    expect(error).toMatchObject({
      code: 'INSUFFICIENT_BALANCE',
      message: 'Wallet balance below transaction requirement',
      details: { required: '25.00 USDT', available: '10.50 USDT' },
    })
    expect(withoutRequestId(error)).toEqual(withoutRequestId((await rest('POST', `/listings/${PAPER_CRAWLER}/purchase`, secret)).body.error))
    expect((await call(client, 'get_wallet')).data.balance).toBe('10.50')
  })

  it('LISTING_NOT_FOUND, and a license that does not exist, with their details', async () => {
    const { client } = await connect(key().secret)
    const missing = 'listing_000000000000000000000000'
    expect(await callError(client, 'get_listing', { id: missing })).toMatchObject({ code: 'LISTING_NOT_FOUND', details: { listingId: missing } })
    expect(await callError(client, 'purchase_listing', { listingId: missing })).toMatchObject({ code: 'LISTING_NOT_FOUND' })
    expect(await callError(client, 'validate_license', { licenseKey: 'lic_doesnotexist' })).toMatchObject({ code: 'NOT_FOUND' })
  })

  it('arguments that fail the tool\u2019s schema are INVALID_REQUEST in the same envelope', async () => {
    const { client } = await connect(key().secret)
    const error = await callError(client, 'get_listing', {})
    expect(error).toMatchObject({ code: 'INVALID_REQUEST', type: 'invalid_request_error' })
    expect(error.message).toMatch(/id/)
  })
})

describe('the key', () => {
  it('without a key, or with a bad one, POST /mcp is refused with 401 before any MCP work', async () => {
    for (const secret of [undefined, 'clw_nonsense', `clw_${'a'.repeat(32)}`]) {
      const refused = await connect(secret).then(
        () => null,
        (error: unknown) => error,
      )
      expect(refused).toBeInstanceOf(StreamableHTTPError)
      expect((refused as StreamableHTTPError).code).toBe(401)
      expect((refused as Error).message).toMatch(/INVALID_API_KEY/)
    }
    const raw = await getJson(`${server.origin}/mcp`, undefined, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    })
    expectErrorEnvelope(raw, 401, 'INVALID_API_KEY')
  })

  it('a tools/call outside the key\u2019s scopes is 403 INSUFFICIENT_PERMISSIONS with details.required; tools/list offers only what the key may use', async () => {
    const { client, exchanges } = await connect(key({ scopes: ['listings:read'] }).secret)
    const { tools } = await client.listTools()
    expect(tools.map((tool) => tool.name).sort()).toEqual(['get_listing', 'search_listings', 'validate_license'])
    expect(client.getInstructions()).toMatch(/purchase_listing \(purchases\)/)

    const refused = await client.callTool({ name: 'purchase_listing', arguments: { listingId: PAPER_CRAWLER } }).then(
      () => null,
      (error: unknown) => error,
    )
    expect(refused).toBeInstanceOf(StreamableHTTPError)
    expect((refused as StreamableHTTPError).code).toBe(403)
    const body = JSON.parse((refused as Error).message.slice((refused as Error).message.indexOf('{')))
    expect(body).toMatchObject({ success: false, error: { code: 'INSUFFICIENT_PERMISSIONS', type: 'permission_error', details: { required: 'purchases' } } })
    expect(exchanges.at(-1)).toMatchObject({ method: 'POST', rpc: 'tools/call', status: 403 })
    expect(await requestLogRow(exchanges.at(-1)!.requestId!)).toMatchObject({ path: '/mcp', status: 403, error_code: 'INSUFFICIENT_PERMISSIONS' })
  })

  it("the key's tier applies to every POST: past it, 429 RATE_LIMIT_EXCEEDED with Retry-After", async () => {
    const tier = server.core.services.tiers.create({ name: 'three per minute', limit: 3, windowSeconds: 60 }, 'cli')
    const { client, exchanges } = await connect(key({ tierId: tier.id }).secret) // initialize + notifications/initialized: two
    await client.listTools() // three
    const refused = await client.listTools().then(
      () => null,
      (error: unknown) => error,
    )
    expect((refused as StreamableHTTPError).code).toBe(429)
    expect((refused as Error).message).toMatch(/RATE_LIMIT_EXCEEDED/)
    expect(Number(exchanges.at(-1)!.retryAfter)).toBeGreaterThan(0)
  })
})

describe('the request log and the transport', () => {
  it('has one row per POST /mcp, with the key, and the tool error\u2019s code on its row', async () => {
    const { key: info, secret } = key({ soulId: BUDGET_BEE })
    const { client, exchanges } = await connect(secret)
    await call(client, 'get_wallet')
    await callError(client, 'purchase_listing', { listingId: PAPER_CRAWLER })
    const posts = exchanges.filter((exchange) => exchange.method === 'POST')
    expect(posts.map((exchange) => exchange.rpc)).toEqual(['initialize', 'notifications/initialized', 'tools/call', 'tools/call'])
    expect(posts.map((exchange) => exchange.status)).toEqual([200, 202, 200, 200])
    const rows = await Promise.all(posts.map((exchange) => requestLogRow(exchange.requestId!)))
    for (const row of rows) expect(row).toMatchObject({ key_id: info.id, method: 'POST', path: '/mcp', source: 'api' })
    expect(rows.map((row) => row!.error_code)).toEqual([null, null, null, 'INSUFFICIENT_BALANCE'])
  })

  it('answers with the X-Request-Id and rate-limit headers of every API response', async () => {
    const response = await fetch(new URL('/mcp', server.origin), {
      method: 'POST',
      headers: { authorization: `Bearer ${key().secret}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list' }),
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/application\/json/)
    expect(response.headers.get('x-request-id')).toMatch(/^req_/)
    expect(response.headers.get('x-ratelimit-limit')).toBe('300')
    expect((await response.json()).result.tools.length).toBe(7)
  })

  it('GET and DELETE /mcp are 405 in the error envelope (stateless: no stream, no session), which the SDK client accepts', async () => {
    for (const method of ['GET', 'DELETE']) {
      const response = await getJson(`${server.origin}/mcp`, key().secret, { method })
      expectErrorEnvelope(response, 405, 'INVALID_REQUEST')
      expect(response.headers.get('allow')).toBe('POST')
    }
    const { exchanges } = await connect(key().secret)
    await expect.poll(() => exchanges.find((exchange) => exchange.method === 'GET')?.status).toBe(405)
  })

  it('an empty body is INVALID_JSON, and a foreign Origin is refused as on every route', async () => {
    const secret = key().secret
    const headers = { authorization: `Bearer ${secret}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }
    expectErrorEnvelope(await getJson(`${server.origin}/mcp`, undefined, { method: 'POST', headers, body: '' }), 400, 'INVALID_JSON')
    const foreign = await getJson(`${server.origin}/mcp`, undefined, {
      method: 'POST',
      headers: { ...headers, origin: 'http://evil.example' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    })
    expectErrorEnvelope(foreign, 403, 'INVALID_REQUEST')
  })

  it('a client that leaves mid-call aborts the agent behind the tool, and its POST still has its row, marked CLIENT_CLOSED', async () => {
    const upstream = await startFakeOpenAi({ kind: 'silent' })
    try {
      await server.core.services.agents.create(
        {
          slug: 'silent-model',
          name: 'Silent Model',
          description: 'never answers',
          provider: 'openai-compatible',
          upstream: { baseUrl: upstream.baseUrl, model: 'm', systemPrompt: '', temperature: 0.2, timeoutSeconds: 30, apiKey: 'sk-test' },
        },
        'cli',
      )
      const { key: info, secret } = key()
      // A socket the client destroys (fetch's abort leaves undici's socket open a few seconds longer).
      const leaving = http.request(new URL('/mcp', server.origin), {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      })
      leaving.on('error', () => {})
      leaving.end(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'chat', arguments: { agent: 'silent-model', message: 'hello?' } } }))
      await expect.poll(() => upstream.requests.length).toBe(1)
      leaving.destroy()
      const closed = Promise.race([upstream.requests[0]!.clientClosed, new Promise((_, reject) => setTimeout(() => reject(new Error('upstream not aborted')), 2000))])
      await expect(closed).resolves.toBeTypeOf('number')
      await expect
        .poll(async () => {
          await server.core.services.requestLog.flush()
          return server.core.services.store.sqlite.prepare('select status, error_code, path from request_log where key_id = ?').get(info.id)
        })
        .toMatchObject({ path: '/mcp', error_code: 'CLIENT_CLOSED' })
    } finally {
      await upstream.close()
    }
  })
})

describe('a server that stops', () => {
  it('cuts a running tool short with SERVICE_UNAVAILABLE and closes the connection instead of waiting for the agent', async () => {
    const own = await startServer()
    const upstream = await startFakeOpenAi({ kind: 'silent' })
    try {
      await own.core.services.agents.create(
        {
          slug: 'silent-model',
          name: 'Silent Model',
          description: 'never answers',
          provider: 'openai-compatible',
          upstream: { baseUrl: upstream.baseUrl, model: 'm', systemPrompt: '', temperature: 0.2, timeoutSeconds: 30, apiKey: 'sk-test' },
        },
        'cli',
      )
      const { secret } = own.core.services.keys.create({ name: 'closing', scopes: ['chat'] }, 'cli')
      const answer = fetch(new URL('/mcp', own.origin), {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'chat', arguments: { agent: 'silent-model', message: 'hello?' } } }),
      })
      await expect.poll(() => upstream.requests.length).toBe(1)
      const started = performance.now()
      const closed = own.close()
      const response = await answer
      const body = await response.json()
      await closed
      expect(performance.now() - started).toBeLessThan(2000)
      expect(response.headers.get('connection')).toBe('close')
      expect(body.result.isError).toBe(true)
      expect(body.result.structuredContent.error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: expect.stringContaining('shutting down') })
    } finally {
      await upstream.close()
    }
  })
})
