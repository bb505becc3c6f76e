import { AreaChart, DonutChart, LineChart } from '@mantine/charts'
import { Anchor, Group, SegmentedControl, Table, Text } from '@mantine/core'
import { useState } from 'react'
import { LATENCY_RESOLUTION, type AnalyticsUsage, type StatusMix, type TopKey, type UsageCounts } from '../../../src-shared/analytics'
import type { AnalyticsKeyFilter } from '../../store/analytics'
import { bucketLabel, ChartFigure, formatCount, formatMs, KEY_HUES, perBucket, share, useChartColors } from './chart-kit'

const CHART_HEIGHT = 240
/** Keys drawn one by one in the per-key chart; the rest are summed as "other keys". */
const KEYS_CHARTED = 5

const axis = { tickLine: 'y' as const, gridAxis: 'xy' as const, withDots: false, curveType: 'monotone' as const }
const countFormatter = (value: number) => formatCount(value)

export const keyLabel = (key: Pick<TopKey, 'keyId' | 'name'>): string => (key.keyId === null ? 'No key' : (key.name ?? key.keyId))

/** Requests, errors and 429s per bucket. */
export function TrafficChart({ usage }: { usage: AnalyticsUsage }) {
  const colors = useChartColors()
  const data = usage.buckets.map((bucket) => ({ time: bucketLabel(usage.range, bucket.start), requests: bucket.requests, errors: bucket.errors, limited: bucket.limited }))
  const busiest = usage.buckets.reduce((best, bucket) => (bucket.requests > best.requests ? bucket : best), usage.buckets[0])
  const title = 'Requests, errors and 429s'
  return (
    <ChartFigure
      title={title}
      testId="analytics-traffic-chart"
      summary={`${perBucket(usage.range)}; the busiest, ${bucketLabel(usage.range, busiest.start)}, had ${formatCount(busiest.requests)} requests`}
    >
      <AreaChart
        h={CHART_HEIGHT}
        data={data}
        dataKey="time"
        {...axis}
        fillOpacity={0.15}
        withLegend
        valueFormatter={countFormatter}
        series={[
          { name: 'requests', label: 'Requests', color: colors.requests },
          { name: 'errors', label: 'Errors (4xx/5xx)', color: colors.errors },
          { name: 'limited', label: '429s', color: colors.limited },
        ]}
        areaChartProps={{ title, desc: `Requests, errors and 429 answers ${perBucket(usage.range)}` }}
      />
    </ChartFigure>
  )
}

type Metric = keyof UsageCounts
const METRICS: { value: Metric; label: string }[] = [
  { value: 'requests', label: 'Requests' },
  { value: 'errors', label: 'Errors' },
  { value: 'limited', label: '429s' },
]

/** One metric per key over time, stacked: the busiest keys each in their own colour. */
export function PerKeyChart({ usage }: { usage: AnalyticsUsage }) {
  const colors = useChartColors()
  const [metric, setMetric] = useState<Metric>('requests')
  const charted = usage.topKeys.slice(0, KEYS_CHARTED)
  const others = usage.topKeys.slice(KEYS_CHARTED)
  const data = usage.buckets.map((bucket, i) => {
    const row: Record<string, string | number> = { time: bucketLabel(usage.range, bucket.start) }
    charted.forEach((key, k) => (row[`k${k}`] = key.series[i][metric]))
    // What the listed keys do not account for: the keys past the first ten, when there are that many.
    const listed = usage.topKeys.reduce((sum, key) => sum + key.series[i][metric], 0)
    row.other = others.reduce((sum, key) => sum + key.series[i][metric], 0) + (bucket[metric] - listed)
    return row
  })
  const series = charted.map((key, k) => ({ name: `k${k}`, label: keyLabel(key), color: colors.shade(KEY_HUES[k % KEY_HUES.length]) }))
  if (usage.keysWithTraffic > KEYS_CHARTED) series.push({ name: 'other', label: 'Other keys', color: colors.shade('gray') })
  const title = 'Per key'
  const metricLabel = METRICS.find((m) => m.value === metric)!.label
  return (
    <ChartFigure
      title={title}
      testId="analytics-per-key-chart"
      summary={`${metricLabel} ${perBucket(usage.range)}, stacked, for the ${Math.min(KEYS_CHARTED, usage.keysWithTraffic)} busiest keys${usage.keysWithTraffic > KEYS_CHARTED ? ' and the others together' : ''}`}
      actions={
        <SegmentedControl size="xs" aria-label="What the per-key chart counts" data={METRICS} value={metric} onChange={(value) => setMetric(value as Metric)} data-testid="analytics-per-key-metric" />
      }
    >
      <AreaChart
        h={CHART_HEIGHT}
        data={data}
        dataKey="time"
        type="stacked"
        {...axis}
        fillOpacity={0.35}
        withLegend
        valueFormatter={countFormatter}
        series={series}
        areaChartProps={{ title: `${metricLabel} per key`, desc: `${metricLabel} ${perBucket(usage.range)} per key, stacked` }}
      />
    </ChartFigure>
  )
}

/** p50, p95 and p99 per bucket; no line where a bucket had no requests. */
export function LatencyChart({ usage }: { usage: AnalyticsUsage }) {
  const colors = useChartColors()
  const data = usage.buckets.map((bucket) => ({ time: bucketLabel(usage.range, bucket.start), p50: bucket.p50Ms, p95: bucket.p95Ms, p99: bucket.p99Ms }))
  const { latency } = usage.totals
  const title = 'Latency percentiles'
  return (
    <ChartFigure
      title={title}
      testId="analytics-latency-chart"
      summary={`Over the range: p50 ${formatMs(latency.p50Ms)}, p95 ${formatMs(latency.p95Ms)}, p99 ${formatMs(latency.p99Ms)}, max ${formatMs(latency.maxMs)} (percentiles ${LATENCY_RESOLUTION})`}
    >
      <LineChart
        h={CHART_HEIGHT}
        data={data}
        dataKey="time"
        {...axis}
        connectNulls={false}
        withDots={usage.buckets.filter((bucket) => bucket.requests > 0).length < 3}
        withLegend
        valueFormatter={(value) => formatMs(value)}
        series={[
          { name: 'p50', label: 'p50', color: colors.p50 },
          { name: 'p95', label: 'p95', color: colors.p95 },
          { name: 'p99', label: 'p99', color: colors.p99 },
        ]}
        lineChartProps={{ title, desc: `Median, 95th and 99th percentile latency in milliseconds ${perBucket(usage.range)}` }}
      />
    </ChartFigure>
  )
}

const STATUS_CLASSES: { key: keyof StatusMix; label: string }[] = [
  { key: '2xx', label: '2xx success' },
  { key: '3xx', label: '3xx redirect' },
  { key: '4xx', label: '4xx client error' },
  { key: '429', label: '429 rate limited' },
  { key: '5xx', label: '5xx server error' },
]

/** Answers by status class: a donut, and the same figures as a table beside it. */
export function StatusMixChart({ usage }: { usage: AnalyticsUsage }) {
  const colors = useChartColors()
  const mix = usage.totals.statusMix
  const total = usage.totals.requests
  const data = STATUS_CLASSES.filter(({ key }) => mix[key] > 0).map(({ key, label }) => ({ name: label, value: mix[key], color: colors.status[key] }))
  return (
    <ChartFigure title="Status codes" testId="analytics-status-mix" summary={`${formatCount(total)} answers by status class`}>
      <Group align="center" wrap="nowrap" gap="lg">
        <DonutChart
          data={data}
          size={150}
          thickness={24}
          chartLabel={formatCount(total)}
          valueFormatter={countFormatter}
          tooltipDataSource="segment"
          pieChartProps={{ title: 'Status codes', desc: 'Answers by status class' }}
        />
        <Table verticalSpacing={4} horizontalSpacing="xs" fz="sm" aria-label="Answers by status class" data-testid="analytics-status-table">
          <Table.Tbody>
            {STATUS_CLASSES.map(({ key, label }) => (
              <Table.Tr key={key} data-status-class={key}>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <span aria-hidden style={{ width: 10, height: 10, borderRadius: 2, background: `var(--mantine-color-${colors.status[key].replace('.', '-')})`, flex: 'none' }} />
                    <Text size="sm">{label}</Text>
                  </Group>
                </Table.Td>
                <Table.Td ta="right" ff="monospace" data-testid={`analytics-status-${key}`}>
                  {formatCount(mix[key])}
                </Table.Td>
                <Table.Td ta="right" c="dimmed" ff="monospace">
                  {share(mix[key], total)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Group>
    </ChartFigure>
  )
}

/** The busiest keys of the range; a name narrows the page to that key. */
export function TopKeysTable({ usage, onPick }: { usage: AnalyticsUsage; onPick: (filter: AnalyticsKeyFilter) => void }) {
  return (
    <ChartFigure
      title="Top keys"
      testId="analytics-top-keys"
      summary={
        usage.keysWithTraffic > usage.topKeys.length
          ? `The ${usage.topKeys.length} busiest of ${usage.keysWithTraffic} keys with traffic; pick one to see only its calls`
          : 'By requests; pick one to see only its calls'
      }
    >
      <Table.ScrollContainer minWidth={560}>
        <Table verticalSpacing="xs" aria-label="Top keys by requests" striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Key</Table.Th>
              <Table.Th ta="right">Requests</Table.Th>
              <Table.Th ta="right">Errors</Table.Th>
              <Table.Th ta="right">429s</Table.Th>
              <Table.Th ta="right">Error rate</Table.Th>
              <Table.Th ta="right">p95</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {usage.topKeys.map((key) => (
              <Table.Tr key={key.keyId ?? ''} data-testid="analytics-top-key" data-key-id={key.keyId ?? 'none'}>
                <Table.Td>
                  <Anchor
                    component="button"
                    type="button"
                    size="sm"
                    onClick={() => onPick(key.keyId === null ? { kind: 'none' } : { kind: 'key', keyId: key.keyId })}
                    aria-label={`Show only ${key.keyId === null ? 'calls without a key' : `the calls of ${keyLabel(key)}`}`}
                  >
                    {keyLabel(key)}
                  </Anchor>
                  {key.keyId === null && (
                    <Text size="xs" c="dimmed">
                      missing, unknown or revoked secrets
                    </Text>
                  )}
                </Table.Td>
                <Table.Td ta="right" ff="monospace">
                  {formatCount(key.requests)}
                </Table.Td>
                <Table.Td ta="right" ff="monospace">
                  {formatCount(key.errors)}
                </Table.Td>
                <Table.Td ta="right" ff="monospace">
                  {formatCount(key.limited)}
                </Table.Td>
                <Table.Td ta="right" ff="monospace">
                  {share(key.errors, key.requests)}
                </Table.Td>
                <Table.Td ta="right" ff="monospace">
                  {formatMs(key.p95Ms)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </ChartFigure>
  )
}
