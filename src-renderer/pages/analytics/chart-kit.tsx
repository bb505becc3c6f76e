import { Box, Card, Group, Text, Title } from '@mantine/core'
import { useId, type ReactNode } from 'react'
import { ANALYTICS_RANGES, type AnalyticsRange } from '../../../src-shared/analytics'
import { useAdmin } from '../../store'

/**
 * A chart as a figure: its caption (a heading and one line saying what it shows) names it for assistive
 * technology, and the chart's own SVG carries the same title, so each chart is findable and announced.
 */
export function ChartFigure({
  title,
  summary,
  actions,
  testId,
  children,
}: {
  title: string
  summary: ReactNode
  actions?: ReactNode
  testId: string
  children: ReactNode
}) {
  const id = useId()
  return (
    <Card withBorder padding="md" radius="md" component="figure" m={0} aria-labelledby={`${id}-title`} aria-describedby={`${id}-summary`} data-testid={testId}>
      <Group component="figcaption" justify="space-between" align="flex-start" mb="sm" wrap="wrap" gap="xs">
        <div>
          <Title order={3} size="h5" id={`${id}-title`}>
            {title}
          </Title>
          <Text size="xs" c="dimmed" id={`${id}-summary`}>
            {summary}
          </Text>
        </div>
        {actions}
      </Group>
      <Box>{children}</Box>
    </Card>
  )
}

/** Hues for series, read at a shade that stands out from the page in the current theme (≥ 3:1 for lines and areas). */
export const KEY_HUES = ['blue', 'teal', 'grape', 'orange', 'cyan', 'pink'] as const

export function useChartColors() {
  const dark = useAdmin((s) => s.colorScheme) === 'dark'
  const shade = (hue: string) => `${hue}.${dark ? 4 : 7}`
  return {
    shade,
    requests: shade('blue'),
    errors: shade('red'),
    limited: shade('orange'),
    p50: shade('teal'),
    p95: shade('violet'),
    p99: shade('pink'),
    status: { '2xx': shade('teal'), '3xx': shade('blue'), '4xx': shade('yellow'), '429': shade('orange'), '5xx': shade('red') },
  }
}

const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
const dayAndTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })

/** A bucket's label on the time axis and in tooltips: the time of day within a day, with the date over 30 days. */
export const bucketLabel = (range: AnalyticsRange, iso: string): string =>
  (ANALYTICS_RANGES[range].bucketSeconds < 6 * 3600 ? timeOfDay : dayAndTime).format(new Date(iso))

/** What one bucket is, in words: "per minute", "per 15 minutes", "per 6 hours". */
export function perBucket(range: AnalyticsRange): string {
  const seconds = ANALYTICS_RANGES[range].bucketSeconds
  return seconds === 60 ? 'per minute' : seconds < 3600 ? `per ${seconds / 60} minutes` : `per ${seconds / 3600} hours`
}

export const formatMs = (ms: number | null): string => (ms === null ? '—' : ms < 1 ? `${ms.toFixed(2)} ms` : ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms).toLocaleString()} ms`)

export const formatCount = (n: number): string => n.toLocaleString()

export const share = (part: number, whole: number): string => (whole === 0 ? '—' : `${((part / whole) * 100).toFixed(part === whole || part === 0 ? 0 : 1)}%`)
