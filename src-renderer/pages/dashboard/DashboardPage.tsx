import { Stack } from '@mantine/core'
import { PageHeader } from '../../components/PageHeader'

export function DashboardPage() {
  return (
    <Stack>
      <PageHeader title="Dashboard" description="The server at a glance." />
    </Stack>
  )
}
