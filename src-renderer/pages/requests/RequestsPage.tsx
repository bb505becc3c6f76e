import { Badge, Button, Code, Group, SegmentedControl, Select, Stack, Text, TextInput, Tooltip } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { useEffect, useMemo, useState } from 'react'
import { DataTable, type Column } from '../../components/DataTable'
import { EmptyState } from '../../components/EmptyState'
import { formatDateTime, formatLatency, formatTimeOfDay } from '../../components/format'
import { PageHeader } from '../../components/PageHeader'
import { useLoadOnArrival } from '../../components/useLoadOnArrival'
import { hrefFor } from '../../router'
import { useAdmin, type RequestRow, type StatusClass } from '../../store'
import { injectedLabel } from '../keys/faults'
import classes from './RequestsPage.module.css'

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

const PILL_COLOR: Record<string, string> = { teal: classes.teal, blue: classes.blue, yellow: classes.yellow, orange: classes.orange, red: classes.red }
const statusPill = (status: number) => `${classes.pill} ${PILL_COLOR[statusColor(status)]}`

/** Plain elements with classes: a fast scroll through the log draws dozens of rows a frame. */
function requestColumns(keyName: (id: string | null) => string | null): Column<RequestRow>[] {
  return [
    {
      key: 'time',
      header: 'Time',
      width: 96,
      nowrap: true,
      cellProps: { ff: 'monospace' },
      cell: (row) => <span title={formatDateTime(row.at)}>{formatTimeOfDay(row.at)}</span>,
    },
    { key: 'method', header: 'Method', width: 76, cellProps: { ff: 'monospace', fw: 600 }, cell: (row) => row.method },
    {
      key: 'path',
      header: 'Path',
      cell: (row) => (
        <div className={classes.line}>
          <span className={`${classes.mono} ${classes.oneLine}`} title={row.path}>
            {row.path}
          </span>
          {row.source === 'playground' && <span className={`${classes.pill} ${classes.playground}`}>playground</span>}
          {row.fault && (
            <Tooltip label="The key’s fault injection shaped this answer on purpose" withArrow>
              <Badge size="sm" color="orange" variant="filled" tt="none" miw="max-content" tabIndex={0} data-testid="request-fault">
                {injectedLabel(row.fault)}
              </Badge>
            </Tooltip>
          )}
        </div>
      ),
    },
    {
      key: 'status',
      header: 'Status',
      width: 170,
      cell: (row) => (
        <div className={classes.line}>
          <span className={statusPill(row.status)}>{row.status}</span>
          {row.errorCode && (
            <span className={`${classes.monoXs} ${classes.dimmed} ${classes.oneLine}`} title={row.errorCode}>
              {row.errorCode}
            </span>
          )}
        </div>
      ),
    },
    { key: 'latency', header: 'Latency', width: 90, align: 'right', nowrap: true, cellProps: { ff: 'monospace' }, cell: (row) => formatLatency(row.latencyMs) },
    {
      key: 'tokens',
      header: 'Tokens',
      width: 140,
      align: 'right',
      nowrap: true,
      cell: (row) =>
        row.tokensIn === null && row.tokensOut === null ? (
          <span className={classes.dimmed}>—</span>
        ) : (
          <span className={classes.monoXs} title="Prompt tokens in, answer tokens out" data-testid="request-tokens">
            {row.tokensIn?.toLocaleString() ?? '—'} in · {row.tokensOut?.toLocaleString() ?? '—'} out
          </span>
        ),
    },
    {
      key: 'key',
      header: 'Key',
      width: 130,
      cell: (row) => {
        const name = keyName(row.keyId)
        return name ? (
          <div className={classes.oneLine} title={name}>
            {name}
          </div>
        ) : (
          <span className={classes.dimmed}>none</span>
        )
      },
    },
    { key: 'id', header: 'Request ID', width: 214, cell: (row) => <span className={`${classes.monoXs} ${classes.dimmed}`}>{row.id}</span> },
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

  const apiBaseUrl = useAdmin((s) => s.serverStatus?.apiBaseUrl ?? 'http://127.0.0.1:7420/api/v1')
  // Built once per change of the keys: the virtualized table draws rows as they scroll in, each with these.
  const columns = useMemo(() => {
    const names = new Map(keys.map((key) => [key.id, key.name]))
    return requestColumns((id) => (id ? (names.get(id) ?? id) : null))
  }, [keys])
  const filtered = filter.keyId !== null || filter.statusClass !== null || filter.pathContains.trim() !== ''
  const clearFilters = () => {
    setPath('')
    setRequestFilter({ keyId: null, statusClass: null, pathContains: '' })
  }

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
          <Badge variant="dot" color="teal" size="lg" aria-live="polite" data-testid="requests-live" data-shown={rows.length} data-total={total}>
            Live · {rows.length.toLocaleString()} shown of {total.toLocaleString()}
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
        fixedLayout
        columns={columns}
        rows={rows}
        rowKey={(row) => row.id}
        rowAttributes={(row) => ({ 'data-testid': 'request-row', 'data-path': row.path, 'data-status': row.status, 'data-fault': row.fault ?? undefined })}
        loading={!loaded}
        empty={
          filtered ? (
            <EmptyState
              actions={
                <Button size="xs" variant="default" onClick={clearFilters} data-testid="requests-clear-filters">
                  Clear the filters
                </Button>
              }
            >
              No requests match these filters. New calls that do appear here as they happen.
            </EmptyState>
          ) : (
            <EmptyState
              testId="requests-empty"
              actions={
                <Button component="a" href={hrefFor('playground')} size="xs" variant="light">
                  Open the Playground
                </Button>
              }
            >
              No requests yet. Send one from the Playground, or <Code>curl {apiBaseUrl}/health</Code>: it appears here as it happens.
            </EmptyState>
          )
        }
        older={{ total, loading: loadingOlder, onLoad: () => void loadOlderRequests(), testId: 'requests-load-older' }}
      />
    </Stack>
  )
}
