import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import type { ApiErrorCode } from '../../../src-shared/errors'
import { newRequestId } from '../ids'
import { errorEnvelope } from './envelope'

/**
 * Requests Node's HTTP parser rejects before fastify sees them (broken HTTP, oversized headers, a
 * client too slow to send its headers or body) get the documented envelope too, answered the way
 * RFC 9112 asks: after every response owed to the requests that came before on the connection
 * (a pipeline's valid requests are all answered), never as a second response to a request already
 * answered (a malformed chunked body after a 401), and then the connection is closed.
 */
interface Answer {
  status: number
  reason: string
  code: ApiErrorCode
  message: string
}

function answerFor(error: Error & { code?: string }): Answer {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, reason: 'Request Header Fields Too Large', code: 'PAYLOAD_TOO_LARGE', message: 'The request headers are too large.' }
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, reason: 'Request Timeout', code: 'REQUEST_TIMEOUT', message: 'The request was not received in time: the connection is closed.' }
    default:
      return { status: 400, reason: 'Bad Request', code: 'INVALID_REQUEST', message: 'The request is not valid HTTP.' }
  }
}

/** Node's private fields this reads: the response the socket is writing, and the parser's current request. */
interface HttpSocket extends Duplex {
  _httpMessage?: (ServerResponse & { req?: IncomingMessage }) | null
  parser?: { incoming?: IncomingMessage | null } | null
}

const answered = new WeakSet<Duplex>()

/** Calls `then` once the socket owes no response other than, possibly, `broken`'s own. */
function afterOwedResponses(socket: HttpSocket, broken: IncomingMessage | null, then: (current: ServerResponse | null) => void): void {
  const current = socket._httpMessage ?? null
  if (current === null || (broken !== null && current.req === broken)) return then(current)
  let settled = false
  const next = () => {
    if (settled) return
    settled = true
    // Node's own 'finish' listener, registered first, has already moved the next queued response onto the socket.
    afterOwedResponses(socket, broken, then)
  }
  current.once('finish', next)
  current.once('close', next)
}

export function answerClientError(error: Error & { code?: string }, duplex: Duplex): void {
  const socket = duplex as HttpSocket
  if (answered.has(socket)) return
  answered.add(socket)
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy()
    return
  }
  // A request whose headers were accepted and dispatched, broken in its body: it has (or will have) its own answer.
  const incoming = socket.parser?.incoming ?? null
  const broken = incoming !== null && !incoming.complete ? incoming : null
  const answer = answerFor(error)
  afterOwedResponses(socket, broken, (current) => {
    if (!socket.writable) return
    const requestId = newRequestId()
    const body = JSON.stringify(errorEnvelope(answer.code, answer.message, requestId))
    if (current !== null && !current.headersSent) {
      // The broken request's own response, not started yet: it is this answer, in its place in the pipeline.
      current.writeHead(answer.status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'x-request-id': requestId,
        connection: 'close',
      })
      current.end(body)
      return
    }
    if (current !== null) {
      current.once('finish', () => socket.destroy())
      return
    }
    if (broken !== null) {
      // Its response has gone out already; a second one would answer a request nobody sent.
      socket.destroy()
      return
    }
    socket.end(
      `HTTP/1.1 ${answer.status} ${answer.reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    )
  })
}
