import { Button, CopyButton, Group, Loader, Modal, Stack, Table, Text } from '@mantine/core'
import type { ServerStatus } from '../../src-shared/dto'
import { useAdmin } from '../store'
import { formatDateTime } from './format'
import { CheckIcon, CopyIcon } from './icons'

/** What About lists, in order, one line each (also what "Copy" copies); `id` names its cell for tests. */
export function aboutRows(status: ServerStatus, browser: string | null): Array<{ id: string; label: string; value: string }> {
  const { runtime } = status
  const rows = [
    { id: 'version', label: 'ClawHQ Local', value: status.version },
    { id: 'mode', label: 'Mode', value: status.mode },
    { id: 'electron', label: 'Electron', value: runtime.electron ?? 'none (headless)' },
    { id: 'chrome', label: 'Chrome', value: runtime.chrome ?? 'none (headless)' },
    { id: 'node', label: 'Node.js', value: runtime.node },
    { id: 'v8', label: 'V8', value: runtime.v8 },
    { id: 'sqlite', label: 'SQLite', value: status.sqliteVersion },
    { id: 'schema', label: 'Schema', value: status.schemaVersion },
    { id: 'platform', label: 'Platform', value: `${runtime.platform} ${runtime.arch}` },
    { id: 'data-dir', label: 'Data directory', value: status.dataDir },
    { id: 'api-url', label: 'API base URL', value: status.apiBaseUrl },
    { id: 'started', label: 'Started', value: formatDateTime(status.startedAt) },
  ]
  // Headless, the GUI runs in some browser the server knows nothing of: name it too, for bug reports.
  if (browser && status.mode === 'headless') rows.push({ id: 'browser', label: 'This browser', value: browser })
  return rows
}

export function AboutModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const status = useAdmin((s) => s.serverStatus)
  const rows = status ? aboutRows(status, navigator.userAgent) : []
  const asText = rows.map(({ label, value }) => `${label}: ${value}`).join('\n')
  return (
    <Modal opened={opened} onClose={onClose} title="About ClawHQ Local" centered size="lg" data-testid="about-modal">
      {status ? (
        <Stack>
          <Text size="sm" c="dimmed">
            The local API server and its admin app, offline on this machine. Versions of what runs it:
          </Text>
          <Table variant="vertical" layout="fixed" withTableBorder aria-label="Versions and paths" data-testid="about-table">
            <Table.Tbody>
              {rows.map(({ id, label, value }) => (
                <Table.Tr key={id}>
                  <Table.Th w={150}>{label}</Table.Th>
                  <Table.Td ff="monospace" fz="sm" style={{ wordBreak: 'break-all' }} data-testid={`about-${id}`}>
                    {value}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Group justify="space-between">
            <CopyButton value={asText} timeout={2000}>
              {({ copied, copy }) => (
                <Button variant="default" leftSection={copied ? <CheckIcon size={16} /> : <CopyIcon size={16} />} onClick={copy} data-testid="about-copy">
                  {copied ? 'Copied' : 'Copy for a bug report'}
                </Button>
              )}
            </CopyButton>
            <Button onClick={onClose} data-testid="about-close">
              Close
            </Button>
          </Group>
        </Stack>
      ) : (
        <Loader size="sm" aria-label="Loading" />
      )}
    </Modal>
  )
}
