import { Badge, Group, SegmentedControl, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { useEffect, useState } from 'react'
import { EmptyRow } from '../../components/EmptyRow'
import { formatDateTime, formatLatency, formatTimeOfDay } from '../../components/format'
import { LoadOlderButton } from '../../components/LoadOlderButton'
import { useAdmin, type StatusClass } from '../../store'

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

export function RequestsPage() {
  const requests = useAdmin((s) => s.requests)
  const total = useAdmin((s) => s.requestsTotal)
  const loaded = useAdmin((s) => s.requestsLoaded)
  const filter = useAdmin((s) => s.requestFilter)
  const keys = useAdmin((s) => s.keys)
  const loadRequests = useAdmin((s) => s.loadRequests)
  const loadingOlder = useAdmin((s) => s.requestsLoadingOlder)
  const loadOlderRequests = useAdmin((s) => s.loadOlderRequests)
  const setRequestFilter = useAdmin((s) => s.setRequestFilter)

  const [path, setPath] = useState(filter.pathContains)
  const [debouncedPath] = useDebouncedValue(path, 300)

  useEffect(() => {
    if (!loaded) void loadRequests()
    // Only on arrival: filters reload through setRequestFilter.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  useEffect(() => {
    if (debouncedPath !== filter.pathContains) setRequestFilter({ pathContains: debouncedPath })
  }, [debouncedPath, filter.pathContains, setRequestFilter])

  const keyName = (id: string | null) => (id ? (keys.find((key) => key.id === id)?.name ?? id) : null)

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Request log</Title>
          <Text size="sm" c="dimmed">
            Every call to <Text span ff="monospace">/api/v1</Text>, newest first, as it happens.
          </Text>
        </div>
        <Badge variant="dot" color="teal" size="lg" aria-live="polite">
          Live · {requests.length} shown of {total.toLocaleString()}
        </Badge>
      </Group>

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

      <Table.ScrollContainer minWidth={900}>
        <Table striped highlightOnHover verticalSpacing={6} aria-label="Request log" data-testid="requests-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Time</Table.Th>
              <Table.Th>Method</Table.Th>
              <Table.Th>Path</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th ta="right">Latency</Table.Th>
              <Table.Th>Key</Table.Th>
              <Table.Th>Request ID</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {requests.length === 0 && (
              <EmptyRow colSpan={7} loading={!loaded}>
                No requests match. Calls to the API appear here as they happen.
              </EmptyRow>
            )}
            {requests.map((row) => (
              <Table.Tr key={row.id} data-testid="request-row" data-path={row.path} data-status={row.status}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Text size="sm" ff="monospace" title={formatDateTime(row.at)}>
                    {formatTimeOfDay(row.at)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace" fw={600}>
                    {row.method}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
                    {row.path}
                  </Text>
                  {row.source === 'playground' && (
                    <Badge size="xs" variant="outline" ml={4}>
                      playground
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Badge color={statusColor(row.status)} variant="light">
                      {row.status}
                    </Badge>
                    {row.errorCode && (
                      <Text size="xs" c="dimmed" ff="monospace">
                        {row.errorCode}
                      </Text>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                  <Text size="sm" ff="monospace">
                    {formatLatency(row.latencyMs)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c={row.keyId ? undefined : 'dimmed'}>
                    {keyName(row.keyId) ?? 'none'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="xs" ff="monospace" c="dimmed">
                    {row.id}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <LoadOlderButton shown={requests.length} total={total} loading={loadingOlder} onLoad={() => void loadOlderRequests()} testId="requests-load-older" />
    </Stack>
  )
}
