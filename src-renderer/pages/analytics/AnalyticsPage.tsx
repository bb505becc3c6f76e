import { ActionIcon, Button, Card, Code, Group, Loader, SegmentedControl, Select, SimpleGrid, Stack, Text, Title, Tooltip } from '@mantine/core'
import { useEffect, type ReactNode } from 'react'
import { ANALYTICS_RANGES, type AnalyticsRange, type AnalyticsUsage } from '../../../src-shared/analytics'
import { RefreshIcon } from '../../components/icons'
import { PageHeader } from '../../components/PageHeader'
import { hrefFor } from '../../router'
import { useAdmin } from '../../store'
import type { AnalyticsKeyFilter } from '../../store/analytics'
import { formatCount, formatMs, share, useChartColors } from './chart-kit'
import { RevenueChart } from './RevenueChart'
import { LatencyChart, PerKeyChart, StatusMixChart, TopKeysTable, TrafficChart } from './UsageCharts'

/** How often the open page reads the figures again. */
const REFRESH_MS = 15_000

const RANGES = (Object.keys(ANALYTICS_RANGES) as AnalyticsRange[]).map((value) => ({ value, label: ANALYTICS_RANGES[value].label }))

const filterValue = (filter: AnalyticsKeyFilter): string => (filter.kind === 'key' ? filter.keyId : filter.kind)
const filterOf = (value: string | null): AnalyticsKeyFilter =>
  value === null || value === 'all' ? { kind: 'all' } : value === 'none' ? { kind: 'none' } : { kind: 'key', keyId: value }

function Stat({ label, value, detail, testId, color }: { label: string; value: ReactNode; detail?: ReactNode; testId: string; color?: string }) {
  return (
    <Card withBorder padding="sm" radius="md" component="section" aria-label={label}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fz={26} fw={700} lh={1.2} ff="monospace" c={color} data-testid={testId}>
        {value}
      </Text>
      {detail && (
        <Text size="xs" c="dimmed">
          {detail}
        </Text>
      )}
    </Card>
  )
}

function Totals({ usage }: { usage: AnalyticsUsage }) {
  const colors = useChartColors()
  const { totals } = usage
  const color = (shade: string) => `var(--mantine-color-${shade.replace('.', '-')})`
  return (
    <SimpleGrid cols={{ base: 2, md: 4 }} data-testid="analytics-totals">
      <Stat label="Requests" value={formatCount(totals.requests)} testId="analytics-total-requests" detail={`${formatCount(usage.keysWithTraffic)} keys with traffic`} />
      <Stat
        label="Errors"
        value={formatCount(totals.errors)}
        testId="analytics-total-errors"
        color={totals.errors > 0 ? color(colors.errors) : undefined}
        detail={`${share(totals.errors, totals.requests)} of requests · ${formatCount(totals.statusMix['5xx'])} server errors`}
      />
      <Stat
        label="Rate limited (429)"
        value={formatCount(totals.limited)}
        testId="analytics-total-limited"
        color={totals.limited > 0 ? color(colors.limited) : undefined}
        detail={`${share(totals.limited, totals.requests)} of requests`}
      />
      <Stat
        label="Latency p95"
        value={formatMs(totals.latency.p95Ms)}
        testId="analytics-total-p95"
        detail={
          <span data-testid="analytics-total-percentiles">
            p50 {formatMs(totals.latency.p50Ms)} · p99 {formatMs(totals.latency.p99Ms)} · max {formatMs(totals.latency.maxMs)}
          </span>
        }
      />
    </SimpleGrid>
  )
}

/** No traffic in the range: say how to make some. */
function NoTraffic({ usage, filterName }: { usage: AnalyticsUsage; filterName: string | null }) {
  const apiBaseUrl = useAdmin((s) => s.serverStatus?.apiBaseUrl ?? 'http://127.0.0.1:7420/api/v1')
  const range = ANALYTICS_RANGES[usage.range].label.toLowerCase()
  return (
    <Card withBorder padding="xl" radius="md" data-testid="analytics-empty">
      <Stack align="center" gap="sm">
        <Title order={3} size="h5">
          {filterName ? `No requests from ${filterName} in the ${range}` : `No API requests in the ${range}`}
        </Title>
        <Text size="sm" c="dimmed" ta="center" maw={640}>
          Send a request from the Playground, or with curl, and the charts fill in here within a few seconds:
        </Text>
        <Code block style={{ maxWidth: '100%', overflowX: 'auto' }}>
          {`curl -H "Authorization: Bearer $CLAWHQ_API_KEY" ${apiBaseUrl}/me`}
        </Code>
        <Button component="a" href={hrefFor('playground')} size="xs" variant="light">
          Open the Playground
        </Button>
      </Stack>
    </Card>
  )
}

export function AnalyticsPage() {
  const { range, keyFilter, usage, revenue, loading } = useAdmin((s) => s.analytics)
  const keys = useAdmin((s) => s.keys)
  const keysLoaded = useAdmin((s) => s.keysLoaded)
  const loadKeys = useAdmin((s) => s.loadKeys)
  const loadAnalytics = useAdmin((s) => s.loadAnalytics)
  const setRange = useAdmin((s) => s.setAnalyticsRange)
  const setKeyFilter = useAdmin((s) => s.setAnalyticsKeyFilter)

  useEffect(() => {
    void loadAnalytics()
    if (!keysLoaded) void loadKeys()
    const timer = setInterval(() => void loadAnalytics({ quiet: true }), REFRESH_MS)
    return () => clearInterval(timer)
    // Once on arrival, then on the timer; the controls reload through the store.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  const keyOptions = [
    { value: 'all', label: 'All keys' },
    { value: 'none', label: 'No key (refused calls)' },
    ...keys.map((key) => ({ value: key.id, label: `${key.name} (${key.hint})${key.status === 'revoked' ? ' · revoked' : ''}` })),
  ]
  const filterName =
    keyFilter.kind === 'all' ? null : keyFilter.kind === 'none' ? 'calls without a key' : (keys.find((key) => key.id === keyFilter.keyId)?.name ?? keyFilter.keyId)

  return (
    <Stack>
      <PageHeader
        title="Analytics"
        description="Requests, errors and 429s per key over time, latency percentiles, status codes and seller revenue."
        actions={
          <Tooltip label="Read the figures again" withArrow>
            <ActionIcon variant="default" size="lg" onClick={() => void loadAnalytics()} loading={loading && usage !== null} aria-label="Refresh the analytics" data-testid="analytics-refresh">
              <RefreshIcon size={18} />
            </ActionIcon>
          </Tooltip>
        }
      />

      <Group align="flex-end" wrap="wrap">
        <Stack gap={4}>
          <Text size="sm" fw={500} id="analytics-range-label">
            Range
          </Text>
          <SegmentedControl
            aria-labelledby="analytics-range-label"
            data={RANGES}
            value={range}
            onChange={(value) => void setRange(value as AnalyticsRange)}
            data-testid="analytics-range"
          />
        </Stack>
        <Select
          label="Key"
          data={keyOptions}
          value={filterValue(keyFilter)}
          onChange={(value) => void setKeyFilter(filterOf(value))}
          allowDeselect={false}
          searchable
          w={300}
          data-testid="analytics-key-filter"
        />
        {keyFilter.kind !== 'all' && (
          <Button variant="default" onClick={() => void setKeyFilter({ kind: 'all' })} data-testid="analytics-all-keys">
            Show every key
          </Button>
        )}
        {usage && (
          <Text size="xs" c="dimmed" pb={8} data-testid="analytics-span">
            {new Date(usage.since).toLocaleString()} – now · {usage.buckets.length} points
          </Text>
        )}
      </Group>

      {!usage || !revenue ? (
        <Group justify="center" py="xl">
          <Loader aria-label="Loading the analytics" />
        </Group>
      ) : (
        <>
          <Totals usage={usage} />
          {usage.totals.requests === 0 ? (
            <NoTraffic usage={usage} filterName={filterName} />
          ) : (
            <>
              <SimpleGrid cols={{ base: 1, lg: 2 }}>
                <TrafficChart usage={usage} />
                <LatencyChart usage={usage} />
              </SimpleGrid>
              {keyFilter.kind === 'all' && <PerKeyChart usage={usage} />}
              <SimpleGrid cols={{ base: 1, lg: 2 }}>
                <StatusMixChart usage={usage} />
                <TopKeysTable usage={usage} onPick={(filter) => void setKeyFilter(filter)} />
              </SimpleGrid>
            </>
          )}
          <RevenueChart revenue={revenue} />
        </>
      )}
    </Stack>
  )
}
