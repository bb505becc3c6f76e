import { Alert, Badge, Box, Code, Group, Loader, Paper, Stack, Table, Text } from '@mantine/core'
import type { ReactNode } from 'react'
import type { HeaderPairs, PlaygroundExchange, PlaygroundMethod } from '../../../src-shared/playground'
import { CodeBlock } from '../../components/CodeBlock'
import { formatLatency } from '../../components/format'
import { useNow } from '../../components/useNow'
import type { PlaygroundRun } from '../../store/playground'
import { statusColor } from '../requests/RequestsPage'
import { MethodBadge } from './EndpointPicker'
import { errorEnvelopeOf, formatBytes, prettyJson, readStream, statusLine } from './labels'

/** The request as shown: what the exchange says went out, or what is going out now. */
export interface ShownRequest {
  method: PlaygroundMethod
  url: string
  headers: HeaderPairs
  body: string | null
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Box>
      <Text size="xs" fw={700} tt="uppercase" c="dimmed" mb={4}>
        {title}
      </Text>
      {children}
    </Box>
  )
}

/** Headers in the order they went over the wire, repeats kept. */
function HeaderTable({ headers, label, testId }: { headers: HeaderPairs; label: string; testId: string }) {
  if (headers.length === 0)
    return (
      <Text size="xs" c="dimmed" data-testid={testId}>
        No headers.
      </Text>
    )
  return (
    <Table withRowBorders={false} verticalSpacing={1} horizontalSpacing={6} fz="xs" ff="monospace" aria-label={label} data-testid={testId}>
      <Table.Tbody>
        {headers.map(([name, value], index) => (
          <Table.Tr key={`${name}-${index}`} data-header={name.toLowerCase()}>
            <Table.Td c="dimmed" style={{ whiteSpace: 'nowrap', verticalAlign: 'top', width: '1%' }}>
              {name}:
            </Table.Td>
            <Table.Td style={{ wordBreak: 'break-all' }}>{value}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

/** A body: JSON indented and coloured, anything else as it is. */
function Body({ body, label, testId }: { body: string | null; label: string; testId: string }) {
  if (body === null || body === '')
    return (
      <Text size="xs" c="dimmed" data-testid={testId}>
        {body === null ? 'No body.' : 'Empty body.'}
      </Text>
    )
  const pretty = prettyJson(body)
  return <CodeBlock code={pretty ?? body} language={pretty === null ? 'text' : 'json'} label={label} wrap maxHeight={420} testId={testId} />
}

function Panel({ title, badge, testId, children }: { title: string; badge?: ReactNode; testId: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" radius="md" data-testid={testId} style={{ minWidth: 0 }} component="section" aria-label={title}>
      <Stack gap="sm">
        <Group justify="space-between" gap="xs">
          <Text size="sm" fw={700} tt="uppercase" c="dimmed">
            {title}
          </Text>
          {badge}
        </Group>
        {children}
      </Stack>
    </Paper>
  )
}

export function RequestPanel({ request, pending }: { request: ShownRequest | null; pending: boolean }) {
  return (
    <Panel
      title="Request"
      testId="exchange-request"
      badge={
        pending ? (
          <Badge variant="light" color="gray" data-testid="request-pending">
            sending…
          </Badge>
        ) : null
      }
    >
      {request === null ? (
        <Text size="sm" c="dimmed">
          The request you send appears here exactly as it goes out: method, URL, headers and body.
        </Text>
      ) : (
        <>
          <Group gap="xs" wrap="nowrap" align="flex-start">
            <MethodBadge method={request.method} />
            <Text ff="monospace" size="sm" style={{ wordBreak: 'break-all' }} data-testid="request-url">
              {request.url}
            </Text>
          </Group>
          <Section title="Headers">
            <HeaderTable headers={request.headers} label="Request headers" testId="request-headers" />
          </Section>
          <Section title="Body">
            <Body body={request.body} label="Request body" testId="request-body" />
          </Section>
        </>
      )}
    </Panel>
  )
}

/** A streamed answer: the text put together from its `content` events, and the events as they came. */
function StreamView({ raw, live }: { raw: string; live: boolean }) {
  const stream = readStream(raw)
  return (
    <Stack gap="sm">
      <Section title={live ? 'Answer, arriving' : 'Answer'}>
        <Paper withBorder radius="sm" p="sm" bg="var(--mantine-color-default-hover)">
          <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} className={live ? 'pg-caret' : undefined} aria-live="polite" data-testid="stream-text">
            {stream.text}
          </Text>
        </Paper>
        {stream.error && (
          <Text size="xs" className="pg-error" mt={4} data-testid="stream-error">
            The stream ended with an error: {stream.error}
          </Text>
        )}
      </Section>
      <Section title={`Events (${stream.events.length}${stream.done ? ', closed by [DONE]' : ''})`}>
        <CodeBlock code={raw} language="text" label="Server-sent events as received" wrap maxHeight={240} testId="stream-events" />
      </Section>
    </Stack>
  )
}

function Waiting({ startedAt }: { startedAt: number }) {
  const now = useNow(250)
  return (
    <Group gap="sm" data-testid="response-waiting">
      <Loader size="sm" type="dots" aria-label="Waiting for the answer" />
      <Text size="sm" c="dimmed">
        Waiting for the answer… {((now - startedAt) / 1000).toFixed(1)} s
      </Text>
    </Group>
  )
}

const STOPPED: Record<'transport' | 'cancelled' | 'timeout', { title: string; color: string }> = {
  transport: { title: 'No answer: the request did not get through', color: 'red' },
  cancelled: { title: 'Stopped', color: 'yellow' },
  timeout: { title: 'Timed out', color: 'orange' },
}

export function ResponsePanel({ exchange, run }: { exchange: PlaygroundExchange | null; run: PlaygroundRun | null }) {
  if (run) {
    const streaming = run.streamed !== ''
    return (
      <Panel
        title="Response"
        testId="exchange-response"
        badge={
          streaming ? (
            <Badge color="teal" variant="dot" data-testid="response-streaming">
              streaming · {run.chunks} chunk{run.chunks === 1 ? '' : 's'}
            </Badge>
          ) : null
        }
      >
        {streaming ? <StreamView raw={run.streamed} live /> : <Waiting startedAt={run.startedAt} />}
      </Panel>
    )
  }
  if (!exchange)
    return (
      <Panel title="Response" testId="exchange-response">
        <Text size="sm" c="dimmed">
          Pick an endpoint and a key, then press Send. The status, headers and body come back here, and a streamed chat shows its chunks as they arrive.
        </Text>
      </Panel>
    )

  const { response, error } = exchange
  const envelope = response && response.status >= 400 ? errorEnvelopeOf(response.body) : null
  return (
    <Panel
      title="Response"
      testId="exchange-response"
      badge={
        response ? (
          <Badge color={statusColor(response.status)} variant="light" size="lg" tt="none" data-testid="response-status" data-status={response.status}>
            {statusLine(response.status, response.statusText)}
          </Badge>
        ) : null
      }
    >
      {error && (
        <Alert color={STOPPED[error.kind].color} variant="light" title={STOPPED[error.kind].title} data-testid={`response-${error.kind}`}>
          {error.message}
          {response && error.kind !== 'transport' ? ' What had arrived is shown below.' : ''}
        </Alert>
      )}
      {response && (
        <>
          <Group gap="md" wrap="wrap">
            <Text size="xs" c="dimmed" data-testid="response-timing">
              {formatLatency(exchange.durationMs)} in all
              {exchange.timeToFirstByteMs !== null ? ` · first byte after ${formatLatency(exchange.timeToFirstByteMs)}` : ''} · {formatBytes(response.bytes)}
              {response.truncated ? ' (cut for display)' : ''}
            </Text>
            {exchange.requestId && (
              <Text size="xs" c="dimmed">
                Request ID <Code fz="xs">{exchange.requestId}</Code>
              </Text>
            )}
          </Group>
          {envelope && (
            <Alert color={response.status === 429 ? 'orange' : 'red'} variant="light" title={envelope.code} data-testid="response-envelope">
              <Stack gap={4}>
                <Text size="sm">{envelope.message}</Text>
                {envelope.type && (
                  <Text size="xs" c="dimmed">
                    type <Code fz="xs">{envelope.type}</Code>
                  </Text>
                )}
              </Stack>
            </Alert>
          )}
          <Section title="Headers">
            <HeaderTable headers={response.headers} label="Response headers" testId="response-headers" />
          </Section>
          <Section title="Body">{response.stream ? <StreamView raw={response.body} live={false} /> : <Body body={response.body} label="Response body" testId="response-body" />}</Section>
        </>
      )}
    </Panel>
  )
}
