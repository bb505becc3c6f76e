import { ActionIcon, Anchor, Badge, Button, Center, CopyButton, Grid, Group, NavLink, Paper, PasswordInput, Stack, Text, TextInput, Title, Tooltip } from '@mantine/core'
import { useEffect, useState, type FormEvent } from 'react'
import type { Inbox, InboxMessage } from '../../../src-shared/webhooks'
import { ConfirmModal } from '../../components/ConfirmModal'
import { DataTable, type Column } from '../../components/DataTable'
import { EmptyState } from '../../components/EmptyState'
import { formatDateTime, formatRelative, formatTimeOfDay } from '../../components/format'
import { CheckIcon, CopyIcon, InboxIcon, PlusIcon } from '../../components/icons'
import { PageHeader } from '../../components/PageHeader'
import { useLoadOnArrival } from '../../components/useLoadOnArrival'
import { useNow } from '../../components/useNow'
import { hrefFor } from '../../router'
import { useAdmin } from '../../store'
import { freeInboxName, inboxNameProblem, messageTitle, SCHEME_LABEL, verdictOf } from './labels'
import { MessageDrawer } from './MessageDrawer'

/** Connecting makes an endpoint for every event, signed with a new secret the inbox then verifies with. */
function useConnect() {
  const connectInbox = useAdmin((s) => s.connectInbox)
  const reportError = useAdmin((s) => s.reportError)
  const reportSuccess = useAdmin((s) => s.reportSuccess)
  const [busy, setBusy] = useState(false)
  const connect = async (name: string) => {
    setBusy(true)
    try {
      const { endpoint } = await connectInbox(name)
      reportSuccess('Endpoint connected', `Every event now goes to ${endpoint.url} as well, and the inbox verifies it with the endpoint’s secret.`)
    } catch (error) {
      reportError(error, 'The endpoint was not connected')
    } finally {
      setBusy(false)
    }
  }
  return { connect, busy }
}

function CopyUrl({ url }: { url: string }) {
  return (
    <CopyButton value={url} timeout={2000}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? 'Copied' : 'Copy the URL'} withArrow>
          <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label={copied ? 'URL copied' : 'Copy the inbox URL'}>
            {copied ? <CheckIcon size={16} /> : <CopyIcon size={16} />}
          </ActionIcon>
        </Tooltip>
      )}
    </CopyButton>
  )
}

/** The inboxes, and a new one connected in one click. */
function InboxList() {
  const inboxes = useAdmin((s) => s.inboxes)
  const chosen = useAdmin((s) => s.inboxMessages.filter)
  const chooseInbox = useAdmin((s) => s.chooseInbox)
  const { connect, busy } = useConnect()
  const now = useNow(30_000)
  const [name, setName] = useState('')
  const suggested = freeInboxName(inboxes.map((inbox) => inbox.name))
  const problem = inboxNameProblem(name)
  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (problem) return
    void connect(name || suggested).then(() => setName(''))
  }

  return (
    <Paper withBorder p="xs" radius="md">
      <Stack gap="xs">
        <Text size="xs" fw={700} tt="uppercase" c="dimmed" px={6}>
          Inboxes
        </Text>
        <div>
          {inboxes.map((inbox) => (
            <NavLink
              key={inbox.name}
              component="button"
              active={inbox.name === chosen}
              label={<Text size="sm" ff="monospace">{inbox.name}</Text>}
              description={inbox.lastAt ? `last ${formatRelative(inbox.lastAt, now)}` : 'nothing yet'}
              rightSection={
                <Badge size="sm" variant={inbox.name === chosen ? 'filled' : 'light'} data-testid={`inbox-count-${inbox.name}`}>
                  {inbox.messages.toLocaleString()}
                </Badge>
              }
              onClick={() => chooseInbox(inbox.name)}
              aria-current={inbox.name === chosen ? 'true' : undefined}
              data-testid={`inbox-${inbox.name}`}
              style={{ borderRadius: 'var(--mantine-radius-sm)' }}
            />
          ))}
        </div>
        <form onSubmit={submit} aria-label="Connect a new inbox">
          <Stack gap={6} px={6} pb={4}>
            <TextInput
              size="xs"
              label="New inbox"
              description="Made with an endpoint for every event aimed at it"
              placeholder={suggested}
              value={name}
              error={problem}
              onChange={(event) => setName(event.currentTarget.value.trim())}
              data-testid="new-inbox-name"
            />
            <Button type="submit" size="xs" variant="light" leftSection={<PlusIcon size={14} />} loading={busy} disabled={!!problem} data-testid="connect-new-inbox">
              Add, with an endpoint
            </Button>
          </Stack>
        </form>
      </Stack>
    </Paper>
  )
}

/** The secret the inbox verifies with: write-only, like every secret here. */
function SecretField({ inbox }: { inbox: Inbox }) {
  const setInboxSecret = useAdmin((s) => s.setInboxSecret)
  const reportError = useAdmin((s) => s.reportError)
  const reportSuccess = useAdmin((s) => s.reportSuccess)
  const [secret, setSecret] = useState('')
  const [busy, setBusy] = useState(false)
  const save = async (value: string | null) => {
    setBusy(true)
    try {
      await setInboxSecret(inbox.name, value)
      setSecret('')
      reportSuccess(value === null ? 'Secret removed' : 'Secret saved', value === null ? 'Nothing verifies until a secret is set.' : 'Every message is checked against it again.')
    } catch (error) {
      reportError(error, 'The secret was not saved')
    } finally {
      setBusy(false)
    }
  }
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault()
        if (secret) void save(secret)
      }}
      aria-label={`Secret of inbox ${inbox.name}`}
    >
      <Group align="flex-end" gap="xs" wrap="nowrap">
        <PasswordInput
          label="Secret"
          description={
            inbox.hasSecret
              ? 'Set (kept sealed, not shown). Paste another to verify with it instead.'
              : 'None: nothing verifies. Paste the endpoint’s secret (whsec_…), or connect an endpoint.'
          }
          placeholder={inbox.hasSecret ? '•••••••• (set)' : 'whsec_…'}
          value={secret}
          onChange={(event) => setSecret(event.currentTarget.value)}
          autoComplete="off"
          style={{ flex: 1 }}
          data-testid="inbox-secret-input"
        />
        <Button type="submit" variant="default" disabled={!secret} loading={busy} data-testid="inbox-secret-save">
          Save
        </Button>
        {inbox.hasSecret && (
          <Button variant="light" color="red" onClick={() => void save(null)} disabled={busy} data-testid="inbox-secret-remove">
            Remove
          </Button>
        )}
      </Group>
    </form>
  )
}

function VerdictBadges({ message }: { message: InboxMessage }) {
  return (
    <Group gap={4} wrap="nowrap">
      {message.verifications.map((verification) => {
        const verdict = verdictOf(verification)
        return (
          <Tooltip key={verification.scheme} label={verification.reason} withArrow multiline maw={320}>
            <Badge
              color={verdict.color}
              variant={verification.verified ? 'light' : 'outline'}
              tt="none"
              miw="max-content"
              tabIndex={0}
              data-testid={`message-verdict-${verification.scheme}`}
              data-verified={verification.verified}
            >
              {SCHEME_LABEL[verification.scheme]}: {verdict.label}
            </Badge>
          </Tooltip>
        )
      })}
    </Group>
  )
}

function messageColumns(): Column<InboxMessage>[] {
  return [
    {
      key: 'received',
      header: 'Received',
      nowrap: true,
      cell: (message) => (
        <Text size="sm" ff="monospace" title={formatDateTime(message.receivedAt)}>
          {formatTimeOfDay(message.receivedAt)}
        </Text>
      ),
    },
    {
      key: 'what',
      header: 'Message',
      cell: (message) => (
        <>
          <Text size="sm" ff="monospace" fw={500} data-testid="inbox-message-event">
            {messageTitle(message)}
          </Text>
          <Text size="xs" c="dimmed" ff="monospace" data-testid="inbox-message-webhook-id">
            {message.headers['webhook-id'] ?? `#${message.id}`}
          </Text>
        </>
      ),
    },
    { key: 'signatures', header: 'Signatures', cell: (message) => <VerdictBadges message={message} /> },
    {
      key: 'size',
      header: 'Body',
      align: 'right',
      nowrap: true,
      cell: (message) => (
        <Text size="xs" ff="monospace" c="dimmed">
          {new TextEncoder().encode(message.body).length.toLocaleString()} B
        </Text>
      ),
    },
  ]
}

/** The chosen inbox: where to point a sender, its secret, and what arrived, newest first. */
function InboxPanel({ inbox }: { inbox: Inbox }) {
  const { rows, page, limit, total, loaded, loading } = useAdmin((s) => s.inboxMessages)
  const setInboxMessagesPage = useAdmin((s) => s.setInboxMessagesPage)
  const showInboxMessage = useAdmin((s) => s.showInboxMessage)
  const clearInbox = useAdmin((s) => s.clearInbox)
  const reportError = useAdmin((s) => s.reportError)
  const reportSuccess = useAdmin((s) => s.reportSuccess)
  const allEndpoints = useAdmin((s) => s.webhookEndpoints)
  const endpoints = allEndpoints.filter((endpoint) => endpoint.url === inbox.url)
  const { connect, busy } = useConnect()
  const [clearing, setClearing] = useState(false)

  const clear = async () => {
    try {
      const deleted = await clearInbox(inbox.name)
      reportSuccess('Inbox cleared', `${deleted.toLocaleString()} message${deleted === 1 ? '' : 's'} deleted.`)
    } catch (error) {
      reportError(error, 'The inbox was not cleared')
      throw error
    }
  }

  return (
    <Stack data-testid="inbox-panel" data-inbox={inbox.name}>
      <Paper withBorder p="md" radius="md">
        <Stack gap="sm">
          <Group justify="space-between" align="flex-start" wrap="nowrap">
            <div style={{ minWidth: 0 }}>
              <Title order={3} size="h4" ff="monospace">
                {inbox.name}
              </Title>
              <Group gap={4} wrap="nowrap">
                <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }} data-testid="inbox-url">
                  POST {inbox.url}
                </Text>
                <CopyUrl url={inbox.url} />
              </Group>
              <Text size="xs" c="dimmed">
                {endpoints.length === 0
                  ? 'No endpoint points here yet.'
                  : `${endpoints.length} endpoint${endpoints.length === 1 ? '' : 's'} point${endpoints.length === 1 ? 's' : ''} here`}{' '}
                (
                <Anchor href={hrefFor('webhooks')} size="xs">
                  Webhooks
                </Anchor>
                ).
              </Text>
            </div>
            <Group gap="xs" wrap="nowrap">
              <Button variant="light" leftSection={<PlusIcon size={16} />} loading={busy} onClick={() => void connect(inbox.name)} data-testid="inbox-connect">
                Connect an endpoint
              </Button>
              <Button variant="default" onClick={() => setClearing(true)} disabled={inbox.messages === 0} data-testid="inbox-clear">
                Clear
              </Button>
            </Group>
          </Group>
          <SecretField key={inbox.name} inbox={inbox} />
        </Stack>
      </Paper>

      <Group justify="space-between">
        <Text size="sm" fw={600}>
          Messages
        </Text>
        <Badge variant="dot" color="teal" aria-live="polite" data-testid="inbox-live">
          Live · {total.toLocaleString()}
        </Badge>
      </Group>
      <DataTable
        label={`Messages of inbox ${inbox.name}`}
        testId="inbox-messages-table"
        minWidth={720}
        dense
        columns={messageColumns()}
        rows={rows}
        rowKey={(message) => message.id}
        rowAttributes={(message) => ({
          'data-testid': 'inbox-message-row',
          'data-message-id': message.id,
          'data-event': message.event ?? undefined,
          'data-verified': message.verifications.filter((verification) => verification.verified).map((verification) => verification.scheme).join(' ') || undefined,
        })}
        loading={!loaded || loading}
        empty={
          <EmptyState
            actions={
              endpoints.length === 0 ? (
                <Button size="xs" variant="light" leftSection={<PlusIcon size={14} />} loading={busy} onClick={() => void connect(inbox.name)}>
                  Connect an endpoint
                </Button>
              ) : (
                <Button component="a" href={hrefFor('webhooks', 'endpoints')} size="xs" variant="light">
                  Ping its endpoint
                </Button>
              )
            }
          >
            Nothing yet. Connect an endpoint and buy a listing, or <Text span ff="monospace">curl -X POST {inbox.url} -d {"'{}'"}</Text>
          </EmptyState>
        }
        onRowActivate={(message) => void showInboxMessage(message.id)}
        paging={{ page, limit, total, onChange: setInboxMessagesPage, testId: 'inbox-pager', noun: 'messages' }}
      />

      <ConfirmModal
        opened={clearing}
        title={`Clear inbox “${inbox.name}”?`}
        confirmLabel="Clear inbox"
        danger
        onConfirm={clear}
        onClose={() => setClearing(false)}
        testId="confirm-clear-inbox"
      >
        Its {inbox.messages.toLocaleString()} message{inbox.messages === 1 ? '' : 's'} are deleted. The inbox, its secret and the endpoints pointing at it
        stay.
      </ConfirmModal>
    </Stack>
  )
}

/** No inbox yet: one click makes one with an endpoint aimed at it. */
function FirstInbox() {
  const { connect, busy } = useConnect()
  return (
    <Paper withBorder p="xl" radius="md">
      <Center>
        <Stack align="center" gap="sm" maw={520}>
          <InboxIcon size={36} />
          <Title order={3} size="h4">
            No inbox yet
          </Title>
          <Text size="sm" c="dimmed" ta="center">
            Connect an endpoint to the inbox <Text span ff="monospace">default</Text>: every event is then sent here too, signed, and checked as it
            arrives. Anything else can POST to <Text span ff="monospace">/inbox/&lt;name&gt;</Text> as well.
          </Text>
          <Button leftSection={<PlusIcon />} loading={busy} onClick={() => void connect('default')} data-testid="inbox-connect-first">
            Connect an endpoint
          </Button>
        </Stack>
      </Center>
    </Paper>
  )
}

/** The built-in inbox: webhooks received by this server, each signature checked and explained. */
export function InboxPage() {
  const inboxes = useAdmin((s) => s.inboxes)
  const inboxesLoaded = useAdmin((s) => s.inboxesLoaded)
  const chosen = useAdmin((s) => s.inboxMessages.filter)
  const loadInboxes = useAdmin((s) => s.loadInboxes)
  const loadInboxMessages = useAdmin((s) => s.loadInboxMessages)
  const loadWebhooks = useAdmin((s) => s.loadWebhooks)
  const webhooksLoaded = useAdmin((s) => s.webhookEndpointsLoaded)
  const followInbox = useAdmin((s) => s.followInbox)
  const inbox = inboxes.find((candidate) => candidate.name === chosen) ?? null

  // Read each time the page opens: messages arrived while the operator looked elsewhere.
  useLoadOnArrival(false, async () => {
    await loadInboxes()
    void loadInboxMessages()
  })
  // The panel says which endpoints point at the inbox.
  useLoadOnArrival(webhooksLoaded, loadWebhooks)
  useEffect(() => followInbox(), [followInbox])

  return (
    <Stack>
      <PageHeader
        title="Inbox"
        description={
          <>
            A webhook receiver built in: whatever is POSTed to <Text span ff="monospace">/inbox/&lt;name&gt;</Text> shows here as it arrives, with each
            signature checked against the inbox&apos;s secret and the workings shown.
          </>
        }
      />
      {!inboxesLoaded ? null : inboxes.length === 0 ? (
        <FirstInbox />
      ) : (
        <Grid gap="md">
          <Grid.Col span={{ base: 12, md: 3 }}>
            <InboxList />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 9 }}>{inbox && <InboxPanel inbox={inbox} />}</Grid.Col>
        </Grid>
      )}
      <MessageDrawer />
    </Stack>
  )
}
