import { Center, Loader, Table, Text } from '@mantine/core'
import type { ReactNode } from 'react'

/** The one row a table shows while it loads or when it has nothing. */
export function EmptyRow({ colSpan, loading, children }: { colSpan: number; loading: boolean; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Td colSpan={colSpan}>
        <Center py="lg">
          {loading ? (
            <Loader size="sm" aria-label="Loading" />
          ) : (
            <Text size="sm" c="dimmed">
              {children}
            </Text>
          )}
        </Center>
      </Table.Td>
    </Table.Tr>
  )
}
