import { Alert, Badge, DataList, Drawer, Group, Paper, Skeleton, Stack, Text, Title } from '@mantine/core'
import type { ChatMessage, ConversationWithMessages } from '../../../src-shared/agents'
import { formatDateTime, formatTimeOfDay } from '../../components/format'
import { useAdmin } from '../../store'
import { CallerName } from './ConversationsTab'
import { questionCount } from './labels'

function Message({ message }: { message: ChatMessage }) {
  const question = message.role === 'user'
  const unfinished = message.error !== null
  return (
    <Stack gap={2} align={question ? 'flex-end' : 'flex-start'} data-testid="conversation-message" data-role={message.role} data-unfinished={unfinished || undefined}>
      <Text size="xs" c="dimmed">
        {question ? 'Question' : 'Answer'} · {formatTimeOfDay(message.at)}
        {/* The question shares its answer's request: the id shows once, on the answer. */}
        {!question && message.requestId && (
          <Text span size="xs" ff="monospace" ml={6}>
            {message.requestId}
          </Text>
        )}
      </Text>
      {message.content && (
        <Paper
          px="md"
          py="xs"
          radius="lg"
          maw="85%"
          bg={question ? 'var(--mantine-primary-color-light)' : 'var(--mantine-color-default-hover)'}
          style={unfinished ? { borderLeft: '3px solid var(--mantine-color-red-filled)' } : undefined}
        >
          <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
            {message.content}
          </Text>
        </Paper>
      )}
      {unfinished && (
        <Alert color="red" variant="light" title={message.content ? 'The answer stopped here' : 'No answer'} maw="85%" py="xs" data-testid="conversation-message-error">
          {message.error}
        </Alert>
      )}
    </Stack>
  )
}

function ConversationDetail({ conversation }: { conversation: ConversationWithMessages }) {
  const keys = useAdmin((s) => s.keys)
  const keyName = (id: string) => keys.find((key) => key.id === id)?.name ?? null
  const questions = questionCount(conversation.messageCount)
  return (
    <Stack gap="lg">
      <Title order={3} size="h4" data-testid="conversation-drawer-title">
        {conversation.title}
      </Title>
      <DataList size="sm" labelWidth={110} withDivider>
        <DataList.Item>
          <DataList.ItemLabel>Id</DataList.ItemLabel>
          <DataList.ItemValue>
            <Text size="sm" ff="monospace">
              {conversation.id}
            </Text>
          </DataList.ItemValue>
        </DataList.Item>
        <DataList.Item>
          <DataList.ItemLabel>Agent</DataList.ItemLabel>
          <DataList.ItemValue>
            <Text size="sm" ff="monospace">
              {conversation.agent}
            </Text>
          </DataList.ItemValue>
        </DataList.Item>
        <DataList.Item>
          <DataList.ItemLabel>Caller</DataList.ItemLabel>
          <DataList.ItemValue>
            <CallerName keyId={conversation.keyId} keyName={keyName} />
          </DataList.ItemValue>
        </DataList.Item>
        <DataList.Item>
          <DataList.ItemLabel>Started</DataList.ItemLabel>
          <DataList.ItemValue>{formatDateTime(conversation.createdAt)}</DataList.ItemValue>
        </DataList.Item>
        <DataList.Item>
          <DataList.ItemLabel>Last message</DataList.ItemLabel>
          <DataList.ItemValue>{formatDateTime(conversation.updatedAt)}</DataList.ItemValue>
        </DataList.Item>
        <DataList.Item>
          <DataList.ItemLabel>Messages</DataList.ItemLabel>
          <DataList.ItemValue data-testid="conversation-drawer-count">
            {questions} question{questions === 1 ? '' : 's'}, {conversation.messageCount} messages
          </DataList.ItemValue>
        </DataList.Item>
      </DataList>
      <Stack gap="md" data-testid="conversation-messages">
        {conversation.messages.length === 0 ? (
          <Text size="sm" c="dimmed">
            No messages.
          </Text>
        ) : (
          conversation.messages.map((message, index) => <Message key={`${index}-${message.at}`} message={message} />)
        )}
      </Stack>
    </Stack>
  )
}

/** One conversation's messages, with the errors of answers that did not finish. */
export function ConversationDrawer() {
  const open = useAdmin((s) => s.openConversation)
  const hideConversation = useAdmin((s) => s.hideConversation)
  const unfinished = open?.conversation?.messages.filter((message) => message.error !== null).length ?? 0
  return (
    <Drawer
      opened={open !== null}
      onClose={hideConversation}
      position="right"
      size="xl"
      title={
        <Group gap="xs">
          <Text fw={600}>Conversation</Text>
          {unfinished > 0 && (
            <Badge color="red" variant="light" tt="none">
              {unfinished} unfinished
            </Badge>
          )}
        </Group>
      }
      data-testid="conversation-drawer"
    >
      {open?.error && (
        <Alert color="red" title="Could not load the conversation" mb="md">
          {open.error}
        </Alert>
      )}
      {open?.conversation ? (
        <ConversationDetail conversation={open.conversation} />
      ) : (
        open?.loading && (
          <Stack>
            <Skeleton h={28} w="70%" />
            <Skeleton h={140} />
            <Skeleton h={60} w="60%" ml="auto" />
            <Skeleton h={90} w="75%" />
          </Stack>
        )
      )}
    </Drawer>
  )
}
