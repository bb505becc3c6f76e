import { createParser, type EventSourceMessage } from 'eventsource-parser'
import { UpstreamError, type ChatProvider, type ChatTurn, type ProviderEvent, type ProviderRequest, type ReportedUsage, type UpstreamFailure } from './types'

/**
 * A model server that speaks OpenAI's chat-completions API (OpenAI, Ollama, llama.cpp, vLLM, LM Studio,
 * LiteLLM…), streamed over server-sent events.
 */
export interface OpenAiCompatibleOptions {
  /** e.g. http://127.0.0.1:11434/v1; the request goes to `<baseUrl>/chat/completions`. */
  baseUrl: string
  model: string
  /** Sent as `Authorization: Bearer <apiKey>`; never written into an error message. */
  apiKey: string | null
  /** When non-empty, sent as the first system message, before any system turns of the conversation. */
  systemPrompt: string
  /** Left out of the request when null, so the server's default applies. */
  temperature: number | null
  /** The whole exchange, from connecting to the last byte. */
  timeoutMs: number
  /** Until the response headers arrive. */
  connectTimeoutMs: number
  /** The longest silence between body bytes once the answer is streaming. */
  idleTimeoutMs: number
}

/** Upstream error details are cut to this many characters: enough to read, not enough to flood a log. */
const DETAIL_CHARS = 300
/** A non-streamed answer or an error body larger than this is not read further. */
const ERROR_BODY_BYTES = 64 * 1024
const JSON_ANSWER_BYTES = 8 * 1024 * 1024

export function openAiCompatibleProvider(options: OpenAiCompatibleOptions): ChatProvider {
  return { stream: (request) => streamCompletion(options, request) }
}

type Deadline = 'connect' | 'total' | 'idle'

/** The exchange's own timers, which abort the request through the same signal as the caller's. */
class Deadlines {
  private readonly controller = new AbortController()
  private readonly timers = new Map<Deadline, NodeJS.Timeout>()
  readonly signal: AbortSignal
  /** The first deadline that passed, if any. */
  expired: Deadline | null = null

  constructor(callerSignal: AbortSignal) {
    this.signal = AbortSignal.any([callerSignal, this.controller.signal])
  }

  start(deadline: Deadline, ms: number): void {
    this.stop(deadline)
    const timer = setTimeout(() => {
      this.expired ??= deadline
      this.controller.abort()
    }, ms)
    this.timers.set(deadline, timer)
  }

  stop(deadline: Deadline): void {
    clearTimeout(this.timers.get(deadline))
    this.timers.delete(deadline)
  }

  /** Clears every timer and aborts whatever of the request is still open (a no-op once it has ended). */
  release(): void {
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
    this.controller.abort()
  }
}

async function* streamCompletion(options: OpenAiCompatibleOptions, { turns, signal }: ProviderRequest): AsyncGenerator<ProviderEvent> {
  if (signal.aborted) return
  const server = describeServer(options.baseUrl)
  const fail = (failure: UpstreamFailure, message: string, status?: number) =>
    new UpstreamError(failure, options.apiKey ? message.replaceAll(options.apiKey, '[api key]') : message, status)

  const url = URL.parse(`${options.baseUrl.replace(/\/+$/, '')}/chat/completions`)
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw fail('unreachable', `The model server address "${server}" is not a valid http(s) URL.`)
  // fetch refuses a URL with credentials in it; like curl, send them as Basic auth unless there is an API key.
  const basic = url.username || url.password ? Buffer.from(`${decodeUserInfo(url.username)}:${decodeUserInfo(url.password)}`).toString('base64') : null
  url.username = url.password = ''

  const deadlines = new Deadlines(signal)
  deadlines.start('total', options.timeoutMs)
  deadlines.start('connect', options.connectTimeoutMs)
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined
  let phase: 'connect' | 'body' = 'connect'

  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream, application/json',
        ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : basic ? { authorization: `Basic ${basic}` } : {}),
      },
      body: JSON.stringify(requestBody(options, turns)),
      signal: deadlines.signal,
      // A redirect is reported rather than followed: following would turn the POST into a GET.
      redirect: 'manual',
    })
    deadlines.stop('connect')
    phase = 'body'
    reader = response.body?.getReader()
    const body = reader
    // The idle deadline runs only while waiting on the server, not while the caller handles what was yielded.
    const nextChunk = async (): Promise<ReadableStreamReadResult<Uint8Array>> => {
      if (!body) return { done: true, value: undefined }
      deadlines.start('idle', options.idleTimeoutMs)
      try {
        return await body.read()
      } finally {
        deadlines.stop('idle')
      }
    }

    if (!response.ok) {
      const detail = await readText(nextChunk, ERROR_BODY_BYTES).then((read) => read.text, () => '')
      if (signal.aborted) return
      const location = response.headers.get('location')
      const explained = explainErrorBody(detail, location === null ? null : (URL.parse(location, url)?.href ?? location))
      const message = `The model server at ${server} answered ${response.status}${explained ? `: ${explained}` : response.statusText ? ` ${response.statusText}` : ''}`
      throw fail(response.status === 401 || response.status === 403 ? 'refused' : 'failed', message, response.status)
    }
    if (!reader) throw fail('malformed', `The model server at ${server} answered ${response.status} with no body.`)

    if (/json/i.test(response.headers.get('content-type') ?? '')) {
      const { text, cut } = await readText(nextChunk, JSON_ANSWER_BYTES)
      if (cut) throw fail('malformed', `The model server at ${server} sent an answer larger than ${JSON_ANSWER_BYTES} bytes.`)
      const answer = parseJson(text)
      if (answer === NOT_JSON) throw fail('malformed', `The model server at ${server} sent an answer that is not JSON: ${excerpt(text)}`)
      yield* answerEvents(answer, server, fail)
      return
    }

    const decoder = new TextDecoder()
    const pending: EventSourceMessage[] = []
    const parser = createParser({ onEvent: (event) => pending.push(event) })
    let finished = false
    for (;;) {
      const { done, value } = await nextChunk()
      if (done) parser.feed(`${decoder.decode()}\n\n`)
      else parser.feed(decoder.decode(value, { stream: true }))
      for (const event of pending.splice(0)) {
        const data = event.data.trim()
        if (data === '') continue
        if (data === '[DONE]') return
        const chunk = parseJson(data)
        if (chunk === NOT_JSON) throw fail('malformed', `The model server at ${server} sent a stream event that is not JSON: ${excerpt(data)}`)
        for (const item of chunkEvents(chunk, server, fail)) {
          if (item.type === 'finished') finished = true
          else yield item
        }
      }
      if (done) break
    }
    // Servers that do not send [DONE] still end each choice with a finish_reason; a stream with neither was cut.
    if (!finished) throw fail('failed', `The model server at ${server} ended the stream before the answer was complete.`)
  } catch (error) {
    if (signal.aborted) return
    if (error instanceof UpstreamError) throw error
    if (deadlines.expired) throw deadlineError(deadlines.expired, server, options, fail)
    throw networkError(error, phase, server, fail)
  } finally {
    deadlines.release()
    reader?.cancel().catch(() => {})
  }
}

function requestBody(options: OpenAiCompatibleOptions, turns: ChatTurn[]) {
  const messages: ChatTurn[] = [...(options.systemPrompt ? [{ role: 'system' as const, content: options.systemPrompt }] : []), ...turns]
  return {
    model: options.model,
    messages: messages.map(({ role, content }) => ({ role, content })),
    stream: true,
    stream_options: { include_usage: true },
    ...(options.temperature === null ? {} : { temperature: options.temperature }),
  }
}

type Fail = (failure: UpstreamFailure, message: string, status?: number) => UpstreamError

/** Reads the body as UTF-8 to its end or its first `limit` bytes, whichever comes first (then `cut` is true). */
async function readText(nextChunk: () => Promise<ReadableStreamReadResult<Uint8Array>>, limit: number): Promise<{ text: string; cut: boolean }> {
  const decoder = new TextDecoder()
  let text = ''
  let bytes = 0
  for (;;) {
    const { done, value } = await nextChunk()
    if (done) return { text: text + decoder.decode(), cut: false }
    bytes += value.byteLength
    if (bytes > limit) return { text: text + decoder.decode(value.subarray(0, value.byteLength - (bytes - limit))), cut: true }
    text += decoder.decode(value, { stream: true })
  }
}

type ChunkEvent = ProviderEvent | { type: 'finished' }

/** The events in one streamed `chat.completion.chunk`. */
function* chunkEvents(chunk: unknown, server: string, fail: Fail): Generator<ChunkEvent> {
  if (!isRecord(chunk)) throw fail('malformed', `The model server at ${server} sent a stream event that is not an object: ${excerpt(JSON.stringify(chunk))}`)
  // OpenAI, vLLM and LiteLLM report a failure after the headers as an event carrying `error`.
  if (chunk.error !== undefined && chunk.error !== null) throw fail('failed', `The model server at ${server} failed mid-answer: ${errorDetail(chunk) || 'no reason given'}`)
  const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined
  if (isRecord(choice)) {
    const content = isRecord(choice.delta) ? choice.delta.content : undefined
    if (typeof content === 'string' && content !== '') yield { type: 'text', text: content }
    if (typeof choice.finish_reason === 'string') yield { type: 'finished' }
  }
  const usage = reportedUsage(chunk.usage)
  if (usage) yield { type: 'usage', usage }
}

/** The events of a whole `chat.completion` from a server that ignored `stream: true`. */
function* answerEvents(answer: unknown, server: string, fail: Fail): Generator<ProviderEvent> {
  if (isRecord(answer) && answer.error !== undefined && answer.error !== null) throw fail('failed', `The model server at ${server} failed: ${errorDetail(answer) || 'no reason given'}`)
  const choice = isRecord(answer) && Array.isArray(answer.choices) ? answer.choices[0] : undefined
  const content = isRecord(choice) && isRecord(choice.message) ? choice.message.content : undefined
  if (typeof content !== 'string' && content !== null) {
    throw fail('malformed', `The model server at ${server} sent JSON that is not a chat completion: ${excerpt(JSON.stringify(answer))}`)
  }
  if (content) yield { type: 'text', text: content }
  const usage = isRecord(answer) ? reportedUsage(answer.usage) : null
  if (usage) yield { type: 'usage', usage }
}

function reportedUsage(usage: unknown): ReportedUsage | null {
  if (!isRecord(usage)) return null
  const { prompt_tokens: promptTokens, completion_tokens: completionTokens } = usage
  if (typeof promptTokens !== 'number' || typeof completionTokens !== 'number') return null
  return { promptTokens, completionTokens }
}

/** The reason in an error body: OpenAI's `error.message`, Ollama's `error` string, or the text itself when short and not HTML. */
function explainErrorBody(text: string, location: string | null): string {
  const detail = errorDetail(parseJson(text)) || (/^\s*</.test(text) ? '' : text)
  const redirect = location ? `a redirect to ${safeUrl(location).replace(/\/chat\/completions$/, '')}; use that address as the base URL` : ''
  return excerpt([redirect, detail].filter(Boolean).join('. '))
}

function errorDetail(body: unknown): string {
  if (!isRecord(body)) return ''
  const { error } = body
  if (isRecord(error) && typeof error.message === 'string') return error.message
  if (typeof error === 'string') return error
  for (const key of ['message', 'detail'] as const) if (typeof body[key] === 'string') return body[key]
  return ''
}

function deadlineError(deadline: Deadline, server: string, options: OpenAiCompatibleOptions, fail: Fail): UpstreamError {
  switch (deadline) {
    case 'connect':
      return fail('timeout', `The model server at ${server} did not answer within ${duration(options.connectTimeoutMs)}.`)
    case 'total':
      return fail('timeout', `The model server at ${server} did not finish its answer within ${duration(options.timeoutMs)}.`)
    case 'idle':
      return fail('idle', `The model server at ${server} sent nothing for ${duration(options.idleTimeoutMs)} in the middle of its answer.`)
  }
}

const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'nothing is listening there (connection refused)',
  ENOTFOUND: 'its host name could not be resolved',
  EAI_AGAIN: 'its host name could not be resolved (DNS did not answer)',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  EADDRNOTAVAIL: 'the address is not available',
}

/** Turns what fetch threw (a TypeError whose cause carries the socket's error code) into an UpstreamError. */
function networkError(error: unknown, phase: 'connect' | 'body', server: string, fail: Fail): UpstreamError {
  const cause = rootCause(error)
  const code = typeof cause.code === 'string' ? cause.code : ''
  const reason = typeof cause.message === 'string' && cause.message ? cause.message : code || String(error)
  if (UNREACHABLE[code]) return fail('unreachable', `The model server at ${server} could not be reached: ${UNREACHABLE[code]}.`)
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'ETIMEDOUT') {
    return fail('timeout', `The model server at ${server} did not answer in time (${reason}).`)
  }
  if (code === 'UND_ERR_BODY_TIMEOUT') return fail('idle', `The model server at ${server} went silent in the middle of its answer.`)
  if (phase === 'connect') return fail('failed', `The model server at ${server} closed the connection without answering (${excerpt(reason)}).`)
  return fail('failed', `The model server at ${server} closed the connection before the answer was complete (${excerpt(reason)}).`)
}

function rootCause(error: unknown): Record<string, unknown> {
  let current = error
  for (let depth = 0; depth < 5 && isRecord(current) && isRecord(current.cause); depth++) current = current.cause
  return isRecord(current) ? current : {}
}

/** The base URL as shown in messages: no user name, password, query or fragment. */
function describeServer(baseUrl: string): string {
  return safeUrl(baseUrl).replace(/\/+$/, '')
}

function decodeUserInfo(part: string): string {
  try {
    return decodeURIComponent(part)
  } catch {
    return part
  }
}

function safeUrl(address: string): string {
  try {
    const url = new URL(address)
    return `${url.origin}${url.pathname}`
  } catch {
    return excerpt(address.replace(/[?#].*$/, '').replace(/\/\/[^/@]*@/, '//'))
  }
}

const NOT_JSON = Symbol('not JSON')

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return NOT_JSON
  }
}

function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > DETAIL_CHARS ? `${line.slice(0, DETAIL_CHARS - 1)}…` : line
}

function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(1))} s`
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
