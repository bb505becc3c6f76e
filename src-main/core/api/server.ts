import fastifySwagger from '@fastify/swagger'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { jsonSchemaTransform, jsonSchemaTransformObject, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import type { Clock } from '../clock'
import { newRequestId } from '../ids'
import type { KeysService } from '../keys/keys.service'
import type { MarketplaceServices } from '../marketplace/services'
import type { RateLimitService } from '../ratelimit/ratelimit.service'
import type { RequestLog } from '../usage/request-log'
import { answerClientError } from './client-errors'
import { ApiError, errorEnvelope } from './envelope'
import { createFrontDoor, MAX_SEGMENT, REJECTED_PATH, rejectionOf } from './front-door'
import type { HostPolicy } from './host-policy'
import { createAuthHook } from './plugins/auth'
import { redactKeys } from './redact'
import { errorHandler } from './plugins/errors'
import { serializerCompiler } from './serializer'
import { healthRoutes } from './routes/health'
import { keyRoutes } from './routes/keys'
import { activityRoutes } from './routes/activity'
import { listingRoutes } from './routes/listings'
import { meRoutes } from './routes/me'
import { soulRoutes } from './routes/souls'
import { thumbnailRoutes } from './routes/thumbnails'
import { walletRoutes } from './routes/wallet'
import { chatRoutes } from './routes/chat'
import { webhookRoutes } from './routes/webhooks'
import { inboxRoutes } from './routes/inbox'
import type { InboxService } from '../webhooks/inbox.service'
import type { WebhooksService } from '../webhooks/webhooks.service'
import type { AgentsService } from '../agents/agents.service'
import type { ChatService } from '../chat/chat.service'
import { FaultInjector } from '../faults/fault-injector'
import { mcpRoutes } from '../mcp/mcp-route'
import { PLAYGROUND_TOKEN_HEADER, type PlaygroundCredential } from '../playground/credential'
import './types'

export const API_PREFIX = '/api/v1'

export const BODY_LIMIT = 1024 * 1024
const CORS_EXPOSED_HEADERS = 'x-request-id, x-conversation-id, x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset, retry-after, ratelimit, ratelimit-policy'

/**
 * How long a client may take, and how many may be connected at once (RELIABILITY §6, OWASP API4):
 * a client that stalls mid-headers or mid-body is cut off instead of holding its connection forever.
 */
export const CONNECTION_LIMITS = {
  /** The whole request, body included. */
  requestTimeoutMs: 30_000,
  /** The request line and headers (Node answers 408 past it). */
  headersTimeoutMs: 15_000,
  /** An idle keep-alive connection between requests. */
  keepAliveTimeoutMs: 10_000,
  /** How often Node looks for connections past those times. */
  checkEveryMs: 1_000,
  /** Open connections; past this, new ones are closed at once. */
  maxConnections: 1_000,
}

export interface ApiDeps {
  keys: KeysService
  market: MarketplaceServices
  agents: AgentsService
  chat: ChatService
  webhooks: WebhooksService
  inbox: InboxService
  /** SSE comment heartbeat interval (default 15 s). */
  sseHeartbeatMs?: number
  rateLimits: RateLimitService
  requestLog: RequestLog
  hostPolicy: HostPolicy
  clock: Clock
  version: string
  logger: FastifyBaseLogger | false
  https?: { cert: string; key: string }
  /** Open connections allowed at once; CONNECTION_LIMITS.maxConnections by default. */
  maxConnections?: number
  /** The playground's internal credential (SPEC §5); none: no request can act as a key by id. */
  playground?: PlaygroundCredential
}

/**
 * Builds the local API server without listening (STYLE §10): tests use it on a loopback port,
 * `createCore` adds the admin transport and listens. Plugins are registered explicitly, in order.
 */
export async function buildApiServer(deps: ApiDeps): Promise<FastifyInstance> {
  // Node's own checks that answer outside fastify are turned off: the front door answers them in the envelope.
  const nodeHttpOptions = {
    requireHostHeader: false,
    headersTimeout: CONNECTION_LIMITS.headersTimeoutMs,
    connectionsCheckingInterval: CONNECTION_LIMITS.checkEveryMs,
  }
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    ...(deps.https ? { https: { ...deps.https, ...nodeHttpOptions } } : { http: nodeHttpOptions }),
    genReqId: newRequestId,
    // Nothing is logged per request (the request log has them): no child logger per request either.
    childLoggerFactory: (logger) => logger,
    bodyLimit: BODY_LIMIT,
    requestTimeout: CONNECTION_LIMITS.requestTimeoutMs,
    keepAliveTimeout: CONNECTION_LIMITS.keepAliveTimeoutMs,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Our request log records every API request; pino's per-request lines would only duplicate it.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
    rewriteUrl: createFrontDoor(deps.hostPolicy),
    // The front door refuses segments over MAX_SEGMENT first; this only backs it up.
    routerOptions: { maxParamLength: MAX_SEGMENT * 4 },
    clientErrorHandler: answerClientError,
    // Anything the router still refuses is answered in the envelope too.
    frameworkErrors: replyFrameworkError,
  }).withTypeProvider<ZodTypeProvider>()

  app.server.maxConnections = deps.maxConnections ?? CONNECTION_LIMITS.maxConnections
  // An Expect other than 100-continue is refused by the front door (417), in the envelope, not by Node.
  app.server.on('checkExpectation', (request, response) => app.server.emit('request', request, response))

  // JSON bodies as fastify parses them (with its __proto__ and constructor guards), except that an empty body
  // sent with `content-type: application/json` is no body: routes that take none (a purchase, a cancel)
  // accept it, as clients that always set the header expect; routes that need one still answer INVALID_JSON.
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body !== '') return parseJson(request, body as string, done)
    if (request.routeOptions.schema?.body) return done(new ApiError(400, 'INVALID_JSON', 'The request body is empty; this route expects a JSON body.'), undefined)
    done(null, undefined)
  })

  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  app.setErrorHandler(errorHandler)
  app.decorateRequest('apiKey', null)
  app.decorateRequest('apiKeyRow', null)
  app.decorateRequest('rateLimit', null)
  app.decorateRequest('errorCode', null)
  app.decorateRequest('inRequestLog', true)
  app.decorateRequest('tokens', null)
  app.decorateRequest('fault', null)
  app.decorateRequest('logged', false)
  const faults = new FaultInjector()
  const playground = deps.playground ?? null

  // Every response, on every route, names its request. The front door has vouched for the Host; a foreign Origin is refused here.
  // CORS is closed unless the operator allowed an origin; only requests from such an origin pay for it.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    const origin = request.headers.origin
    if (origin !== undefined) {
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
    }
    // No such route: answered at once, without first reading a body nothing would use.
    if (request.is404) return replyNotFound(request, reply)
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
        const gate = createAuthHook(deps.keys, deps.rateLimits, route.config?.scope, faults, route.config?.chat === true, playground)
        route.onRequest = [gate, ...(route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest])]
      })
      api.setNotFoundHandler(replyNotFound)
      await api.register(healthRoutes(deps.version))
      await api.register(meRoutes(deps.keys, deps.market.souls))
      await api.register(keyRoutes(deps.keys))
      const { souls, wallets, listings, purchases, activity } = deps.market
      await api.register(listingRoutes(listings, purchases))
      await api.register(soulRoutes(souls, listings))
      await api.register(walletRoutes(wallets, purchases))
      await api.register(activityRoutes(activity, purchases, wallets))
      await api.register(thumbnailRoutes(listings))
      await api.register(webhookRoutes(deps.webhooks))
      await api.register(chatRoutes({ agents: deps.agents, chat: deps.chat, faults, logAbandoned: logRequest, heartbeatMs: deps.sseHeartbeatMs }))
      api.get(
        '/openapi.json',
        { config: { auth: false }, schema: { summary: 'This document (OpenAPI 3.1)', tags: ['meta'] } },
        // The document names the server it was fetched from (the Host guard has vouched for the name).
        async (request) => ({ ...app.swagger(), servers: [{ url: `${request.protocol}://${request.host}` }] }),
      )
    },
    { prefix: API_PREFIX },
  )

  // MCP at the root (POST /mcp), behind the same gate with no scope bound: each tool call checks its own.
  const mcpGate = createAuthHook(deps.keys, deps.rateLimits, undefined, faults, false, playground)
  await app.register(mcpRoutes({ ...deps.market, chat: deps.chat, authenticate: mcpGate, version: deps.version, logAbandoned: logRequest }))

  app.setNotFoundHandler(replyNotFound)
  await app.register(inboxRoutes(deps.inbox))

  // Requests the front door refused are answered here, like any other route: envelope, X-Request-Id, log row.
  app.all(REJECTED_PATH, { schema: { hide: true } }, (request, reply) => {
    const rejection = rejectionOf(request.raw)
    if (!rejection) return replyNotFound(request, reply)
    request.errorCode = rejection.code
    if (request.originalUrl.startsWith('/admin')) {
      // Admin clients read admin Results, with the code the admin transport uses for the same status.
      const code = rejection.status === 403 ? 'FORBIDDEN_SENDER' : 'INVALID_INPUT'
      return reply.code(rejection.status).send({ ok: false, error: { code, message: rejection.message } })
    }
    return reply.code(rejection.status).send(errorEnvelope(rejection.code, rejection.message, request.id))
  })

  // One request-log row per request, API or refused (the admin transport's own traffic is not API traffic).
  function logRequest(request: FastifyRequest, reply: FastifyReply): void {
    if (!request.inRequestLog || request.logged) return
    request.logged = true
    const latency = reply.elapsedTime
    deps.requestLog.record({
      id: request.id,
      at: Math.round(deps.clock.now() - latency),
      key_id: request.apiKey?.id ?? null,
      method: request.method,
      path: redactKeys(request.originalUrl).slice(0, 500),
      status: reply.statusCode,
      latency_ms: Math.round(latency * 1000) / 1000,
      error_code: request.errorCode,
      // Marked only when the token is the real one: a copied header cannot pass as the playground.
      source: request.headers[PLAYGROUND_TOKEN_HEADER] !== undefined && playground?.verify(request.headers[PLAYGROUND_TOKEN_HEADER]) ? 'playground' : 'api',
      tokens_in: request.tokens?.in ?? null,
      tokens_out: request.tokens?.out ?? null,
      fault: request.fault,
    })
  }
  app.addHook('onResponse', (request, reply, done) => {
    logRequest(request, reply)
    done()
  })
  return app
}

function replyFrameworkError(error: Error, request: FastifyRequest, reply: FastifyReply): void {
  request.errorCode = 'INVALID_REQUEST'
  reply.header('x-request-id', request.id)
  reply.code(400).send(errorEnvelope('INVALID_REQUEST', `The request path cannot be routed: ${error.message}`, request.id))
}

function replyNotFound(request: FastifyRequest, reply: FastifyReply): void {
  request.errorCode = 'NOT_FOUND'
  reply.code(404).send(errorEnvelope('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}.`, request.id))
}
