import type { Agent } from '../../src-shared/agents'
import type { MethodInput } from '../../src-shared/contract'
import type { SliceCreator } from './types'

/** API paths of chat requests: each one adds to a conversation. */
const CHAT_PATH = /^\/api\/v1\/chat(\/|\?|$)/

/** The agents that answer `POST /api/v1/chat`. */
export interface AgentsSlice {
  agents: Agent[]
  agentsLoaded: boolean
  loadAgents(): Promise<void>
  /** Throws on failure; the form shows why. */
  createAgent(input: MethodInput<'agents.create'>): Promise<Agent>
  /** Throws on failure. */
  updateAgent(changes: MethodInput<'agents.update'>): Promise<Agent>
  /** Throws on failure. */
  deleteAgent(id: string): Promise<void>
  /**
   * Follows what changes the Agents page's lists from elsewhere: chat requests through the API add
   * conversations, agent audit entries (the CLI, another tab) change the agents. Returns the stop.
   */
  followChat(): () => void
}

export const createAgentsSlice: SliceCreator<AgentsSlice> = ({ client }) => (set, get) => ({
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
      get().reportError(error, 'Could not load the agents')
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
    if (before && before.slug !== updated.slug && get().conversations.loaded) void get().loadConversations()
    return updated
  },

  async deleteAgent(id) {
    await client.invoke('agents.delete', { id })
    const agents = get().agents.filter((agent) => agent.id !== id)
    set({ agents })
    if (get().trial.agentId === id) get().chooseTrialAgent(agents[0]?.id ?? null)
  },

  followChat() {
    let timer: ReturnType<typeof setTimeout> | null = null
    const refreshConversations = () => {
      timer ??= setTimeout(() => {
        timer = null
        if (get().conversations.loaded) void get().loadConversations()
        const open = get().openConversation
        if (open) void get().showConversation(open.id)
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
})
