import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { createParser } from 'eventsource-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Scope } from '../../src-shared/scopes'
import { getJson, startServer, type TestServer } from '../helpers/core'
import { startFakeOpenAi, type FakeOpenAi } from '../helpers/fake-openai'
import { expectErrorEnvelope } from '../helpers/reliability'

/**
 * `POST /api/v1/chat` through the real server (seed 001, SPEC §4 Chat): answers, conversations, the SSE
 * contract read with a real parser, the gateway's limits, the key's fault injection, and agents backed by
 * a real OpenAI-compatible HTTP server on a loopback port.
 */

let server: TestServer
let upstream: FakeOpenAi
const UPSTREAM_KEY = 'sk-upstream-secret-4f1c9b7e2a'

beforeAll(async () => {
  server = await startServer({ sseHeartbeatMs: 100 })
  upstream = await startFakeOpenAi()
  await server.core.services.agents.create(
    {
      slug: 'slow-bot',
      name: 'Slow Bot',
      description: '',
      provider: 'scripted',
      scripted: { rules: [], defaultReply: 'one two three four five six seven eight', chunkChars: 4, chunkDelayMs: 400 },
    },
    'cli',
  )
  await server.core.services.agents.create(
    {
      slug: 'local-model',
      name: 'Local Model',
      description: 'the fake upstream',
      provider: 'openai-compatible',
      upstream: { baseUrl: upstream.baseUrl, model: 'llama-test', systemPrompt: 'You are terse.', temperature: 0.2, timeoutSeconds: 30, apiKey: UPSTREAM_KEY },
    },
    'cli',
  )
})
afterAll(async () => {
  await server?.close()
  await upstream?.close()
})

function key(scopes: Scope[] = ['chat'], tierId = 'rpm-300') {
  return server.core.services.keys.create({ name: 'chat test', scopes, tierId }, 'cli')
}

const post = (secret: string, body: unknown, init: RequestInit = {}) =>
  getJson(`${server.apiBaseUrl}/chat`, secret, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...init,
  })

interface Streamed {
  status: number
  headers: Headers
  events: string[]
  comments: string[]
  firstEventMs: number
  totalMs: number
}

/** Reads a chat stream with eventsource-parser: every `data:` event in order, and the comment lines. */
async function stream(secret: string, body: Record<string, unknown>, options: { abortAfterEvents?: number } = {}): Promise<Streamed> {
  const started = performance.now()
  const controller = new AbortController()
  const response = await fetch(`${server.apiBaseUrl}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify({ ...body, stream: true }),
    signal: controller.signal,
  })
  const events: string[] = []
  const comments: string[] = []
  let firstEventMs = -1
  const parser = createParser({
    onEvent: (event) => {
      if (firstEventMs < 0) firstEventMs = performance.now() - started
      events.push(event.data)
    },
    onComment: (comment) => comments.push(comment),
  })
  const decoder = new TextDecoder()
  try {
    for await (const chunk of response.body!) {
      parser.feed(decoder.decode(chunk, { stream: true }))
      if (options.abortAfterEvents !== undefined && events.length >= options.abortAfterEvents) {
        controller.abort()
        break
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error
  }
  return { status: response.status, headers: response.headers, events, comments, firstEventMs, totalMs: performance.now() - started }
}

const contents = (events: string[]) => events.filter((e) => e !== '[DONE]').map((e) => JSON.parse(e) as { content?: string; error?: { code: string; message: string } })

async function logRow(requestId: string) {
  await server.core.services.requestLog.flush()
  return server.core.services.store.sqlite.prepare('select * from request_log where id = ?').get(requestId) as Record<string, unknown> | undefined
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe('POST /api/v1/chat without stream', () => {
  it('answers the seed\'s questions with {response, agent, conversation_id, request_id, usage}', async () => {
    const { secret } = key()
    const hours = await post(secret, { message: 'What are your business hours?', agent: 'support-bot' })
    expect(hours.status).toBe(200)
    expect(hours.body.response).toMatch(/Monday to Friday, 9:00 to 18:00 UTC/)
    expect(hours.body.agent).toBe('support-bot')
    expect(hours.body.conversation_id).toMatch(/^conv_[0-9a-f]{24}$/)
    expect(hours.body.request_id).toBe(hours.headers.get('x-request-id'))
    expect(hours.body.usage).toEqual({
      prompt_tokens: Math.ceil('What are your business hours?'.length / 4),
      completion_tokens: Math.ceil(hours.body.response.length / 4),
      total_tokens: Math.ceil('What are your business hours?'.length / 4) + Math.ceil(hours.body.response.length / 4),
      estimated: true,
    })
    expect(hours.headers.get('x-ratelimit-limit')).toBe('300')

    const webhooks = await post(secret, { message: 'Explain how webhooks work', agent: 'support-bot' })
    expect(webhooks.body.response).toMatch(/^Webhooks are HTTP callbacks that notify your server/)
    expect(webhooks.body.response).toMatch(/signed/)
  })

  it('keeps a conversation: continued with conversation_id, readable by its key only', async () => {
    const owner = key()
    const first = await post(owner.secret, { message: 'hello', agent: 'support-bot' })
    const second = await post(owner.secret, { message: 'What are your business hours?', agent: 'support-bot', conversation_id: first.body.conversation_id })
    expect(second.status).toBe(200)
    expect(second.body.conversation_id).toBe(first.body.conversation_id)

    const history = await getJson(`${server.apiBaseUrl}/conversations/${first.body.conversation_id}`, owner.secret)
    expect(history.status).toBe(200)
    expect(history.body.data.messageCount).toBe(4)
    expect(history.body.data.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant'])
    expect(history.body.data.messages[2].content).toBe('What are your business hours?')
    expect(history.body.data.messages[3].content).toBe(second.body.response)
    expect(history.body.data.messages[3].requestId).toBe(second.body.request_id)

    const stranger = key()
    const peek = await getJson(`${server.apiBaseUrl}/conversations/${first.body.conversation_id}`, stranger.secret)
    expectErrorEnvelope(peek, 404, 'NOT_FOUND')
    const hijack = await post(stranger.secret, { message: 'hi', agent: 'support-bot', conversation_id: first.body.conversation_id })
    expectErrorEnvelope(hijack, 404, 'NOT_FOUND')
    // A rolled key keeps its conversations: the lineage holds them.
    const rolled = server.core.services.keys.roll(owner.key.id, 60, 'cli')
    expect((await getJson(`${server.apiBaseUrl}/conversations/${first.body.conversation_id}`, rolled.secret)).status).toBe(200)
  })

  it('refuses bad requests in the envelope and stores nothing', async () => {
    const { secret } = key()
    const count = () => server.core.services.store.sqlite.prepare('select count(*) from chat_messages').pluck().get() as number
    const before = count()
    expectErrorEnvelope(await post(secret, { agent: 'support-bot' }), 400, 'INVALID_REQUEST')
    expectErrorEnvelope(await post(secret, { message: '', agent: 'support-bot' }), 400, 'INVALID_REQUEST')
    expectErrorEnvelope(await post(secret, { message: 'hi', agent: 'support-bot', stream: 'yes' }), 400, 'INVALID_REQUEST')
    const unknown = await post(secret, { message: 'hi', agent: 'nobody' })
    expectErrorEnvelope(unknown, 404, 'AGENT_NOT_FOUND')
    expect(unknown.body.error.details.available).toContain('support-bot')
    const wrongAgent = await post(secret, { message: 'hi', agent: 'support-bot' })
    expectErrorEnvelope(await post(secret, { message: 'hi', agent: 'slow-bot', conversation_id: wrongAgent.body.conversation_id }), 400, 'INVALID_REQUEST')
    expectErrorEnvelope(await post(secret, { message: 'hi', agent: 'support-bot', conversation_id: 'conv_nope' }), 404, 'NOT_FOUND')
    const raw = await getJson(`${server.apiBaseUrl}/chat`, secret, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"message": ' })
    expectErrorEnvelope(raw, 400, 'INVALID_JSON')

    server.core.services.settings.set({ chatMaxMessageChars: 100 }, 'cli')
    try {
      const long = await post(secret, { message: 'x'.repeat(101), agent: 'support-bot' })
      expectErrorEnvelope(long, 413, 'PAYLOAD_TOO_LARGE')
      expect(long.body.error.details).toEqual({ limit: 100, length: 101 })
    } finally {
      server.core.services.settings.set({ chatMaxMessageChars: 32_000 }, 'cli')
    }
    expect(count()).toBe(before + 2) // only the one good exchange
    const noScope = key(['listings:read'])
    const refused = await post(noScope.secret, { message: 'hi', agent: 'support-bot' })
    expectErrorEnvelope(refused, 403, 'INSUFFICIENT_PERMISSIONS')
    expect(refused.body.error.details.required).toBe('chat')
    expectErrorEnvelope(await post('clw_notakey', { message: 'hi', agent: 'support-bot' }), 401, 'INVALID_API_KEY')
  })

  it('logs token counts on the request-log row and in the per-minute rollup', async () => {
    const { secret, key: info } = key()
    const answer = await post(secret, { message: 'What are your business hours?', agent: 'support-bot' })
    const row = await logRow(answer.body.request_id)
    expect(row).toMatchObject({ key_id: info.id, status: 200, tokens_in: answer.body.usage.prompt_tokens, tokens_out: answer.body.usage.completion_tokens, fault: null })
    const rollup = server.core.services.store.sqlite
      .prepare('select sum(tokens_in) as tin, sum(tokens_out) as tout from usage_minute where key_id = ?')
      .get(info.id) as { tin: number; tout: number }
    expect(rollup).toEqual({ tin: answer.body.usage.prompt_tokens, tout: answer.body.usage.completion_tokens })
  })

  it('lists the agents a key can talk to (scope chat), without their settings', async () => {
    const { secret } = key()
    const agents = await getJson(`${server.apiBaseUrl}/agents`, secret)
    expect(agents.status).toBe(200)
    const bot = agents.body.data.find((a: { slug: string }) => a.slug === 'support-bot')
    expect(bot).toEqual({ slug: 'support-bot', name: 'Support Bot', description: expect.any(String), provider: 'scripted' })
    expect(JSON.stringify(agents.body)).not.toContain(upstream.baseUrl)
  })
})

describe('POST /api/v1/chat with stream: true', () => {
  it('streams {"content"} chunks in order, closed by [DONE], each written as it is produced', async () => {
    const { secret } = key()
    const whole = await post(secret, { message: 'Explain how webhooks work', agent: 'support-bot' })
    const streamed = await stream(secret, { message: 'Explain how webhooks work', agent: 'support-bot' })
    expect(streamed.status).toBe(200)
    expect(streamed.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(streamed.headers.get('x-accel-buffering')).toBe('no')
    expect(streamed.headers.get('cache-control')).toContain('no-cache')
    expect(streamed.headers.get('x-request-id')).toMatch(/^req_/)
    // A streaming client learns its conversation from a header, and continues it.
    const conversationId = streamed.headers.get('x-conversation-id')!
    expect(conversationId).toMatch(/^conv_/)
    const next = await stream(secret, { message: 'What are your business hours?', agent: 'support-bot', conversation_id: conversationId })
    expect(next.headers.get('x-conversation-id')).toBe(conversationId)
    expect((await getJson(`${server.apiBaseUrl}/conversations/${conversationId}`, secret)).body.data.messageCount).toBe(4)
    expect(streamed.headers.get('x-ratelimit-remaining')).not.toBeNull()
    expect(streamed.events.at(-1)).toBe('[DONE]')
    expect(streamed.events.filter((e) => e === '[DONE]')).toHaveLength(1)
    const chunks = contents(streamed.events)
    expect(chunks.length).toBeGreaterThan(10)
    expect(chunks[0]).toEqual({ content: 'Webhooks are ' })
    expect(chunks.map((c) => c.content).join('')).toBe(whole.body.response)
    // 30 ms between chunks: the first arrives long before the last.
    expect(streamed.firstEventMs).toBeLessThan(streamed.totalMs / 4)
  })

  it('sends comment heartbeats on long gaps', async () => {
    const { secret } = key()
    const streamed = await stream(secret, { message: 'anything', agent: 'slow-bot' })
    expect(contents(streamed.events).map((c) => c.content).join('')).toBe('one two three four five six seven eight')
    expect(streamed.comments.filter((c) => c.trim() === 'keep-alive').length).toBeGreaterThanOrEqual(3)
  })

  it('a client that leaves ends the agent at once: the row says CLIENT_CLOSED and the stream slot is free', async () => {
    const { secret } = key()
    const streamed = await stream(secret, { message: 'anything', agent: 'slow-bot' }, { abortAfterEvents: 1 })
    expect(streamed.events).toHaveLength(1)
    const requestId = streamed.headers.get('x-request-id')!
    await until(async () => (await logRow(requestId)) !== undefined)
    expect(await logRow(requestId)).toMatchObject({ status: 200, error_code: 'CLIENT_CLOSED' })
    await until(() => server.core.services.chat.openStreams === 0)
  })

  it('refuses streams past the key\'s concurrent-stream limit with 429 CONCURRENT_STREAMS_EXCEEDED, never a hang', async () => {
    server.core.services.settings.set({ chatMaxStreamsPerKey: 2 }, 'cli')
    try {
      const { secret } = key()
      const open = [stream(secret, { message: 'a', agent: 'slow-bot' }), stream(secret, { message: 'b', agent: 'slow-bot' })]
      await until(() => server.core.services.chat.openStreams >= 2)
      const third = await post(secret, { message: 'c', agent: 'slow-bot', stream: true })
      expectErrorEnvelope(third, 429, 'CONCURRENT_STREAMS_EXCEEDED')
      expect(third.body.error.type).toBe('rate_limit_error')
      expect(third.body.error.details).toEqual({ limit: 2, open: 2 })
      expect(third.headers.get('retry-after')).toBe('1')
      // Answers without stream are not streams: they still go through.
      expect((await post(secret, { message: 'd', agent: 'support-bot' })).status).toBe(200)
      for (const done of await Promise.all(open)) expect(done.events.at(-1)).toBe('[DONE]')
      expect((await stream(secret, { message: 'e', agent: 'support-bot' })).events.at(-1)).toBe('[DONE]')
    } finally {
      server.core.services.settings.set({ chatMaxStreamsPerKey: 20 }, 'cli')
    }
  })
})

describe('an openai-compatible agent', () => {
  it('streams the model\'s tokens through and reports the model\'s usage', async () => {
    upstream.setBehaviour({ kind: 'stream', deltas: ['Local', ' models', ' work', ' offline.'], usage: { promptTokens: 21, completionTokens: 4 } })
    const { secret } = key()
    const streamed = await stream(secret, { message: 'Say something', agent: 'local-model' })
    expect(contents(streamed.events)).toEqual([{ content: 'Local' }, { content: ' models' }, { content: ' work' }, { content: ' offline.' }])
    expect(streamed.events.at(-1)).toBe('[DONE]')
    const sent = upstream.requests.at(-1)!
    expect(sent.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`)
    expect(sent.body).toMatchObject({ model: 'llama-test', stream: true, temperature: 0.2 })
    expect(sent.body.messages).toEqual([
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Say something' },
    ])
    const row = await logRow(streamed.headers.get('x-request-id')!)
    expect(row).toMatchObject({ tokens_in: 21, tokens_out: 4 })

    const whole = await post(secret, { message: 'Again', agent: 'local-model' })
    expect(whole.body).toMatchObject({ response: 'Local models work offline.', usage: { prompt_tokens: 21, completion_tokens: 4, total_tokens: 25, estimated: false } })
  })

  it('sends the conversation\'s history upstream when it is continued', async () => {
    upstream.setBehaviour({ kind: 'stream', deltas: ['First', ' answer'] })
    const { secret } = key()
    const first = await post(secret, { message: 'Question one', agent: 'local-model' })
    upstream.setBehaviour({ kind: 'stream', deltas: ['Second'] })
    await post(secret, { message: 'Question two', agent: 'local-model', conversation_id: first.body.conversation_id })
    expect(upstream.requests.at(-1)!.body.messages).toEqual([
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Question one' },
      { role: 'assistant', content: 'First answer' },
      { role: 'user', content: 'Question two' },
    ])
  })

  it('an upstream that refuses before the answer began is a JSON error (502, its status in details), not a stream', async () => {
    const { secret } = key()
    upstream.setBehaviour({ kind: 'error', status: 401 })
    const refused = await post(secret, { message: 'hi', agent: 'local-model', stream: true })
    expectErrorEnvelope(refused, 502, 'UPSTREAM_UNAVAILABLE')
    expect(refused.body.error.details).toMatchObject({ failure: 'refused', upstreamStatus: 401 })
    expect(JSON.stringify(refused.body)).not.toContain(UPSTREAM_KEY)
    upstream.setBehaviour({ kind: 'error', status: 500, message: 'model crashed' })
    const failed = await post(secret, { message: 'hi', agent: 'local-model' })
    expectErrorEnvelope(failed, 502, 'UPSTREAM_UNAVAILABLE')
    expect(failed.body.error.details).toMatchObject({ upstreamStatus: 500 })
    expect(failed.body.error.message).toContain('model crashed')
  })

  it('an upstream that dies mid-stream ends it with stream_error then [DONE], and the partial answer is kept with its error', async () => {
    upstream.setBehaviour({ kind: 'stream', deltas: ['one', ' two', ' three', ' four', ' five'], cutAfter: 3 })
    const { secret } = key()
    const streamed = await stream(secret, { message: 'count', agent: 'local-model' })
    const events = contents(streamed.events)
    expect(events.slice(0, 3)).toEqual([{ content: 'one' }, { content: ' two' }, { content: ' three' }])
    expect(events[3]!.error!.code).toBe('stream_error')
    expect(events[3]!.error!.message.length).toBeGreaterThan(0)
    expect(events).toHaveLength(4)
    expect(streamed.events.at(-1)).toBe('[DONE]')
    const row = await logRow(streamed.headers.get('x-request-id')!)
    expect(row).toMatchObject({ status: 200, error_code: 'STREAM_ERROR' })
    const conversation = server.core.services.chat.list({ agent: 'local-model', page: 1, limit: 1 }).data[0]!
    const stored = server.core.services.chat.get(conversation.id, { operator: true })
    expect(stored.messages.at(-1)).toMatchObject({ role: 'assistant', content: 'one two three', error: expect.any(String) })
  })

  it('a client that leaves aborts the upstream request within a second', async () => {
    upstream.setBehaviour({ kind: 'stream', deltas: Array.from({ length: 50 }, (_, i) => ` w${i}`), delayMs: 100 })
    const { secret } = key()
    const seen = upstream.requests.length
    const streamed = await stream(secret, { message: 'long', agent: 'local-model' }, { abortAfterEvents: 2 })
    const leftAt = Date.now()
    expect(streamed.events).toHaveLength(2)
    const request = upstream.requests[seen]!
    const closedAt = await Promise.race([request.clientClosed, new Promise<number>((_, reject) => setTimeout(() => reject(new Error('upstream not aborted')), 2000))])
    expect(closedAt - leftAt).toBeLessThan(1000)
  })

  it('an upstream that stalls past the idle timeout is a stream_error, not a hang', async () => {
    server.core.services.settings.set({ upstreamIdleTimeoutSeconds: 1 }, 'cli')
    try {
      upstream.setBehaviour({ kind: 'stream', deltas: ['a', 'b', 'c'], stallAfter: 1 })
      const { secret } = key()
      const streamed = await stream(secret, { message: 'stall', agent: 'local-model' })
      const events = contents(streamed.events)
      expect(events[0]).toEqual({ content: 'a' })
      expect(events[1]!.error!.code).toBe('stream_error')
      expect(streamed.events.at(-1)).toBe('[DONE]')
      expect(streamed.totalMs).toBeLessThan(3000)
    } finally {
      server.core.services.settings.set({ upstreamIdleTimeoutSeconds: 60 }, 'cli')
    }
  })

  it('its API key is nowhere in plain text: not in any read, the audit log, the data directory or the server log', async () => {
    const listed = await server.core.dispatch('agents.list', {}, 'gui')
    expect(JSON.stringify(listed)).not.toContain(UPSTREAM_KEY)
    expect(JSON.stringify(listed)).toContain('"hasApiKey":true')
    await server.core.services.requestLog.flush()
    server.core.services.store.sqlite.pragma('wal_checkpoint(PASSIVE)')
    const files: string[] = []
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name)
        if (statSync(path).isDirectory()) walk(path)
        else files.push(path)
      }
    }
    walk(server.dataDir)
    expect(files.some((file) => file.endsWith('secret.key'))).toBe(true)
    expect(statSync(join(server.dataDir, 'secret.key')).mode & 0o777).toBe(0o600)
    for (const file of files) expect(readFileSync(file).includes(UPSTREAM_KEY), file).toBe(false)
  })
})

describe('fault injection on a key', () => {
  it('50 % error_429 fails 50 of 100 requests, each with the documented envelope and headers; off in one action', async () => {
    const { secret, key: info } = key(['chat', 'listings:read'], 'rpm-300')
    server.core.services.tiers.create({ name: 'huge', limit: 100_000, windowSeconds: 60 }, 'cli')
    const huge = server.core.services.tiers.list().find((t) => t.name === 'huge')!
    server.core.services.keys.update({ id: info.id, tierId: huge.id }, 'cli')
    await server.core.dispatch('keys.setFaults', { id: info.id, faults: { kind: 'error_429', percent: 50, retryAfterSeconds: 7 } }, 'gui')
    let failed = 0
    for (let i = 0; i < 100; i++) {
      const answer = await getJson(`${server.apiBaseUrl}/me`, secret)
      if (answer.status === 200) continue
      failed++
      expectErrorEnvelope(answer, 429, 'RATE_LIMIT_EXCEEDED')
      expect(answer.body.error.type).toBe('rate_limit_error')
      expect(answer.headers.get('retry-after')).toBe('7')
      expect(answer.headers.get('x-ratelimit-limit')).toBe('100000')
      expect(answer.body.error.details).toEqual({ resetAt: expect.any(String), limit: 100000, window: '1m' })
    }
    expect(failed).toBeGreaterThanOrEqual(40)
    expect(failed).toBeLessThanOrEqual(60)
    await server.core.services.requestLog.flush()
    const marked = server.core.services.store.sqlite.prepare("select count(*) from request_log where key_id = ? and fault = 'error_429'").pluck().get(info.id)
    expect(marked).toBe(failed)

    await server.core.dispatch('keys.setFaults', { id: info.id, faults: null }, 'gui')
    for (let i = 0; i < 20; i++) expect((await getJson(`${server.apiBaseUrl}/me`, secret)).status).toBe(200)
  })

  it('error_500 on chat only leaves other routes alone; latency delays', async () => {
    const { secret, key: info } = key(['chat', 'listings:read'])
    server.core.services.keys.setFaults(info.id, { kind: 'error_500', percent: 100, routes: 'chat', latencyMs: 1000, afterChunks: 3, retryAfterSeconds: 1 }, 'cli')
    const failed = await post(secret, { message: 'hi', agent: 'support-bot' })
    expectErrorEnvelope(failed, 500, 'INTERNAL_ERROR')
    expect((await getJson(`${server.apiBaseUrl}/me`, secret)).status).toBe(200)
    expect((await logRow(failed.body.error.request_id))?.fault).toBe('error_500')

    server.core.services.keys.setFaults(info.id, { kind: 'latency', percent: 100, routes: 'all', latencyMs: 300, afterChunks: 3, retryAfterSeconds: 1 }, 'cli')
    const started = performance.now()
    const slow = await getJson(`${server.apiBaseUrl}/me`, secret)
    expect(slow.status).toBe(200)
    expect(performance.now() - started).toBeGreaterThanOrEqual(290)
  })

  it('stream_cut after 3 chunks ends the stream with stream_error then [DONE]', async () => {
    const { secret, key: info } = key()
    server.core.services.keys.setFaults(info.id, { kind: 'stream_cut', percent: 100, routes: 'chat', latencyMs: 1000, afterChunks: 3, retryAfterSeconds: 1 }, 'cli')
    const streamed = await stream(secret, { message: 'Explain how webhooks work', agent: 'support-bot' })
    const events = contents(streamed.events)
    expect(events.slice(0, 3).every((e) => typeof e.content === 'string')).toBe(true)
    expect(events[3]!.error).toEqual({ code: 'stream_error', message: expect.stringContaining('fault injection') })
    expect(events).toHaveLength(4)
    expect(streamed.events.at(-1)).toBe('[DONE]')
    expect(await logRow(streamed.headers.get('x-request-id')!)).toMatchObject({ fault: 'stream_cut', error_code: 'STREAM_ERROR' })
    // Answers without stream are not cut.
    expect((await post(secret, { message: 'hi', agent: 'support-bot' })).status).toBe(200)
  })
})

describe('a server that stops', () => {
  it('cuts open streams short with stream_error then [DONE] instead of waiting for them', async () => {
    const own = await startServer()
    const { secret } = own.core.services.keys.create({ name: 'closing', scopes: ['chat'] }, 'cli')
    await own.core.services.agents.create(
      { slug: 'endless', name: 'Endless', description: '', provider: 'scripted', scripted: { rules: [], defaultReply: 'word '.repeat(200), chunkChars: 5, chunkDelayMs: 200 } },
      'cli',
    )
    const response = await fetch(`${own.apiBaseUrl}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ message: 'go', agent: 'endless', stream: true }),
    })
    const events: string[] = []
    const parser = createParser({ onEvent: (event) => events.push(event.data) })
    const reader = response.body!.getReader()
    const decoder = new TextDecoder()
    const first = await reader.read()
    parser.feed(decoder.decode(first.value, { stream: true }))
    const started = performance.now()
    const closed = own.close()
    for (let next = await reader.read(); !next.done; next = await reader.read()) parser.feed(decoder.decode(next.value, { stream: true }))
    await closed
    expect(performance.now() - started).toBeLessThan(2000)
    const last = contents(events).at(-1)!
    expect(last.error).toEqual({ code: 'stream_error', message: expect.stringContaining('shutting down') })
    expect(events.at(-1)).toBe('[DONE]')
  })
})
