import { ActionIcon, Anchor, Badge, Button, Card, Code, CopyButton, Group, Kbd, Loader, SimpleGrid, Stack, Table, Text, Title, Tooltip } from '@mantine/core'
import { useEffect, type ReactNode } from 'react'
import type { DashboardSummary, FailingEndpoint } from '../../../src-shared/dashboard'
import type { ServerStatus } from '../../../src-shared/dto'
import { formatDateTime, formatRelative, formatTimeOfDay } from '../../components/format'
import { CheckIcon, CopyIcon, KeyIcon, ListIcon, PlayIcon, PlusIcon, WebhookIcon } from '../../components/icons'
import { PageHeader } from '../../components/PageHeader'
import { useNow } from '../../components/useNow'
import { hrefFor, navigate } from '../../router'
import { useAdmin } from '../../store'
import { paletteShortcut } from '../../components/CommandPalette'

/** How often the open dashboard reads the summary again. */
const REFRESH_MS = 5_000

function StatCard({ title, icon, children, footer, testId }: { title: string; icon: ReactNode; children: ReactNode; footer?: ReactNode; testId: string }) {
  return (
    <Card withBorder padding="md" radius="md" data-testid={testId} component="section" aria-label={title}>
      <Stack gap="xs" h="100%">
        <Group gap="xs" c="dimmed">
          {icon}
          <Title order={3} size="sm" fw={600} c="dimmed" tt="uppercase">
            {title}
          </Title>
        </Group>
        <div style={{ flex: 1 }}>{children}</div>
        {footer && <Group gap="sm">{footer}</Group>}
      </Stack>
    </Card>
  )
}

function Figure({ value, label, testId, color }: { value: number; label: string; testId: string; color?: string }) {
  return (
    <div>
      <Text fz={28} fw={700} lh={1.1} c={color} data-testid={testId} ff="monospace">
        {value.toLocaleString()}
      </Text>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
    </div>
  )
}

/** Where the API answers, to copy into an SDK or a `curl`. */
function ApiBaseUrl({ url }: { url: string }) {
  return (
    <Group gap={6} wrap="nowrap">
      <Text size="sm" c="dimmed">
        API base URL
      </Text>
      <Code fz="sm" data-testid="dashboard-api-url">
        {url}
      </Code>
      <CopyButton value={url} timeout={2000}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : 'Copy the API base URL'} withArrow>
            <ActionIcon variant={copied ? 'filled' : 'default'} color={copied ? 'teal' : undefined} onClick={copy} aria-label={copied ? 'API base URL copied' : 'Copy the API base URL'} data-testid="copy-api-url">
              {copied ? <CheckIcon size={16} /> : <CopyIcon size={16} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  )
}

function ServerCard({ status, now }: { status: ServerStatus | null; now: number }) {
  if (!status)
    return (
      <StatCard title="Server" icon={<PlayIcon />} testId="dashboard-server">
        <Loader size="sm" aria-label="Loading" />
      </StatCard>
    )
  const log = status.requestLog
  const logTrouble = log.failing || log.dropped > 0
  return (
    <StatCard title="Server" icon={<PlayIcon />} testId="dashboard-server">
      <Stack gap={6}>
        <Group gap="xs">
          <Badge color="teal" variant="dot" size="lg" data-testid="dashboard-server-state">
            Running
          </Badge>
          <Badge variant="light" color={status.mode === 'headless' ? 'grape' : 'blue'}>
            {status.mode}
          </Badge>
        </Group>
        <Text size="xs" c="dimmed" title={formatDateTime(status.startedAt)}>
          Up since {formatRelative(status.startedAt, now)} · version {status.version}
        </Text>
        <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
          Data in {status.dataDir}
        </Text>
        <Text size="xs" c={logTrouble ? 'red' : 'dimmed'} data-testid="dashboard-request-log-health">
          {log.failing
            ? `Request log not writing: ${log.pending.toLocaleString()} rows waiting`
            : log.dropped > 0
              ? `Request log dropped ${log.dropped.toLocaleString()} rows since start`
              : 'Request log writing normally'}
        </Text>
      </Stack>
    </StatCard>
  )
}

/** Requests per minute over the hour as bars, errors in red over them. */
function Sparkline({ minutes }: { minutes: DashboardSummary['lastHour']['perMinute'] }) {
  const peak = Math.max(1, ...minutes.map((minute) => minute.requests))
  const width = 240
  const height = 36
  const bar = width / minutes.length
  const busiest = minutes.reduce((best, minute) => (minute.requests > best.requests ? minute : best), minutes[0])
  const label =
    busiest.requests === 0
      ? 'No requests in the last hour'
      : `Requests per minute over the last hour; the busiest minute, ${formatTimeOfDay(busiest.minute)}, had ${busiest.requests.toLocaleString()}`
  return (
    <svg viewBox={`0 0 ${width} ${height}`} width="100%" height={height} preserveAspectRatio="none" role="img" aria-label={label} data-testid="dashboard-sparkline">
      <line x1={0} x2={width} y1={height - 0.5} y2={height - 0.5} stroke="var(--mantine-color-default-border)" />
      {minutes.map((minute, index) => {
        const h = (minute.requests / peak) * (height - 2)
        const e = (minute.errors / peak) * (height - 2)
        return (
          <g key={minute.minute}>
            {h > 0 && <rect x={index * bar + 0.5} width={bar - 1} y={height - h} height={h} fill="var(--mantine-color-blue-filled)" opacity={0.55} />}
            {e > 0 && <rect x={index * bar + 0.5} width={bar - 1} y={height - e} height={e} fill="var(--mantine-color-red-filled)" />}
          </g>
        )
      })}
    </svg>
  )
}

function endpointState(item: FailingEndpoint): { label: string; color: string; detail: string } {
  const { endpoint } = item
  if (!endpoint.enabled) return { label: 'disabled', color: 'red', detail: endpoint.disabledReason ?? 'disabled' }
  if (endpoint.failingSince) return { label: 'failing', color: 'orange', detail: `failing since ${formatDateTime(endpoint.failingSince)}` }
  return { label: 'gave up', color: 'yellow', detail: 'delivering again, with deliveries that gave up' }
}

function FailingEndpoints({ failing }: { failing: FailingEndpoint[] }) {
  const setDeliveryFilter = useAdmin((s) => s.setDeliveryFilter)
  const showDeliveries = (endpointId: string) => {
    setDeliveryFilter({ endpointId, event: null, status: null, range: 'all', since: null, until: null })
    navigate(hrefFor('webhooks', 'deliveries'))
  }
  if (failing.length === 0)
    return (
      <Group gap="xs" data-testid="dashboard-webhooks-healthy">
        <CheckIcon size={16} />
        <Text size="sm">Every endpoint is delivering.</Text>
      </Group>
    )
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table verticalSpacing="xs" aria-label="Failing webhook endpoints" data-testid="dashboard-failing-endpoints">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Endpoint</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th ta="right">Gave up (24 h)</Table.Th>
            <Table.Th ta="right">Retrying</Table.Th>
            <Table.Th>Last error</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {failing.map((item) => {
            const state = endpointState(item)
            return (
              <Table.Tr key={item.endpoint.id} data-testid="dashboard-failing-endpoint" data-endpoint-id={item.endpoint.id} data-state={state.label}>
                <Table.Td>
                  <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
                    {item.endpoint.url}
                  </Text>
                  {item.endpoint.description && (
                    <Text size="xs" c="dimmed">
                      {item.endpoint.description}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Tooltip label={state.detail} withArrow multiline w={280}>
                    <Badge color={state.color} variant="light" tabIndex={0} miw="max-content">
                      {state.label}
                    </Badge>
                  </Tooltip>
                </Table.Td>
                <Table.Td ta="right" ff="monospace">
                  {item.failedDeliveries.toLocaleString()}
                </Table.Td>
                <Table.Td ta="right" ff="monospace">
                  {item.retrying.toLocaleString()}
                </Table.Td>
                <Table.Td>
                  <Text size="xs" c="dimmed" lineClamp={2}>
                    {item.lastError ?? '—'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Button size="xs" variant="default" onClick={() => showDeliveries(item.endpoint.id)} aria-label={`Deliveries to ${item.endpoint.url}`}>
                    Deliveries
                  </Button>
                </Table.Td>
              </Table.Tr>
            )
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  )
}

/** The landing page: is the server up, where does it answer, what has it been doing, and what needs attention. */
export function DashboardPage() {
  const summary = useAdmin((s) => s.dashboard)
  const status = useAdmin((s) => s.serverStatus)
  const loadDashboard = useAdmin((s) => s.loadDashboard)
  const now = useNow(30_000)

  useEffect(() => {
    void loadDashboard()
    const timer = setInterval(() => void loadDashboard({ quiet: true }), REFRESH_MS)
    return () => clearInterval(timer)
  }, [loadDashboard])

  const hour = summary?.lastHour
  const webhooks = summary?.webhooks
  return (
    <Stack>
      <PageHeader
        title="Dashboard"
        description={
          <>
            The server at a glance. Press <Kbd size="xs">{paletteShortcut()}</Kbd> to jump to any page, key or action.
          </>
        }
        actions={status && <ApiBaseUrl url={status.apiBaseUrl} />}
      />
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
        <ServerCard status={status} now={now} />
        <StatCard
          title="API keys"
          icon={<KeyIcon />}
          testId="dashboard-keys"
          footer={
            <>
              <Button component="a" href={hrefFor('keys', undefined, { new: '1' })} size="xs" leftSection={<PlusIcon size={14} />} data-testid="dashboard-create-key">
                Create a key
              </Button>
              <Anchor href={hrefFor('keys')} size="sm">
                All keys
              </Anchor>
            </>
          }
        >
          {summary ? (
            <Stack gap={4}>
              <Figure value={summary.keys.active} label="active" testId="dashboard-keys-active" />
              <Text size="xs" c="dimmed" data-testid="dashboard-keys-other">
                {summary.keys.grace.toLocaleString()} in grace · {summary.keys.expired.toLocaleString()} expired · {summary.keys.revoked.toLocaleString()} revoked
              </Text>
            </Stack>
          ) : (
            <Loader size="sm" aria-label="Loading" />
          )}
        </StatCard>
        <StatCard
          title="Last hour"
          icon={<ListIcon />}
          testId="dashboard-requests"
          footer={
            <Anchor href={hrefFor('requests')} size="sm">
              Request log
            </Anchor>
          }
        >
          {hour ? (
            <Stack gap={6}>
              <Group gap="lg" align="flex-start">
                <Figure value={hour.requests} label="requests" testId="dashboard-requests-count" />
                <Figure value={hour.errors} label="errors (4xx, 5xx)" testId="dashboard-errors-count" color={hour.errors > 0 ? 'red' : undefined} />
                <Figure value={hour.limited} label="429s" testId="dashboard-limited-count" color={hour.limited > 0 ? 'orange' : undefined} />
              </Group>
              <Sparkline minutes={hour.perMinute} />
              <Text size="xs" c="dimmed">
                Since {formatTimeOfDay(hour.since)}; 429s count among the errors.
              </Text>
            </Stack>
          ) : (
            <Loader size="sm" aria-label="Loading" />
          )}
        </StatCard>
        <StatCard
          title="Webhooks"
          icon={<WebhookIcon />}
          testId="dashboard-webhooks"
          footer={
            <Anchor href={hrefFor('webhooks')} size="sm">
              Webhooks
            </Anchor>
          }
        >
          {webhooks ? (
            <Group gap="lg" align="flex-start">
              <Figure value={webhooks.endpoints} label={`endpoints, ${webhooks.enabled.toLocaleString()} enabled`} testId="dashboard-endpoints-count" />
              <Figure value={webhooks.failing.length} label="need attention" testId="dashboard-failing-count" color={webhooks.failing.length > 0 ? 'red' : undefined} />
            </Group>
          ) : (
            <Loader size="sm" aria-label="Loading" />
          )}
        </StatCard>
      </SimpleGrid>

      <Card withBorder padding="md" radius="md" component="section" aria-labelledby="failing-endpoints-title">
        <Stack gap="sm">
          <Group justify="space-between">
            <Title order={3} size="h5" id="failing-endpoints-title">
              Webhook endpoints that need attention
            </Title>
            <Anchor href={hrefFor('webhooks')} size="sm">
              Manage endpoints
            </Anchor>
          </Group>
          <Text size="sm" c="dimmed">
            Disabled endpoints, endpoints whose last attempt failed, and those with deliveries retried or given up in the last 24 hours.
          </Text>
          {webhooks ? <FailingEndpoints failing={webhooks.failing} /> : <Loader size="sm" aria-label="Loading" />}
        </Stack>
      </Card>

      <Card withBorder padding="md" radius="md" component="section" aria-labelledby="quick-links-title">
        <Stack gap="sm">
          <Title order={3} size="h5" id="quick-links-title">
            Next steps
          </Title>
          <Group gap="sm">
            <Button component="a" href={hrefFor('keys', undefined, { new: '1' })} variant="light" leftSection={<KeyIcon size={16} />} data-testid="quick-create-key">
              Create a key
            </Button>
            <Button component="a" href={hrefFor('playground')} variant="light" leftSection={<PlayIcon size={16} />} data-testid="quick-playground">
              Open the Playground
            </Button>
            <Button component="a" href={hrefFor('requests')} variant="default" leftSection={<ListIcon size={16} />}>
              Watch the request log
            </Button>
            <Button component="a" href={hrefFor('webhooks')} variant="default" leftSection={<WebhookIcon size={16} />}>
              Add a webhook endpoint
            </Button>
          </Group>
          {status && (
            <Text size="sm" c="dimmed">
              Point an SDK or <Code>curl</Code> at <Code>{status.apiBaseUrl}</Code> with <Code>Authorization: Bearer $CLAWHQ_API_KEY</Code>.
            </Text>
          )}
        </Stack>
      </Card>
    </Stack>
  )
}
