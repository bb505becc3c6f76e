import { Badge, Button, Group, Stack, Tabs, Text, Tooltip } from '@mantine/core'
import { useEffect, useState } from 'react'
import type { Agent } from '../../../src-shared/agents'
import { ConfirmModal } from '../../components/ConfirmModal'
import { DataTable, type Column } from '../../components/DataTable'
import { EmptyState } from '../../components/EmptyState'
import { PlusIcon } from '../../components/icons'
import { PageHeader } from '../../components/PageHeader'
import { useLoadOnArrival } from '../../components/useLoadOnArrival'
import { useSection } from '../../router'
import { useAdmin } from '../../store'
import { AgentDrawer } from './AgentDrawer'
import { ConversationDrawer } from './ConversationDrawer'
import { ConversationsTab } from './ConversationsTab'
import { PROVIDER_COLOR, PROVIDER_LABEL } from './labels'
import { TryItBox } from './TryItBox'

const SECTIONS = ['agents', 'conversations'] as const
type Section = (typeof SECTIONS)[number]

/** What the row's buttons do. */
interface AgentActions {
  tryOut: (agent: Agent) => void
  edit: (agent: Agent) => void
  remove: (agent: Agent) => void
}

function ProviderCell({ agent }: { agent: Agent }) {
  const detail =
    agent.provider === 'scripted'
      ? `${agent.scripted?.rules.length ?? 0} rule${agent.scripted?.rules.length === 1 ? '' : 's'}`
      : (agent.upstream?.model ?? '')
  return (
    <Stack gap={2} align="flex-start">
      <Badge variant="light" color={PROVIDER_COLOR[agent.provider]} tt="none" miw="max-content">
        {PROVIDER_LABEL[agent.provider]}
      </Badge>
      <Text size="xs" c="dimmed" ff={agent.provider === 'scripted' ? undefined : 'monospace'} style={{ wordBreak: 'break-all' }}>
        {detail}
      </Text>
    </Stack>
  )
}

function agentColumns(actions: AgentActions): Column<Agent>[] {
  return [
    {
      key: 'slug',
      header: 'Slug',
      nowrap: true,
      cell: (agent) => (
        <Group gap={6} wrap="nowrap">
          <Text size="sm" ff="monospace" fw={500} data-testid="agent-slug">
            {agent.slug}
          </Text>
          {agent.builtIn && (
            <Badge size="xs" variant="outline" color="gray" tt="none" miw="max-content">
              built-in
            </Badge>
          )}
        </Group>
      ),
    },
    { key: 'name', header: 'Name', nowrap: true, cell: (agent) => <Text size="sm">{agent.name}</Text> },
    { key: 'provider', header: 'Provider', width: 190, cell: (agent) => <ProviderCell agent={agent} /> },
    {
      key: 'description',
      header: 'Description',
      cell: (agent) =>
        agent.description ? (
          <Text size="sm" c="dimmed" lineClamp={2} title={agent.description}>
            {agent.description}
          </Text>
        ) : (
          <Text size="sm" c="dimmed">
            —
          </Text>
        ),
    },
    { key: 'actions', header: 'Actions', hideHeader: true, align: 'right', cell: (agent) => <AgentButtons agent={agent} actions={actions} /> },
  ]
}

function AgentButtons({ agent, actions }: { agent: Agent; actions: AgentActions }) {
  return (
    <Group gap="xs" wrap="nowrap" justify="flex-end">
      <Button size="xs" variant="light" onClick={() => actions.tryOut(agent)} aria-label={`Try agent ${agent.slug}`} data-testid={`try-agent-${agent.slug}`}>
        Try
      </Button>
      <Button size="xs" variant="default" onClick={() => actions.edit(agent)} aria-label={`Edit agent ${agent.slug}`} data-testid={`edit-agent-${agent.slug}`}>
        Edit
      </Button>
      <Tooltip label="Built-in agents can be edited, not deleted" withArrow disabled={!agent.builtIn}>
        {/* A disabled button takes no hover: the wrapper carries the tooltip. */}
        <span tabIndex={agent.builtIn ? 0 : undefined}>
          <Button
            size="xs"
            variant="light"
            color="red"
            disabled={agent.builtIn}
            onClick={() => actions.remove(agent)}
            aria-label={`Delete agent ${agent.slug}`}
            data-testid={`delete-agent-${agent.slug}`}
          >
            Delete
          </Button>
        </span>
      </Tooltip>
    </Group>
  )
}

function AgentsSection() {
  const agents = useAdmin((s) => s.agents)
  const agentsLoaded = useAdmin((s) => s.agentsLoaded)
  const chooseTrialAgent = useAdmin((s) => s.chooseTrialAgent)
  const trialAgentId = useAdmin((s) => s.trial.agentId)
  const deleteAgent = useAdmin((s) => s.deleteAgent)
  const reportError = useAdmin((s) => s.reportError)
  const reportSuccess = useAdmin((s) => s.reportSuccess)
  const [editing, setEditing] = useState<Agent | 'new' | null>(null)
  const [deleting, setDeleting] = useState<Agent | null>(null)
  // Each Try click asks the try-it box to bring its question field into view and focus it.
  const [focusRequest, setFocusRequest] = useState(0)

  const tryOut = (agent: Agent) => {
    if (agent.id !== trialAgentId) chooseTrialAgent(agent.id)
    setFocusRequest((count) => count + 1)
  }

  const remove = async () => {
    if (!deleting) return
    try {
      await deleteAgent(deleting.id)
      reportSuccess('Agent deleted', `Chat requests for “${deleting.slug}” now get 404 AGENT_NOT_FOUND. Its conversations stay in the history.`)
    } catch (error) {
      reportError(error, `Agent “${deleting.slug}” was not deleted`)
      throw error
    }
  }

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Text size="sm" c="dimmed">
          Callers pick an agent by its slug: <Text span ff="monospace">{'{"agent": "support-bot", "message": "…"}'}</Text>. Open one to edit it.
        </Text>
        <Button leftSection={<PlusIcon />} onClick={() => setEditing('new')} data-testid="create-agent">
          New agent
        </Button>
      </Group>
      <DataTable
        label="Agents"
        testId="agents-table"
        minWidth={860}
        columns={agentColumns({ tryOut, edit: setEditing, remove: setDeleting })}
        rows={agents}
        rowKey={(agent) => agent.id}
        rowAttributes={(agent) => ({ 'data-testid': 'agent-row', 'data-agent-slug': agent.slug })}
        loading={!agentsLoaded}
        empty={
          <EmptyState
            actions={
              <Button size="xs" leftSection={<PlusIcon size={14} />} onClick={() => setEditing('new')}>
                New agent
              </Button>
            }
          >
            No agents. Create one to answer <Text span ff="monospace">POST /api/v1/chat</Text>: scripted, or any OpenAI-compatible server.
          </EmptyState>
        }
        onRowActivate={setEditing}
      />
      <TryItBox focusRequest={focusRequest} />

      <AgentDrawer agent={editing} onClose={() => setEditing(null)} />
      <ConfirmModal
        opened={deleting !== null}
        title={`Delete agent “${deleting?.slug ?? ''}”?`}
        confirmLabel="Delete agent"
        danger
        onConfirm={remove}
        onClose={() => setDeleting(null)}
        testId="confirm-delete-agent"
      >
        Chat requests naming <Text span ff="monospace">{deleting?.slug}</Text> get 404 AGENT_NOT_FOUND from the next one on. Its past
        conversations stay in the history. This cannot be undone.
      </ConfirmModal>
    </Stack>
  )
}

/** Chat agents: what answers `POST /api/v1/chat`, a box to try them, and the conversations they held. */
export function AgentsPage() {
  const [section, setSection] = useSection(SECTIONS, 'agents')
  const loadAgents = useAdmin((s) => s.loadAgents)
  const followChat = useAdmin((s) => s.followChat)
  const total = useAdmin((s) => s.conversations.total)
  const conversationsLoaded = useAdmin((s) => s.conversations.loaded)

  // The agents are read each time the page opens: the CLI may have changed them meanwhile.
  useLoadOnArrival(false, loadAgents)
  useEffect(() => followChat(), [followChat])

  return (
    <Stack>
      <PageHeader
        title="Agents"
        description={
          <>
            What answers <Text span ff="monospace">POST /api/v1/chat</Text>: scripted agents reply offline, upstream agents relay an
            OpenAI-compatible model server.
          </>
        }
      />
      <Tabs value={section} onChange={(value) => value && setSection(value as Section)} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="agents" data-testid="agents-tab-agents">
            Agents
          </Tabs.Tab>
          <Tabs.Tab value="conversations" data-testid="agents-tab-conversations">
            Conversations{conversationsLoaded && total > 0 ? ` (${total.toLocaleString()})` : ''}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="agents" pt="md">
          <AgentsSection />
        </Tabs.Panel>
        <Tabs.Panel value="conversations" pt="md">
          <ConversationsTab />
        </Tabs.Panel>
      </Tabs>
      {/* Outside the tabs: the try-it box opens it too. */}
      <ConversationDrawer />
    </Stack>
  )
}
