import { Stack } from '@mantine/core'
import { PageHeader } from '../../components/PageHeader'

export function PlaygroundPage() {
  return (
    <Stack>
      <PageHeader title="Playground" description="Send any API request as one of your keys and see the whole exchange." />
    </Stack>
  )
}
