import { Badge, Button, Group, Stack, Table, Text, Title, Tooltip, VisuallyHidden } from '@mantine/core'
import { useState } from 'react'
import type { KeyDto } from '../../../src-shared/dto'
import { DEFAULT_SCOPES, SCOPES } from '../../../src-shared/scopes'
import { ConfirmModal } from '../../components/ConfirmModal'
import { formatDateTime, formatRelative } from '../../components/format'
import { PlusIcon } from '../../components/icons'
import { SecretModal } from '../../components/SecretModal'
import { EmptyRow } from '../../components/EmptyRow'
import { useNow } from '../../components/useNow'
import { useAdmin } from '../../store'
import { CreateKeyModal } from './CreateKeyModal'
import { EditKeyModal } from './EditKeyModal'
import { RollKeyModal } from './RollKeyModal'

const STATUS_COLOR: Record<KeyDto['status'], string> = {
  active: 'teal',
  grace: 'yellow',
  expired: 'gray',
  revoked: 'red',
}

const sameScopes = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((scope) => b.includes(scope))

function ScopesCell({ scopes }: { scopes: KeyDto['scopes'] }) {
  if (sameScopes(scopes, SCOPES)) return <Badge variant="light" color="grape">all scopes</Badge>
  if (sameScopes(scopes, DEFAULT_SCOPES))
    return (
      <Tooltip label={scopes.join(', ')} multiline w={260} withArrow>
        <Badge variant="light" tabIndex={0}>
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

type Shown = { secret: string; keyName: string; title: string }

export function KeysPage() {
  const keys = useAdmin((s) => s.keys)
  const keysLoaded = useAdmin((s) => s.keysLoaded)
  const tiers = useAdmin((s) => s.tiers)
  const revokeKey = useAdmin((s) => s.revokeKey)
  const reportError = useAdmin((s) => s.reportError)
  const reportSuccess = useAdmin((s) => s.reportSuccess)

  const [creating, setCreating] = useState(false)
  const [shown, setShown] = useState<Shown | null>(null)
  const [revoking, setRevoking] = useState<KeyDto | null>(null)
  const [rolling, setRolling] = useState<KeyDto | null>(null)
  const [editing, setEditing] = useState<KeyDto | null>(null)

  const now = useNow(30_000)
  const tierName = (id: string) => tiers.find((tier) => tier.id === id)?.name ?? id

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
      <Group justify="space-between">
        <div>
          <Title order={2}>API keys</Title>
          <Text size="sm" c="dimmed">
            Bearer keys for <Text span ff="monospace">/api/v1</Text>. Secrets are shown once, then only their hash is kept.
          </Text>
        </div>
        <Button leftSection={<PlusIcon />} onClick={() => setCreating(true)} data-testid="create-key">
          Create key
        </Button>
      </Group>

      <Table.ScrollContainer minWidth={900}>
        <Table striped highlightOnHover verticalSpacing="sm" aria-label="API keys" data-testid="keys-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Key</Table.Th>
              <Table.Th>Scopes</Table.Th>
              <Table.Th>Tier</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Last used</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {keys.length === 0 && (
              <EmptyRow colSpan={9} loading={!keysLoaded}>
                No keys yet. Create one to call the API.
              </EmptyRow>
            )}
            {keys.map((key) => {
              const usable = key.status === 'active' || key.status === 'grace'
              return (
                <Table.Tr key={key.id} data-testid={`key-row-${key.id}`} data-key-name={key.name}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {key.name}
                    </Text>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {key.id}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                      {key.hint}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <ScopesCell scopes={key.scopes} />
                  </Table.Td>
                  <Table.Td>{tierName(key.tierId)}</Table.Td>
                  <Table.Td>
                    <Tooltip label={statusDetail(key)} withArrow disabled={!statusDetail(key)}>
                      <Badge color={STATUS_COLOR[key.status]} variant="light" tabIndex={statusDetail(key) ? 0 : undefined} data-testid={`status-${key.id}`}>
                        {key.status}
                      </Badge>
                    </Tooltip>
                  </Table.Td>
                  <Table.Td>
                    <TimeCell iso={key.createdAt} empty="—" now={now} />
                  </Table.Td>
                  <Table.Td>
                    <TimeCell iso={key.lastUsedAt} empty="never" now={now} />
                  </Table.Td>
                  <Table.Td>
                    {key.status === 'revoked' ? (
                      <Text size="sm" c="dimmed">
                        —
                      </Text>
                    ) : (
                      <TimeCell iso={key.expiresAt} empty="never" now={now} />
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap" justify="flex-end">
                      <Button
                        size="xs"
                        variant="default"
                        disabled={key.status !== 'active'}
                        onClick={() => setEditing(key)}
                        aria-label={`Edit key ${key.name}`}
                        data-testid={`edit-${key.id}`}
                      >
                        Edit
                      </Button>
                      <Button
                        size="xs"
                        variant="default"
                        disabled={key.status !== 'active'}
                        onClick={() => setRolling(key)}
                        aria-label={`Roll key ${key.name}`}
                        data-testid={`roll-${key.id}`}
                      >
                        Roll
                      </Button>
                      <Button
                        size="xs"
                        variant="light"
                        color="red"
                        disabled={!usable}
                        onClick={() => setRevoking(key)}
                        aria-label={`Revoke key ${key.name}`}
                        data-testid={`revoke-${key.id}`}
                      >
                        Revoke
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              )
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>

      <CreateKeyModal
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={({ key, secret }) => {
          setCreating(false)
          setShown({ secret, keyName: key.name, title: 'Key created' })
        }}
      />
      <EditKeyModal target={editing} onClose={() => setEditing(null)} />
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
