import type { MethodOutput } from '../../src-shared/contract'
import type { Inbox, InboxMessage } from '../../src-shared/webhooks'
import { createNumberedList, emptyNumberedList, type NumberedList } from './numbered-list'
import type { SliceCreator } from './types'
import { errorMessage } from './ui'

export const INBOX_PAGE_SIZE = 25

/** The message shown in the drawer, with its verification under each scheme. */
export interface OpenInboxMessage {
  id: number
  message: InboxMessage | null
  loading: boolean
  error: string | null
}

/**
 * The built-in inbox (`POST /inbox/<name>`): the inboxes, the messages of the one chosen (newest first,
 * a page at a time, new ones arriving live) and one open in the drawer.
 */
export interface InboxSlice {
  inboxes: Inbox[]
  inboxesLoaded: boolean
  loadInboxes(): Promise<void>
  /** The inbox whose messages are shown; the filter of `inboxMessages`. */
  inboxMessages: NumberedList<InboxMessage, string | null>
  chooseInbox(name: string | null): void
  loadInboxMessages(): Promise<void>
  setInboxMessagesPage(page: number): void
  openInboxMessage: OpenInboxMessage | null
  showInboxMessage(id: number): Promise<void>
  hideInboxMessage(): void
  /** What the inbox verifies signatures with (null: none); every message's verdict is read again. Throws on failure. */
  setInboxSecret(name: string, secret: string | null): Promise<void>
  /** Deletes the inbox's messages; resolves to how many. Throws on failure. */
  clearInbox(name: string): Promise<number>
  /**
   * One click: a new endpoint aimed at the inbox (made if new), every event, and the inbox verifying with
   * that endpoint's secret. The inbox is chosen. Throws on failure.
   */
  connectInbox(name: string): Promise<MethodOutput<'inbox.connect'>>
  /** Follows new messages (`inbox.new`) and changes made elsewhere while the Inbox page is open. Returns the stop. */
  followInbox(): () => void
}

export const createInboxSlice: SliceCreator<InboxSlice> = ({ client }) => (set, get) => {
  const list = createNumberedList<InboxMessage, string | null>(
    {
      fetchPage: async (name, page, limit) =>
        name === null ? { data: [], meta: { page: 1, limit, total: 0 } } : client.invoke('inbox.messages', { name, page, limit }),
      failure: 'Could not load the inbox',
    },
    {
      read: () => get().inboxMessages,
      write: (change) => set({ inboxMessages: { ...get().inboxMessages, ...change } }),
      reportError: (error, title) => get().reportError(error, title),
    },
  )
  let inboxesGeneration = 0
  // The drawer shows the message asked for last; an older answer is dropped.
  let messageRequest = 0

  const showInboxMessage = async (id: number) => {
    const mine = ++messageRequest
    const current = get().openInboxMessage
    const same = current?.id === id
    set({ openInboxMessage: { id, message: same ? current.message : null, loading: true, error: null } })
    try {
      const message = await client.invoke('inbox.get', { id })
      if (mine === messageRequest) set({ openInboxMessage: { id, message, loading: false, error: null } })
    } catch (error) {
      if (mine !== messageRequest) return
      set({ openInboxMessage: { id, message: same ? (current.message ?? null) : null, loading: false, error: errorMessage(error) } })
    }
  }

  const loadInboxes = async () => {
    const mine = ++inboxesGeneration
    try {
      const inboxes = await client.invoke('inbox.list', {})
      if (mine !== inboxesGeneration) return
      set({ inboxes, inboxesLoaded: true })
      // The first inbox is shown until the operator picks another; a chosen one that is gone is let go.
      const chosen = get().inboxMessages.filter
      if (chosen === null ? inboxes.length > 0 : !inboxes.some((inbox) => inbox.name === chosen)) get().chooseInbox(inboxes[0]?.name ?? null)
    } catch (error) {
      if (mine === inboxesGeneration) get().reportError(error, 'Could not load the inboxes')
    }
  }

  /** A message came: the inbox's count and time move, and it tops the list if its inbox is shown on page 1. */
  const receive = (message: InboxMessage) => {
    const inboxes = get().inboxes
    if (!inboxes.some((inbox) => inbox.name === message.inbox)) {
      // A new inbox, made by its first message.
      void loadInboxes()
      return
    }
    set({
      inboxes: inboxes.map((inbox) =>
        inbox.name === message.inbox ? { ...inbox, messages: inbox.messages + 1, lastAt: message.receivedAt } : inbox,
      ),
    })
    const shown = get().inboxMessages
    if (shown.filter !== message.inbox || !shown.loaded || shown.rows.some((row) => row.id === message.id)) return
    if (shown.page !== 1) {
      set({ inboxMessages: { ...shown, total: shown.total + 1 } })
      return
    }
    set({ inboxMessages: { ...shown, rows: [message, ...shown.rows].slice(0, shown.limit), total: shown.total + 1 } })
  }

  return {
    inboxes: [],
    inboxesLoaded: false,
    loadInboxes,
    inboxMessages: emptyNumberedList<InboxMessage, string | null>(null, INBOX_PAGE_SIZE),
    chooseInbox: (name) => list.setFilter(name, { clear: true }),
    loadInboxMessages: list.load,
    setInboxMessagesPage: list.setPage,
    openInboxMessage: null,
    showInboxMessage,

    hideInboxMessage() {
      messageRequest++
      set({ openInboxMessage: null })
    },

    async setInboxSecret(name, secret) {
      const { hasSecret } = await client.invoke('inbox.setSecret', { name, secret })
      inboxesGeneration++
      set({ inboxes: get().inboxes.map((inbox) => (inbox.name === name ? { ...inbox, hasSecret } : inbox)) })
      // Verdicts are worked out as messages are read: read them again under the new secret.
      if (get().inboxMessages.filter === name) void list.load()
      const open = get().openInboxMessage
      if (open?.message?.inbox === name) void showInboxMessage(open.id)
    },

    async clearInbox(name) {
      const { deleted } = await client.invoke('inbox.clear', { name })
      inboxesGeneration++
      set({ inboxes: get().inboxes.map((inbox) => (inbox.name === name ? { ...inbox, messages: 0, lastAt: null } : inbox)) })
      if (get().openInboxMessage?.message?.inbox === name) get().hideInboxMessage()
      if (get().inboxMessages.filter === name) list.setFilter(name, { clear: true })
      return deleted
    },

    async connectInbox(name) {
      const connected = await client.invoke('inbox.connect', { name, events: ['*'] })
      inboxesGeneration++
      const others = get().inboxes.filter((inbox) => inbox.name !== connected.inbox.name)
      set({ inboxes: [...others, connected.inbox].sort((a, b) => a.name.localeCompare(b.name)) })
      if (get().webhookEndpointsLoaded) set({ webhookEndpoints: [connected.endpoint, ...get().webhookEndpoints] })
      get().chooseInbox(connected.inbox.name)
      return connected
    },

    followInbox() {
      const stopMessages = client.on('inbox.new', receive)
      const stopAudit = client.on('audit.new', (entries) => {
        // Another tab or the CLI set a secret, cleared an inbox, connected one.
        if (entries.some((entry) => entry.action.startsWith('inbox.'))) {
          void loadInboxes()
          if (get().inboxMessages.loaded) void list.load()
        }
      })
      const stopReconnect = client.onReconnect(() => {
        void loadInboxes()
        if (get().inboxMessages.loaded) void list.load()
      })
      return () => {
        stopReconnect()
        stopAudit()
        stopMessages()
      }
    },
  }
}
