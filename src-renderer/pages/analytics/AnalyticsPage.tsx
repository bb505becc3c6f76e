import { Stack } from '@mantine/core'
import { PageHeader } from '../../components/PageHeader'

export function AnalyticsPage() {
  return (
    <Stack>
      <PageHeader title="Analytics" description="Requests, errors and 429s per key over time, and latency percentiles." />
    </Stack>
  )
}
