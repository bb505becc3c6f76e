import type { HeaderPairs, PlaygroundExchange, PlaygroundMethod } from '../../../src-shared/playground'
import type { AnswerKind } from '../../../src-shared/snippets'

/** A method's badge colour, the same everywhere on the page. */
export const METHOD_COLOR: Record<PlaygroundMethod, string> = { GET: 'blue', POST: 'teal', PUT: 'orange', PATCH: 'grape', DELETE: 'red' }

/** Reason phrases for when a server sends none (HTTP/2 has none; ours does, but a history entry may lack it). */
const REASONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
}

export const statusLine = (status: number, statusText: string): string => `${status} ${statusText || REASONS[status] || ''}`.trim()

export const headerOf = (headers: HeaderPairs, name: string): string | undefined => headers.find(([candidate]) => candidate.toLowerCase() === name)?.[1]

/** The body indented when it is JSON; null when it is not. */
export function prettyJson(body: string): string | null {
  const trimmed = body.trim()
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return null
  try {
    return JSON.stringify(JSON.parse(trimmed), null, 2)
  } catch {
    return null
  }
}

/** How the "Copy as" programs should print this answer. */
export function answerKindOf(exchange: PlaygroundExchange): AnswerKind | undefined {
  const response = exchange.response
  if (!response) return undefined
  if (response.stream) return 'sse'
  const type = headerOf(response.headers, 'content-type') ?? ''
  return type.includes('json') ? 'json' : response.body === '' ? 'text' : prettyJson(response.body) !== null ? 'json' : 'text'
}

/** The error envelope of an answer (SPEC §4), when it has one. */
export interface ErrorEnvelope {
  code: string
  message: string
  type: string | null
  details: unknown
  requestId: string | null
}

export function errorEnvelopeOf(body: string): ErrorEnvelope | null {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown; type?: unknown; details?: unknown; request_id?: unknown } }
    const error = parsed.error
    if (!error || typeof error.code !== 'string') return null
    return {
      code: error.code,
      message: typeof error.message === 'string' ? error.message : '',
      type: typeof error.type === 'string' ? error.type : null,
      details: error.details,
      requestId: typeof error.request_id === 'string' ? error.request_id : null,
    }
  } catch {
    return null
  }
}

/** One server-sent event, read the way the seed describes them. */
export interface StreamEvent {
  data: string
  kind: 'content' | 'error' | 'done' | 'comment' | 'other'
  content?: string
}

/** A stream's events so far (a last, unfinished one left out) and the answer's text put together. */
export function readStream(raw: string): { events: StreamEvent[]; text: string; done: boolean; error: string | null } {
  const events: StreamEvent[] = []
  let text = ''
  let done = false
  let error: string | null = null
  const blocks = raw.replace(/\r\n/g, '\n').split('\n\n')
  blocks.pop() // what follows the last blank line has not finished arriving
  for (const block of blocks) {
    if (block.trim() === '') continue
    const lines = block.split('\n')
    if (lines.every((line) => line.startsWith(':'))) {
      events.push({ data: block, kind: 'comment' })
      continue
    }
    const data = lines
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).replace(/^ /, ''))
      .join('\n')
    if (data === '[DONE]') {
      done = true
      events.push({ data, kind: 'done' })
      continue
    }
    try {
      const parsed = JSON.parse(data) as { content?: unknown; error?: { message?: unknown; code?: unknown } }
      if (typeof parsed.content === 'string') {
        text += parsed.content
        events.push({ data, kind: 'content', content: parsed.content })
      } else if (parsed.error) {
        error = `${String(parsed.error.code ?? 'error')}: ${String(parsed.error.message ?? '')}`
        events.push({ data, kind: 'error' })
      } else events.push({ data, kind: 'other' })
    } catch {
      events.push({ data, kind: 'other' })
    }
  }
  return { events, text, done, error }
}

/** 1234 → "1.2 KB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

/** The window of a `RateLimit-Policy` header (`"tier_x";q=60;w=60` → 60), in seconds. */
export function policyWindow(policy: string | null): number | null {
  const found = policy ? /(?:^|;)\s*w=(\d+)/.exec(policy) : null
  return found ? Number(found[1]) : null
}

/** What a key's secret looks like shown as a hint (`clw_a1b2…o5p6`), for a pasted one. */
export const secretHint = (secret: string): string => (secret.length > 12 ? `${secret.slice(0, 8)}…${secret.slice(-4)}` : '…')
