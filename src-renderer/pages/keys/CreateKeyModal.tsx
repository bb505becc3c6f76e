import { Alert, Group, Modal, SegmentedControl, Stack, Text, TextInput } from '@mantine/core'
import { useState, type FormEvent } from 'react'
import type { MethodOutput } from '../../../src-shared/contract'
import { DEFAULT_SCOPES, type Scope } from '../../../src-shared/scopes'
import { FormActions } from '../../components/FormActions'
import { useAdmin } from '../../store'
import { limitsInput, limitsInvalid, ScopeChecklist, SoulSelect, SpendingLimitFields, TierSelect, type SpendingLimitsDraft } from './KeyFields'

const DEFAULT_TIER_ID = 'rpm-60'
const EXPIRY_CHOICES = [
  { value: 'never', label: 'Never' },
  { value: '7', label: '7 days' },
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
]
const NO_LIMITS: SpendingLimitsDraft = { perPurchase: '', perDay: '' }

export function expiresAtFor(choice: string, now = Date.now()): string | null {
  if (choice === 'never') return null
  return new Date(now + Number(choice) * 86_400_000).toISOString()
}

interface Props {
  opened: boolean
  onClose: () => void
  onCreated: (created: MethodOutput<'keys.create'>) => void
}

export function CreateKeyModal({ opened, onClose, onCreated }: Props) {
  const tiers = useAdmin((s) => s.tiers)
  const createKey = useAdmin((s) => s.createKey)
  const reportError = useAdmin((s) => s.reportError)

  const [name, setName] = useState('')
  const [scopes, setScopes] = useState<string[]>([...DEFAULT_SCOPES])
  const [tierId, setTierId] = useState<string | null>(null)
  const [expiry, setExpiry] = useState('never')
  const [soulId, setSoulId] = useState<string | null>(null)
  const [limits, setLimits] = useState<SpendingLimitsDraft>(NO_LIMITS)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)

  const defaultTier = tiers.find((tier) => tier.id === DEFAULT_TIER_ID)?.id ?? tiers[0]?.id ?? null
  const chosenTier = tierId ?? defaultTier
  const nameError = name.length > 100 ? 'At most 100 characters' : null
  const invalid = !name.trim() || !!nameError || scopes.length === 0 || limitsInvalid(limits)

  const reset = () => {
    setName('')
    setScopes([...DEFAULT_SCOPES])
    setTierId(null)
    setExpiry('never')
    setSoulId(null)
    setLimits(NO_LIMITS)
    setFailure(null)
  }
  const close = () => {
    if (busy) return
    reset()
    onClose()
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (invalid) return
    setBusy(true)
    setFailure(null)
    try {
      const created = await createKey({
        name: name.trim(),
        scopes: scopes as Scope[],
        tierId: chosenTier ?? undefined,
        expiresAt: expiresAtFor(expiry),
        soulId,
        spendingLimits: limits.perPurchase || limits.perDay ? limitsInput(limits) : undefined,
      })
      reset()
      onCreated(created)
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error))
      reportError(error, 'The key was not created')
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal opened={opened} onClose={close} title="Create an API key" size="lg" centered>
      <form onSubmit={submit} aria-label="Create an API key">
        <Stack>
          <TextInput
            label="Name"
            description="What uses this key, e.g. “billing agent” or “CI”"
            placeholder="my-agent"
            required
            data-autofocus
            value={name}
            error={nameError}
            onChange={(event) => setName(event.currentTarget.value)}
            data-testid="key-name-input"
          />
          <ScopeChecklist
            description="What the key may call; a call outside them gets 403 INSUFFICIENT_PERMISSIONS"
            value={scopes}
            onChange={setScopes}
          />
          <Group grow align="flex-start">
            <TierSelect value={chosenTier} onChange={setTierId} testId="key-tier-select" />
            <SoulSelect value={soulId} onChange={setSoulId} testId="key-soul-select" />
          </Group>
          <Stack gap={4}>
            <Text size="sm" fw={500} id="expiry-label">
              Expires
            </Text>
            <SegmentedControl aria-labelledby="expiry-label" data={EXPIRY_CHOICES} value={expiry} onChange={setExpiry} />
          </Stack>
          <SpendingLimitFields value={limits} onChange={setLimits} testIdPrefix="key" />
          {failure && (
            <Alert color="red" title="Not created">
              {failure}
            </Alert>
          )}
          <FormActions label="Create key" busy={busy} disabled={invalid} testId="create-key-submit" onCancel={close} />
        </Stack>
      </form>
    </Modal>
  )
}
