import type { Conversation, ConversationWithMessages } from '../../src-shared/agents'
import { createNumberedList, emptyNumberedList, type NumberedList } from './numbered-list'
import type { SliceCreator } from './types'
import { errorMessage } from './ui'

export const CONVERSATIONS_PAGE_SIZE = 25

export interface ConversationFilter {
  /** An agent's slug, or null for every agent. */
  agent: string | null
}

/** The conversation shown in the drawer. */
export interface OpenConversation {
  id: string
  conversation: ConversationWithMessages | null
  loading: boolean
  error: string | null
}

/** The conversations agents held, a page at a time, and the one open in the drawer with its messages. */
export interface ConversationsSlice {
  conversations: NumberedList<Conversation, ConversationFilter>
  loadConversations(): Promise<void>
  setConversationFilter(change: Partial<ConversationFilter>): void
  setConversationsPage(page: number): void
  openConversation: OpenConversation | null
  showConversation(id: string): Promise<void>
  hideConversation(): void
}

export const createConversationsSlice: SliceCreator<ConversationsSlice> = ({ client }) => (set, get) => {
  const list = createNumberedList<Conversation, ConversationFilter>(
    {
      fetchPage: (filter, page, limit) => client.invoke('conversations.list', { agent: filter.agent ?? undefined, page, limit }),
      failure: 'Could not load the conversations',
    },
    {
      read: () => get().conversations,
      write: (change) => set({ conversations: { ...get().conversations, ...change } }),
      reportError: (error, title) => get().reportError(error, title),
    },
  )
  // The drawer shows the conversation asked for last; an older answer is dropped.
  let conversationRequest = 0

  return {
    conversations: emptyNumberedList<Conversation, ConversationFilter>({ agent: null }, CONVERSATIONS_PAGE_SIZE),
    loadConversations: list.load,
    setConversationFilter: (change) => list.setFilter({ ...get().conversations.filter, ...change }, { clear: true }),
    setConversationsPage: list.setPage,
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
        set({ openConversation: { id, conversation: same ? (current.conversation ?? null) : null, loading: false, error: errorMessage(error) } })
      }
    },

    hideConversation() {
      conversationRequest++
      set({ openConversation: null })
    },
  }
}
