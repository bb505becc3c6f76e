import fastifySwagger from '@fastify/swagger'
import type { Duplex } from 'node:stream'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { jsonSchemaTransform, jsonSchemaTransformObject, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import type { Clock } from '../clock'
import { newId } from '../ids'
import type { KeysService } from '../keys/keys.service'
import type { RateLimitService } from '../ratelimit/ratelimit.service'
import type { RequestLog } from '../usage/request-log'
import { ApiError, errorEnvelope } from './envelope'
import type { HostPolicy } from './host-policy'
import { createAuthHook } from './plugins/auth'
import { errorHandler } from './plugins/errors'
import { serializerCompiler } from './serializer'
import { healthRoutes } from './routes/health'
import { keyRoutes } from './routes/keys'
import { meRoutes } from './routes/me'
import './types'

export const API_PREFIX = '/api/v1'

/** A key pasted into a URL by mistake must not reach the request log. */
const KEY_IN_TEXT = /clw_[0-9A-Za-z]{32}/g
export const redactKeys = (text: string): string => (text.includes('clw_') ? text.replace(KEY_IN_TEXT, 'clw_[redacted]') : text)
export const BODY_LIMIT = 1024 * 1024
const CORS_EXPOSED_HEADERS = 'x-request-id, x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset, retry-after, ratelimit, ratelimit-policy'

/**
 * Requests Node rejects before fastify sees them (oversized headers, broken HTTP) still get the
 * documented envelope, with a request id of their own.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) return
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW'
  const requestId = newId('req')
  const body = JSON.stringify(
    errorEnvelope(
      tooLarge ? 'PAYLOAD_TOO_LARGE' : 'INVALID_REQUEST',
      tooLarge ? 'The request headers are too large.' : 'The request is not valid HTTP.',
      requestId,
    ),
  )
  const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
  )
}

export interface ApiDeps {
  keys: KeysService
  rateLimits: RateLimitService
  requestLog: RequestLog
  hostPolicy: HostPolicy
  clock: Clock
  version: string
  logger: FastifyBaseLogger | false
  https?: { cert: string; key: string }
}

/**
 * Builds the local API server without listening (STYLE §10): tests use it on a loopback port,
 * `createCore` adds the admin transport and listens. Plugins are registered explicitly, in order.
 */
export async function buildApiServer(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    ...(deps.https ? { https: deps.https } : {}),
    genReqId: () => newId('req'),
    bodyLimit: BODY_LIMIT,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Our request log records every API request; pino's per-request lines would only duplicate it.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
    routerOptions: { maxParamLength: 200 },
    clientErrorHandler: answerClientError,
  }).withTypeProvider<ZodTypeProvider>()

  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  app.setErrorHandler(errorHandler)
  app.decorateRequest('apiKey', null)
  app.decorateRequest('apiKeyRow', null)
  app.decorateRequest('rateLimit', null)
  app.decorateRequest('errorCode', null)

  // Every response, on every route, names its request; a foreign Host or Origin is refused first.
  // CORS is closed unless the operator allowed an origin; only requests from such an origin pay for it.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    if (!deps.hostPolicy.allowsHost(request.headers.host))
      return done(new ApiError(403, 'INVALID_REQUEST', `Host "${request.headers.host ?? ''}" is not this server; add it under Settings → allowed hosts.`))
    const origin = request.headers.origin
    if (origin === undefined) return done()
    if (!deps.hostPolicy.allowsOrigin(origin))
      return done(new ApiError(403, 'INVALID_REQUEST', `Origin "${origin}" is not allowed; add it under Settings → CORS origins.`))
    if (deps.hostPolicy.isCorsOrigin(origin)) {
      reply.header('access-control-allow-origin', origin)
      reply.header('vary', 'Origin')
      reply.header('access-control-expose-headers', CORS_EXPOSED_HEADERS)
      if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
        reply.header('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE')
        reply.header('access-control-allow-headers', request.headers['access-control-request-headers'] ?? 'authorization, content-type')
        reply.header('access-control-max-age', '600')
        reply.code(204).send()
        return // answered: a callback hook that replies does not call done()
      }
    }
    done()
  })

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'ClawHQ Local API',
        version: deps.version,
        description: 'The ClawHQ and Clawget APIs, served offline by ClawHQ Local. Authenticate with "Authorization: Bearer clw_…".',
      },
      servers: [{ url: 'http://127.0.0.1:7420' }],
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'A clw_ API key' } } },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  })

  await app.register(
    async (scope) => {
      const api = scope.withTypeProvider<ZodTypeProvider>()
      // Each route that needs a key gets the gate when it is registered, with its scope bound in.
      api.addHook('onRoute', (route) => {
        if (route.config?.auth === false) return
        const gate = createAuthHook(deps.keys, deps.rateLimits, route.config?.scope)
        route.onRequest = [gate, ...(route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest])]
      })
      api.addHook('onResponse', (request, reply, done) => {
        const latency = reply.elapsedTime
        deps.requestLog.record({
          id: request.id,
          at: Math.round(deps.clock.now() - latency),
          key_id: request.apiKey?.id ?? null,
          method: request.method,
          path: redactKeys(request.url).slice(0, 500),
          status: reply.statusCode,
          latency_ms: Math.round(latency * 1000) / 1000,
          error_code: request.errorCode,
          source: 'api',
        })
        done()
      })
      api.setNotFoundHandler(replyNotFound)
      await api.register(healthRoutes(deps.version))
      await api.register(meRoutes(deps.keys))
      await api.register(keyRoutes(deps.keys))
      api.get(
        '/openapi.json',
        { config: { auth: false }, schema: { summary: 'This document (OpenAPI 3.1)', tags: ['meta'] } },
        // The document names the server it was fetched from (the Host guard has vouched for the name).
        async (request) => ({ ...app.swagger(), servers: [{ url: `${request.protocol}://${request.host}` }] }),
      )
    },
    { prefix: API_PREFIX },
  )

  app.setNotFoundHandler(replyNotFound)
  return app
}

function replyNotFound(request: FastifyRequest, reply: FastifyReply): void {
  request.errorCode = 'NOT_FOUND'
  reply.code(404).send(errorEnvelope('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}.`, request.id))
}
