import { Badge, Button, Group, NumberInput, Paper, SegmentedControl, Stack, Text, TextInput, Title, Tooltip } from '@mantine/core'
import { useState, type FormEvent } from 'react'
import type { TierDto } from '../../../src-shared/dto'
import { ConfirmModal } from '../../components/ConfirmModal'
import { DataTable, type Column } from '../../components/DataTable'
import { formatSeconds } from '../../components/format'
import { PageHeader } from '../../components/PageHeader'
import { useAdmin } from '../../store'

const WINDOW_PRESETS = [
  { value: '60', label: '1 minute' },
  { value: '3600', label: '1 hour' },
  { value: '86400', label: '1 day' },
]
const MAX_WINDOW = 31 * 24 * 3600

function AddTierForm() {
  const createTier = useAdmin((s) => s.createTier)
  const reportError = useAdmin((s) => s.reportError)
  const reportSuccess = useAdmin((s) => s.reportSuccess)
  const [name, setName] = useState('')
  const [limit, setLimit] = useState<number | string>(100)
  const [windowSeconds, setWindowSeconds] = useState<number | string>(60)
  const [busy, setBusy] = useState(false)

  const limitValue = Number(limit)
  const windowValue = Number(windowSeconds)
  const valid =
    name.trim().length > 0 &&
    name.trim().length <= 60 &&
    Number.isInteger(limitValue) &&
    limitValue >= 1 &&
    Number.isInteger(windowValue) &&
    windowValue >= 1 &&
    windowValue <= MAX_WINDOW

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (!valid) return
    setBusy(true)
    try {
      const tier = await createTier({ name: name.trim(), limit: limitValue, windowSeconds: windowValue })
      reportSuccess('Tier added', `${tier.name}: ${tier.limit} requests per ${formatSeconds(tier.windowSeconds)}`)
      setName('')
    } catch (error) {
      reportError(error, 'The tier was not added')
    } finally {
      setBusy(false)
    }
  }

  return (
    <Paper withBorder p="md" radius="md" component="form" onSubmit={submit} aria-label="Add a custom tier">
      <Stack gap="sm">
        <Title order={4}>Add a custom tier</Title>
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label="Name"
            placeholder="Batch jobs"
            required
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            data-testid="tier-name-input"
            w={200}
          />
          <NumberInput label="Requests" min={1} max={1_000_000_000} allowDecimal={false} value={limit} onChange={setLimit} w={130} data-testid="tier-limit-input" />
          <NumberInput
            label="Window (seconds)"
            min={1}
            max={MAX_WINDOW}
            allowDecimal={false}
            value={windowSeconds}
            onChange={setWindowSeconds}
            w={150}
            data-testid="tier-window-input"
          />
          <SegmentedControl
            aria-label="Window presets"
            data={WINDOW_PRESETS}
            value={WINDOW_PRESETS.some((preset) => preset.value === String(windowSeconds)) ? String(windowSeconds) : ''}
            onChange={(value) => setWindowSeconds(Number(value))}
          />
          <Button type="submit" loading={busy} disabled={!valid} data-testid="create-tier-submit">
            Add tier
          </Button>
        </Group>
        {valid && (
          <Text size="xs" c="dimmed">
            At most {limitValue} accepted requests in any rolling {formatSeconds(windowValue)}.
          </Text>
        )}
      </Stack>
    </Paper>
  )
}

function tierColumns(onDelete: (tier: TierDto) => void): Column<TierDto>[] {
  return [
    { key: 'name', header: 'Name', cellProps: { fw: 500 }, cell: (tier) => tier.name },
    { key: 'id', header: 'ID', cellProps: { ff: 'monospace' }, cell: (tier) => tier.id },
    { key: 'limit', header: 'Limit', cell: (tier) => `${tier.limit.toLocaleString()} requests` },
    {
      key: 'window',
      header: 'Window',
      cell: (tier) => (
        <>
          {formatSeconds(tier.windowSeconds)}{' '}
          <Text span size="xs" c="dimmed" ff="monospace">
            ({tier.window})
          </Text>
        </>
      ),
    },
    {
      key: 'kind',
      header: 'Kind',
      cell: (tier) =>
        tier.builtIn ? (
          <Badge variant="light" color="gray">
            built-in
          </Badge>
        ) : (
          <Badge variant="light">custom</Badge>
        ),
    },
    { key: 'keys', header: 'Keys using it', cell: (tier) => tier.keyCount },
    {
      key: 'actions',
      header: 'Actions',
      hideHeader: true,
      cell: (tier) =>
        !tier.builtIn && (
          <Tooltip label={`Used by ${tier.keyCount} key(s): move them to another tier first`} disabled={tier.keyCount === 0} withArrow>
            <span>
              <Button
                size="xs"
                variant="light"
                color="red"
                disabled={tier.keyCount > 0}
                onClick={() => onDelete(tier)}
                aria-label={`Delete tier ${tier.name}`}
                data-testid={`delete-tier-${tier.id}`}
              >
                Delete
              </Button>
            </span>
          </Tooltip>
        ),
    },
  ]
}

export function TiersPage() {
  const tiers = useAdmin((s) => s.tiers)
  const tiersLoaded = useAdmin((s) => s.tiersLoaded)
  const deleteTier = useAdmin((s) => s.deleteTier)
  const reportError = useAdmin((s) => s.reportError)
  const reportSuccess = useAdmin((s) => s.reportSuccess)
  const [deleting, setDeleting] = useState<TierDto | null>(null)

  const remove = async () => {
    if (!deleting) return
    try {
      await deleteTier(deleting.id)
      reportSuccess('Tier deleted', `“${deleting.name}” is gone; no key used it.`)
    } catch (error) {
      reportError(error, `Tier “${deleting.name}” was not deleted`)
      throw error
    }
  }

  return (
    <Stack>
      <PageHeader title="Rate-limit tiers" description="Each key has one tier: never more than its limit of accepted requests in any rolling window." />
      <DataTable
        label="Rate-limit tiers"
        testId="tiers-table"
        minWidth={700}
        columns={tierColumns(setDeleting)}
        rows={tiers}
        rowKey={(tier) => tier.id}
        rowAttributes={(tier) => ({ 'data-testid': `tier-row-${tier.id}` })}
        loading={!tiersLoaded}
        empty="No tiers. Add a custom tier with the form below; keys need one."
      />
      <AddTierForm />
      <ConfirmModal
        opened={deleting !== null}
        title={`Delete tier “${deleting?.name ?? ''}”?`}
        confirmLabel="Delete tier"
        danger
        onConfirm={remove}
        onClose={() => setDeleting(null)}
        testId="confirm-delete-tier"
      >
        The tier is removed for good. No key uses it.
      </ConfirmModal>
    </Stack>
  )
}
