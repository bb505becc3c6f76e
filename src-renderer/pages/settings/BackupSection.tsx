import { Alert, Badge, Button, Center, Code, Group, List, Loader, Modal, Stack, Table, Text, TextInput, Tooltip, VisuallyHidden } from '@mantine/core'
import { useEffect, useState, type FormEvent } from 'react'
import { isAdminError } from '../../api'
import { FormActions } from '../../components/FormActions'
import { formatDateTime, formatRelative } from '../../components/format'
import { useNow } from '../../components/useNow'
import { useAdmin } from '../../store'
import { fileName, formatBytes } from './address'
import { pathInputStyles, Section } from './Section'

/** The safety copy a restore makes first (the core's name for it). */
const isSafetyCopy = (file: string) => fileName(file).startsWith('before-restore-')

/** Asks before a restore, saying what it replaces and what it keeps; the server's refusal of a bad file is shown here. */
function RestoreModal({ file, backupDir, onClose }: { file: string | null; backupDir: string; onClose: () => void }) {
  const restoreBackup = useAdmin((s) => s.restoreBackup)
  const reportError = useAdmin((s) => s.reportError)
  const reportSuccess = useAdmin((s) => s.reportSuccess)
  const [busy, setBusy] = useState(false)
  const [refusal, setRefusal] = useState<string | null>(null)

  const close = () => {
    if (busy) return
    setRefusal(null)
    onClose()
  }

  const restore = async () => {
    if (!file) return
    setBusy(true)
    setRefusal(null)
    try {
      const restored = await restoreBackup(file)
      reportSuccess(
        'Backup restored',
        `The data now comes from ${fileName(restored.restoredFrom)} (${restored.keys} ${restored.keys === 1 ? 'key' : 'keys'}). The data as it was is kept in ${fileName(restored.safetyCopy.file)}.`,
      )
      setBusy(false)
      onClose()
    } catch (error) {
      setBusy(false)
      if (isAdminError(error) && error.code === 'INVALID_INPUT') setRefusal(error.message)
      else reportError(error, 'The backup was not restored')
    }
  }

  return (
    <Modal opened={file !== null} onClose={close} title="Restore this backup?" centered size="lg" closeOnClickOutside={!busy} closeOnEscape={!busy}>
      <Stack>
        <Code block style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} data-testid="restore-file">
          {file}
        </Code>
        <List size="sm" spacing={4}>
          <List.Item>
            All current data is replaced by the backup’s: keys, tiers, settings, the request and audit logs, webhooks, agents and the marketplace. Keys made
            since the backup stop working.
          </List.Item>
          <List.Item>
            First, the data as it is now is copied to a safety backup in <Code>{backupDir}</Code>: restore that copy to undo this.
          </List.Item>
          <List.Item>The file is checked all the way through before anything is replaced: if it is not a sound ClawHQ backup, nothing changes.</List.Item>
          <List.Item>The server keeps running; where it listens does not change.</List.Item>
        </List>
        {refusal && (
          <Alert color="red" title="Not restored: nothing changed" data-testid="restore-error">
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {refusal}
            </Text>
          </Alert>
        )}
        <FormActions label="Restore" onConfirm={() => void restore()} busy={busy} danger autoFocus testId="confirm-restore" onCancel={close} cancelTestId="cancel-restore" />
      </Stack>
    </Modal>
  )
}

/** Backups of the whole store, made while the server runs, and restoring one (checked first, the current data kept as a safety copy). */
export function BackupSection() {
  const backups = useAdmin((s) => s.backups)
  const loaded = useAdmin((s) => s.backupsLoaded)
  const backupDir = useAdmin((s) => s.serverConfig?.backupDir ?? null)
  const loadBackups = useAdmin((s) => s.loadBackups)
  const createBackup = useAdmin((s) => s.createBackup)
  const reportError = useAdmin((s) => s.reportError)
  const reportSuccess = useAdmin((s) => s.reportSuccess)

  const [target, setTarget] = useState('')
  const [backingUp, setBackingUp] = useState(false)
  const [source, setSource] = useState('')
  const [restoring, setRestoring] = useState<string | null>(null)
  const now = useNow(30_000)

  useEffect(() => {
    void loadBackups()
  }, [loadBackups])

  const backUp = async (event: FormEvent) => {
    event.preventDefault()
    if (backingUp) return
    setBackingUp(true)
    try {
      const backup = await createBackup(target.trim() || undefined)
      setTarget('')
      reportSuccess('Backup made', `${backup.file} (${formatBytes(backup.bytes)}).`)
    } catch (error) {
      reportError(error, 'No backup was made')
    } finally {
      setBackingUp(false)
    }
  }

  const restoreFromPath = (event: FormEvent) => {
    event.preventDefault()
    if (source.trim()) setRestoring(source.trim())
  }

  return (
    <Section
      title="Backup and restore"
      description="A backup is a copy of the whole database, made while the server runs. Restoring one replaces all data at once; the server keeps running."
      testId="settings-backups"
    >
      <form onSubmit={backUp} aria-label="Make a backup" data-testid="backup-form">
        <Group align="flex-end" gap="sm" wrap="nowrap">
          <TextInput
            label="Backup file"
            description={backupDir ? `Empty: a new file in ${backupDir}, named by the time.` : 'Empty: a new file in the backup folder, named by the time.'}
            placeholder="optional: /path/to/clawhq-backup.db"
            value={target}
            onChange={(event) => setTarget(event.currentTarget.value)}
            spellCheck={false}
            styles={pathInputStyles}
            style={{ flex: 1 }}
            data-testid="backup-target"
          />
          <Button type="submit" loading={backingUp} data-testid="backup-create">
            Back up now
          </Button>
        </Group>
      </form>

      {!loaded ? (
        <Center py="md">
          <Loader size="sm" aria-label="Loading the backups" />
        </Center>
      ) : backups.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="backup-empty">
          No backups in the backup folder yet.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={560} maxHeight={320}>
          <Table highlightOnHover verticalSpacing={6} aria-label="Backups in the backup folder" data-testid="backup-list">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>File</Table.Th>
                <Table.Th ta="right">Size</Table.Th>
                <Table.Th>Made</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {backups.map((backup) => {
                const name = fileName(backup.file)
                return (
                  <Table.Tr key={backup.file} data-testid={`backup-row-${name}`}>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <Tooltip label={backup.file} withArrow openDelay={400}>
                          <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
                            {name}
                          </Text>
                        </Tooltip>
                        {isSafetyCopy(backup.file) && (
                          <Badge size="sm" variant="light" color="gray">
                            Safety copy
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                      <Text size="sm">{formatBytes(backup.bytes)}</Text>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Text size="sm">{formatDateTime(backup.at)}</Text>
                      <Text size="xs" c="dimmed">
                        {formatRelative(backup.at, now)}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right">
                      <Button size="xs" variant="default" onClick={() => setRestoring(backup.file)} aria-label={`Restore ${name}`} data-testid="backup-restore">
                        Restore…
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                )
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}

      <form onSubmit={restoreFromPath} aria-label="Restore from a file" data-testid="restore-form">
        <Group align="flex-end" gap="sm" wrap="nowrap">
          <TextInput
            label="Restore from a file"
            description="A backup anywhere on the server’s machine, e.g. one copied from another computer."
            placeholder="/path/to/clawhq-backup.db"
            value={source}
            onChange={(event) => setSource(event.currentTarget.value)}
            spellCheck={false}
            styles={pathInputStyles}
            style={{ flex: 1 }}
            data-testid="restore-source"
          />
          <Button type="submit" variant="default" disabled={source.trim() === ''} data-testid="restore-from-path">
            Restore…
          </Button>
        </Group>
      </form>

      <RestoreModal file={restoring} backupDir={backupDir ?? 'the backup folder'} onClose={() => setRestoring(null)} />
    </Section>
  )
}
