import { Group, Modal, Stack, TextInput } from '@mantine/core'
import { useState, type FormEvent } from 'react'
import type { KeyDto } from '../../../src-shared/dto'
import type { Scope } from '../../../src-shared/scopes'
import { FormActions } from '../../components/FormActions'
import { useAdmin } from '../../store'
import { limitsDraftOf, limitsInput, limitsInvalid, ScopeChecklist, SoulSelect, SpendingLimitFields, TierSelect } from './KeyFields'

interface Props {
  target: KeyDto | null
  onClose: () => void
}

/** Renames a key, changes its scopes, tier, soul or spending limits; the secret stays the same. */
export function EditKeyModal({ target, onClose }: Props) {
  return (
    <Modal opened={target !== null} onClose={onClose} title={`Edit key “${target?.name ?? ''}”`} size="lg" centered>
      {/* Keyed so each opening starts from the key's current values. */}
      {target && <EditKeyForm key={target.id} target={target} onClose={onClose} />}
    </Modal>
  )
}

function EditKeyForm({ target, onClose }: { target: KeyDto; onClose: () => void }) {
  const updateKey = useAdmin((s) => s.updateKey)
  const reportError = useAdmin((s) => s.reportError)
  const reportSuccess = useAdmin((s) => s.reportSuccess)
  const [name, setName] = useState(target.name)
  const [scopes, setScopes] = useState<string[]>(target.scopes)
  const [tierId, setTierId] = useState(target.tierId)
  const [soulId, setSoulId] = useState(target.soulId)
  const [limits, setLimits] = useState(() => limitsDraftOf(target.spendingLimits))
  const [busy, setBusy] = useState(false)

  const invalid = !name.trim() || name.length > 100 || scopes.length === 0 || limitsInvalid(limits)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (invalid) return
    setBusy(true)
    try {
      const updated = await updateKey({ id: target.id, name: name.trim(), scopes: scopes as Scope[], tierId, soulId, spendingLimits: limitsInput(limits) })
      reportSuccess('Key updated', `“${updated.name}” keeps its secret; the change applies from the next request.`)
      onClose()
    } catch (error) {
      reportError(error, `Key “${target.name}” was not updated`)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form onSubmit={submit} aria-label={`Edit key ${target.name}`}>
      <Stack>
        <TextInput label="Name" required data-autofocus value={name} onChange={(event) => setName(event.currentTarget.value)} />
        <ScopeChecklist value={scopes} onChange={setScopes} />
        <Group grow align="flex-start">
          <TierSelect value={tierId} onChange={setTierId} testId="edit-key-tier-select" />
          <SoulSelect value={soulId} onChange={setSoulId} testId="edit-key-soul-select" />
        </Group>
        <SpendingLimitFields value={limits} onChange={setLimits} testIdPrefix="edit-key" />
        <FormActions label="Save" busy={busy} disabled={invalid} testId="edit-key-submit" onCancel={onClose} />
      </Stack>
    </form>
  )
}
