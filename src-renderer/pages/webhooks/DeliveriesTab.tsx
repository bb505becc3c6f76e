import { ActionIcon, Badge, Button, Group, SegmentedControl, Select, Stack, Text, TextInput, Tooltip } from '@mantine/core'
import { useMemo, useState } from 'react'
import type { DeliveryStatus, WebhookDelivery } from '../../../src-shared/webhooks'
import { DataTable, type Column } from '../../components/DataTable'
import { EmptyState } from '../../components/EmptyState'
import { formatDateTime, formatRelative } from '../../components/format'
import { RefreshIcon } from '../../components/icons'
import { useLoadOnArrival } from '../../components/useLoadOnArrival'
import { hrefFor } from '../../router'
import { useAdmin, type DeliveryRange } from '../../store'
import { statusColor } from '../requests/RequestsPage'
import { DELIVERY_EVENTS, DELIVERY_STATUS_CHOICES, DELIVERY_STATUS_COLOR, RANGE_CHOICES } from './labels'
import { useMarketNow } from './useMarketNow'

/** How far back "Redeliver failed" reaches. */
const REDELIVER_WINDOW_SECONDS = 3600

/** A pending delivery is either on its way (its attempt is due) or waiting for a retry. */
export function pendingLabel(delivery: Pick<WebhookDelivery, 'status' | 'nextAttemptAt' | 'attempts'>, now: number): string | null {
  if (delivery.status !== 'pending') return null
  if (delivery.nextAttemptAt === null || Date.parse(delivery.nextAttemptAt) <= now + 1000) return delivery.attempts === 0 ? 'sending' : 'retrying now'
  return `retry ${formatRelative(delivery.nextAttemptAt, now)}`
}

export function DeliveryStatusBadge({ delivery, now, testId }: { delivery: WebhookDelivery; now: number; testId?: string }) {
  const pending = pendingLabel(delivery, now)
  return (
    <Tooltip label={`Next attempt ${formatDateTime(delivery.nextAttemptAt)}`} withArrow disabled={!delivery.nextAttemptAt}>
      <Badge color={DELIVERY_STATUS_COLOR[delivery.status]} variant="light" miw="max-content" tt="none" data-testid={testId} data-status={delivery.status}>
        {pending ? `pending · ${pending}` : delivery.status}
      </Badge>
    </Tooltip>
  )
}

/** What the receiver said last: its HTTP status, or why nothing usable came back. */
export function LastAnswer({ delivery }: { delivery: Pick<WebhookDelivery, 'lastStatus' | 'lastError' | 'attempts'> }) {
  if (delivery.attempts === 0)
    return (
      <Text size="sm" c="dimmed">
        not sent yet
      </Text>
    )
  return (
    <Group gap={6} wrap="nowrap" align="flex-start">
      {delivery.lastStatus !== null && (
        <Badge color={statusColor(delivery.lastStatus)} variant="light" miw="max-content">
          {delivery.lastStatus}
        </Badge>
      )}
      {delivery.lastError && (delivery.lastStatus === null || delivery.lastError !== `answered ${delivery.lastStatus}`) && (
        <Text size="xs" c="dimmed" lineClamp={2} title={delivery.lastError}>
          {delivery.lastError}
        </Text>
      )}
    </Group>
  )
}

function deliveryColumns(now: number, endpointUrl: (id: string) => string | null, redeliver: (delivery: WebhookDelivery) => void): Column<WebhookDelivery>[] {
  return [
    {
      key: 'when',
      header: 'Created',
      nowrap: true,
      cell: (delivery) => (
        <Tooltip label={formatDateTime(delivery.createdAt)} withArrow>
          <Text size="sm">{formatRelative(delivery.createdAt, now)}</Text>
        </Tooltip>
      ),
    },
    {
      key: 'event',
      header: 'Event',
      cell: (delivery) => (
        <>
          <Text size="sm" ff="monospace" fw={500} data-testid="delivery-event">
            {delivery.event}
          </Text>
          <Text size="xs" c="dimmed" ff="monospace">
            {delivery.id}
          </Text>
        </>
      ),
    },
    {
      key: 'endpoint',
      header: 'Endpoint',
      cell: (delivery) => (
        <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }} c={endpointUrl(delivery.endpointId) ? undefined : 'dimmed'}>
          {endpointUrl(delivery.endpointId) ?? delivery.endpointId}
        </Text>
      ),
    },
    { key: 'status', header: 'Status', nowrap: true, cell: (delivery) => <DeliveryStatusBadge delivery={delivery} now={now} testId="delivery-status" /> },
    {
      key: 'attempts',
      header: 'Attempts',
      align: 'right',
      nowrap: true,
      cell: (delivery) => (
        <Text size="sm" ff="monospace" data-testid="delivery-attempts">
          {delivery.attempts}
        </Text>
      ),
    },
    { key: 'answer', header: 'Last answer', width: 220, cell: (delivery) => <LastAnswer delivery={delivery} /> },
    {
      key: 'actions',
      header: 'Actions',
      hideHeader: true,
      align: 'right',
      cell: (delivery) => (
        <Button size="compact-xs" variant="default" onClick={() => redeliver(delivery)} aria-label={`Redeliver ${delivery.id}`} data-testid={`redeliver-${delivery.id}`}>
          Redeliver
        </Button>
      ),
    },
  ]
}

/** A `datetime-local` field's value (local wall time) and back; the contract wants ISO 8601 with an offset. */
const toLocalInput = (iso: string | null) => {
  if (!iso) return ''
  const date = new Date(iso)
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16)
}
const fromLocalInput = (value: string): string | null => {
  if (!value) return null
  const time = new Date(value).getTime()
  return Number.isNaN(time) ? null : new Date(time).toISOString()
}

function Filters() {
  const filter = useAdmin((s) => s.deliveries.filter)
  const endpoints = useAdmin((s) => s.webhookEndpoints)
  const setDeliveryFilter = useAdmin((s) => s.setDeliveryFilter)
  // A filter on an endpoint since deleted still shows as a choice.
  const endpointChoices = [
    ...endpoints.map((endpoint) => ({ value: endpoint.id, label: endpoint.url })),
    ...(filter.endpointId && !endpoints.some((endpoint) => endpoint.id === filter.endpointId) ? [{ value: filter.endpointId, label: filter.endpointId }] : []),
  ]
  return (
    <Group align="flex-end" wrap="wrap" gap="sm">
      <Select
        label="Endpoint"
        placeholder="Every endpoint"
        clearable
        searchable
        data={endpointChoices}
        value={filter.endpointId}
        onChange={(endpointId) => setDeliveryFilter({ endpointId })}
        w={280}
        data-testid="deliveries-endpoint-filter"
      />
      <Select
        label="Event"
        placeholder="Every event"
        clearable
        data={[...DELIVERY_EVENTS]}
        value={filter.event}
        onChange={(event) => setDeliveryFilter({ event })}
        w={200}
        data-testid="deliveries-event-filter"
      />
      <Stack gap={4}>
        <Text size="sm" fw={500} id="delivery-status-label">
          Status
        </Text>
        <SegmentedControl
          aria-labelledby="delivery-status-label"
          data={DELIVERY_STATUS_CHOICES}
          value={filter.status ?? 'all'}
          onChange={(value) => setDeliveryFilter({ status: value === 'all' ? null : (value as DeliveryStatus) })}
          data-testid="deliveries-status-filter"
        />
      </Stack>
      <Select
        label="Created"
        data={RANGE_CHOICES}
        value={filter.range}
        allowDeselect={false}
        onChange={(range) => range && setDeliveryFilter({ range: range as DeliveryRange })}
        w={160}
        data-testid="deliveries-range-filter"
      />
      {filter.range === 'custom' && (
        <>
          <TextInput
            type="datetime-local"
            label="From"
            value={toLocalInput(filter.since)}
            onChange={(event) => setDeliveryFilter({ since: fromLocalInput(event.currentTarget.value) })}
            w={200}
            data-testid="deliveries-since"
          />
          <TextInput
            type="datetime-local"
            label="Until"
            value={toLocalInput(filter.until)}
            onChange={(event) => setDeliveryFilter({ until: fromLocalInput(event.currentTarget.value) })}
            w={200}
            data-testid="deliveries-until"
          />
        </>
      )}
    </Group>
  )
}

/** Every delivery, newest first, filtered; one opens in the drawer with its attempts. */
export function DeliveriesTab() {
  const { rows, page, limit, total, loaded, loading, filter } = useAdmin((s) => s.deliveries)
  const endpoints = useAdmin((s) => s.webhookEndpoints)
  const loadDeliveries = useAdmin((s) => s.loadDeliveries)
  const setDeliveryFilter = useAdmin((s) => s.setDeliveryFilter)
  const setDeliveriesPage = useAdmin((s) => s.setDeliveriesPage)
  const showDelivery = useAdmin((s) => s.showDelivery)
  const redeliver = useAdmin((s) => s.redeliver)
  const redeliverFailed = useAdmin((s) => s.redeliverFailed)
  const reportError = useAdmin((s) => s.reportError)
  const reportSuccess = useAdmin((s) => s.reportSuccess)
  const now = useMarketNow(15_000)
  const [redelivering, setRedelivering] = useState(false)
  // Read again each time the tab opens: deliveries went out while the operator looked elsewhere.
  useLoadOnArrival(false, loadDeliveries)
  const urls = useMemo(() => new Map(endpoints.map((endpoint) => [endpoint.id, endpoint.url])), [endpoints])
  const endpointUrl = filter.endpointId ? (urls.get(filter.endpointId) ?? filter.endpointId) : null

  const redeliverOne = async (delivery: WebhookDelivery) => {
    try {
      await redeliver(delivery.id)
      reportSuccess('Sent again', `${delivery.event} (${delivery.id}) goes out now, with the same webhook-id.`)
    } catch (error) {
      reportError(error, 'The delivery was not sent again')
    }
  }
  const redeliverRecentFailures = async () => {
    setRedelivering(true)
    try {
      const count = await redeliverFailed(REDELIVER_WINDOW_SECONDS, filter.endpointId)
      reportSuccess(
        count === 0 ? 'Nothing to send again' : 'Sent again',
        count === 0
          ? 'No delivery failed in the last hour.'
          : `${count} failed deliver${count === 1 ? 'y' : 'ies'} of the last hour go${count === 1 ? 'es' : ''} out now.`,
      )
    } catch (error) {
      reportError(error, 'The failed deliveries were not sent again')
    } finally {
      setRedelivering(false)
    }
  }

  const redeliverLabel = endpointUrl ? 'Redeliver this endpoint’s failures of the last hour' : 'Redeliver failed deliveries of the last hour'
  return (
    <Stack>
      <Group justify="space-between" align="center">
        <Text size="sm" c="dimmed">
          Every event sent to an endpoint, newest first. Open one for its attempts, each request beside its response.
        </Text>
        <Group gap="xs">
          <Tooltip label="Read the log again" withArrow>
            <ActionIcon variant="default" size="lg" onClick={() => void loadDeliveries()} aria-label="Read the delivery log again" data-testid="deliveries-refresh">
              <RefreshIcon />
            </ActionIcon>
          </Tooltip>
          <Tooltip
            label={`Every delivery that gave up (status failed) and was created in the last hour of marketplace time${endpointUrl ? `, to ${endpointUrl}` : ''}, sent again now`}
            multiline
            w={300}
            withArrow
          >
            <Button variant="light" loading={redelivering} onClick={() => void redeliverRecentFailures()} data-testid="redeliver-failed">
              {redeliverLabel}
            </Button>
          </Tooltip>
        </Group>
      </Group>
      <Filters />
      <DataTable
        label="Deliveries"
        testId="deliveries-table"
        minWidth={980}
        dense
        columns={deliveryColumns(now, (id) => urls.get(id) ?? null, (delivery) => void redeliverOne(delivery))}
        rows={rows}
        rowKey={(delivery) => delivery.id}
        rowAttributes={(delivery) => ({
          'data-testid': 'delivery-row',
          'data-delivery-id': delivery.id,
          'data-event': delivery.event,
          'data-status': delivery.status,
          'data-endpoint-id': delivery.endpointId,
        })}
        loading={!loaded || loading}
        empty={
          <EmptyState
            actions={
              filter.endpointId || filter.event || filter.status || filter.range !== 'all' ? (
                <Button
                  size="xs"
                  variant="default"
                  onClick={() => setDeliveryFilter({ endpointId: null, event: null, status: null, range: 'all', since: null, until: null })}
                  data-testid="deliveries-clear-filters"
                >
                  Clear the filters
                </Button>
              ) : (
                <Button component="a" href={hrefFor('webhooks', 'endpoints')} size="xs" variant="light">
                  Ping an endpoint
                </Button>
              )
            }
          >
            No deliveries match. Events appear here as they are sent: buy a listing through the API, or ping an endpoint.
          </EmptyState>
        }
        onRowActivate={(delivery) => void showDelivery(delivery.id)}
        paging={{ page, limit, total, onChange: setDeliveriesPage, testId: 'deliveries-pager', noun: 'deliveries' }}
      />
    </Stack>
  )
}
