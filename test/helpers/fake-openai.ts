import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A real OpenAI-compatible model server on 127.0.0.1 (a free port) for tests: it streams
 * chat-completion chunks the way OpenAI does, or fails in the ways real servers fail, and records
 * every request it received and whether the client went away.
 *
 *   const fake = await startFakeOpenAi({ kind: 'stream', deltas: ['Hel', 'lo'], delayMs: 20 })
 *   // point a provider at fake.baseUrl (http://127.0.0.1:<port>/v1)
 *   fake.setBehaviour({ kind: 'error', status: 500 })      // for the requests that follow
 *   fake.setBehaviour((request) => ...)                     // or decide per request
 *   fake.requests[0].body.messages; await fake.requests[0].clientClosed
 *   await fake.close()
 *
 * Only POST <baseUrl>/chat/completions is served; anything else gets an OpenAI-style 404.
 */

export interface FakeUsage {
  promptTokens: number
  completionTokens: number
}

export type FakeOpenAiBehaviour =
  /**
   * An answer in `deltas.length` content chunks, `delayMs` apart (as `chat.completion.chunk` SSE events,
   * the last with finish_reason "stop", then `data: [DONE]`). When the request asked for
   * `stream_options.include_usage`, a final chunk with `choices: []` and `usage` comes before [DONE],
   * as OpenAI sends it. A request without `stream: true` gets the same answer as one JSON completion.
   */
  | {
      kind: 'stream'
      /** Default: ['Hello', ' from', ' the', ' fake', ' model.'] */
      deltas?: string[]
      /** Pause before each content chunk. Default 0. */
      delayMs?: number
      /** Default: 11 prompt tokens, one completion token per delta. null: never send usage. */
      usage?: FakeUsage | null
      /** After this many content chunks (all flushed), destroy the socket: the connection dies mid-stream. */
      cutAfter?: number
      /** After this many content chunks, send nothing more and keep the connection open until the client leaves. */
      stallAfter?: number
      /** Send `data: [DONE]` at the end. Default true. */
      done?: boolean
    }
  /** A server that ignores `stream: true` and answers one `chat.completion` as application/json. */
  | { kind: 'json'; content?: string; usage?: FakeUsage | null }
  /**
   * An OpenAI-style error: `{ error: { message, type, param: null, code } }` with this status. The default
   * 401 message echoes the presented Authorization header in full, so a test can prove it never leaks on.
   */
  | { kind: 'error'; status: number; message?: string; type?: string; code?: string | null }
  /** Any status, content type and body, sent as given (for malformed answers). */
  | { kind: 'raw'; status?: number; contentType?: string; body: string }
  /** Accept the request and never send the headers (until the client leaves or the server closes). */
  | { kind: 'silent' }

export type FakeOpenAiBehaviourSource = FakeOpenAiBehaviour | ((request: ReceivedRequest) => FakeOpenAiBehaviour)

export interface ReceivedRequest {
  method: string
  /** The path with its query, e.g. /v1/chat/completions */
  path: string
  headers: http.IncomingHttpHeaders
  rawBody: string
  /** The parsed JSON body, or undefined when it was not JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any
  receivedAt: number
  /** Set (Date.now()) when the client closed the connection before the server had finished its answer. */
  clientClosedAt: number | null
  /** Resolves with clientClosedAt when the client goes away early; never resolves if it does not. */
  clientClosed: Promise<number>
}

export interface FakeOpenAi {
  /** e.g. http://127.0.0.1:40123/v1 */
  baseUrl: string
  /** Every request received so far, oldest first. */
  requests: ReceivedRequest[]
  /** Changes how the requests that follow are answered. */
  setBehaviour(behaviour: FakeOpenAiBehaviourSource): void
  /** Stops listening and drops every open connection (stalled or silent answers included). */
  close(): Promise<void>
}

const DEFAULT_DELTAS = ['Hello', ' from', ' the', ' fake', ' model.']
const DEFAULT_PROMPT_TOKENS = 11

export async function startFakeOpenAi(initial: FakeOpenAiBehaviourSource = { kind: 'stream' }): Promise<FakeOpenAi> {
  let behaviour = initial
  const requests: ReceivedRequest[] = []

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8')
      let markClosed: (at: number) => void = () => {}
      const received: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        rawBody,
        body: parseJson(rawBody),
        receivedAt: Date.now(),
        clientClosedAt: null,
        clientClosed: new Promise((resolve) => (markClosed = resolve)),
      }
      requests.push(received)
      const answer: Answer = { res, cutByServer: false }
      res.on('close', () => {
        if (res.writableFinished || answer.cutByServer) return
        received.clientClosedAt = Date.now()
        markClosed(received.clientClosedAt)
      })
      if (req.method !== 'POST' || new URL(received.path, 'http://fake').pathname !== '/v1/chat/completions') {
        sendError(res, 404, `Unknown request: ${received.method} ${received.path}`, 'invalid_request_error', 'unknown_url')
        return
      }
      const chosen = typeof behaviour === 'function' ? behaviour(received) : behaviour
      answerWith(chosen, received, answer).catch(() => res.destroy())
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    setBehaviour(next) {
      behaviour = next
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
    },
  }
}

interface Answer {
  res: http.ServerResponse
  /** The server itself destroyed the connection (cutAfter), so the close is not the client's. */
  cutByServer: boolean
}

async function answerWith(behaviour: FakeOpenAiBehaviour, request: ReceivedRequest, answer: Answer): Promise<void> {
  const { res } = answer
  const model = typeof request.body?.model === 'string' ? request.body.model : 'fake-model'
  switch (behaviour.kind) {
    case 'silent':
      return
    case 'raw':
      res.writeHead(behaviour.status ?? 200, { 'content-type': behaviour.contentType ?? 'text/event-stream' })
      res.end(behaviour.body)
      return
    case 'error': {
      const presented = request.headers.authorization ?? '(none)'
      const message = behaviour.message ?? (behaviour.status === 401 ? `Incorrect API key provided: ${presented}` : `The fake server failed with ${behaviour.status}.`)
      sendError(res, behaviour.status, message, behaviour.type ?? (behaviour.status >= 500 ? 'server_error' : 'invalid_request_error'), behaviour.code ?? null)
      return
    }
    case 'json': {
      const content = behaviour.content ?? DEFAULT_DELTAS.join('')
      sendJson(res, 200, completion(model, content, behaviour.usage === undefined ? { promptTokens: DEFAULT_PROMPT_TOKENS, completionTokens: 5 } : behaviour.usage))
      return
    }
    case 'stream':
      return stream(behaviour, request, answer, model)
  }
}

async function stream(behaviour: Extract<FakeOpenAiBehaviour, { kind: 'stream' }>, request: ReceivedRequest, answer: Answer, model: string): Promise<void> {
  const { res } = answer
  const deltas = behaviour.deltas ?? DEFAULT_DELTAS
  const usage = behaviour.usage === undefined ? { promptTokens: DEFAULT_PROMPT_TOKENS, completionTokens: deltas.length } : behaviour.usage
  if (request.body?.stream !== true) {
    sendJson(res, 200, completion(model, deltas.join(''), usage))
    return
  }
  const id = `chatcmpl-fake${Date.now()}`
  const created = Math.floor(Date.now() / 1000)
  const chunk = (choices: unknown[], extra: object = {}) => ({ id, object: 'chat.completion.chunk', created, model, choices, ...extra })
  const includeUsage = request.body?.stream_options?.include_usage === true
  const send = (data: unknown) => write(res, `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`)

  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' })
  res.flushHeaders()
  await send(chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }], includeUsage ? { usage: null } : {}))
  for (const [index, delta] of deltas.entries()) {
    if (index === behaviour.cutAfter) {
      answer.cutByServer = true
      res.socket?.destroy()
      return
    }
    if (index === behaviour.stallAfter) return
    if (behaviour.delayMs) await sleep(behaviour.delayMs)
    if (res.destroyed) return
    await send(chunk([{ index: 0, delta: { content: delta }, finish_reason: null }], includeUsage ? { usage: null } : {}))
  }
  if (behaviour.stallAfter !== undefined && behaviour.stallAfter >= deltas.length) return
  await send(chunk([{ index: 0, delta: {}, finish_reason: 'stop' }], includeUsage ? { usage: null } : {}))
  if (includeUsage && usage) await send(chunk([], { usage: openAiUsage(usage) }))
  if (behaviour.done ?? true) await send('[DONE]')
  res.end()
}

function completion(model: string, content: string, usage: FakeUsage | null) {
  return {
    id: `chatcmpl-fake${Date.now()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    ...(usage ? { usage: openAiUsage(usage) } : {}),
  }
}

const openAiUsage = ({ promptTokens, completionTokens }: FakeUsage) => ({
  prompt_tokens: promptTokens,
  completion_tokens: completionTokens,
  total_tokens: promptTokens + completionTokens,
})

function sendError(res: http.ServerResponse, status: number, message: string, type: string, code: string | null): void {
  sendJson(res, status, { error: { message, type, param: null, code } })
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

/** Resolves once the data is handed to the socket, so a cut that follows cannot swallow it. */
function write(res: http.ServerResponse, data: string): Promise<void> {
  if (res.destroyed) return Promise.resolve()
  return new Promise((resolve) => res.write(data, () => resolve()))
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
