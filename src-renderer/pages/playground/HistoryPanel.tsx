import { ActionIcon, Badge, Box, Button, Group, Paper, Stack, Text, TextInput, Tooltip, UnstyledButton } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { useEffect, useState } from 'react'
import { ConfirmModal } from '../../components/ConfirmModal'
import { formatDateTime, formatRelative } from '../../components/format'
import { PlayIcon, SearchIcon, TrashIcon } from '../../components/icons'
import { useNow } from '../../components/useNow'
import { useAdmin } from '../../store'
import type { PlaygroundHistoryRow } from '../../store/playground'
import { statusColor } from '../requests/RequestsPage'
import { MethodBadge } from './EndpointPicker'

/** `/api/v1/listings?limit=3` from the full URL. */
function pathOf(url: string): string {
  try {
    const parsed = new URL(url)
    return decodeURIComponent(parsed.pathname + parsed.search)
  } catch {
    return url
  }
}

/** Every path starts with /api/v1: the list shows what follows (the whole path is in the tooltip and the label). */
const shortPath = (path: string) => path.replace(/^\/api\/v1(?=\/|$)/, '') || '/'

function Outcome({ entry }: { entry: PlaygroundHistoryRow }) {
  if (entry.response)
    return (
      <Badge size="xs" variant="light" color={statusColor(entry.response.status)} style={{ flexShrink: 0 }}>
        {entry.response.status}
      </Badge>
    )
  return (
    <Badge size="xs" variant="light" color={entry.error?.kind === 'cancelled' ? 'yellow' : 'red'} style={{ flexShrink: 0 }}>
      {entry.error?.kind === 'cancelled' ? 'stopped' : 'no answer'}
    </Badge>
  )
}

interface Props {
  /** The entry on show, highlighted. */
  activeId: string | null
  /** Puts the entry's request into the form and shows its exchange. */
  onLoad(entry: PlaygroundHistoryRow): void
  /** Sends the entry's request again, as it was. */
  onRerun(entry: PlaygroundHistoryRow): void
  running: boolean
}

/** Every request sent from the playground, newest first, searchable by path, method or status. */
export function HistoryPanel({ activeId, onLoad, onRerun, running }: Props) {
  const history = useAdmin((s) => s.playgroundHistory)
  const loadHistory = useAdmin((s) => s.loadPlaygroundHistory)
  const deleteEntry = useAdmin((s) => s.deletePlaygroundEntry)
  const clearHistory = useAdmin((s) => s.clearPlaygroundHistory)
  const reportSuccess = useAdmin((s) => s.reportSuccess)
  const now = useNow(30_000)
  const [search, setSearch] = useState(history.search)
  const [searched] = useDebouncedValue(search, 250)
  const [confirming, setConfirming] = useState(false)

  useEffect(() => {
    if (!history.loaded || searched !== history.search) void loadHistory({ search: searched })
    // Only when the search settles: a send reloads the list itself.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [searched])

  const { entries, total } = history
  return (
    <Paper withBorder p="md" radius="md" h="100%" component="section" aria-label="History" data-testid="history">
      <Stack gap="sm" h="100%">
        <Group justify="space-between" gap="xs">
          <Text size="sm" fw={700} tt="uppercase" c="dimmed">
            History
          </Text>
          <Group gap="xs">
            <Text size="xs" c="dimmed" data-testid="history-total">
              {total.toLocaleString()} {total === 1 ? 'request' : 'requests'}
            </Text>
            <Button size="compact-xs" variant="subtle" color="red" onClick={() => setConfirming(true)} disabled={total === 0} data-testid="history-clear">
              Clear
            </Button>
          </Group>
        </Group>
        <TextInput
          aria-label="Search the history"
          placeholder="Path, method or status"
          leftSection={<SearchIcon size={16} />}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          data-testid="history-search"
        />
        <Box mah={560} style={{ overflowY: 'auto', overflowX: 'hidden' }}>
          {entries.length === 0 ? (
            <Text size="sm" c="dimmed" ta="center" py="md" data-testid="history-empty">
              {history.search ? 'Nothing sent matches this search.' : 'Requests you send are kept here, to look at again or run again.'}
            </Text>
          ) : (
            <Stack gap={2} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {entries.map((entry) => {
                const path = pathOf(entry.request.url)
                return (
                  <Group key={entry.id} component="li" gap={4} wrap="nowrap" data-testid="history-entry" data-entry-id={entry.id}>
                    <UnstyledButton
                      className="pg-history-item"
                      data-active={entry.id === activeId}
                      onClick={() => onLoad(entry)}
                      aria-label={`Open ${entry.request.method} ${path}, ${entry.response ? `status ${entry.response.status}` : 'no answer'}, ${formatDateTime(entry.at)}`}
                      style={{ minWidth: 0, flex: 1 }}
                      data-testid="history-load"
                    >
                      <Group gap={6} wrap="nowrap">
                        <MethodBadge method={entry.request.method} size="xs" />
                        <Text size="xs" ff="monospace" truncate style={{ flex: 1, minWidth: 0 }} title={path}>
                          {shortPath(path)}
                        </Text>
                        <Outcome entry={entry} />
                      </Group>
                      <Text size="xs" c="dimmed" mt={2} truncate>
                        {formatRelative(entry.at, now)}
                        {entry.auth.kind === 'key' ? ` · ${entry.auth.name ?? entry.auth.keyId}` : entry.auth.kind === 'secret' ? ' · pasted secret' : ' · no key'}
                      </Text>
                    </UnstyledButton>
                    <Tooltip label="Run again" withArrow>
                      <ActionIcon variant="subtle" color="gray" onClick={() => onRerun(entry)} disabled={running} aria-label={`Run ${entry.request.method} ${path} again`} data-testid="history-rerun">
                        <PlayIcon size={16} />
                      </ActionIcon>
                    </Tooltip>
                    <Tooltip label="Delete" withArrow>
                      <ActionIcon variant="subtle" color="gray" onClick={() => void deleteEntry(entry.id)} aria-label={`Delete ${entry.request.method} ${path} from the history`} data-testid="history-delete">
                        <TrashIcon size={16} />
                      </ActionIcon>
                    </Tooltip>
                  </Group>
                )
              })}
            </Stack>
          )}
          {entries.length < total && (
            <Group justify="center" mt="xs">
              <Button size="compact-xs" variant="subtle" onClick={() => void loadHistory({ more: true })} loading={history.loading} data-testid="history-more">
                Show older ({(total - entries.length).toLocaleString()})
              </Button>
            </Group>
          )}
        </Box>
      </Stack>
      <ConfirmModal
        opened={confirming}
        title="Clear the playground history?"
        confirmLabel="Clear history"
        danger
        onClose={() => setConfirming(false)}
        onConfirm={async () => {
          const deleted = await clearHistory()
          reportSuccess('History cleared', `${deleted.toLocaleString()} ${deleted === 1 ? 'request' : 'requests'} deleted.`)
        }}
        testId="history-clear-confirm"
      >
        Every request kept in the playground&apos;s history is deleted. The request log keeps its own rows.
      </ConfirmModal>
    </Paper>
  )
}
