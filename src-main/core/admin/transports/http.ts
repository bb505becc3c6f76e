import { createHash, timingSafeEqual } from 'node:crypto'
import { existsSync } from 'node:fs'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { EVENT_NAMES } from '../../../../src-shared/contract'
import type { AdminErrorCode, Result } from '../../../../src-shared/errors'
import type { EventBus } from '../../events'
import { bearerToken } from '../../api/bearer'
import { STORAGE_RETRY_AFTER_SECONDS } from '../../db/storage-errors'
import type { Dispatch } from '../dispatch'

export const ADMIN_PREFIX = '/admin'
export const ADMIN_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

const STATUS: Record<AdminErrorCode, number> = {
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN_SENDER: 403,
  NOT_FOUND: 404,
  UNKNOWN_METHOD: 404,
  CONFLICT: 409,
  STORAGE_FULL: 507,
  STORAGE_UNAVAILABLE: 503,
  UPSTREAM_FAILED: 502,
  INTERNAL_ERROR: 500,
}

const digest = (value: string) => createHash('sha256').update(value).digest()

export interface HttpTransportOptions {
  dispatch: Dispatch
  events: EventBus
  adminToken: string
  /** The built GUI (out/renderer), served under /admin/ when present. */
  rendererDir?: string
  heartbeatMs?: number
}

/**
 * The headless admin transport (SPEC §2): `POST /admin/rpc/<method>` and the `GET /admin/events`
 * stream, both behind the admin token, plus the GUI itself under /admin/. Answers are `Result`s.
 */
/** An admin call's body: a playground request of PLAYGROUND_MAX_BODY characters, escaped as JSON, fits. */
const ADMIN_RPC_BODY_LIMIT = 16 * 1024 * 1024

export async function registerHttpTransport(app: FastifyInstance, options: HttpTransportOptions): Promise<void> {
  const expected = digest(options.adminToken)
  // Comparing digests keeps the comparison constant-time whatever the presented token's length.
  const authorized = (request: FastifyRequest) => {
    const token = bearerToken(request.headers.authorization)
    return token !== undefined && timingSafeEqual(digest(token), expected)
  }
  const fail = (reply: FastifyReply, code: AdminErrorCode, message: string) =>
    reply.code(STATUS[code]).send({ ok: false, error: { code, message } } satisfies Result<never>)

  // Event streams never end on their own; end them before the server closes, or close would wait forever.
  const openStreams = new Set<{ end(): void }>()
  app.addHook('preClose', async () => {
    for (const stream of openStreams) stream.end()
  })

  await app.register(
    async (admin) => {
      // The admin transport's traffic (the GUI's calls and assets) is not API traffic: no request-log rows.
      admin.addHook('onRequest', (request, _reply, done) => {
        request.inRequestLog = false
        done()
      })
      // Errors raised before a handler (the Host guard, body limits, bad JSON) keep their status, as Results.
      admin.setErrorHandler((error: { statusCode?: number; message?: string }, _request, reply) => {
        const status = error.statusCode ?? 500
        if (status >= 500) admin.log.error({ err: error }, 'admin request failed')
        const code: AdminErrorCode =
          status === 401 ? 'UNAUTHORIZED' : status === 403 ? 'FORBIDDEN_SENDER' : status === 404 ? 'NOT_FOUND' : status < 500 ? 'INVALID_INPUT' : 'INTERNAL_ERROR'
        const message = status < 500 ? (error.message ?? 'Bad request.') : 'Internal error; the details are in the server log.'
        reply.code(status).send({ ok: false, error: { code, message } } satisfies Result<never>)
      })

      // The token is checked when the headers arrive, before a byte of the body is read or parsed.
      const requireToken = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
        if (authorized(request)) done()
        else fail(reply, 'UNAUTHORIZED', 'Send the admin token: "Authorization: Bearer <token>".')
      }

      // The playground sends bodies up to 2 MiB (past the API's own 1 MiB, so its 413 can be seen): room for that in JSON.
      admin.post<{ Params: { method: string } }>('/rpc/:method', { schema: { hide: true }, onRequest: requireToken, bodyLimit: ADMIN_RPC_BODY_LIMIT }, async (request, reply) => {
        const result = await options.dispatch(request.params.method, request.body ?? {}, 'admin-http')
        if (result.ok) return reply.send(result)
        if (result.error.code === 'STORAGE_FULL' || result.error.code === 'STORAGE_UNAVAILABLE') reply.header('retry-after', STORAGE_RETRY_AFTER_SECONDS)
        return reply.code(STATUS[result.error.code]).send(result)
      })

      admin.get('/events', { schema: { hide: true }, onRequest: requireToken }, (request, reply) => {
        reply.hijack()
        const out = reply.raw
        out.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          'x-request-id': request.id,
        })
        out.write(': connected\n\n')
        const unsubscribes = EVENT_NAMES.map((name) =>
          options.events.on(name, (payload) => out.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`)),
        )
        const heartbeat = setInterval(() => out.write(': heartbeat\n\n'), options.heartbeatMs ?? 15_000)
        openStreams.add(out)
        request.raw.on('close', () => {
          openStreams.delete(out)
          clearInterval(heartbeat)
          for (const unsubscribe of unsubscribes) unsubscribe()
        })
      })

      if (options.rendererDir && existsSync(options.rendererDir)) {
        admin.addHook('onSend', async (_request, reply) => {
          reply.header('content-security-policy', ADMIN_CSP)
          reply.header('x-frame-options', 'DENY')
          reply.header('referrer-policy', 'no-referrer')
        })
        await admin.register(fastifyStatic, { root: options.rendererDir, prefix: '/', index: 'index.html', wildcard: true })
      } else {
        admin.get('/', { schema: { hide: true }, prefixTrailingSlash: 'slash' }, (_request, reply) =>
          reply.type('text/plain').send('The admin GUI is not built: run "npm run build" and restart.'),
        )
      }
    },
    { prefix: ADMIN_PREFIX },
  )
  // `/admin` → `/admin/`, keeping the query (the token), so relative asset URLs resolve.
  app.get(ADMIN_PREFIX, { schema: { hide: true } }, (request, reply) => {
    request.inRequestLog = false
    const query = request.url.indexOf('?')
    return reply.redirect(`${ADMIN_PREFIX}/${query === -1 ? '' : request.url.slice(query)}`)
  })
}
