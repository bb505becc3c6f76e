import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ChatUsage, ConversationWithMessages, PublicAgent } from '../../../../src-shared/agents'
import type { AgentsService } from '../../agents/agents.service'
import { UpstreamError } from '../../agents/providers/types'
import type { ChatExchange, ChatService } from '../../chat/chat.service'
import type { FaultInjector } from '../../faults/fault-injector'
import { ApiError, authErrors, success } from '../envelope'
import { toApiError } from '../plugins/errors'
import { SseWriter } from '../sse'

const ChatBody = z.object({
  message: z.string().min(1, 'message is required').describe('what to ask the agent'),
  agent: z.string().min(1, 'agent is required').max(100).describe('the agent\'s slug, e.g. "support-bot"'),
  stream: z.boolean().optional().describe('true: text/event-stream of {"content"} chunks closed by [DONE]'),
  conversation_id: z.string().min(1).max(64).optional().describe('continue this conversation (conv_…)'),
})

const ChatReply = z.object({
  response: z.string(),
  agent: z.string(),
  conversation_id: z.string(),
  request_id: z.string(),
  usage: ChatUsage,
})

export interface ChatRouteDeps {
  agents: AgentsService
  chat: ChatService
  faults: FaultInjector
  /** Logs a request whose client left mid-stream (fastify's onResponse runs only for finished responses). */
  logAbandoned: (request: FastifyRequest, reply: FastifyReply) => void
  heartbeatMs?: number
}

const STREAM_ERROR = (message: string) => JSON.stringify({ error: { code: 'stream_error', message } })

/** Seed 001's chat: `POST /chat` (JSON or SSE), the agents a key can talk to, and a conversation's history. */
export const chatRoutes =
  (deps: ChatRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const security = [{ bearerAuth: [] }]
    /** Exchanges under way: a closing server stops them (a stream then ends with stream_error and [DONE]) rather than wait for them. */
    const running = new Set<AbortController>()
    let closing = false
    app.addHook('preClose', (done) => {
      closing = true
      for (const controller of running) controller.abort()
      done()
    })

    app.post(
      '/chat',
      {
        config: { scope: 'chat', chat: true },
        schema: {
          tags: ['chat'],
          security,
          summary: 'Ask an agent; with stream: true the answer arrives as server-sent events',
          description:
            'Without stream: {response, agent, conversation_id, request_id, usage}. With stream: text/event-stream, one `data: {"content": "…"}` event per chunk, ' +
            'closed by `data: [DONE]`; a failure after the stream began sends `data: {"error": {"code": "stream_error", "message": "…"}}` then `data: [DONE]`.',
          body: ChatBody,
          response: { 200: ChatReply.describe('the answer (or, with stream: true, a text/event-stream)'), ...authErrors },
        },
      },
      async (request, reply) => {
        const { message, agent, stream, conversation_id: conversationId } = request.body
        const key = request.apiKey!
        const exchange = deps.chat.begin({
          message,
          agent,
          conversationId,
          caller: { keyId: key.id, lineageId: key.lineageId },
          requestId: request.id,
          stream: stream === true,
        })
        // The stream's events are the seed's ({content} then [DONE]); the conversation to continue travels in a header.
        reply.header('x-conversation-id', exchange.conversationId)
        const controller = new AbortController()
        const onClose = () => {
          if (!reply.raw.writableFinished) controller.abort()
        }
        reply.raw.on('close', onClose)
        running.add(controller)
        try {
          if (stream === true) return await streamAnswer(request, reply, exchange, controller)
          return await answerAtOnce(request, exchange, controller.signal)
        } finally {
          running.delete(controller)
          reply.raw.off('close', onClose)
        }
      },
    )

    async function answerAtOnce(request: FastifyRequest, exchange: ChatExchange, signal: AbortSignal) {
      const { response, usage } = await exchange.collect(signal, {
        cutShort: 'the client closed the connection',
        stopping: () => (closing && signal.aborted ? new ApiError(503, 'SERVICE_UNAVAILABLE', 'The server is shutting down; ask again once it is back.') : undefined),
      })
      request.tokens = { in: usage.prompt_tokens, out: usage.completion_tokens }
      return { response, agent: exchange.agent.agent.slug, conversation_id: exchange.conversationId, request_id: request.id, usage }
    }

    /**
     * Nothing is sent until the agent's first words: a failure before them is a normal JSON error. From
     * then on each chunk is written as it arrives; a failure, or a cut by the key's fault injection, ends
     * the stream with `stream_error` then `[DONE]`; a client that leaves aborts the agent at once.
     */
    async function streamAnswer(request: FastifyRequest, reply: FastifyReply, exchange: ChatExchange, controller: AbortController): Promise<void> {
      const chunks = exchange.events(controller.signal)
      let first: IteratorResult<string>
      try {
        first = await chunks.next()
      } catch (error) {
        exchange.abandon()
        throw error
      }
      const faults = request.apiKey!.faults
      const cutAfter =
        faults?.kind === 'stream_cut' && deps.faults.hits(`${request.apiKey!.id}:stream`, faults, request.apiKeyRow!.faults_json!) ? faults.afterChunks : -1

      const sse = new SseWriter(reply, deps.heartbeatMs)
      let sent = 0
      let failure: string | null = null
      try {
        for (let next = first; !next.done; next = await chunks.next()) {
          if (sent === cutAfter) {
            request.fault = 'stream_cut'
            failure = `The stream was cut after ${cutAfter} chunks by this key's fault injection.`
            controller.abort()
            break
          }
          await sse.data(JSON.stringify({ content: next.value }))
          sent++
          if (!sse.open) break
        }
        if (failure === null && cutAfter === sent && sent > 0 && request.fault === null) {
          // The answer had exactly as many chunks as the cut allows: the cut still shows, at its end.
          request.fault = 'stream_cut'
          failure = `The stream was cut after ${cutAfter} chunks by this key's fault injection.`
        }
      } catch (error) {
        failure = error instanceof UpstreamError ? error.message : 'The agent failed while answering.'
        if (!(error instanceof UpstreamError)) request.log.error({ err: error, reqId: request.id }, 'chat stream failed')
      }
      if (!sse.open) failure ??= 'the client closed the connection'
      else if (closing && controller.signal.aborted) failure ??= 'The server is shutting down; the answer was cut short.'
      let usage: ChatUsage
      try {
        ;({ usage } = await exchange.finish(failure))
      } catch (error) {
        // The answer was sent but could not be kept (a full disk): the stream says so rather than end as if all were well.
        usage = exchange.usage
        request.log.error({ err: error, reqId: request.id }, 'chat: the exchange could not be stored')
        failure ??= `The answer could not be stored: ${toApiError(error).message}`
      }
      request.tokens = { in: usage.prompt_tokens, out: usage.completion_tokens }
      if (!sse.open) {
        request.errorCode = 'CLIENT_CLOSED'
        deps.logAbandoned(request, reply)
        return
      }
      if (failure !== null) {
        request.errorCode = 'STREAM_ERROR'
        await sse.data(STREAM_ERROR(failure))
      }
      await sse.data('[DONE]')
      sse.end(closing)
    }

    app.get(
      '/agents',
      {
        config: { scope: 'chat' },
        schema: { tags: ['chat'], security, summary: 'The agents this server answers as', response: { 200: success(z.array(PublicAgent)), ...authErrors } },
      },
      () => ({
        success: true as const,
        data: deps.agents.list().map(({ slug, name, description, provider }) => ({ slug, name, description, provider })),
      }),
    )

    app.get(
      '/conversations/:id',
      {
        config: { scope: 'chat' },
        schema: {
          tags: ['chat'],
          security,
          summary: 'A conversation this key had, with its messages',
          params: z.object({ id: z.string().min(1).max(64) }),
          response: { 200: success(ConversationWithMessages), ...authErrors },
        },
      },
      (request) => ({ success: true as const, data: deps.chat.get(request.params.id, { keyId: request.apiKey!.id, lineageId: request.apiKey!.lineageId }) }),
    )
  }
