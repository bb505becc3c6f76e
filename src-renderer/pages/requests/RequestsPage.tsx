import { Badge, Group, SegmentedControl, Select, Stack, Text, TextInput, Tooltip } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { useEffect, useState } from 'react'
import { DataTable, type Column } from '../../components/DataTable'
import { formatDateTime, formatLatency, formatTimeOfDay } from '../../components/format'
import { PageHeader } from '../../components/PageHeader'
import { useLoadOnArrival } from '../../components/useLoadOnArrival'
import { useAdmin, type RequestRow, type StatusClass } from '../../store'
import { injectedLabel } from '../keys/faults'

const STATUS_CLASSES = [
  { value: 'all', label: 'All' },
  { value: '2xx', label: '2xx' },
  { value: '4xx', label: '4xx' },
  { value: '429', label: '429' },
  { value: '5xx', label: '5xx' },
]

export function statusColor(status: number): string {
  if (status === 429) return 'orange'
  if (status >= 500) return 'red'
  if (status >= 400) return 'yellow'
  if (status >= 300) return 'blue'
  return 'teal'
}

function requestColumns(keyName: (id: string | null) => string | null): Column<RequestRow>[] {
  return [
    {
      key: 'time',
      header: 'Time',
      nowrap: true,
      cell: (row) => (
        <Text size="sm" ff="monospace" title={formatDateTime(row.at)}>
          {formatTimeOfDay(row.at)}
        </Text>
      ),
    },
    { key: 'method', header: 'Method', cell: (row) => <Text size="sm" ff="monospace" fw={600}>{row.method}</Text> },
    {
      key: 'path',
      header: 'Path',
      cell: (row) => (
        <>
          <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
            {row.path}
          </Text>
          {row.source === 'playground' && (
            <Badge size="xs" variant="outline" ml={4}>
              playground
            </Badge>
          )}
          {row.fault && (
            <Tooltip label="The key’s fault injection shaped this answer on purpose" withArrow>
              <Badge size="sm" color="orange" variant="filled" tt="none" miw="max-content" tabIndex={0} data-testid="request-fault">
                {injectedLabel(row.fault)}
              </Badge>
            </Tooltip>
          )}
        </>
      ),
    },
    {
      key: 'status',
      header: 'Status',
      cell: (row) => (
        <Group gap={6} wrap="nowrap">
          <Badge color={statusColor(row.status)} variant="light" miw="max-content">
            {row.status}
          </Badge>
          {row.errorCode && (
            <Text size="xs" c="dimmed" ff="monospace">
              {row.errorCode}
            </Text>
          )}
        </Group>
      ),
    },
    { key: 'latency', header: 'Latency', align: 'right', nowrap: true, cell: (row) => <Text size="sm" ff="monospace">{formatLatency(row.latencyMs)}</Text> },
    {
      key: 'tokens',
      header: 'Tokens',
      align: 'right',
      nowrap: true,
      cell: (row) =>
        row.tokensIn === null && row.tokensOut === null ? (
          <Text size="sm" c="dimmed">
            —
          </Text>
        ) : (
          <Text size="xs" ff="monospace" title="Prompt tokens in, answer tokens out" data-testid="request-tokens">
            {row.tokensIn?.toLocaleString() ?? '—'} in · {row.tokensOut?.toLocaleString() ?? '—'} out
          </Text>
        ),
    },
    { key: 'key', header: 'Key', cell: (row) => <Text size="sm" c={row.keyId ? undefined : 'dimmed'}>{keyName(row.keyId) ?? 'none'}</Text> },
    { key: 'id', header: 'Request ID', cell: (row) => <Text size="xs" ff="monospace" c="dimmed">{row.id}</Text> },
  ]
}

export function RequestsPage() {
  const { rows, total, loaded, loadingOlder, filter } = useAdmin((s) => s.requestLog)
  const keys = useAdmin((s) => s.keys)
  const loadRequests = useAdmin((s) => s.loadRequests)
  const loadOlderRequests = useAdmin((s) => s.loadOlderRequests)
  const setRequestFilter = useAdmin((s) => s.setRequestFilter)

  const [path, setPath] = useState(filter.pathContains)
  const [debouncedPath] = useDebouncedValue(path, 300)

  useLoadOnArrival(loaded, loadRequests)

  useEffect(() => {
    if (debouncedPath !== filter.pathContains) setRequestFilter({ pathContains: debouncedPath })
  }, [debouncedPath, filter.pathContains, setRequestFilter])

  const keyName = (id: string | null) => (id ? (keys.find((key) => key.id === id)?.name ?? id) : null)

  return (
    <Stack>
      <PageHeader
        title="Request log"
        description={
          <>
            Every call to <Text span ff="monospace">/api/v1</Text>, newest first, as it happens.
          </>
        }
        actions={
          <Badge variant="dot" color="teal" size="lg" aria-live="polite">
            Live · {rows.length} shown of {total.toLocaleString()}
          </Badge>
        }
      />

      <Group align="flex-end" wrap="wrap">
        <Select
          label="Key"
          placeholder="Any key"
          clearable
          searchable
          data={keys.map((key) => ({ value: key.id, label: `${key.name} (${key.hint})` }))}
          value={filter.keyId}
          onChange={(keyId) => setRequestFilter({ keyId })}
          w={260}
          data-testid="requests-key-filter"
        />
        <Stack gap={4}>
          <Text size="sm" fw={500} id="status-class-label">
            Status
          </Text>
          <SegmentedControl
            aria-labelledby="status-class-label"
            data={STATUS_CLASSES}
            value={filter.statusClass ?? 'all'}
            onChange={(value) => setRequestFilter({ statusClass: value === 'all' ? null : (value as StatusClass) })}
            data-testid="requests-status-filter"
          />
        </Stack>
        <TextInput
          label="Path contains"
          placeholder="/listings"
          value={path}
          onChange={(event) => setPath(event.currentTarget.value)}
          w={240}
          data-testid="requests-path-filter"
        />
      </Group>

      <DataTable
        label="Request log"
        testId="requests-table"
        minWidth={980}
        dense
        columns={requestColumns(keyName)}
        rows={rows}
        rowKey={(row) => row.id}
        rowAttributes={(row) => ({ 'data-testid': 'request-row', 'data-path': row.path, 'data-status': row.status, 'data-fault': row.fault ?? undefined })}
        loading={!loaded}
        empty="No requests match. Calls to the API appear here as they happen."
        older={{ total, loading: loadingOlder, onLoad: () => void loadOlderRequests(), testId: 'requests-load-older' }}
      />
    </Stack>
  )
}
