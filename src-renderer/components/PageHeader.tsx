import { Group, Text, Title } from '@mantine/core'
import type { ReactNode } from 'react'

export interface PageHeaderProps {
  /** The page's heading (an h2 under the app's h1). */
  title: string
  /** One line under the title: what the page is for. */
  description: ReactNode
  /** On the right, level with the description: buttons, a filter, a live badge. */
  actions?: ReactNode
}

/** The top of every page. */
export function PageHeader({ title, description, actions }: PageHeaderProps) {
  const heading = (
    <div>
      <Title order={2}>{title}</Title>
      <Text size="sm" c="dimmed">
        {description}
      </Text>
    </div>
  )
  if (!actions) return heading
  return (
    <Group justify="space-between" align="flex-end">
      {heading}
      {actions}
    </Group>
  )
}
