import type { ServerResponse } from 'node:http'
import type { CallToolResult, JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify'
import { ApiError, errorEnvelope } from '../api/envelope'
import { originOf } from '../api/routes/listings'
import { scopeOfTool, toolError, type McpCaller, type McpServices } from './mcp-tools'

/** The SDK's runtime (~0.1–0.3 s to load), on the first request rather than at start-up. */
let sdk: Promise<typeof import('./mcp-server')> | undefined
const loadSdk = () => (sdk ??= import('./mcp-server'))

export const MCP_PATH = '/mcp'

export interface McpRouteDeps extends McpServices {
  /** The API's gate with no scope bound: the key (401), its tier's limit (429), its fault injection. */
  authenticate: onRequestHookHandler
  version: string
  /** Logs a request whose client left before its answer (fastify's onResponse runs only for finished responses). */
  logAbandoned: (request: FastifyRequest, reply: FastifyReply) => void
}

/** The tool each `tools/call` in a JSON-RPC body (one message or a batch) names. */
function toolsCalled(body: unknown): string[] {
  const messages: unknown[] = Array.isArray(body) ? body : [body]
  const names: string[] = []
  for (const message of messages) {
    if (typeof message !== 'object' || message === null) continue
    const { method, params } = message as { method?: unknown; params?: { name?: unknown } }
    if (method === 'tools/call' && typeof params?.name === 'string') names.push(params.name)
  }
  return names
}

/**
 * The Model Context Protocol over Streamable HTTP (SPEC §4 "MCP"), stateless: each `POST /mcp` is one
 * API request (the same gate, so a missing or bad key gets 401 before any MCP work, the tier's limit
 * applies, and it has one request-log row) answered by a fresh MCP server and transport, as JSON.
 * A `tools/call` of a tool outside the key's scopes is refused with 403 in the API's envelope before
 * MCP sees it. GET (a server-to-client stream) and DELETE (ending a session) have nothing to serve: 405.
 */
export const mcpRoutes =
  (deps: McpRouteDeps): FastifyPluginAsync =>
  async (app) => {
    // A closing server cuts the tools under way short and does not keep their connections: it does not wait for an agent.
    const shutdown = new AbortController()
    const answering = new Set<ServerResponse>()
    const closeAfterAnswer = (raw: ServerResponse) => {
      if (!raw.headersSent) raw.setHeader('connection', 'close')
    }
    app.addHook('preClose', (done) => {
      shutdown.abort()
      for (const raw of answering) closeAfterAnswer(raw)
      done()
    })

    app.post(
      MCP_PATH,
      {
        onRequest: deps.authenticate,
        schema: { hide: true },
        preHandler: async (request) => {
          const key = request.apiKey!
          for (const tool of toolsCalled(request.body)) {
            const scope = scopeOfTool(tool)
            if (scope !== undefined && !key.scopes.has(scope))
              throw new ApiError(403, 'INSUFFICIENT_PERMISSIONS', `This key lacks the scope "${scope}" that the tool ${tool} needs.`, {
                required: scope,
                granted: [...key.scopes],
                tool,
              })
          }
        },
      },
      async (request, reply) => {
        // An empty body with content-type: application/json parses to nothing; the transport must not read the spent stream.
        if (request.body === undefined || request.body === null)
          throw new ApiError(400, 'INVALID_JSON', 'The request body is empty; POST /mcp takes a JSON-RPC message.')
        await answerWithMcp(request, reply)
      },
    )

    async function answerWithMcp(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const caller: McpCaller = {
        key: request.apiKey!,
        keyRow: request.apiKeyRow!,
        origin: originOf(request),
        requestId: request.id,
        shutdown: shutdown.signal,
        countTokens(usage) {
          request.tokens = { in: (request.tokens?.in ?? 0) + usage.prompt_tokens, out: (request.tokens?.out ?? 0) + usage.completion_tokens }
        },
        logFailure(error, tool) {
          request.log.error({ err: error, reqId: request.id, tool }, 'MCP tool failed')
        },
      }
      const { createMcpServer, StreamableHTTPServerTransport } = await loadSdk()
      const server = createMcpServer(caller, deps, deps.version)
      // Stateless (no session id) and one JSON answer per POST: nothing outlives the request. The transport's own
      // Host/Origin checks stay off: the front door and the Origin hook have already vouched for both.
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true })
      const send = transport.send.bind(transport)
      transport.send = (message, options) => {
        noteAnswer(request, message)
        return send(message, options)
      }

      // The transport writes the response itself: the headers set so far (X-Request-Id, the rate-limit headers, CORS) go with it.
      for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value)
      reply.hijack()
      answering.add(reply.raw)
      if (shutdown.signal.aborted) closeAfterAnswer(reply.raw)
      reply.raw.on('close', () => {
        answering.delete(reply.raw)
        if (!reply.raw.writableFinished) {
          request.errorCode ??= 'CLIENT_CLOSED'
          deps.logAbandoned(request, reply)
        }
        // Aborts a tool still running (a chat's agent) for a client that left.
        void transport.close()
        void server.close()
      })
      try {
        await server.connect(transport)
        await transport.handleRequest(request.raw, reply.raw, request.body)
      } catch (error) {
        request.log.error({ err: error, reqId: request.id }, 'MCP request failed')
        request.errorCode = 'INTERNAL_ERROR'
        if (reply.raw.headersSent) return void reply.raw.end()
        const body = errorEnvelope('INTERNAL_ERROR', 'Internal server error. The details are in the server log under this request id.', request.id)
        reply.raw.writeHead(500, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body))
      }
    }

    const notServed = (request: FastifyRequest, reply: FastifyReply) => {
      reply.header('allow', 'POST')
      throw new ApiError(
        405,
        'INVALID_REQUEST',
        `${request.method} ${MCP_PATH} is not served: this MCP server is stateless (no sessions, no server-sent stream). Send JSON-RPC messages with POST ${MCP_PATH}.`,
      )
    }
    app.get(MCP_PATH, { schema: { hide: true } }, notServed)
    app.delete(MCP_PATH, { schema: { hide: true } }, notServed)
  }

/**
 * Looks at each JSON-RPC answer on its way out: the request log names the first error this POST answered
 * (a tool's code, or INVALID_REQUEST for a protocol error), and the tool errors the SDK makes itself
 * (arguments that fail the tool's schema, an unknown tool) are put in the API's envelope like every other.
 */
function noteAnswer(request: FastifyRequest, message: JSONRPCMessage): void {
  if ('error' in message) {
    request.errorCode ??= 'INVALID_REQUEST'
    return
  }
  if (!('result' in message) || message.result.isError !== true) return
  const result = message.result as CallToolResult
  if (result.structuredContent === undefined) {
    const text = result.content.find((block) => block.type === 'text')?.text ?? 'The tool call was refused.'
    message.result = toolError(new ApiError(400, 'INVALID_REQUEST', text), request.id)
  }
  const code = (message.result.structuredContent as { error?: { code?: string } } | undefined)?.error?.code
  request.errorCode ??= code ?? 'INVALID_REQUEST'
}
