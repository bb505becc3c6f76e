import { Anchor, Badge, Button, Code, Group, Stack, Text, Tooltip } from '@mantine/core'
import { useState } from 'react'
import type { KeyDto } from '../../../src-shared/dto'
import { DEFAULT_SCOPES, SCOPES } from '../../../src-shared/scopes'
import { ConfirmModal } from '../../components/ConfirmModal'
import { DataTable, type Column } from '../../components/DataTable'
import { EmptyState } from '../../components/EmptyState'
import { formatDateTime, formatRelative } from '../../components/format'
import { PlusIcon } from '../../components/icons'
import { PageHeader } from '../../components/PageHeader'
import { SecretModal } from '../../components/SecretModal'
import { useNow } from '../../components/useNow'
import { dropHashParam, hrefFor, useHashParam } from '../../router'
import { useAdmin } from '../../store'
import { OPERATOR_SOUL_LABEL } from '../marketplace/labels'
import { CreateKeyModal } from './CreateKeyModal'
import { EditKeyModal } from './EditKeyModal'
import { faultsBadge, faultsEffect } from './faults'
import { FaultsModal } from './FaultsModal'
import { RollKeyModal } from './RollKeyModal'

const STATUS_COLOR: Record<KeyDto['status'], string> = {
  active: 'teal',
  grace: 'yellow',
  expired: 'gray',
  revoked: 'red',
}

const sameScopes = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((scope) => b.includes(scope))

function ScopesCell({ scopes }: { scopes: KeyDto['scopes'] }) {
  if (sameScopes(scopes, SCOPES))
    return (
      <Badge variant="light" color="grape" miw="max-content">
        all scopes
      </Badge>
    )
  if (sameScopes(scopes, DEFAULT_SCOPES))
    return (
      <Tooltip label={scopes.join(', ')} multiline w={260} withArrow>
        <Badge variant="light" tabIndex={0} miw="max-content">
          default ({scopes.length})
        </Badge>
      </Tooltip>
    )
  return (
    <Group gap={4} maw={260}>
      {scopes.map((scope) => (
        <Badge key={scope} variant="outline" size="xs" tt="none">
          {scope}
        </Badge>
      ))}
    </Group>
  )
}

/** "25.00 USDT per purchase · 100.00 USDT a day", or "no limits". */
export function limitsSummary(limits: KeyDto['spendingLimits']): string {
  const parts = [limits.perPurchase && `${limits.perPurchase} USDT per purchase`, limits.perDay && `${limits.perDay} USDT a day`].filter(Boolean)
  return parts.length ? parts.join(' · ') : 'no limits'
}

function MarketplaceCell({ target, soulName }: { target: KeyDto; soulName: (id: string | null) => string }) {
  return (
    <div data-testid={`key-soul-${target.id}`}>
      {/* Long soul names wrap: the table stays within the page at 1360 px. */}
      <Text size="sm">{soulName(target.soulId)}</Text>
      <Text size="xs" c="dimmed" data-testid={`key-limits-${target.id}`}>
        {limitsSummary(target.spendingLimits)}
      </Text>
    </div>
  )
}

function TimeCell({ iso, empty, now }: { iso: string | null; empty: string; now: number }) {
  if (!iso) return <Text size="sm" c="dimmed">{empty}</Text>
  return (
    <Tooltip label={formatDateTime(iso)} withArrow>
      <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
        {formatRelative(iso, now)}
      </Text>
    </Tooltip>
  )
}

/** Why a key is not plainly active, for the status badge's tooltip. */
function statusDetail(key: KeyDto): string {
  switch (key.status) {
    case 'revoked':
      return `Revoked ${formatDateTime(key.revokedAt)}`
    case 'grace':
      return `Rolled: this secret works until ${formatDateTime(key.expiresAt)}`
    case 'expired':
      return `Expired ${formatDateTime(key.expiresAt)}`
    default:
      return ''
  }
}

/** A key failing on purpose says so on its row, so nobody forgets it is. */
function FaultsBadge({ target, onOpen }: { target: KeyDto; onOpen: (key: KeyDto) => void }) {
  if (!target.faults) return null
  return (
    <Tooltip label={`${faultsEffect(target.faults)} Click to change or switch off.`} multiline w={300} withArrow>
      <Badge
        color="orange"
        variant="filled"
        tt="none"
        miw="max-content"
        component="button"
        type="button"
        mt={4}
        style={{ cursor: 'pointer' }}
        onClick={() => onOpen(target)}
        aria-label={`${faultsBadge(target.faults)}: change or switch off the fault injection of key ${target.name}`}
        data-testid={`faults-badge-${target.id}`}
      >
        {faultsBadge(target.faults)}
      </Badge>
    </Tooltip>
  )
}

/** What a row's buttons open. */
interface KeyActions {
  edit: (key: KeyDto) => void
  roll: (key: KeyDto) => void
  faults: (key: KeyDto) => void
  revoke: (key: KeyDto) => void
}

function keyColumns(now: number, tierName: (id: string) => string, soulName: (id: string | null) => string, actions: KeyActions): Column<KeyDto>[] {
  return [
    {
      // Name, secret hint and id in one cell: the row stays within the page beside the action buttons.
      key: 'name',
      header: 'Key',
      cell: (key) => (
        <>
          <Text size="sm" fw={500}>
            {key.name}
          </Text>
          <Text size="xs" ff="monospace" style={{ whiteSpace: 'nowrap' }} data-testid={`key-hint-${key.id}`}>
            {key.hint}
          </Text>
          <Text size="xs" c="dimmed" ff="monospace">
            {key.id}
          </Text>
          {/* Under the name, the first thing read on the row. */}
          <FaultsBadge target={key} onOpen={actions.faults} />
        </>
      ),
    },
    { key: 'scopes', header: 'Scopes', cell: (key) => <ScopesCell scopes={key.scopes} /> },
    { key: 'tier', header: 'Tier', cell: (key) => tierName(key.tierId) },
    { key: 'soul', header: 'Acts as', cell: (key) => <MarketplaceCell target={key} soulName={soulName} /> },
    {
      key: 'status',
      header: 'Status',
      cell: (key) => (
        <Tooltip label={statusDetail(key)} withArrow disabled={!statusDetail(key)}>
          <Badge color={STATUS_COLOR[key.status]} variant="light" miw="max-content" tabIndex={statusDetail(key) ? 0 : undefined} data-testid={`status-${key.id}`}>
            {key.status}
          </Badge>
        </Tooltip>
      ),
    },
    { key: 'created', header: 'Created', cell: (key) => <TimeCell iso={key.createdAt} empty="—" now={now} /> },
    { key: 'last-used', header: 'Last used', cell: (key) => <TimeCell iso={key.lastUsedAt} empty="never" now={now} /> },
    {
      key: 'expires',
      header: 'Expires',
      cell: (key) =>
        key.status === 'revoked' ? (
          <Text size="sm" c="dimmed">
            —
          </Text>
        ) : (
          <TimeCell iso={key.expiresAt} empty="never" now={now} />
        ),
    },
    { key: 'actions', header: 'Actions', hideHeader: true, cell: (key) => <KeyButtons target={key} actions={actions} /> },
  ]
}

function KeyButtons({ target, actions }: { target: KeyDto; actions: KeyActions }) {
  const active = target.status === 'active'
  const usable = active || target.status === 'grace'
  const buttons = [
    { verb: 'Edit', id: 'edit', enabled: active, onClick: actions.edit },
    { verb: 'Roll', id: 'roll', enabled: active, onClick: actions.roll },
    // Faults can be switched off on any key that still has them; set only on one that still works.
    { verb: 'Faults', id: 'faults', enabled: usable || target.faults !== null, onClick: actions.faults, label: `Fault injection for key ${target.name}` },
    { verb: 'Revoke', id: 'revoke', enabled: usable, onClick: actions.revoke, danger: true },
  ]
  return (
    <Group gap="xs" wrap="nowrap" justify="flex-end">
      {buttons.map(({ verb, id, enabled, onClick, danger, label }) => (
        <Button
          key={id}
          size="xs"
          variant={danger ? 'light' : 'default'}
          color={danger ? 'red' : undefined}
          disabled={!enabled}
          onClick={() => onClick(target)}
          aria-label={label ?? `${verb} key ${target.name}`}
          data-testid={`${id}-${target.id}`}
        >
          {verb}
        </Button>
      ))}
    </Group>
  )
}

type Shown = { secret: string; keyName: string; title: string }

export function KeysPage() {
  const keys = useAdmin((s) => s.keys)
  const keysLoaded = useAdmin((s) => s.keysLoaded)
  const tiers = useAdmin((s) => s.tiers)
  const souls = useAdmin((s) => s.souls)
  const revokeKey = useAdmin((s) => s.revokeKey)
  const reportError = useAdmin((s) => s.reportError)
  const reportSuccess = useAdmin((s) => s.reportSuccess)

  const apiBaseUrl = useAdmin((s) => s.serverStatus?.apiBaseUrl ?? 'http://127.0.0.1:7420/api/v1')
  // Links from the dashboard and the command palette: `?new` opens the create dialog, `?key=<id>` shows that key.
  const asksNew = useHashParam('new') !== null
  const focusedKey = useHashParam('key')
  const [creatingByHand, setCreating] = useState(false)
  const creating = creatingByHand || asksNew
  const closeCreate = () => {
    setCreating(false)
    dropHashParam('new')
  }
  const [shown, setShown] = useState<Shown | null>(null)
  const [revoking, setRevoking] = useState<KeyDto | null>(null)
  const [rolling, setRolling] = useState<KeyDto | null>(null)
  const [editing, setEditing] = useState<KeyDto | null>(null)
  const [faulting, setFaulting] = useState<string | null>(null)

  const now = useNow(30_000)
  const tierName = (id: string) => tiers.find((tier) => tier.id === id)?.name ?? id
  const soulName = (id: string | null) => (id === null ? OPERATOR_SOUL_LABEL : (souls.find((soul) => soul.id === id)?.name ?? id))

  const revoke = async () => {
    if (!revoking) return
    try {
      await revokeKey(revoking.id)
      reportSuccess('Key revoked', `“${revoking.name}” is refused from the next request on.`)
    } catch (error) {
      reportError(error, `Key “${revoking.name}” was not revoked`)
      throw error
    }
  }

  return (
    <Stack>
      <PageHeader
        title="API keys"
        description={
          <>
            Bearer keys for <Text span ff="monospace">/api/v1</Text>. Secrets are shown once, then only their hash is kept.
          </>
        }
        actions={
          <Button leftSection={<PlusIcon />} onClick={() => setCreating(true)} data-testid="create-key">
            Create key
          </Button>
        }
      />

      <DataTable
        label="API keys"
        testId="keys-table"
        minWidth={1040}
        columns={keyColumns(now, tierName, soulName, { edit: setEditing, roll: setRolling, faults: (key) => setFaulting(key.id), revoke: setRevoking })}
        rows={keys}
        rowKey={(key) => key.id}
        rowAttributes={(key) => ({ 'data-testid': `key-row-${key.id}`, 'data-key-name': key.name, 'data-faults': key.faults?.kind })}
        loading={!keysLoaded}
        highlight={focusedKey}
        empty={
          <EmptyState
            actions={
              <Button size="xs" leftSection={<PlusIcon size={14} />} onClick={() => setCreating(true)} data-testid="empty-create-key">
                Create a key
              </Button>
            }
          >
            No keys yet. Create one to call the API, then try it from the{' '}
            <Anchor href={hrefFor('playground')} inherit>
              Playground
            </Anchor>{' '}
            or with{' '}
            <Code>
              curl -H "Authorization: Bearer $CLAWHQ_API_KEY" {apiBaseUrl}/me
            </Code>
            .
          </EmptyState>
        }
      />

      <CreateKeyModal
        opened={creating}
        onClose={closeCreate}
        onCreated={({ key, secret }) => {
          closeCreate()
          setShown({ secret, keyName: key.name, title: 'Key created' })
        }}
      />
      <EditKeyModal target={editing} onClose={() => setEditing(null)} />
      {/* By id, so the dialog shows the key as the table has it now. */}
      <FaultsModal target={keys.find((key) => key.id === faulting) ?? null} onClose={() => setFaulting(null)} />
      <RollKeyModal
        target={rolling}
        onClose={() => setRolling(null)}
        onRolled={({ key, secret }) => {
          setRolling(null)
          setShown({ secret, keyName: key.name, title: 'Key rolled: the new secret' })
        }}
      />
      <SecretModal secret={shown?.secret ?? null} keyName={shown?.keyName ?? ''} title={shown?.title ?? ''} onClose={() => setShown(null)} />
      <ConfirmModal
        opened={revoking !== null}
        title={`Revoke key “${revoking?.name ?? ''}”?`}
        confirmLabel="Revoke key"
        danger
        onConfirm={revoke}
        onClose={() => setRevoking(null)}
        testId="confirm-revoke"
      >
        Requests with <Text span ff="monospace">{revoking?.hint}</Text> get 401 INVALID_API_KEY from the very next one.
        This cannot be undone.
      </ConfirmModal>
    </Stack>
  )
}
