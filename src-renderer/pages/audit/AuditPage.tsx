import { Badge, Button, Code, Select, SimpleGrid, Stack, Text, Tooltip } from '@mantine/core'
import { useMemo } from 'react'
import type { AuditEntry } from '../../../src-shared/dto'
import { DataTable, type Column } from '../../components/DataTable'
import { EmptyState } from '../../components/EmptyState'
import { formatDateTime } from '../../components/format'
import { PageHeader } from '../../components/PageHeader'
import { useLoadOnArrival } from '../../components/useLoadOnArrival'
import { hrefFor } from '../../router'
import { useAdmin } from '../../store'

/** The actions the core records; the filter also offers any other action it has seen. */
const KNOWN_ACTIONS = ['key.created', 'key.updated', 'key.rolled', 'key.revoked', 'tier.created', 'tier.updated', 'tier.deleted', 'settings.changed']

const actionColor = (action: string) =>
  action.endsWith('.revoked') || action.endsWith('.deleted') ? 'red' : action.endsWith('.created') ? 'teal' : 'blue'

const asJson = (value: unknown) => (value === null || value === undefined ? 'null' : JSON.stringify(value, null, 2))

/** The top-level fields whose value differs between before and after. */
export function changedFields(before: unknown, after: unknown): string[] {
  const fields = (value: unknown) => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {})
  const a = fields(before)
  const b = fields(after)
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((field) => JSON.stringify(a[field]) !== JSON.stringify(b[field]))
}

/** The target as it stood on one side of the change. */
function Snapshot({ title, value }: { title: string; value: unknown }) {
  return (
    <div>
      <Text size="xs" fw={600} c="dimmed" mb={4}>
        {title}
      </Text>
      <Code block style={{ maxHeight: 320, overflow: 'auto' }}>
        {asJson(value)}
      </Code>
    </div>
  )
}

function ChangeDetail({ entry }: { entry: AuditEntry }) {
  const changed = entry.before && entry.after ? changedFields(entry.before, entry.after) : []
  return (
    <Stack gap={4} py="xs">
      {changed.length > 0 && (
        <Text size="xs" c="dimmed">
          Changed:{' '}
          {changed.map((field) => (
            <Code key={field} mr={4}>
              {field}
            </Code>
          ))}
        </Text>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
        <Snapshot title="Before" value={entry.before} />
        <Snapshot title="After" value={entry.after} />
      </SimpleGrid>
    </Stack>
  )
}

// Widths: a long log is virtualized, and then laid out by its header (see DataTable's fixedLayout).
const AUDIT_COLUMNS: Column<AuditEntry>[] = [
  { key: 'time', header: 'Time', width: 210, nowrap: true, cell: (entry) => <Text size="sm">{formatDateTime(entry.at)}</Text> },
  {
    key: 'actor',
    header: 'Actor',
    width: 250,
    cell: (entry) => (
      <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
        {entry.actor}
      </Text>
    ),
  },
  {
    key: 'action',
    header: 'Action',
    width: 200,
    cell: (entry) => (
      <Badge variant="light" color={actionColor(entry.action)} tt="none">
        {entry.action}
      </Badge>
    ),
  },
  {
    key: 'target',
    header: 'Target',
    cell: (entry) => (
      <Text size="sm">
        {entry.targetType}{' '}
        {entry.targetId && (
          <Tooltip label={entry.targetId} withArrow>
            <Text span ff="monospace" size="sm" c="dimmed">
              {entry.targetId}
            </Text>
          </Tooltip>
        )}
      </Text>
    ),
  },
]

export function AuditPage() {
  const { rows: entries, total, loaded, loadingOlder, filter: action } = useAdmin((s) => s.auditLog)
  const loadAudit = useAdmin((s) => s.loadAudit)
  const loadOlderAudit = useAdmin((s) => s.loadOlderAudit)
  const setAuditAction = useAdmin((s) => s.setAuditAction)

  useLoadOnArrival(loaded, loadAudit)

  const actions = useMemo(
    () => [...new Set([...KNOWN_ACTIONS, ...entries.map((entry) => entry.action), ...(action ? [action] : [])])].sort(),
    [entries, action],
  )

  return (
    <Stack>
      <PageHeader
        title="Audit log"
        description="Who changed what, and when: from this GUI, the CLI or the admin API."
        actions={
          <Select
            label="Action"
            placeholder="All actions"
            clearable
            searchable
            data={actions}
            value={action}
            onChange={setAuditAction}
            w={220}
            data-testid="audit-action-filter"
          />
        }
      />
      <Text size="xs" c="dimmed">
        {entries.length} shown of {total.toLocaleString()}
      </Text>
      <DataTable
        label="Audit log"
        testId="audit-table"
        minWidth={760}
        fixedLayout
        columns={AUDIT_COLUMNS}
        rows={entries}
        rowKey={(entry) => entry.id}
        rowAttributes={(entry) => ({ 'data-testid': 'audit-row', 'data-action': entry.action })}
        loading={!loaded}
        empty={
          action ? (
            <EmptyState
              actions={
                <Button size="xs" variant="default" onClick={() => setAuditAction(null)}>
                  Every action
                </Button>
              }
            >
              No “{action}” entries.
            </EmptyState>
          ) : (
            <EmptyState
              actions={
                <Button component="a" href={hrefFor('keys', undefined, { new: '1' })} size="xs" variant="light">
                  Create a key
                </Button>
              }
            >
              Nothing recorded yet. Creating, revoking or rolling a key, changing a tier, an endpoint or a setting is recorded here, from
              this GUI, the CLI or the admin API.
            </EmptyState>
          )
        }
        expand={{
          detail: (entry) => <ChangeDetail entry={entry} />,
          toggleLabel: (entry, open) => `${open ? 'Hide' : 'Show'} the change of ${entry.action} #${entry.id}`,
          toggleTestId: (entry) => `audit-expand-${entry.id}`,
        }}
        older={{ total, loading: loadingOlder, onLoad: () => void loadOlderAudit(), testId: 'audit-load-older' }}
      />
    </Stack>
  )
}
