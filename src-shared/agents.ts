import { z } from 'zod'

/**
 * Chat agents (seed 001, SPEC §4 Chat), conversations, and per-key fault injection, as the API, the
 * admin contract and the GUI hand them out.
 */

const isoTime = z.iso.datetime({ offset: true })

export const AGENT_SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/
export const AgentSlug = z.string().regex(AGENT_SLUG, 'lower-case letters, digits and dashes, e.g. "support-bot"')

export const AgentProvider = z.enum(['scripted', 'openai-compatible'])
export type AgentProvider = z.infer<typeof AgentProvider>

export const ScriptedRule = z.object({
  match: z.string().min(1).max(500).describe('text to look for, or a regular expression when regex is true'),
  regex: z.boolean().default(false),
  reply: z
    .string()
    .min(1)
    .max(20_000)
    .describe('the reply; {agent} is the agent\'s name, {message} the question, {1} {2} … the matched groups'),
})
export type ScriptedRule = z.infer<typeof ScriptedRule>

export const ScriptedSettings = z.object({
  rules: z.array(ScriptedRule).max(200).default([]),
  defaultReply: z.string().min(1).max(20_000),
  chunkChars: z.number().int().min(1).max(10_000).default(16).describe('characters per streamed chunk (cut at word ends)'),
  chunkDelayMs: z.number().int().min(0).max(10_000).default(40).describe('pause between chunks'),
})
export type ScriptedSettings = z.infer<typeof ScriptedSettings>

export const UpstreamSettings = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }).max(500).describe('e.g. http://127.0.0.1:11434/v1 (Ollama); /chat/completions is appended'),
  model: z.string().min(1).max(200),
  systemPrompt: z.string().max(20_000).default(''),
  temperature: z.number().min(0).max(2).nullable().default(null),
  timeoutSeconds: z.number().int().min(1).max(3600).default(120).describe('the whole exchange'),
})
export type UpstreamSettings = z.infer<typeof UpstreamSettings>

export const Agent = z
  .object({
    id: z.string().describe('agent_…'),
    slug: AgentSlug,
    name: z.string(),
    description: z.string(),
    provider: AgentProvider,
    scripted: ScriptedSettings.nullable(),
    upstream: UpstreamSettings.extend({ hasApiKey: z.boolean().describe('an API key is stored (it is never shown)') }).nullable(),
    builtIn: z.boolean(),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .meta({ id: 'Agent' })
export type Agent = z.infer<typeof Agent>

/** What `GET /api/v1/agents` shows a key: no provider settings. */
export const PublicAgent = Agent.pick({ slug: true, name: true, description: true, provider: true }).meta({ id: 'PublicAgent' })
export type PublicAgent = z.infer<typeof PublicAgent>

const name = z.string().trim().min(1).max(100)
const description = z.string().trim().max(1000)
/** An upstream API key: write-only. null removes it. */
const upstreamApiKey = z.string().min(1).max(500).nullable()

export const AgentInput = z
  .object({
    slug: AgentSlug,
    name,
    description: description.default(''),
    provider: AgentProvider,
    scripted: ScriptedSettings.optional(),
    upstream: UpstreamSettings.extend({ apiKey: upstreamApiKey.optional() }).optional(),
  })
  .strict()
export type AgentInput = z.infer<typeof AgentInput>

export const AgentChanges = z
  .object({
    id: z.string().min(1).max(64),
    slug: AgentSlug.optional(),
    name: name.optional(),
    description: description.optional(),
    provider: AgentProvider.optional(),
    scripted: ScriptedSettings.optional(),
    upstream: UpstreamSettings.extend({ apiKey: upstreamApiKey.optional() }).optional(),
  })
  .strict()
export type AgentChanges = z.infer<typeof AgentChanges>

export const ChatUsage = z
  .object({
    prompt_tokens: z.number().int(),
    completion_tokens: z.number().int(),
    total_tokens: z.number().int(),
    estimated: z.boolean().describe('true when counted here (about 4 characters a token) rather than reported by the model'),
  })
  .meta({ id: 'ChatUsage' })
export type ChatUsage = z.infer<typeof ChatUsage>

export const ChatMessage = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  at: isoTime,
  requestId: z.string().nullable(),
  /** Set on an answer that did not finish (the stream failed or the client left). */
  error: z.string().nullable(),
})
export type ChatMessage = z.infer<typeof ChatMessage>

export const Conversation = z
  .object({
    id: z.string().describe('conv_…'),
    agent: z.string().describe('the agent\'s slug'),
    keyId: z.string().nullable(),
    createdAt: isoTime,
    updatedAt: isoTime,
    messageCount: z.number().int(),
    title: z.string().describe('the first question, shortened'),
  })
  .meta({ id: 'Conversation' })
export type Conversation = z.infer<typeof Conversation>

export const ConversationWithMessages = Conversation.extend({ messages: z.array(ChatMessage) }).meta({ id: 'ConversationWithMessages' })
export type ConversationWithMessages = z.infer<typeof ConversationWithMessages>

/**
 * Per-key fault injection: a share of this key's requests fails on purpose, so a developer can watch
 * their retry logic cope. The share is exact over every 100 requests, at random positions.
 */
export const FaultKind = z.enum(['error_429', 'error_500', 'latency', 'stream_cut'])
export type FaultKind = z.infer<typeof FaultKind>

export const Faults = z
  .object({
    kind: FaultKind.describe('error_429 and error_500 answer the documented error; latency delays; stream_cut ends a chat stream with stream_error'),
    percent: z.number().int().min(1).max(100).describe('share of requests affected, exact per 100 requests'),
    routes: z.enum(['all', 'chat']).default('all').describe('every route, or POST /api/v1/chat only'),
    latencyMs: z.number().int().min(1).max(60_000).default(1000).describe('latency: the delay added'),
    afterChunks: z.number().int().min(0).max(10_000).default(3).describe('stream_cut: chunks sent before the cut'),
    retryAfterSeconds: z.number().int().min(1).max(3600).default(1).describe('error_429: the Retry-After sent'),
  })
  .strict()
  .meta({ id: 'Faults' })
export type Faults = z.infer<typeof Faults>
export type FaultsInput = z.input<typeof Faults>
