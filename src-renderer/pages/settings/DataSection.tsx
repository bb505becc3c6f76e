import { Button, DataList, Group, List, Skeleton, Text } from '@mantine/core'
import { useState } from 'react'
import { ConfirmModal } from '../../components/ConfirmModal'
import { useAdmin } from '../../store'
import { CopyValue } from './CopyValue'
import { Section } from './Section'

/** Where the data lives on disk, and putting the demo marketplace back as first seeded. */
export function DataSection() {
  const view = useAdmin((s) => s.serverConfig)
  const resetDemo = useAdmin((s) => s.resetDemo)
  const reportError = useAdmin((s) => s.reportError)
  const reportSuccess = useAdmin((s) => s.reportSuccess)
  const [confirmingReset, setConfirmingReset] = useState(false)

  const reset = async () => {
    try {
      const counts = await resetDemo()
      reportSuccess('Demo data reset', `${counts.souls} souls and ${counts.listings} listings, as first seeded.`)
    } catch (error) {
      reportError(error, 'The demo data was not reset')
      throw error
    }
  }

  return (
    <Section title="Data" description="Everything the server keeps is in one SQLite database in the data directory." testId="settings-data">
      <DataList size="sm" labelWidth={150} gap="sm">
        <DataList.Item>
          <DataList.ItemLabel>Data directory</DataList.ItemLabel>
          <DataList.ItemValue>
            {view ? <CopyValue value={view.dataDir} what="data directory" testId="settings-data-dir" /> : <Skeleton height={22} width={320} />}
          </DataList.ItemValue>
        </DataList.Item>
        <DataList.Item>
          <DataList.ItemLabel>Backup folder</DataList.ItemLabel>
          <DataList.ItemValue>
            {view ? <CopyValue value={view.backupDir} what="backup folder" testId="settings-backup-dir" /> : <Skeleton height={22} width={320} />}
          </DataList.ItemValue>
        </DataList.Item>
      </DataList>

      <Group justify="space-between" align="center" gap="md" wrap="nowrap" pt="xs" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
        <div>
          <Text size="sm" fw={500}>
            Reset demo data
          </Text>
          <Text size="sm" c="dimmed">
            The demo marketplace goes back to its first seeding. Keys, tiers and the logs stay.
          </Text>
        </div>
        <Button variant="light" color="red" onClick={() => setConfirmingReset(true)} style={{ flexShrink: 0 }} data-testid="settings-reset-demo">
          Reset demo data…
        </Button>
      </Group>

      <ConfirmModal
        opened={confirmingReset}
        title="Reset the demo data?"
        confirmLabel="Reset demo data"
        danger
        onConfirm={reset}
        onClose={() => setConfirmingReset(false)}
        testId="settings-confirm-reset-demo"
      >
        <Text size="sm">The marketplace goes back to its demo set as first seeded (same souls, listings and ids). Lost for good:</Text>
        <List size="sm" mt="xs" spacing={2}>
          <List.Item>every purchase, license and subscription;</List.Item>
          <List.Item>every deposit and the wallets’ ledgers: balances return to their demo amounts;</List.Item>
          <List.Item>the souls’ activity;</List.Item>
          <List.Item>listing edits and deletions, and listings created through the API.</List.Item>
        </List>
        <Text size="sm" mt="xs">
          Keys, tiers, the request log and the audit log stay. A key acting as a soul the demo set lacks goes back to your own soul. To keep what is there now,
          make a backup first.
        </Text>
      </ConfirmModal>
    </Section>
  )
}
