import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openAiCompatibleProvider, type OpenAiCompatibleOptions } from '../../src-main/core/agents/providers/openai-compatible'
import { UpstreamError, type ChatTurn, type ProviderEvent } from '../../src-main/core/agents/providers/types'
import { startFakeOpenAi, type FakeOpenAi } from '../helpers/fake-openai'

const API_KEY = 'sk-test-0123456789abcdef'
const TURNS: ChatTurn[] = [
  { role: 'user', content: 'What is a tier?' },
  { role: 'assistant', content: 'A set of rate limits.' },
  { role: 'user', content: 'And a key?' },
]

let fake: FakeOpenAi

beforeAll(async () => {
  fake = await startFakeOpenAi()
})

afterAll(async () => {
  await fake.close()
})

function provider(overrides: Partial<OpenAiCompatibleOptions> = {}) {
  return openAiCompatibleProvider({
    baseUrl: fake.baseUrl,
    model: 'fake-model',
    apiKey: API_KEY,
    systemPrompt: '',
    temperature: null,
    timeoutMs: 5000,
    connectTimeoutMs: 2000,
    idleTimeoutMs: 2000,
    ...overrides,
  })
}

/** Runs the stream to its end; `events` holds what came before the error, if one was thrown. */
async function collect(options: Partial<OpenAiCompatibleOptions> = {}, signal = new AbortController().signal) {
  const events: ProviderEvent[] = []
  const startedAt = Date.now()
  let error: unknown
  try {
    for await (const event of provider(options).stream({ turns: TURNS, signal })) events.push(event)
  } catch (thrown) {
    error = thrown
  }
  const texts = events.flatMap((event) => (event.type === 'text' ? [event.text] : []))
  return { events, texts, error, elapsedMs: Date.now() - startedAt }
}

function upstreamError(error: unknown): UpstreamError {
  expect(error).toBeInstanceOf(UpstreamError)
  return error as UpstreamError
}

const lastRequest = () => fake.requests[fake.requests.length - 1]

describe('openAiCompatibleProvider against a streaming server', () => {
  it('yields the deltas in order, then the usage from the last chunk', async () => {
    fake.setBehaviour({ kind: 'stream', deltas: ['The ', 'quick ', 'brown ', 'fox.'], delayMs: 10, usage: { promptTokens: 21, completionTokens: 4 } })
    const { events, texts, error } = await collect()
    expect(error).toBeUndefined()
    expect(texts).toEqual(['The ', 'quick ', 'brown ', 'fox.'])
    expect(texts.join('')).toBe('The quick brown fox.')
    expect(events.at(-1)).toEqual({ type: 'usage', usage: { promptTokens: 21, completionTokens: 4 } })
  })

  it('sends the key, the model, the system prompt first, the history and the temperature', async () => {
    fake.setBehaviour({ kind: 'stream' })
    await collect({ systemPrompt: 'You are terse.', temperature: 0.3, model: 'llama3.2' })
    const request = lastRequest()
    expect(request.method).toBe('POST')
    expect(request.path).toBe('/v1/chat/completions')
    expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`)
    expect(request.headers['content-type']).toBe('application/json')
    expect(request.body).toEqual({
      model: 'llama3.2',
      messages: [{ role: 'system', content: 'You are terse.' }, ...TURNS],
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.3,
    })
  })

  it('leaves out the key, the system prompt and the temperature when there are none', async () => {
    fake.setBehaviour({ kind: 'stream' })
    await collect({ apiKey: null, baseUrl: `${fake.baseUrl}/` })
    const request = lastRequest()
    expect(request.path).toBe('/v1/chat/completions')
    expect(request.headers.authorization).toBeUndefined()
    expect(request.body.messages).toEqual(TURNS)
    expect('temperature' in request.body).toBe(false)
  })

  it('sends credentials written into the base URL as Basic auth, and never shows them', async () => {
    fake.setBehaviour({ kind: 'error', status: 403, message: 'Forbidden' })
    const { error } = await collect({ apiKey: null, baseUrl: fake.baseUrl.replace('//', '//admin:s3cret@') })
    expect(lastRequest().headers.authorization).toBe(`Basic ${Buffer.from('admin:s3cret').toString('base64')}`)
    expect(upstreamError(error)).toMatchObject({ failure: 'refused', status: 403, message: `The model server at ${fake.baseUrl} answered 403: Forbidden` })
  })

  it('takes a whole JSON answer from a server that ignored stream: true', async () => {
    fake.setBehaviour({ kind: 'json', content: 'All at once.', usage: { promptTokens: 9, completionTokens: 3 } })
    const { events, error } = await collect()
    expect(error).toBeUndefined()
    expect(events).toEqual([
      { type: 'text', text: 'All at once.' },
      { type: 'usage', usage: { promptTokens: 9, completionTokens: 3 } },
    ])
  })

  it('accepts a stream without [DONE] that ends its choice with a finish_reason', async () => {
    fake.setBehaviour({ kind: 'stream', deltas: ['a', 'b'], done: false, usage: null })
    const { texts, events, error } = await collect()
    expect(error).toBeUndefined()
    expect(texts).toEqual(['a', 'b'])
    expect(events.some((event) => event.type === 'usage')).toBe(false)
  })
})

describe('openAiCompatibleProvider when the server refuses or fails', () => {
  it('reports a 401 as refused, with the reason but never the key', async () => {
    fake.setBehaviour({ kind: 'error', status: 401 }) // the fake echoes the presented key in its message
    const error = upstreamError((await collect()).error)
    expect(error.failure).toBe('refused')
    expect(error.status).toBe(401)
    expect(error.message).toMatch(new RegExp(`^The model server at ${fake.baseUrl.replaceAll('.', '\\.')} answered 401: Incorrect API key provided`))
    expect(error.message).not.toContain(API_KEY)
    expect(error.message).not.toContain('0123456789abcdef')
  })

  it('reports a 500 as failed with the upstream message, cut to about 300 characters', async () => {
    fake.setBehaviour({ kind: 'error', status: 500, message: `The model crashed. ${'x'.repeat(1000)}` })
    const error = upstreamError((await collect()).error)
    expect(error.failure).toBe('failed')
    expect(error.status).toBe(500)
    expect(error.message).toContain('answered 500: The model crashed.')
    expect(error.message.length).toBeLessThan(400)
  })

  it('passes on the text already streamed, then fails when the connection dies mid-stream', async () => {
    fake.setBehaviour({ kind: 'stream', deltas: ['one ', 'two ', 'three ', 'four ', 'five'], cutAfter: 3 })
    const { texts, error } = await collect()
    expect(texts).toEqual(['one ', 'two ', 'three '])
    expect(['failed', 'malformed']).toContain(upstreamError(error).failure)
    expect(upstreamError(error).message).toMatch(/closed the connection before the answer was complete/)
  })

  it('reports a redirect with the address to use instead of following it', async () => {
    const redirecting = http.createServer((_req, res) => res.writeHead(308, { location: '/v2/chat/completions' }).end())
    redirecting.listen(0, '127.0.0.1')
    await once(redirecting, 'listening')
    const origin = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}`
    const error = upstreamError((await collect({ baseUrl: `${origin}/v1` })).error)
    await new Promise((resolve) => redirecting.close(resolve))
    expect(error).toMatchObject({ failure: 'failed', status: 308 })
    expect(error.message).toBe(`The model server at ${origin}/v1 answered 308: a redirect to ${origin}/v2; use that address as the base URL`)
  })

  it('reports a stream event that is not JSON as malformed', async () => {
    fake.setBehaviour({ kind: 'raw', body: 'data: {"choices":[{"delta":{"content":"ok"}}]}\n\ndata: <html>oops\n\n' })
    const { texts, error } = await collect()
    expect(texts).toEqual(['ok'])
    expect(upstreamError(error).failure).toBe('malformed')
  })

  it('reports an error event sent mid-stream as failed', async () => {
    fake.setBehaviour({ kind: 'raw', body: 'data: {"choices":[{"delta":{"content":"ok"}}]}\n\ndata: {"error":{"message":"out of memory"}}\n\n' })
    const error = upstreamError((await collect()).error)
    expect(error.failure).toBe('failed')
    expect(error.message).toContain('out of memory')
  })
})

describe('openAiCompatibleProvider deadlines', () => {
  it('gives up as idle when the stream stalls for idleTimeoutMs', async () => {
    fake.setBehaviour({ kind: 'stream', deltas: ['a', 'b', 'c', 'd'], stallAfter: 2 })
    const { texts, error, elapsedMs } = await collect({ idleTimeoutMs: 300 })
    expect(texts).toEqual(['a', 'b'])
    expect(upstreamError(error).failure).toBe('idle')
    expect(elapsedMs).toBeGreaterThanOrEqual(250)
    expect(elapsedMs).toBeLessThan(1500)
    await expect(lastRequest().clientClosed).resolves.toBeTypeOf('number')
  })

  it('times out when no headers come within connectTimeoutMs', async () => {
    fake.setBehaviour({ kind: 'silent' })
    const { error, elapsedMs } = await collect({ connectTimeoutMs: 300 })
    expect(upstreamError(error).failure).toBe('timeout')
    expect(error).toHaveProperty('message', `The model server at ${fake.baseUrl} did not answer within 300 ms.`)
    expect(elapsedMs).toBeLessThan(1500)
  })

  it('times out when the whole exchange outlasts timeoutMs, however steadily it streams', async () => {
    fake.setBehaviour({ kind: 'stream', deltas: Array.from({ length: 40 }, () => 'x'), delayMs: 50 })
    const { texts, error, elapsedMs } = await collect({ timeoutMs: 500, idleTimeoutMs: 300 })
    expect(texts.length).toBeGreaterThan(0)
    expect(upstreamError(error).failure).toBe('timeout')
    expect(elapsedMs).toBeLessThan(1500)
  })

  it('reports a port where nothing listens as unreachable', async () => {
    const closed = http.createServer()
    closed.listen(0, '127.0.0.1')
    await once(closed, 'listening')
    const { port } = closed.address() as AddressInfo
    await new Promise((resolve) => closed.close(resolve))
    const error = upstreamError((await collect({ baseUrl: `http://127.0.0.1:${port}/v1` })).error)
    expect(error.failure).toBe('unreachable')
    expect(error.message).toBe(`The model server at http://127.0.0.1:${port}/v1 could not be reached: nothing is listening there (connection refused).`)
  })
})

describe('openAiCompatibleProvider when the caller stops', () => {
  it('stops quietly when the caller aborts, and closes the upstream connection', async () => {
    fake.setBehaviour({ kind: 'stream', deltas: Array.from({ length: 50 }, (_, i) => `${i} `), delayMs: 50 })
    const caller = new AbortController()
    const texts: string[] = []
    for await (const event of provider().stream({ turns: TURNS, signal: caller.signal })) {
      if (event.type === 'text') texts.push(event.text)
      caller.abort()
    }
    const abortedAt = Date.now()
    expect(texts).toEqual(['0 '])
    const closedAt = await Promise.race([lastRequest().clientClosed, new Promise<null>((resolve) => setTimeout(() => resolve(null), 1000))])
    expect(closedAt).not.toBeNull()
    expect(closedAt! - abortedAt).toBeLessThan(1000)
  })

  it('stops quietly when the caller aborts before the headers arrive', async () => {
    fake.setBehaviour({ kind: 'silent' })
    const caller = new AbortController()
    setTimeout(() => caller.abort(), 100)
    const { events, error, elapsedMs } = await collect({}, caller.signal)
    expect(error).toBeUndefined()
    expect(events).toEqual([])
    expect(elapsedMs).toBeLessThan(1000)
    await expect(lastRequest().clientClosed).resolves.toBeTypeOf('number')
  })

  it('closes the upstream connection when the caller breaks out of the loop', async () => {
    fake.setBehaviour({ kind: 'stream', deltas: Array.from({ length: 50 }, () => 'y'), delayMs: 50 })
    for await (const event of provider().stream({ turns: TURNS, signal: new AbortController().signal })) {
      if (event.type === 'text') break
    }
    const closedAt = await Promise.race([lastRequest().clientClosed, new Promise<null>((resolve) => setTimeout(() => resolve(null), 1000))])
    expect(closedAt).not.toBeNull()
  })
})
