import { Code, Paper, ScrollArea, Stack, Table, Text } from '@mantine/core'
import type { ReactNode } from 'react'
import { prettyBody } from './labels'

/** Headers as sent or received, one per line, names sorted so the signature headers sit together. */
export function HeadersTable({ headers, testId }: { headers: Record<string, string>; testId?: string }) {
  const names = Object.keys(headers).sort()
  if (names.length === 0)
    return (
      <Text size="xs" c="dimmed">
        No headers.
      </Text>
    )
  return (
    <Table withRowBorders={false} verticalSpacing={2} horizontalSpacing={6} data-testid={testId} fz="xs" ff="monospace">
      <Table.Tbody>
        {names.map((name) => (
          <Table.Tr key={name} data-header={name}>
            <Table.Td c="dimmed" style={{ whiteSpace: 'nowrap', verticalAlign: 'top', width: '1%' }}>
              {name}
            </Table.Td>
            <Table.Td style={{ wordBreak: 'break-all' }}>{headers[name]}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

/** A body, JSON indented; long ones scroll inside their box. */
export function BodyBlock({ body, testId, maxHeight = 320 }: { body: string; testId?: string; maxHeight?: number }) {
  if (body === '')
    return (
      <Text size="xs" c="dimmed" data-testid={testId}>
        Empty body.
      </Text>
    )
  return (
    <ScrollArea.Autosize mah={maxHeight} type="auto" offsetScrollbars>
      <Code block data-testid={testId} style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
        {prettyBody(body)}
      </Code>
    </ScrollArea.Autosize>
  )
}

export interface HttpMessageProps {
  /** "Request", "Response". */
  title: string
  /** Beside the title: the method and URL, the status. */
  summary?: ReactNode
  headers: Record<string, string> | null
  body: string | null
  /** Instead of headers and body, when there are none (no answer came). */
  missing?: ReactNode
  testId: string
}

/** One side of an HTTP exchange: what was sent or what came back. */
export function HttpMessage({ title, summary, headers, body, missing, testId }: HttpMessageProps) {
  return (
    <Paper withBorder p="sm" radius="md" data-testid={testId} style={{ minWidth: 0 }}>
      <Stack gap="xs">
        <div>
          <Text size="xs" fw={700} tt="uppercase" c="dimmed">
            {title}
          </Text>
          {summary}
        </div>
        {headers === null && body === null ? (
          missing
        ) : (
          <>
            {headers && <HeadersTable headers={headers} testId={`${testId}-headers`} />}
            {body !== null && <BodyBlock body={body} testId={`${testId}-body`} />}
          </>
        )}
      </Stack>
    </Paper>
  )
}
