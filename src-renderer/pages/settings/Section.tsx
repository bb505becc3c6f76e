import { Group, Paper, Stack, Text, Title } from '@mantine/core'
import { useId, type ReactNode } from 'react'

/** For inputs that take a path: the path in monospace, the label and help text as the rest of the form. */
export const pathInputStyles = { input: { fontFamily: 'var(--mantine-font-family-monospace)' } }

export interface SectionProps {
  title: string
  description: ReactNode
  /** Beside the title, on the right: a status badge. */
  aside?: ReactNode
  children: ReactNode
  testId: string
}

/** One card of the Settings page: a heading (h3 under the page's h2), a line on what it is for, its content. */
export function Section({ title, description, aside, children, testId }: SectionProps) {
  const headingId = useId()
  return (
    <Paper withBorder p="lg" radius="md" component="section" aria-labelledby={headingId} data-testid={testId}>
      <Stack gap="md">
        <div>
          <Group justify="space-between" align="center" gap="xs">
            <Title order={3} size="h4" id={headingId}>
              {title}
            </Title>
            {aside}
          </Group>
          <Text size="sm" c="dimmed" mt={2}>
            {description}
          </Text>
        </div>
        {children}
      </Stack>
    </Paper>
  )
}
