import { Group, Stack, Text } from '@mantine/core'
import type { ReactNode } from 'react'

/** What an empty table says: why it is empty and what to do next, with a button where there is a next step. */
export function EmptyState({ children, actions, testId }: { children: ReactNode; actions?: ReactNode; testId?: string }) {
  return (
    <Stack align="center" gap="sm" data-testid={testId}>
      <Text size="sm" c="dimmed" ta="center" maw={620} component="div">
        {children}
      </Text>
      {actions && (
        <Group gap="xs" justify="center">
          {actions}
        </Group>
      )}
    </Stack>
  )
}
