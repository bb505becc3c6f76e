import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { createParser } from 'eventsource-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chunkText } from '../../src-main/core/agents/providers/scripted'
import { startServer, type TestServer } from '../helpers/core'

/**
 * Chat under load (issue: chat load): 200 streams at once on one server, each complete, and no memory
 * kept once they are over. The server runs in this process, so its heap is this process's heap.
 */

const STREAMS = 200
const REPLY = 'Streams are answers sent as they are written, one small event at a time, closed by a done marker. '.repeat(3).trim()
const CHUNK_CHARS = 16
const CHUNK_DELAY_MS = 10
const CHUNKS = chunkText(REPLY, CHUNK_CHARS).length

// A real collection on demand, without --expose-gc on the command line: the flag set at run time, and
// `gc` taken from a fresh context, which is created after it.
setFlagsFromString('--expose-gc')
const collect = runInNewContext('gc') as () => void

let server: TestServer
let secret: string

beforeAll(async () => {
  server = await startServer()
  server.core.services.settings.set({ chatMaxStreamsPerKey: 500 }, 'cli')
  await server.core.services.agents.create(
    {
      slug: 'load-bot',
      name: 'Load Bot',
      description: '',
      provider: 'scripted',
      scripted: { rules: [], defaultReply: REPLY, chunkChars: CHUNK_CHARS, chunkDelayMs: CHUNK_DELAY_MS },
    },
    'cli',
  )
  const tier = server.core.services.tiers.create({ name: 'never refuses', limit: 1_000_000, windowSeconds: 60 }, 'cli')
  secret = server.core.services.keys.create({ name: 'chat load', scopes: ['chat'], tierId: tier.id }, 'cli').secret
})
afterAll(async () => {
  await server?.close()
})

interface Streamed {
  status: number
  text: string
  chunks: number
  done: boolean
}

/** One chat stream read to its end with eventsource-parser. */
async function stream(): Promise<Streamed> {
  const response = await fetch(`${server.apiBaseUrl}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify({ message: 'tell me about streams', agent: 'load-bot', stream: true }),
  })
  const result: Streamed = { status: response.status, text: '', chunks: 0, done: false }
  const parser = createParser({
    onEvent: ({ data }) => {
      if (data === '[DONE]') result.done = true
      else {
        result.chunks++
        result.text += (JSON.parse(data) as { content: string }).content
      }
    },
  })
  const decoder = new TextDecoder()
  for await (const bytes of response.body!) parser.feed(decoder.decode(bytes, { stream: true }))
  return result
}

/** STREAMS streams at once; resolves once every one has ended. */
async function batch(): Promise<Streamed[]> {
  return Promise.all(Array.from({ length: STREAMS }, () => stream()))
}

/** The heap once the server is idle: the request log written out, pending callbacks run, then collected. */
async function settledHeap(): Promise<number> {
  await server.core.services.requestLog.flush()
  await new Promise((resolve) => setTimeout(resolve, 200))
  collect()
  collect()
  return process.memoryUsage().heapUsed
}

describe(`${STREAMS} concurrent chat streams on one server`, () => {
  it('all complete with every chunk, the full text and [DONE], and none is left open', { timeout: 30_000 }, async () => {
    let peak = 0
    const watch = setInterval(() => (peak = Math.max(peak, server.core.services.chat.openStreams)), 5)
    const results = await batch()
    clearInterval(watch)

    expect(results.filter((r) => r.status !== 200)).toEqual([])
    for (const result of results) expect(result).toEqual({ status: 200, text: REPLY, chunks: CHUNKS, done: true })
    // They ran at once: more streams than the default per-key cap of 20 were open together.
    expect(peak).toBeGreaterThan(20)
    expect(server.core.services.chat.openStreams).toBe(0)
  })

  it('gives its memory back: the heap after 400 more returns to within 10 % of its baseline, and no response is kept', { timeout: 30_000 }, async () => {
    // A first batch warms what stays (compiled code, caches, pooled connections); the baseline is taken
    // after it. Two more batches then show whether anything is kept per stream. The heap moves by a few
    // per cent from run to run (V8's optimised code, not objects of the streams), so the sharper check is
    // that every response object of those batches was collected: a stream kept alive by a timer or a
    // listener keeps its response, and 400 of them would stay within 10 % of the heap.
    await batch()
    const baseline = await settledHeap()
    const responses: Array<WeakRef<object>> = []
    const track = (_request: unknown, response: object) => responses.push(new WeakRef(response))
    server.core.api.server.on('request', track)
    for (let round = 0; round < 2; round++) {
      const results = await batch()
      expect(results.every((r) => r.done && r.text === REPLY)).toBe(true)
    }
    server.core.api.server.off('request', track)
    expect(server.core.services.chat.openStreams).toBe(0)
    const after = await settledHeap()

    expect(after, `heap ${(after / 1e6).toFixed(1)} MB after vs ${(baseline / 1e6).toFixed(1)} MB baseline`).toBeLessThanOrEqual(baseline * 1.1)
    expect(responses).toHaveLength(2 * STREAMS)
    expect(responses.filter((response) => response.deref() !== undefined).length).toBe(0)
  })
})
