import type { ChatUsage } from '../../src-shared/agents'
import type { SliceCreator } from './types'
import { errorMessage } from './ui'

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

export interface TrialSlice {
  trial: Trial
  /** Another agent starts another conversation. */
  chooseTrialAgent(agentId: string | null): void
  /** Same agent, a fresh conversation. */
  startNewTrial(): void
  /** Asks the trial's agent, continuing its conversation; the answer or the error lands in the turn. */
  sendTrial(message: string): Promise<void>
}

const emptyTrial = (agentId: string | null): Trial => ({ agentId, conversationId: null, turns: [], sending: false })

export const createTrialSlice: SliceCreator<TrialSlice> = ({ client }) => (set, get) => {
  // Each new conversation in the try-it box starts a generation; an answer for an older one is dropped.
  let trialGeneration = 0
  let nextTurnId = 1

  return {
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
        // The conversation gained a turn: the list and, when it is open, the drawer show it.
        if (get().conversations.loaded) void get().loadConversations()
        if (get().openConversation?.id === answer.conversationId) void get().showConversation(answer.conversationId)
      } catch (error) {
        finish({ error: errorMessage(error) })
      }
    },
  }
}
