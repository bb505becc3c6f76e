import { Button, Group, SegmentedControl, Stack, Text, TextInput } from '@mantine/core'
import { useState } from 'react'
import type { SoulWithWallet } from '../../../src-shared/marketplace'
import { DataTable, type Column } from '../../components/DataTable'
import { EmptyState } from '../../components/EmptyState'
import { SearchIcon } from '../../components/icons'
import { useLoadOnArrival } from '../../components/useLoadOnArrival'
import { useAdmin } from '../../store'
import { SoulKindBadge, Usdt } from './cells'
import { DepositModal } from './DepositModal'
import { SoulDrawer } from './SoulDrawer'

const KIND_CHOICES = [
  { value: 'all', label: 'All' },
  { value: 'agent', label: 'Agents' },
  { value: 'creator', label: 'Creators' },
  { value: 'operator', label: 'Operator' },
]

function soulColumns(onDeposit: (soul: SoulWithWallet) => void): Column<SoulWithWallet>[] {
  return [
    {
      key: 'name',
      header: 'Soul',
      cell: (soul) => (
        <>
          <Text size="sm" fw={500}>
            {soul.name}
          </Text>
          <Text size="xs" c="dimmed" ff="monospace">
            {soul.id}
          </Text>
        </>
      ),
    },
    { key: 'kind', header: 'Kind', cell: (soul) => <SoulKindBadge kind={soul.kind} /> },
    { key: 'balance', header: 'Balance', align: 'right', cell: (soul) => <Usdt amount={soul.balance} testId={`soul-balance-${soul.id}`} /> },
    { key: 'listings', header: 'Listings', align: 'right', cell: (soul) => <Text size="sm">{soul.listingCount}</Text> },
    {
      key: 'actions',
      header: 'Actions',
      hideHeader: true,
      align: 'right',
      cell: (soul) => (
        <Button size="xs" variant="default" onClick={() => onDeposit(soul)} aria-label={`Deposit into ${soul.name}`} data-testid={`deposit-${soul.id}`}>
          Deposit
        </Button>
      ),
    },
  ]
}

/** `onResetDemo` asks to reset the demo data (with confirmation): what brings deleted souls back. */
export function SoulsTab({ onResetDemo }: { onResetDemo: () => void }) {
  const souls = useAdmin((s) => s.souls)
  const soulsLoaded = useAdmin((s) => s.soulsLoaded)
  const loadSouls = useAdmin((s) => s.loadSouls)
  const [name, setName] = useState('')
  const [kind, setKind] = useState('all')
  const [depositTo, setDepositTo] = useState<string | null>(null)
  const [open, setOpen] = useState<string | null>(null)

  // The session loads the souls; the tab reads them again so balances are fresh when it opens.
  useLoadOnArrival(false, loadSouls)

  const needle = name.trim().toLowerCase()
  const shown = souls.filter((soul) => (kind === 'all' || soul.kind === kind) && (!needle || soul.name.toLowerCase().includes(needle) || soul.id.includes(needle)))
  const find = (id: string | null) => souls.find((soul) => soul.id === id) ?? null

  return (
    <Stack>
      <Group align="flex-end" gap="sm">
        <TextInput
          label="Name"
          placeholder="Filter by name or id"
          leftSection={<SearchIcon size={16} />}
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
          w={280}
          data-testid="souls-filter"
        />
        <Stack gap={4}>
          <Text size="sm" fw={500} id="souls-kind-label">
            Kind
          </Text>
          <SegmentedControl aria-labelledby="souls-kind-label" data={KIND_CHOICES} value={kind} onChange={setKind} />
        </Stack>
      </Group>
      <Text size="xs" c="dimmed">
        {shown.length === souls.length ? `${souls.length} souls` : `${shown.length} of ${souls.length} souls`}. Open one for its activity and ledger.
      </Text>
      <DataTable
        label="Souls"
        testId="souls-table"
        minWidth={720}
        columns={soulColumns((soul) => setDepositTo(soul.id))}
        rows={shown}
        rowKey={(soul) => soul.id}
        rowAttributes={(soul) => ({ 'data-testid': `soul-row-${soul.id}`, 'data-soul-name': soul.name })}
        loading={!soulsLoaded}
        empty={
          souls.length ? (
            <EmptyState
              actions={
                <Button
                  size="xs"
                  variant="default"
                  onClick={() => {
                    setName('')
                    setKind('all')
                  }}
                >
                  Show every soul
                </Button>
              }
            >
              No soul matches.
            </EmptyState>
          ) : (
            <EmptyState
              actions={
                <Button size="xs" variant="light" color="red" onClick={onResetDemo}>
                  Reset demo data
                </Button>
              }
            >
              No souls. Resetting the demo data brings them back, with their wallets.
            </EmptyState>
          )
        }
        onRowActivate={(soul) => setOpen(soul.id)}
      />
      <SoulDrawer soul={find(open)} onClose={() => setOpen(null)} onDeposit={(soul) => setDepositTo(soul.id)} />
      {/* After the drawer, so a deposit opened from it stands on top. */}
      <DepositModal soul={find(depositTo)} onClose={() => setDepositTo(null)} />
    </Stack>
  )
}
