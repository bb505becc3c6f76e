import { Button, Group, Select, Stack, Text, Tooltip } from '@mantine/core'
import type { Conversation } from '../../../src-shared/agents'
import { DataTable, type Column } from '../../components/DataTable'
import { EmptyState } from '../../components/EmptyState'
import { formatDateTime, formatRelative } from '../../components/format'
import { useLoadOnArrival } from '../../components/useLoadOnArrival'
import { useNow } from '../../components/useNow'
import { hrefFor } from '../../router'
import { useAdmin } from '../../store'
import { questionCount, TRY_IT_LABEL } from './labels'

/** A key by its name, or the try-it box for conversations held without a key. */
export function CallerName({ keyId, keyName }: { keyId: string | null; keyName: (id: string) => string | null }) {
  if (keyId === null)
    return (
      <Text size="sm" c="dimmed" span>
        {TRY_IT_LABEL}
      </Text>
    )
  const name = keyName(keyId)
  return (
    <Tooltip label={keyId} withArrow disabled={!name}>
      <Text size="sm" ff={name ? undefined : 'monospace'} span>
        {name ?? keyId}
      </Text>
    </Tooltip>
  )
}

function conversationColumns(now: number, keyName: (id: string) => string | null): Column<Conversation>[] {
  return [
    {
      key: 'title',
      header: 'First question',
      cell: (conversation) => (
        <>
          <Text size="sm" lineClamp={1} data-testid="conversation-title">
            {conversation.title}
          </Text>
          <Text size="xs" c="dimmed" ff="monospace">
            {conversation.id}
          </Text>
        </>
      ),
    },
    { key: 'agent', header: 'Agent', nowrap: true, cell: (conversation) => <Text size="sm" ff="monospace">{conversation.agent}</Text> },
    { key: 'caller', header: 'Caller', cell: (conversation) => <CallerName keyId={conversation.keyId} keyName={keyName} /> },
    {
      key: 'questions',
      header: 'Questions',
      align: 'right',
      nowrap: true,
      cell: (conversation) => {
        const questions = questionCount(conversation.messageCount)
        return (
          <Tooltip label={`${conversation.messageCount} messages, questions and answers`} withArrow>
            <Text size="sm" data-testid="conversation-questions" data-questions={questions}>
              {questions} question{questions === 1 ? '' : 's'}
            </Text>
          </Tooltip>
        )
      },
    },
    {
      key: 'updated',
      header: 'Last message',
      nowrap: true,
      cell: (conversation) => (
        <Tooltip label={`Started ${formatDateTime(conversation.createdAt)}, last message ${formatDateTime(conversation.updatedAt)}`} withArrow>
          <Text size="sm">{formatRelative(conversation.updatedAt, now)}</Text>
        </Tooltip>
      ),
    },
  ]
}

/** Every conversation held through the API or the try-it box, latest first; one opens in the drawer. */
export function ConversationsTab() {
  const { rows, page, limit, total, loaded, loading, filter } = useAdmin((s) => s.conversations)
  const agents = useAdmin((s) => s.agents)
  const loadConversations = useAdmin((s) => s.loadConversations)
  const setConversationFilter = useAdmin((s) => s.setConversationFilter)
  const setConversationsPage = useAdmin((s) => s.setConversationsPage)
  const showConversation = useAdmin((s) => s.showConversation)
  const keys = useAdmin((s) => s.keys)
  const now = useNow(30_000)
  // Read again each time the tab opens: callers chat through the API while the operator looks elsewhere.
  useLoadOnArrival(false, loadConversations)

  const keyName = (id: string) => keys.find((key) => key.id === id)?.name ?? null
  // A filter on an agent since deleted or renamed still shows as a choice.
  const slugs = [...new Set([...agents.map((agent) => agent.slug), ...(filter.agent ? [filter.agent] : [])])]

  return (
    <Stack>
      <Group align="flex-end" justify="space-between">
        <Select
          label="Agent"
          placeholder="All agents"
          clearable
          data={slugs}
          value={filter.agent}
          onChange={(agent) => setConversationFilter({ agent })}
          w={260}
          data-testid="conversations-agent-filter"
        />
        <Text size="xs" c="dimmed">
          Latest first. Open one for its messages.
        </Text>
      </Group>
      <DataTable
        label="Conversations"
        testId="conversations-table"
        minWidth={820}
        columns={conversationColumns(now, keyName)}
        rows={rows}
        rowKey={(conversation) => conversation.id}
        rowAttributes={(conversation) => ({
          'data-testid': 'conversation-row',
          'data-conversation-id': conversation.id,
          'data-agent': conversation.agent,
        })}
        loading={!loaded || loading}
        empty={
          filter.agent ? (
            <EmptyState
              actions={
                <Button size="xs" variant="default" onClick={() => setConversationFilter({ agent: null })}>
                  Every agent
                </Button>
              }
            >
              No conversations with {filter.agent} yet.
            </EmptyState>
          ) : (
            <EmptyState
              actions={
                <>
                  <Button component="a" href={hrefFor('agents', 'agents')} size="xs" variant="light">
                    Ask in the try-it box
                  </Button>
                  <Button component="a" href={hrefFor('playground')} size="xs" variant="default">
                    Open the Playground
                  </Button>
                </>
              }
            >
              No conversations yet. Ask an agent in the try-it box, or send <Text span ff="monospace">POST /api/v1/chat</Text> with a key.
            </EmptyState>
          )
        }
        onRowActivate={(conversation) => void showConversation(conversation.id)}
        paging={{ page, limit, total, onChange: setConversationsPage, testId: 'conversations-pager', noun: 'conversations' }}
      />
    </Stack>
  )
}
