import { Button, Checkbox, Group, Modal, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core'
import { useState, type FormEvent } from 'react'
import type { KeyDto } from '../../../src-shared/dto'
import { SCOPES, type Scope } from '../../../src-shared/scopes'
import { formatSeconds } from '../../components/format'
import { useAdmin } from '../../store'
import { SCOPE_HELP } from './scopes'

interface Props {
  target: KeyDto | null
  onClose: () => void
}

/** Renames a key, changes its scopes or moves it to another tier; the secret stays the same. */
export function EditKeyModal({ target, onClose }: Props) {
  return (
    <Modal opened={target !== null} onClose={onClose} title={`Edit key “${target?.name ?? ''}”`} size="lg" centered>
      {/* Keyed so each opening starts from the key's current values. */}
      {target && <EditKeyForm key={target.id} target={target} onClose={onClose} />}
    </Modal>
  )
}

function EditKeyForm({ target, onClose }: { target: KeyDto; onClose: () => void }) {
  const tiers = useAdmin((s) => s.tiers)
  const updateKey = useAdmin((s) => s.updateKey)
  const reportError = useAdmin((s) => s.reportError)
  const reportSuccess = useAdmin((s) => s.reportSuccess)
  const [name, setName] = useState(target.name)
  const [scopes, setScopes] = useState<string[]>(target.scopes)
  const [tierId, setTierId] = useState(target.tierId)
  const [busy, setBusy] = useState(false)

  const invalid = !name.trim() || name.length > 100 || scopes.length === 0

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (invalid) return
    setBusy(true)
    try {
      const updated = await updateKey({ id: target.id, name: name.trim(), scopes: scopes as Scope[], tierId })
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
        <Checkbox.Group label="Scopes" value={scopes} onChange={setScopes} error={scopes.length === 0 ? 'Pick at least one scope' : null}>
          <SimpleGrid cols={2} mt="xs" spacing="xs">
            {SCOPES.map((scope) => (
              <Checkbox key={scope} value={scope} label={<Text size="sm" ff="monospace">{scope}</Text>} description={SCOPE_HELP[scope]} />
            ))}
          </SimpleGrid>
        </Checkbox.Group>
        <Select
          label="Rate-limit tier"
          data={tiers.map((tier) => ({ value: tier.id, label: `${tier.name} (${tier.limit} per ${formatSeconds(tier.windowSeconds)})` }))}
          value={tierId}
          onChange={(value) => value && setTierId(value)}
          allowDeselect={false}
          data-testid="edit-key-tier-select"
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" loading={busy} disabled={invalid} data-testid="edit-key-submit">
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  )
}
