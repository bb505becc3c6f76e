import { ActionIcon, Badge, Code, Collapse, Group, Select, SimpleGrid, Stack, Table, Text, Title, Tooltip } from '@mantine/core'
import { Fragment, useEffect, useMemo, useState } from 'react'
import type { AuditEntry } from '../../../src-shared/dto'
import { EmptyRow } from '../../components/EmptyRow'
import { formatDateTime } from '../../components/format'
import { LoadOlderButton } from '../../components/LoadOlderButton'
import { ChevronDownIcon, ChevronRightIcon } from '../../components/icons'
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
        <div>
          <Text size="xs" fw={600} c="dimmed" mb={4}>
            Before
          </Text>
          <Code block style={{ maxHeight: 320, overflow: 'auto' }}>
            {asJson(entry.before)}
          </Code>
        </div>
        <div>
          <Text size="xs" fw={600} c="dimmed" mb={4}>
            After
          </Text>
          <Code block style={{ maxHeight: 320, overflow: 'auto' }}>
            {asJson(entry.after)}
          </Code>
        </div>
      </SimpleGrid>
    </Stack>
  )
}

export function AuditPage() {
  const entries = useAdmin((s) => s.auditEntries)
  const total = useAdmin((s) => s.auditTotal)
  const loaded = useAdmin((s) => s.auditLoaded)
  const action = useAdmin((s) => s.auditAction)
  const loadAudit = useAdmin((s) => s.loadAudit)
  const loadingOlder = useAdmin((s) => s.auditLoadingOlder)
  const loadOlderAudit = useAdmin((s) => s.loadOlderAudit)
  const setAuditAction = useAdmin((s) => s.setAuditAction)
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set())

  useEffect(() => {
    if (!loaded) void loadAudit()
    // Only on arrival: the filter reloads through setAuditAction.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  const actions = useMemo(
    () => [...new Set([...KNOWN_ACTIONS, ...entries.map((entry) => entry.action), ...(action ? [action] : [])])].sort(),
    [entries, action],
  )

  const toggle = (id: number) =>
    setExpanded((current) => {
      const next = new Set(current)
      if (!next.delete(id)) next.add(id)
      return next
    })

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Audit log</Title>
          <Text size="sm" c="dimmed">
            Who changed what, and when: from this GUI, the CLI or the admin API.
          </Text>
        </div>
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
      </Group>
      <Text size="xs" c="dimmed">
        {entries.length} shown of {total.toLocaleString()}
      </Text>
      <Table.ScrollContainer minWidth={760}>
        <Table verticalSpacing="sm" aria-label="Audit log" data-testid="audit-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={40} />
              <Table.Th>Time</Table.Th>
              <Table.Th>Actor</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th>Target</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {entries.length === 0 && (
              <EmptyRow colSpan={5} loading={!loaded}>
                Nothing recorded yet.
              </EmptyRow>
            )}
            {entries.map((entry) => {
              const open = expanded.has(entry.id)
              return (
                <Fragment key={entry.id}>
                  <Table.Tr data-testid="audit-row" data-action={entry.action}>
                    <Table.Td>
                      <ActionIcon
                        variant="subtle"
                        color="gray"
                        onClick={() => toggle(entry.id)}
                        aria-expanded={open}
                        aria-label={`${open ? 'Hide' : 'Show'} the change of ${entry.action} #${entry.id}`}
                        data-testid={`audit-expand-${entry.id}`}
                      >
                        {open ? <ChevronDownIcon /> : <ChevronRightIcon />}
                      </ActionIcon>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Text size="sm">{formatDateTime(entry.at)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" ff="monospace">
                        {entry.actor}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={actionColor(entry.action)} tt="none">
                        {entry.action}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
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
                    </Table.Td>
                  </Table.Tr>
                  <Table.Tr style={{ display: open ? undefined : 'none' }}>
                    <Table.Td colSpan={5} py={0}>
                      <Collapse expanded={open}>{open && <ChangeDetail entry={entry} />}</Collapse>
                    </Table.Td>
                  </Table.Tr>
                </Fragment>
              )
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <LoadOlderButton shown={entries.length} total={total} loading={loadingOlder} onLoad={() => void loadOlderAudit()} testId="audit-load-older" />
    </Stack>
  )
}
