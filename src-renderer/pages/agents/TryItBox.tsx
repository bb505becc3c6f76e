import { Alert, Badge, Box, Button, Group, Kbd, Loader, Paper, ScrollArea, Select, Stack, Text, Textarea, Title } from '@mantine/core'
import { useEffect, useRef, useState, type KeyboardEvent } from 'react'
import { SendIcon } from '../../components/icons'
import { useAdmin, type TrialTurn } from '../../store'
import { usageSummary } from './labels'

/** Ctrl on Windows and Linux, ⌘ on a Mac. */
const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform)

function Bubble({ side, children, testId }: { side: 'question' | 'answer'; children: React.ReactNode; testId: string }) {
  const question = side === 'question'
  return (
    <Group justify={question ? 'flex-end' : 'flex-start'} wrap="nowrap">
      <Paper
        px="md"
        py="xs"
        radius="lg"
        maw="80%"
        bg={question ? 'var(--mantine-primary-color-light)' : 'var(--mantine-color-default-hover)'}
        data-testid={testId}
      >
        {children}
      </Paper>
    </Group>
  )
}

function Turn({ turn, agentName }: { turn: TrialTurn; agentName: string }) {
  return (
    <Stack gap={6} data-testid="trial-turn">
      <Bubble side="question" testId="trial-question">
        <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {turn.question}
        </Text>
      </Bubble>
      {turn.error !== null ? (
        <Alert color="red" variant="light" title="No answer" maw="80%" data-testid="trial-error">
          {turn.error}
        </Alert>
      ) : turn.answer === null ? (
        <Group gap="xs" c="dimmed" data-testid="trial-pending">
          <Loader size="xs" type="dots" />
          <Text size="sm" c="dimmed">
            {agentName} is answering…
          </Text>
        </Group>
      ) : (
        <Stack gap={2} align="flex-start">
          <Bubble side="answer" testId="trial-answer">
            <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
              {turn.answer}
            </Text>
          </Bubble>
          {turn.usage && (
            <Group gap="xs" pl="xs">
              <Text size="xs" c="dimmed" data-testid="trial-usage">
                {usageSummary(turn.usage)}
              </Text>
              {turn.requestId && (
                <Text size="xs" c="dimmed" ff="monospace" title="Request ID, as in the request log">
                  {turn.requestId}
                </Text>
              )}
            </Group>
          )}
        </Stack>
      )}
    </Stack>
  )
}

interface Props {
  /** Counts the agents table's Try clicks: each brings the question field into view and focuses it. */
  focusRequest: number
}

/** Ask an agent as a caller would and continue the same conversation, without a key or a terminal. */
export function TryItBox({ focusRequest }: Props) {
  const agents = useAdmin((s) => s.agents)
  const trial = useAdmin((s) => s.trial)
  const chooseTrialAgent = useAdmin((s) => s.chooseTrialAgent)
  const startNewTrial = useAdmin((s) => s.startNewTrial)
  const sendTrial = useAdmin((s) => s.sendTrial)
  const showConversation = useAdmin((s) => s.showConversation)
  const [message, setMessage] = useState('')
  const viewport = useRef<HTMLDivElement>(null)
  const input = useRef<HTMLTextAreaElement>(null)

  const agent = agents.find((candidate) => candidate.id === trial.agentId) ?? null
  const lastTurn = trial.turns.at(-1)
  const canSend = agent !== null && !trial.sending && message.trim().length > 0

  // The newest exchange stays in view as it grows.
  useEffect(() => {
    viewport.current?.scrollTo({ top: viewport.current.scrollHeight })
  }, [trial.turns.length, lastTurn?.answer, lastTurn?.error])

  useEffect(() => {
    if (focusRequest === 0) return
    input.current?.scrollIntoView({ block: 'center', behavior: 'smooth' })
    input.current?.focus({ preventScroll: true })
  }, [focusRequest])

  const send = () => {
    if (!canSend) return
    void sendTrial(message)
    setMessage('')
  }
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault()
      send()
    }
  }

  return (
    <Paper withBorder p="md" radius="md" data-testid="try-it">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-end" wrap="wrap">
          <div>
            <Title order={3} size="h4">
              Try an agent
            </Title>
            <Text size="sm" c="dimmed">
              Ask as a caller would; each question continues the conversation until you start a new one.
            </Text>
          </div>
          <Group gap="sm" align="flex-end">
            <Select
              label="Agent"
              aria-label="Agent to try"
              data={agents.map((candidate) => ({ value: candidate.id, label: `${candidate.name} (${candidate.slug})` }))}
              value={trial.agentId}
              onChange={(id) => chooseTrialAgent(id)}
              allowDeselect={false}
              w={280}
              data-testid="try-agent-select"
            />
            <Button variant="default" onClick={startNewTrial} disabled={trial.turns.length === 0} data-testid="try-new-conversation">
              New conversation
            </Button>
          </Group>
        </Group>

        <ScrollArea.Autosize mah={440} viewportRef={viewport} type="auto" offsetScrollbars>
          <Stack gap="md" py="xs" aria-live="polite" data-testid="try-transcript">
            {trial.turns.length === 0 ? (
              <Text size="sm" c="dimmed" ta="center" py="lg">
                {agent ? `No questions yet. Ask ${agent.name} something below.` : 'Pick an agent to try.'}
              </Text>
            ) : (
              trial.turns.map((turn) => <Turn key={turn.id} turn={turn} agentName={agent?.name ?? 'The agent'} />)
            )}
          </Stack>
        </ScrollArea.Autosize>

        <Box>
          <Textarea
            ref={input}
            aria-label="Message"
            placeholder={agent ? `Message ${agent.name}` : 'Pick an agent first'}
            autosize
            minRows={2}
            maxRows={8}
            value={message}
            onChange={(event) => setMessage(event.currentTarget.value)}
            onKeyDown={onKeyDown}
            disabled={!agent}
            data-testid="try-message"
          />
          <Group justify="space-between" mt="xs" wrap="wrap">
            <Group gap="xs">
              {trial.conversationId ? (
                <>
                  <Badge variant="light" color="gray" tt="none" data-testid="try-conversation-id">
                    {trial.conversationId}
                  </Badge>
                  <Button size="compact-xs" variant="subtle" onClick={() => trial.conversationId && void showConversation(trial.conversationId)}
                    data-testid="try-show-conversation">
                    Open conversation
                  </Button>
                </>
              ) : (
                <Text size="xs" c="dimmed">
                  A new conversation starts with the next question.
                </Text>
              )}
            </Group>
            <Group gap="sm">
              <Text size="xs" c="dimmed" visibleFrom="sm">
                <Kbd size="xs">{isMac ? '⌘' : 'Ctrl'}</Kbd> + <Kbd size="xs">Enter</Kbd> sends
              </Text>
              <Button leftSection={<SendIcon size={16} />} onClick={send} disabled={!canSend} loading={trial.sending} data-testid="try-send">
                Send
              </Button>
            </Group>
          </Group>
        </Box>
      </Stack>
    </Paper>
  )
}
