import type { ChatMessage, ChatUsage, Conversation, ConversationWithMessages } from '../../../src-shared/agents'
import type { AgentsService, ResolvedAgent } from '../agents/agents.service'
import type { ChatTurn, ReportedUsage } from '../agents/providers/types'
import { toIso, type Clock } from '../clock'
import type { ConversationRow } from '../db/schema'
import type { Store } from '../db/store'
import { newId } from '../ids'
import type { SettingsService } from '../settings/settings.service'
import { pageOf, type Page } from '../souls/souls.service'

export type ChatErrorCode = 'AGENT_NOT_FOUND' | 'NOT_FOUND' | 'INVALID_REQUEST' | 'PAYLOAD_TOO_LARGE' | 'CONCURRENT_STREAMS_EXCEEDED'

/** A chat was refused before it began; the API answers the code with the message and details. */
export class ChatError extends Error {
  constructor(
    readonly code: ChatErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message)
    this.name = 'ChatError'
  }
}

/** Who is chatting: a key (its id and lineage), or the operator (the GUI's try-it box, the admin RPC). */
export type ChatCaller = { keyId: string; lineageId: string } | { operator: true }

export interface ChatInput {
  message: string
  agent: string
  conversationId?: string
  caller: ChatCaller
  requestId: string
  /** A stream holds one of the key's concurrent-stream slots until it ends. */
  stream: boolean
}

/** What a finished (or failed) exchange reports. */
export interface ChatOutcome {
  response: string
  usage: ChatUsage
}

/** How `ChatExchange.collect` ends an answer that did not run its course. */
export interface CollectOptions {
  /** Stored as the answer's error when the signal stopped it: why the caller stopped waiting. */
  cutShort: string
  /** The error to end with, storing nothing, when a stopping server cut the answer short; undefined otherwise. */
  stopping?: () => Error | undefined
  /** Ask `stopping` when the agent fails too: a failure during the stop then reads as the stop. */
  stoppingOverFailure?: boolean
}

/** History sent to a model server: the last this many messages of the conversation. */
const HISTORY_MESSAGES = 50
const TITLE_CHARS = 80

/** About four characters a token: the estimate for agents whose answers no model counted. */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4)

/**
 * One chat exchange, from the question to the stored answer. `events` yields the answer's text as the
 * agent produces it; `finish` stores the exchange (question and answer in one transaction, with the
 * error of an answer that did not finish) and releases the stream slot. Nothing is stored for an
 * exchange whose agent failed before its first word: the caller answered an error instead.
 */
export class ChatExchange {
  private text = ''
  private reported: ReportedUsage | null = null
  private finished = false

  constructor(
    private readonly service: ChatService,
    readonly agent: ResolvedAgent,
    readonly conversationId: string,
    private readonly conversation: ConversationRow | undefined,
    private readonly turns: ChatTurn[],
    private readonly input: ChatInput,
    private readonly release: () => void,
  ) {}

  async *events(signal: AbortSignal): AsyncGenerator<string> {
    const provider = await this.agent.provider(this.service.upstreamLimits())
    for await (const event of provider.stream({ turns: this.turns, signal, streaming: this.input.stream })) {
      if (event.type === 'usage') this.reported = event.usage
      else if (event.text !== '') {
        this.text += event.text
        yield event.text
      }
    }
  }

  get usage(): ChatUsage {
    if (this.reported) {
      const { promptTokens, completionTokens } = this.reported
      return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens, estimated: false }
    }
    const prompt = this.turns.reduce((sum, turn) => sum + estimateTokens(turn.content), 0)
    const completion = estimateTokens(this.text)
    return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, estimated: true }
  }

  /**
   * Stores the exchange once (error: why the answer stopped short) and resolves when it is committed; a
   * failure before the first word stores nothing. Rejects when the store refuses (a full disk).
   */
  async finish(error: string | null): Promise<ChatOutcome> {
    const outcome = { response: this.text, usage: this.usage }
    if (this.finished) return outcome
    this.finished = true
    this.release()
    if (error === null || this.text !== '') await this.service.save({ exchange: this, conversation: this.conversation, input: this.input, answer: this.text, error })
    return outcome
  }

  /**
   * Runs the exchange to its end and stores it: the answer without a stream. Throws what the agent throws,
   * storing nothing; an answer the signal cut short is stored with `options.cutShort` as its error, unless
   * `options.stopping` blames the server's stop (then nothing is stored and its error is thrown).
   */
  async collect(signal: AbortSignal, options: CollectOptions): Promise<ChatOutcome> {
    try {
      for await (const _chunk of this.events(signal)) {
        // the text is gathered by events()
      }
    } catch (error) {
      this.abandon()
      throw (options.stoppingOverFailure === true ? options.stopping?.() : undefined) ?? error
    }
    const stopped = options.stopping?.()
    if (stopped !== undefined) {
      this.abandon()
      throw stopped
    }
    return this.finish(signal.aborted ? options.cutShort : null)
  }

  /** Gives the stream slot back without storing anything (the exchange never began). */
  abandon(): void {
    if (this.finished) return
    this.finished = true
    this.release()
  }
}

interface PendingSave {
  exchange: ChatExchange
  conversation: ConversationRow | undefined
  input: ChatInput
  answer: string
  error: string | null
}

export class ChatService {
  /** Open streams per key lineage. */
  private readonly streams = new Map<string, number>()
  /** Finished exchanges waiting for this turn's commit. */
  private pending: Array<PendingSave & { done: () => void; failed: (error: unknown) => void }> = []

  constructor(
    private readonly db: Store,
    private readonly agents: AgentsService,
    private readonly settings: SettingsService,
    private readonly clock: Clock,
  ) {}

  upstreamLimits() {
    const settings = this.settings.get()
    return { connectTimeoutMs: settings.upstreamConnectTimeoutSeconds * 1000, idleTimeoutMs: settings.upstreamIdleTimeoutSeconds * 1000 }
  }

  /** Checks the request and prepares the exchange; throws ChatError when it cannot begin. Synchronous: nothing is sent yet. */
  begin(input: ChatInput): ChatExchange {
    const settings = this.settings.get()
    if (input.message.length > settings.chatMaxMessageChars)
      throw new ChatError('PAYLOAD_TOO_LARGE', `The message is ${input.message.length} characters long; the limit is ${settings.chatMaxMessageChars} (Settings → chat).`, {
        limit: settings.chatMaxMessageChars,
        length: input.message.length,
      })
    const agent = this.agents.resolve(input.agent)
    if (!agent) throw new ChatError('AGENT_NOT_FOUND', `No agent "${input.agent}".`, { agent: input.agent, available: this.agents.slugs() })

    let conversation: ConversationRow | undefined
    let history: ChatTurn[] = []
    if (input.conversationId !== undefined) {
      conversation = this.db.first(this.db.db.selectFrom('conversations').selectAll().where('id', '=', input.conversationId))
      if (!conversation || !ownedBy(conversation, input.caller))
        throw new ChatError('NOT_FOUND', `No conversation ${input.conversationId} for this key.`, { conversation_id: input.conversationId })
      if (conversation.agent_slug !== agent.agent.slug)
        throw new ChatError('INVALID_REQUEST', `Conversation ${conversation.id} is with the agent "${conversation.agent_slug}", not "${agent.agent.slug}".`, {
          conversation_id: conversation.id,
          agent: conversation.agent_slug,
        })
      history = this.history(conversation.id)
    }

    const release = input.stream && 'lineageId' in input.caller ? this.takeStreamSlot(input.caller.lineageId, settings.chatMaxStreamsPerKey) : () => {}
    const turns: ChatTurn[] = [...history, { role: 'user', content: input.message }]
    return new ChatExchange(this, agent, conversation?.id ?? newId('conv'), conversation, turns, input, release)
  }

  /** Runs an exchange to its end: the non-streaming answer. Throws what the agent throws (nothing is stored then). */
  async complete(input: Omit<ChatInput, 'stream'>, signal: AbortSignal): Promise<ChatOutcome & { conversationId: string; agent: string }> {
    const exchange = this.begin({ ...input, stream: false })
    const outcome = await exchange.collect(signal, { cutShort: 'the caller stopped waiting' })
    return { ...outcome, conversationId: exchange.conversationId, agent: exchange.agent.agent.slug }
  }

  private takeStreamSlot(lineageId: string, limit: number): () => void {
    const open = this.streams.get(lineageId) ?? 0
    if (open >= limit)
      throw new ChatError('CONCURRENT_STREAMS_EXCEEDED', `This key has ${open} chat streams open; the limit is ${limit}. Retry when one has ended.`, {
        limit,
        open,
      })
    this.streams.set(lineageId, open + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      const left = (this.streams.get(lineageId) ?? 1) - 1
      if (left <= 0) this.streams.delete(lineageId)
      else this.streams.set(lineageId, left)
    }
  }

  /** Streams open now, over all keys. */
  get openStreams(): number {
    let open = 0
    for (const count of this.streams.values()) open += count
    return open
  }

  /** The finished answers of a conversation, oldest first (answers that stopped short, and their questions, left out). */
  private history(conversationId: string): ChatTurn[] {
    const rows = this.db.all(
      this.db.db
        .selectFrom('chat_messages')
        .select(['role', 'content', 'error'])
        .where('conversation_id', '=', conversationId)
        .orderBy('id', 'desc')
        .limit(HISTORY_MESSAGES),
    )
    const turns: ChatTurn[] = []
    for (let i = rows.length - 1; i >= 0; i--) {
      const row = rows[i]!
      if (row.role === 'assistant' && row.error !== null) {
        if (turns.at(-1)?.role === 'user') turns.pop()
        continue
      }
      turns.push({ role: row.role, content: row.content })
    }
    return turns
  }

  /**
   * Group commit: the exchanges finished in one turn of the event loop are written in one durable
   * transaction (one fsync for all of them, not one each, off the path of the streams still running), and
   * each caller resumes once its exchange is committed, so an acknowledged answer survives a power loss.
   * Quiet: no hot-path cache holds conversations, so keys, tiers and agents stay cached.
   */
  save(item: PendingSave): Promise<void> {
    return new Promise((done, failed) => {
      if (this.pending.push({ ...item, done, failed }) === 1) setImmediate(() => this.commitPending())
    })
  }

  private commitPending(): void {
    const batch = this.pending
    this.pending = []
    if (this.commit(batch)) return
    // One exchange the store refuses must not take the others down with it: each alone, then.
    if (batch.length > 1) for (const item of batch) this.commit([item])
  }

  private commit(batch: Array<PendingSave & { done: () => void; failed: (error: unknown) => void }>): boolean {
    try {
      this.db.transaction(() => {
        for (const item of batch) this.store(item)
      }, { quiet: true })
    } catch (error) {
      if (batch.length === 1) batch[0]!.failed(error)
      return false
    }
    for (const item of batch) item.done()
    return true
  }

  /** Question and answer, with the conversation made or moved on (inside commitPending's transaction). */
  private store({ exchange, conversation, input, answer, error }: PendingSave): void {
    const now = this.clock.now()
    if (conversation === undefined)
      this.db.run(
        this.db.db.insertInto('conversations').values({
          id: exchange.conversationId,
          agent_slug: exchange.agent.agent.slug,
          key_id: 'keyId' in input.caller ? input.caller.keyId : null,
          lineage_id: 'lineageId' in input.caller ? input.caller.lineageId : null,
          title: input.message.replace(/\s+/g, ' ').trim().slice(0, TITLE_CHARS),
          message_count: 2,
          created_at: now,
          updated_at: now,
        }),
      )
    else
      this.db.run(
        this.db.db
          .updateTable('conversations')
          .set((eb) => ({ message_count: eb('message_count', '+', 2), updated_at: now }))
          .where('id', '=', conversation.id),
      )
    this.db.run(
      this.db.db.insertInto('chat_messages').values([
        { conversation_id: exchange.conversationId, role: 'user', content: input.message, at: now, request_id: input.requestId, error: null },
        { conversation_id: exchange.conversationId, role: 'assistant', content: answer, at: now, request_id: input.requestId, error },
      ]),
    )
  }

  list(query: { agent?: string; keyId?: string; page: number; limit: number }): Page<Conversation> {
    let base = this.db.db.selectFrom('conversations')
    if (query.agent) base = base.where('agent_slug', '=', query.agent)
    if (query.keyId) base = base.where('key_id', '=', query.keyId)
    const total = this.db.first(base.select((e) => e.fn.countAll<number>().as('n')))?.n ?? 0
    const rows = this.db.all(
      base
        .selectAll()
        .orderBy('updated_at', 'desc')
        .orderBy('id')
        .limit(query.limit)
        .offset((query.page - 1) * query.limit),
    )
    return pageOf(rows.map(toConversation), query.page, query.limit, total)
  }

  /** One conversation with its messages; `caller` limits it to the key that held it (the operator sees all). */
  get(id: string, caller: ChatCaller): ConversationWithMessages {
    const row = this.db.first(this.db.db.selectFrom('conversations').selectAll().where('id', '=', id))
    if (!row || !ownedBy(row, caller)) throw new ChatError('NOT_FOUND', `No conversation ${id} for this key.`, { conversation_id: id })
    const messages = this.db.all(this.db.db.selectFrom('chat_messages').selectAll().where('conversation_id', '=', id).orderBy('id'))
    return {
      ...toConversation(row),
      messages: messages.map(
        (message): ChatMessage => ({ role: message.role, content: message.content, at: toIso(message.at), requestId: message.request_id, error: message.error }),
      ),
    }
  }
}

function ownedBy(conversation: ConversationRow, caller: ChatCaller): boolean {
  return 'operator' in caller || conversation.lineage_id === caller.lineageId
}

const toConversation = (row: ConversationRow): Conversation => ({
  id: row.id,
  agent: row.agent_slug,
  keyId: row.key_id,
  createdAt: toIso(row.created_at),
  updatedAt: toIso(row.updated_at),
  messageCount: row.message_count,
  title: row.title,
})
