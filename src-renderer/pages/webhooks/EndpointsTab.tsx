import { ActionIcon, Badge, Button, Group, Menu, Stack, Text, Tooltip } from '@mantine/core'
import { useMemo, useState } from 'react'
import type { WebhookEndpoint } from '../../../src-shared/webhooks'
import { ConfirmModal } from '../../components/ConfirmModal'
import { DataTable, type Column } from '../../components/DataTable'
import { EmptyState } from '../../components/EmptyState'
import { formatDateTime, formatRelative } from '../../components/format'
import { DotsIcon, PlusIcon } from '../../components/icons'
import { hrefFor } from '../../router'
import { useAdmin } from '../../store'
import { EndpointModal } from './EndpointModal'
import { ALL_EVENTS, endpointState } from './labels'
import { RotateSecretModal } from './RotateSecretModal'
import { SigningSecretModal, type ShownSecret } from './SigningSecretModal'
import { useMarketNow } from './useMarketNow'

/** What a row's buttons do. */
interface EndpointActions {
  ping: (endpoint: WebhookEndpoint) => void
  enable: (endpoint: WebhookEndpoint) => void
  showDeliveries: (endpoint: WebhookEndpoint) => void
  rotate: (endpoint: WebhookEndpoint) => void
  edit: (endpoint: WebhookEndpoint) => void
  remove: (endpoint: WebhookEndpoint) => void
}

function EventsCell({ events }: { events: WebhookEndpoint['events'] }) {
  if (events.includes(ALL_EVENTS))
    return (
      <Badge variant="light" color="grape" tt="none" miw="max-content">
        all events
      </Badge>
    )
  return (
    <Group gap={4}>
      {events.map((event) => (
        <Badge key={event} variant="outline" size="sm" tt="none" miw="max-content">
          {event}
        </Badge>
      ))}
    </Group>
  )
}

function StatusCell({ endpoint, now }: { endpoint: WebhookEndpoint; now: number }) {
  const state = endpointState(endpoint)
  return (
    <Stack gap={2} align="flex-start">
      <Tooltip label={state.detail} multiline w={300} withArrow disabled={!state.detail}>
        <Badge color={state.color} variant="light" tt="none" miw="max-content" tabIndex={state.detail ? 0 : undefined} data-testid={`webhook-status-${endpoint.id}`}>
          {state.label}
        </Badge>
      </Tooltip>
      {!endpoint.enabled && (
        <Text size="xs" c="red" data-testid={`webhook-disabled-reason-${endpoint.id}`}>
          {endpoint.disabledReason}
        </Text>
      )}
      {endpoint.failingSince && (
        <Text size="xs" c="dimmed" title={formatDateTime(endpoint.failingSince)}>
          failing since {formatRelative(endpoint.failingSince, now)}
        </Text>
      )}
    </Stack>
  )
}

function SecretCell({ endpoint, now }: { endpoint: WebhookEndpoint; now: number }) {
  return (
    <Stack gap={2} align="flex-start">
      <Text size="xs" ff="monospace" style={{ whiteSpace: 'nowrap' }} data-testid={`webhook-secret-hint-${endpoint.id}`}>
        {endpoint.secretHint}
      </Text>
      {endpoint.rotatingUntil && (
        <Tooltip label={`The previous secret signs too until ${formatDateTime(endpoint.rotatingUntil)}`} withArrow>
          <Badge size="sm" color="yellow" variant="light" tt="none" miw="max-content" tabIndex={0} data-testid={`webhook-rotating-${endpoint.id}`}>
            rotating · {formatRelative(endpoint.rotatingUntil, now)}
          </Badge>
        </Tooltip>
      )}
    </Stack>
  )
}

function endpointColumns(now: number, soulName: (id: string) => string, actions: EndpointActions): Column<WebhookEndpoint>[] {
  return [
    {
      key: 'url',
      header: 'Endpoint',
      cell: (endpoint) => (
        <>
          <Text size="sm" ff="monospace" fw={500} style={{ wordBreak: 'break-all' }} data-testid="webhook-url">
            {endpoint.url}
          </Text>
          {endpoint.description && (
            <Text size="xs" c="dimmed" lineClamp={2} title={endpoint.description}>
              {endpoint.description}
            </Text>
          )}
          <Group gap={6}>
            <Text size="xs" c="dimmed" ff="monospace">
              {endpoint.id}
            </Text>
            {endpoint.soulId && (
              <Tooltip label="Made through the API by this soul's key; it receives that soul's events only" withArrow multiline w={260}>
                <Badge size="xs" variant="outline" color="cyan" tt="none" tabIndex={0}>
                  {soulName(endpoint.soulId)}
                </Badge>
              </Tooltip>
            )}
          </Group>
        </>
      ),
    },
    { key: 'events', header: 'Events', width: 190, cell: (endpoint) => <EventsCell events={endpoint.events} /> },
    { key: 'status', header: 'Status', width: 140, cell: (endpoint) => <StatusCell endpoint={endpoint} now={now} /> },
    { key: 'secret', header: 'Secret', width: 140, cell: (endpoint) => <SecretCell endpoint={endpoint} now={now} /> },
    { key: 'actions', header: 'Actions', hideHeader: true, align: 'right', cell: (endpoint) => <EndpointButtons endpoint={endpoint} actions={actions} /> },
  ]
}

function EndpointButtons({ endpoint, actions }: { endpoint: WebhookEndpoint; actions: EndpointActions }) {
  const buttons = [
    ...(endpoint.enabled ? [] : [{ verb: 'Enable', id: 'enable', onClick: actions.enable, variant: 'filled' }]),
    { verb: 'Ping', id: 'ping', onClick: actions.ping, disabled: !endpoint.enabled, label: `Send a ping to ${endpoint.url}` },
    { verb: 'Deliveries', id: 'deliveries', onClick: actions.showDeliveries, label: `Deliveries to ${endpoint.url}` },
    { verb: 'Edit', id: 'edit', onClick: actions.edit },
  ]
  return (
    <Group gap={6} justify="flex-end" wrap="nowrap">
      {buttons.map(({ verb, id, onClick, disabled, label, variant }) => (
        <Button
          key={id}
          size="compact-xs"
          variant={variant ?? 'default'}
          disabled={disabled}
          onClick={() => onClick(endpoint)}
          aria-label={label ?? `${verb} endpoint ${endpoint.url}`}
          data-testid={`webhook-${id}-${endpoint.id}`}
        >
          {verb}
        </Button>
      ))}
      {/* The rarer actions, one of them destructive, behind a menu: the row keeps its URL readable. */}
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <ActionIcon variant="default" size={22} aria-label={`More actions for endpoint ${endpoint.url}`} data-testid={`webhook-more-${endpoint.id}`}>
            <DotsIcon size={14} />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => actions.rotate(endpoint)} data-testid={`webhook-rotate-${endpoint.id}`}>
            Rotate secret…
          </Menu.Item>
          <Menu.Item color="red" onClick={() => actions.remove(endpoint)} data-testid={`webhook-delete-${endpoint.id}`}>
            Delete…
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
    </Group>
  )
}

/** The endpoints events go to, each with its health, secret and the buttons that manage it. */
export function EndpointsTab({ onShowDeliveries }: { onShowDeliveries: (endpoint: WebhookEndpoint) => void }) {
  const endpoints = useAdmin((s) => s.webhookEndpoints)
  const loaded = useAdmin((s) => s.webhookEndpointsLoaded)
  const souls = useAdmin((s) => s.souls)
  const now = useMarketNow(30_000)
  const pingWebhook = useAdmin((s) => s.pingWebhook)
  const updateWebhook = useAdmin((s) => s.updateWebhook)
  const deleteWebhook = useAdmin((s) => s.deleteWebhook)
  const reportError = useAdmin((s) => s.reportError)
  const reportSuccess = useAdmin((s) => s.reportSuccess)
  const [editing, setEditing] = useState<WebhookEndpoint | 'new' | null>(null)
  const [rotating, setRotating] = useState<WebhookEndpoint | null>(null)
  const [deleting, setDeleting] = useState<WebhookEndpoint | null>(null)
  const [shown, setShown] = useState<ShownSecret | null>(null)
  const names = useMemo(() => new Map(souls.map((soul) => [soul.id, soul.name])), [souls])

  const ping = async (endpoint: WebhookEndpoint) => {
    try {
      const delivery = await pingWebhook(endpoint.id)
      reportSuccess('Ping sent', `${delivery.id} to ${endpoint.url}; its outcome shows under Deliveries.`)
    } catch (error) {
      reportError(error, 'The ping was not sent')
    }
  }
  const enable = async (endpoint: WebhookEndpoint) => {
    try {
      await updateWebhook({ id: endpoint.id, enabled: true })
      reportSuccess('Endpoint enabled', `Deliveries to ${endpoint.url} resume; failed ones can be sent again from Deliveries.`)
    } catch (error) {
      reportError(error, 'The endpoint was not enabled')
    }
  }
  const remove = async () => {
    if (!deleting) return
    try {
      await deleteWebhook(deleting.id)
      reportSuccess('Endpoint deleted', `Nothing more is sent to ${deleting.url}.`)
    } catch (error) {
      reportError(error, 'The endpoint was not deleted')
      throw error
    }
  }

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Text size="sm" c="dimmed">
          Each delivery is a signed JSON POST: <Text span ff="monospace">X-Clawget-Signature</Text> and the Standard Webhooks headers. Only a 2xx
          answer counts; others are retried on a schedule over about 3 days.
        </Text>
        <Button leftSection={<PlusIcon />} onClick={() => setEditing('new')} data-testid="create-webhook">
          New endpoint
        </Button>
      </Group>
      <DataTable
        label="Webhook endpoints"
        testId="webhooks-table"
        minWidth={980}
        columns={endpointColumns(now, (id) => names.get(id) ?? id, {
          ping: (endpoint) => void ping(endpoint),
          enable: (endpoint) => void enable(endpoint),
          showDeliveries: onShowDeliveries,
          rotate: setRotating,
          edit: setEditing,
          remove: setDeleting,
        })}
        rows={endpoints}
        rowKey={(endpoint) => endpoint.id}
        rowAttributes={(endpoint) => ({
          'data-testid': 'webhook-row',
          'data-webhook-id': endpoint.id,
          'data-url': endpoint.url,
          'data-state': endpointState(endpoint).label,
        })}
        loading={!loaded}
        empty={
          <EmptyState
            actions={
              <>
                <Button size="xs" leftSection={<PlusIcon size={14} />} onClick={() => setEditing('new')} data-testid="empty-create-webhook">
                  New endpoint
                </Button>
                <Button component="a" href={hrefFor('inbox')} size="xs" variant="default">
                  Use the built-in inbox
                </Button>
              </>
            }
          >
            No endpoints yet. Add one, or point one at the built-in inbox from the Inbox page to see signed events arrive without a server of
            your own.
          </EmptyState>
        }
      />

      <EndpointModal
        target={editing}
        onClose={() => setEditing(null)}
        onCreated={({ endpoint, secret }) => {
          setEditing(null)
          setShown({ secret, url: endpoint.url, title: 'Endpoint created', rotatingUntil: null })
        }}
      />
      <RotateSecretModal
        target={rotating}
        onClose={() => setRotating(null)}
        onRotated={({ endpoint, secret }) => {
          setRotating(null)
          setShown({ secret, url: endpoint.url, title: 'Secret rotated: the new secret', rotatingUntil: endpoint.rotatingUntil })
        }}
      />
      <SigningSecretModal shown={shown} onClose={() => setShown(null)} />
      <ConfirmModal
        opened={deleting !== null}
        title="Delete this endpoint?"
        confirmLabel="Delete endpoint"
        danger
        onConfirm={remove}
        onClose={() => setDeleting(null)}
        testId="confirm-delete-webhook"
      >
        Nothing more is sent to{' '}
        <Text span ff="monospace" style={{ wordBreak: 'break-all' }}>
          {deleting?.url}
        </Text>
        . Its delivery log and every attempt in it are deleted with it. This cannot be undone.
      </ConfirmModal>
    </Stack>
  )
}
