import { Badge, Button, DataList, Drawer, Group, Stack, Tabs, Text, Title } from '@mantine/core'
import { useEffect } from 'react'
import type { ActivityItem, LedgerEntry, SoulWithWallet } from '../../../src-shared/marketplace'
import { DataTable, type Column } from '../../components/DataTable'
import { formatDateTime, formatUsdt } from '../../components/format'
import { useAdmin } from '../../store'
import { SoulKindBadge, Usdt } from './cells'

interface Props {
  soul: SoulWithWallet | null
  onClose: () => void
  onDeposit: (soul: SoulWithWallet) => void
}

const LEDGER_KIND_LABEL: Record<LedgerEntry['kind'], string> = {
  deposit: 'deposit',
  purchase: 'purchase',
  sale: 'sale',
  renewal: 'renewal',
  renewal_sale: 'renewal sale',
}

const ACTIVITY_COLUMNS: Column<ActivityItem>[] = [
  { key: 'at', header: 'When', nowrap: true, cell: (item) => <Text size="sm">{formatDateTime(item.at)}</Text> },
  {
    key: 'kind',
    header: 'What',
    nowrap: true,
    cell: (item) => (
      <Text size="xs" ff="monospace" c="dimmed">
        {item.kind}
      </Text>
    ),
  },
  { key: 'summary', header: 'Summary', cell: (item) => <Text size="sm">{item.summary}</Text> },
]

const LEDGER_COLUMNS: Column<LedgerEntry>[] = [
  { key: 'at', header: 'When', nowrap: true, cell: (entry) => <Text size="sm">{formatDateTime(entry.at)}</Text> },
  {
    key: 'kind',
    header: 'Kind',
    cell: (entry) => (
      <Badge variant="light" color={entry.kind === 'deposit' ? 'teal' : entry.kind.includes('sale') ? 'indigo' : 'orange'} tt="none" miw="max-content">
        {LEDGER_KIND_LABEL[entry.kind]}
      </Badge>
    ),
  },
  { key: 'amount', header: 'Amount', align: 'right', cell: (entry) => <Usdt amount={entry.amount} signed /> },
  { key: 'balance', header: 'Balance after', align: 'right', cell: (entry) => <Usdt amount={entry.balanceAfter} /> },
  {
    key: 'note',
    header: 'Note',
    cell: (entry) => (
      <Text size="sm" c={entry.note ? undefined : 'dimmed'}>
        {entry.note ?? '—'}
      </Text>
    ),
  },
]

/** A soul: who it is, its wallet, and what it did (activity) and what moved its money (ledger). */
export function SoulDrawer({ soul, onClose, onDeposit }: Props) {
  const openSoul = useAdmin((s) => s.openSoul)
  const soulId = soul?.id ?? null
  useEffect(() => {
    openSoul(soulId)
  }, [soulId, openSoul])

  return (
    <Drawer opened={soul !== null} onClose={onClose} position="right" size="xl" title={<Text fw={600}>Soul</Text>} data-testid="soul-drawer">
      {soul && <SoulDetail soul={soul} onDeposit={onDeposit} />}
    </Drawer>
  )
}

function SoulDetail({ soul, onDeposit }: { soul: SoulWithWallet; onDeposit: (soul: SoulWithWallet) => void }) {
  const activity = useAdmin((s) => s.soulActivity)
  const ledger = useAdmin((s) => s.soulLedger)
  const setSoulActivityPage = useAdmin((s) => s.setSoulActivityPage)
  const setSoulLedgerPage = useAdmin((s) => s.setSoulLedgerPage)
  // The lists may still hold the soul shown before; until this soul's pages come, they show nothing.
  const activityHere = activity.filter === soul.id
  const ledgerHere = ledger.filter === soul.id

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Group gap="xs">
            <Title order={3} size="h4" data-testid="soul-drawer-name">
              {soul.name}
            </Title>
            <SoulKindBadge kind={soul.kind} />
          </Group>
          <Text size="xs" c="dimmed" ff="monospace">
            {soul.id}
          </Text>
        </Stack>
        <Stack gap={4} align="flex-end">
          <Text size="xs" c="dimmed">
            Balance
          </Text>
          <Text size="xl" fw={700} ff="monospace" style={{ whiteSpace: 'nowrap' }} data-testid="soul-drawer-balance">
            {formatUsdt(soul.balance)}
          </Text>
          <Button size="xs" variant="light" onClick={() => onDeposit(soul)} data-testid="soul-drawer-deposit">
            Deposit
          </Button>
        </Stack>
      </Group>

      {soul.bio && <Text size="sm">{soul.bio}</Text>}
      <DataList size="sm" labelWidth={110} withDivider>
        <DataList.Item>
          <DataList.ItemLabel>Capabilities</DataList.ItemLabel>
          <DataList.ItemValue>
            {soul.capabilities.length === 0 ? (
              <Text size="sm" c="dimmed">
                none listed
              </Text>
            ) : (
              <Group gap={4}>
                {soul.capabilities.map((capability) => (
                  <Badge key={capability} variant="outline" size="sm" tt="none">
                    {capability}
                  </Badge>
                ))}
              </Group>
            )}
          </DataList.ItemValue>
        </DataList.Item>
        <DataList.Item>
          <DataList.ItemLabel>Listings</DataList.ItemLabel>
          <DataList.ItemValue>{soul.listingCount}</DataList.ItemValue>
        </DataList.Item>
        <DataList.Item>
          <DataList.ItemLabel>Joined</DataList.ItemLabel>
          <DataList.ItemValue>{formatDateTime(soul.createdAt)}</DataList.ItemValue>
        </DataList.Item>
      </DataList>

      <Tabs defaultValue="activity">
        <Tabs.List>
          <Tabs.Tab value="activity" data-testid="soul-tab-activity">
            Activity
          </Tabs.Tab>
          <Tabs.Tab value="ledger" data-testid="soul-tab-ledger">
            Ledger
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="activity" pt="sm">
          <DataTable
            label={`Activity of ${soul.name}`}
            testId="soul-activity-table"
            minWidth={560}
            dense
            columns={ACTIVITY_COLUMNS}
            rows={activityHere ? activity.rows : []}
            rowKey={(item) => item.id}
            rowAttributes={(item) => ({ 'data-testid': 'activity-row', 'data-kind': item.kind })}
            loading={!activityHere || !activity.loaded}
            empty="Nothing yet."
            paging={{ page: activity.page, limit: activity.limit, total: activityHere ? activity.total : 0, onChange: setSoulActivityPage, testId: 'soul-activity-pager', noun: 'events' }}
          />
        </Tabs.Panel>
        <Tabs.Panel value="ledger" pt="sm">
          <DataTable
            label={`Ledger of ${soul.name}`}
            testId="soul-ledger-table"
            minWidth={600}
            dense
            columns={LEDGER_COLUMNS}
            rows={ledgerHere ? ledger.rows : []}
            rowKey={(entry) => entry.id}
            rowAttributes={(entry) => ({ 'data-testid': 'ledger-row', 'data-kind': entry.kind })}
            loading={!ledgerHere || !ledger.loaded}
            empty="No money has moved."
            paging={{ page: ledger.page, limit: ledger.limit, total: ledgerHere ? ledger.total : 0, onChange: setSoulLedgerPage, testId: 'soul-ledger-pager', noun: 'entries' }}
          />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  )
}
