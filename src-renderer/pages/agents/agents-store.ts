import { createContext, useContext } from 'react'
import { useStore } from 'zustand'
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { Agent, ChatUsage, Conversation, ConversationWithMessages, Faults } from '../../../src-shared/agents'
import type { MethodInput } from '../../../src-shared/contract'
import type { KeyDto } from '../../../src-shared/dto'
import type { AdminClient } from '../../api'
import type { AdminStore } from '../../store'
import { createNumberedList, emptyNumberedList, type NumberedList } from '../../store/numbered-list'

/**
 * Part 3 of the product in the GUI: agents, their conversations, the try-it box and per-key fault
 * injection. Its own store beside the admin store (the store folder belongs to the admin slices);
 * the same rules hold: its actions are the only callers of the API client, and it reports through
 * the admin store's notices. It is written so that it folds into the admin store as one slice.
 */

export const CONVERSATIONS_PAGE_SIZE = 25

export interface ConversationFilter {
  /** An agent's slug, or null for every agent. */
  agent: string | null
}

/** One question asked in the try-it box and what came back. */
export interface TrialTurn {
  id: number
  question: string
  at: string
  /** null while the answer is on its way, or when it failed. */
  answer: string | null
  usage: ChatUsage | null
  requestId: string | null
  error: string | null
}

/** The try-it box: one agent, one conversation continued turn after turn until a new one starts. */
export interface Trial {
  /** The agent's id (its slug may change while the box is open). */
  agentId: string | null
  conversationId: string | null
  turns: TrialTurn[]
  sending: boolean
}

/** The conversation shown in the drawer. */
export interface OpenConversation {
  id: string
  conversation: ConversationWithMessages | null
  loading: boolean
  error: string | null
}

export interface AgentsState {
  agents: Agent[]
  agentsLoaded: boolean
  loadAgents(): Promise<void>
  /** Throws on failure; the form shows why. */
  createAgent(input: MethodInput<'agents.create'>): Promise<Agent>
  /** Throws on failure. */
  updateAgent(changes: MethodInput<'agents.update'>): Promise<Agent>
  /** Throws on failure. */
  deleteAgent(id: string): Promise<void>

  conversations: NumberedList<Conversation, ConversationFilter>
  loadConversations(): Promise<void>
  setConversationFilter(change: Partial<ConversationFilter>): void
  setConversationsPage(page: number): void
  openConversation: OpenConversation | null
  showConversation(id: string): Promise<void>
  hideConversation(): void

  trial: Trial
  /** Another agent starts another conversation. */
  chooseTrialAgent(agentId: string | null): void
  /** Same agent, a fresh conversation. */
  startNewTrial(): void
  /** Asks the trial's agent, continuing its conversation; the answer or the error lands in the turn. */
  sendTrial(message: string): Promise<void>

  /** Sets or (with null) switches off a key's fault injection; the keys table shows it at once. Throws on failure. */
  setKeyFaults(keyId: string, faults: Faults | null): Promise<KeyDto>

  /**
   * Follows what changes the page's lists from elsewhere: chat requests through the API add
   * conversations, agent audit entries (the CLI, another tab) change the agents. Returns the stop.
   */
  followChat(): () => void
}

export interface AgentsStoreDeps {
  client: AdminClient
  /** Where notices go and where the keys live. */
  admin: AdminStore
}

const CHAT_PATH = /^\/api\/v1\/chat(\/|\?|$)/
const emptyTrial = (agentId: string | null): Trial => ({ agentId, conversationId: null, turns: [], sending: false })
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))

export function createAgentsStore({ client, admin }: AgentsStoreDeps): StoreApi<AgentsState> {
  const reportError = (error: unknown, title: string) => admin.getState().reportError(error, title)

  return createStore<AgentsState>()((set, get) => {
    const conversations = createNumberedList<Conversation, ConversationFilter>(
      {
        fetchPage: (filter, page, limit) => client.invoke('conversations.list', { agent: filter.agent ?? undefined, page, limit }),
        failure: 'Could not load the conversations',
      },
      {
        read: () => get().conversations,
        write: (change) => set({ conversations: { ...get().conversations, ...change } }),
        reportError,
      },
    )
    // Each new conversation in the try-it box starts a generation; an answer for an older one is dropped.
    let trialGeneration = 0
    let nextTurnId = 1
    // The drawer shows the conversation asked for last; an older answer is dropped.
    let conversationRequest = 0

    const reloadOpenConversation = (id: string) => {
      if (get().openConversation?.id === id) void get().showConversation(id)
    }

    return {
      agents: [],
      agentsLoaded: false,

      async loadAgents() {
        try {
          const agents = await client.invoke('agents.list', {})
          set({ agents, agentsLoaded: true })
          const { trial } = get()
          // The try-it box follows the agents: the first one when none is picked, none once its agent is gone.
          if (trial.agentId === null || !agents.some((agent) => agent.id === trial.agentId)) get().chooseTrialAgent(agents[0]?.id ?? null)
        } catch (error) {
          reportError(error, 'Could not load the agents')
        }
      },

      async createAgent(input) {
        const created = await client.invoke('agents.create', input)
        set({ agents: [...get().agents, created] })
        return created
      },

      async updateAgent(changes) {
        const before = get().agents.find((agent) => agent.id === changes.id)
        const updated = await client.invoke('agents.update', changes)
        set({ agents: get().agents.map((agent) => (agent.id === updated.id ? updated : agent)) })
        // Conversations name their agent by slug: a new slug renames them in the list.
        if (before && before.slug !== updated.slug && get().conversations.loaded) void conversations.load()
        return updated
      },

      async deleteAgent(id) {
        await client.invoke('agents.delete', { id })
        const agents = get().agents.filter((agent) => agent.id !== id)
        set({ agents })
        if (get().trial.agentId === id) get().chooseTrialAgent(agents[0]?.id ?? null)
      },

      conversations: emptyNumberedList<Conversation, ConversationFilter>({ agent: null }, CONVERSATIONS_PAGE_SIZE),
      loadConversations: conversations.load,
      setConversationFilter: (change) => conversations.setFilter({ ...get().conversations.filter, ...change }, { clear: true }),
      setConversationsPage: conversations.setPage,
      openConversation: null,

      async showConversation(id) {
        const mine = ++conversationRequest
        const current = get().openConversation
        const same = current?.id === id
        set({ openConversation: { id, conversation: same ? current.conversation : null, loading: true, error: null } })
        try {
          const conversation = await client.invoke('conversations.get', { id })
          if (mine === conversationRequest) set({ openConversation: { id, conversation, loading: false, error: null } })
        } catch (error) {
          if (mine !== conversationRequest) return
          set({ openConversation: { id, conversation: same ? (current.conversation ?? null) : null, loading: false, error: messageOf(error) } })
        }
      },

      hideConversation() {
        conversationRequest++
        set({ openConversation: null })
      },

      trial: emptyTrial(null),

      chooseTrialAgent(agentId) {
        if (agentId === get().trial.agentId && get().trial.turns.length === 0) return
        trialGeneration++
        set({ trial: emptyTrial(agentId) })
      },

      startNewTrial() {
        trialGeneration++
        set({ trial: emptyTrial(get().trial.agentId) })
      },

      async sendTrial(message) {
        const { trial, agents } = get()
        const agent = agents.find((candidate) => candidate.id === trial.agentId)
        if (!agent || trial.sending || !message.trim()) return
        const mine = trialGeneration
        const turn: TrialTurn = { id: nextTurnId++, question: message, at: new Date().toISOString(), answer: null, usage: null, requestId: null, error: null }
        set({ trial: { ...trial, turns: [...trial.turns, turn], sending: true } })
        const finish = (change: Partial<TrialTurn>, conversationId?: string) => {
          if (mine !== trialGeneration) return
          const now = get().trial
          set({
            trial: {
              ...now,
              conversationId: conversationId ?? now.conversationId,
              turns: now.turns.map((candidate) => (candidate.id === turn.id ? { ...candidate, ...change } : candidate)),
              sending: false,
            },
          })
        }
        try {
          const answer = await client.invoke('agents.try', { agent: agent.slug, message, conversationId: trial.conversationId ?? undefined })
          finish({ answer: answer.response, usage: answer.usage, requestId: answer.requestId }, answer.conversationId)
          if (get().conversations.loaded) void conversations.load()
          reloadOpenConversation(answer.conversationId)
        } catch (error) {
          finish({ error: messageOf(error) })
        }
      },

      async setKeyFaults(keyId, faults) {
        const key = await client.invoke('keys.setFaults', { id: keyId, faults })
        admin.setState((state) => ({ keys: state.keys.map((candidate) => (candidate.id === key.id ? key : candidate)) }))
        return key
      },

      followChat() {
        let timer: ReturnType<typeof setTimeout> | null = null
        const refreshConversations = () => {
          timer ??= setTimeout(() => {
            timer = null
            if (get().conversations.loaded) void conversations.load()
            const open = get().openConversation
            if (open) reloadOpenConversation(open.id)
          }, 300)
        }
        const stopRequests = client.on('requests.new', (rows) => {
          if (rows.some((row) => row.method === 'POST' && CHAT_PATH.test(row.path))) refreshConversations()
        })
        const stopAudit = client.on('audit.new', (entries) => {
          if (entries.some((entry) => entry.action.startsWith('agent.'))) void get().loadAgents()
        })
        const stopReconnect = client.onReconnect(() => {
          void get().loadAgents()
          refreshConversations()
        })
        return () => {
          if (timer) clearTimeout(timer)
          stopReconnect()
          stopAudit()
          stopRequests()
        }
      },
    }
  })
}

export const AgentsStoreContext = createContext<StoreApi<AgentsState> | null>(null)

export function useAgents<T>(selector: (state: AgentsState) => T): T {
  const store = useContext(AgentsStoreContext)
  if (!store) throw new Error('useAgents must be used inside <AgentsStoreContext.Provider>')
  return useStore(store, selector)
}
