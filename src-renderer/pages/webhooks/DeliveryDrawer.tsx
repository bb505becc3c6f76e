import { Accordion, Alert, Badge, Button, DataList, Drawer, Group, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core'
import { useState, type ReactNode } from 'react'
import type { WebhookAttempt, WebhookDeliveryDetail } from '../../../src-shared/webhooks'
import { formatDateTime, formatLatency } from '../../components/format'
import { useAdmin } from '../../store'
import { statusColor } from '../requests/RequestsPage'
import { DeliveryStatusBadge } from './DeliveriesTab'
import { HttpMessage } from './HttpMessage'
import { useMarketNow } from './useMarketNow'

function AttemptOutcome({ attempt }: { attempt: WebhookAttempt }) {
  return (
    <Group gap={6} wrap="nowrap">
      {attempt.responseStatus !== null ? (
        <Badge color={statusColor(attempt.responseStatus)} variant="light" miw="max-content" data-testid="attempt-status">
          {attempt.responseStatus}
        </Badge>
      ) : (
        <Badge color="red" variant="light" tt="none" miw="max-content" data-testid="attempt-status">
          no answer
        </Badge>
      )}
      <Text size="xs" c="dimmed" ff="monospace">
        {formatLatency(attempt.durationMs)}
      </Text>
    </Group>
  )
}

/** One attempt: what was sent beside what came back, with its duration and error. */
function Attempt({ attempt, url }: { attempt: WebhookAttempt; url: string | null }) {
  return (
    <Stack gap="sm">
      {attempt.error && (
        <Alert color="red" variant="light" py="xs" title="Error" data-testid="attempt-error">
          {attempt.error}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
        <HttpMessage
          title="Request"
          summary={
            <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
              POST {url ?? ''}
            </Text>
          }
          headers={attempt.requestHeaders}
          body={attempt.requestBody}
          testId="attempt-request"
        />
        <HttpMessage
          title="Response"
          summary={
            <Text size="xs" ff="monospace">
              {attempt.responseStatus !== null ? `HTTP ${attempt.responseStatus}` : 'no answer'} · {formatLatency(attempt.durationMs)}
            </Text>
          }
          headers={attempt.responseHeaders}
          body={attempt.responseBody}
          missing={
            <Text size="xs" c="dimmed">
              Nothing came back{attempt.error ? `: ${attempt.error}` : '.'}
            </Text>
          }
          testId="attempt-response"
        />
      </SimpleGrid>
    </Stack>
  )
}

function DeliveryDetail({ delivery, redeliverButton }: { delivery: WebhookDeliveryDetail; redeliverButton: ReactNode }) {
  const endpoint = useAdmin((s) => s.webhookEndpoints.find((candidate) => candidate.id === delivery.endpointId) ?? null)
  const now = useMarketNow(15_000)
  // Newest first, the newest open: that is the one the operator came for.
  const attempts = [...delivery.attemptLog].reverse()
  const newest = attempts[0] ? String(attempts[0].id) : null
  const [open, setOpen] = useState<string[]>(newest ? [newest] : [])
  // A new attempt (a redelivery) opens as it arrives.
  const [seen, setSeen] = useState(newest)
  if (newest !== seen) {
    setSeen(newest)
    if (newest) setOpen((current) => [newest, ...current])
  }

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <div>
          <Title order={3} size="h4" ff="monospace" data-testid="delivery-drawer-event">
            {delivery.event}
          </Title>
          <Text size="sm" c="dimmed" ff="monospace" style={{ wordBreak: 'break-all' }}>
            to {endpoint?.url ?? delivery.endpointId}
          </Text>
        </div>
        <Group gap="sm" wrap="nowrap">
          <DeliveryStatusBadge delivery={delivery} now={now} testId="delivery-drawer-status" />
          {redeliverButton}
        </Group>
      </Group>
      <DataList size="sm" labelWidth={130} withDivider>
        <DataList.Item>
          <DataList.ItemLabel>Delivery</DataList.ItemLabel>
          <DataList.ItemValue>
            <Text size="sm" ff="monospace" data-testid="delivery-drawer-id">
              {delivery.id}
            </Text>
          </DataList.ItemValue>
        </DataList.Item>
        <DataList.Item>
          <DataList.ItemLabel>Event id</DataList.ItemLabel>
          <DataList.ItemValue>
            <Text size="sm" ff="monospace">
              {delivery.eventId}
            </Text>
            <Text size="xs" c="dimmed">
              the webhook-id header: the same on every attempt, so a receiver can drop repeats
            </Text>
          </DataList.ItemValue>
        </DataList.Item>
        <DataList.Item>
          <DataList.ItemLabel>Created</DataList.ItemLabel>
          <DataList.ItemValue>{formatDateTime(delivery.createdAt)}</DataList.ItemValue>
        </DataList.Item>
        <DataList.Item>
          <DataList.ItemLabel>Attempts</DataList.ItemLabel>
          <DataList.ItemValue data-testid="delivery-drawer-attempts">{delivery.attempts}</DataList.ItemValue>
        </DataList.Item>
        {delivery.nextAttemptAt && (
          <DataList.Item>
            <DataList.ItemLabel>Next attempt</DataList.ItemLabel>
            <DataList.ItemValue>{formatDateTime(delivery.nextAttemptAt)}</DataList.ItemValue>
          </DataList.Item>
        )}
      </DataList>

      <Stack gap="xs">
        <Title order={4} size="h5">
          Attempts, newest first
        </Title>
        {attempts.length === 0 ? (
          <Text size="sm" c="dimmed">
            Not sent yet.
          </Text>
        ) : (
          <Accordion multiple value={open} onChange={setOpen} variant="separated" data-testid="delivery-attempts">
            {attempts.map((attempt, index) => (
              <Accordion.Item key={attempt.id} value={String(attempt.id)} data-testid="delivery-attempt" data-attempt-status={attempt.responseStatus ?? 'none'}>
                <Accordion.Control>
                  <Group justify="space-between" wrap="nowrap" pr="sm">
                    <Text size="sm" fw={500}>
                      Attempt {attempts.length - index} · {formatDateTime(attempt.at)}
                    </Text>
                    <AttemptOutcome attempt={attempt} />
                  </Group>
                </Accordion.Control>
                <Accordion.Panel>
                  <Attempt attempt={attempt} url={endpoint?.url ?? null} />
                </Accordion.Panel>
              </Accordion.Item>
            ))}
          </Accordion>
        )}
      </Stack>
    </Stack>
  )
}

/** One delivery with every attempt; Redeliver sends it again from here. */
export function DeliveryDrawer() {
  const open = useAdmin((s) => s.openDelivery)
  const hideDelivery = useAdmin((s) => s.hideDelivery)
  const redeliver = useAdmin((s) => s.redeliver)
  const reportError = useAdmin((s) => s.reportError)
  const reportSuccess = useAdmin((s) => s.reportSuccess)
  const [busy, setBusy] = useState(false)

  const again = async () => {
    if (!open) return
    setBusy(true)
    try {
      await redeliver(open.id)
      reportSuccess('Sent again', `${open.id} goes out now, with the same webhook-id.`)
    } catch (error) {
      reportError(error, 'The delivery was not sent again')
    } finally {
      setBusy(false)
    }
  }

  return (
    <Drawer
      opened={open !== null}
      onClose={hideDelivery}
      position="right"
      size="min(1080px, 100vw)"
      title={<Text fw={600}>Delivery</Text>}
      data-testid="delivery-drawer"
    >
      {open?.error && (
        <Alert color="red" title="Could not load the delivery" mb="md">
          {open.error}
        </Alert>
      )}
      {open?.delivery ? (
        <DeliveryDetail
          key={open.id}
          delivery={open.delivery}
          redeliverButton={
            <Button size="xs" variant="light" loading={busy} onClick={() => void again()} data-testid="delivery-drawer-redeliver">
              Redeliver
            </Button>
          }
        />
      ) : (
        open?.loading && (
          <Stack>
            <Skeleton h={28} w="50%" />
            <Skeleton h={120} />
            <Skeleton h={240} />
          </Stack>
        )
      )}
    </Drawer>
  )
}
