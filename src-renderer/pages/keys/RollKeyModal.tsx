import { Modal, Select, Stack, Text } from '@mantine/core'
import { useState } from 'react'
import { GRACE_PRESETS, type MethodOutput } from '../../../src-shared/contract'
import type { KeyDto } from '../../../src-shared/dto'
import { FormActions } from '../../components/FormActions'
import { formatSeconds } from '../../components/format'
import { useAdmin } from '../../store'

const GRACE_CHOICES = GRACE_PRESETS.map((seconds) => ({
  value: String(seconds),
  label: seconds === 0 ? 'None: the old secret stops now' : `${formatSeconds(seconds)}`,
}))

interface Props {
  target: KeyDto | null
  onClose: () => void
  onRolled: (rolled: MethodOutput<'keys.roll'>) => void
}

/** Issues a new secret for a key; the old one keeps working for the chosen grace period. */
export function RollKeyModal({ target, onClose, onRolled }: Props) {
  const rollKey = useAdmin((s) => s.rollKey)
  const reportError = useAdmin((s) => s.reportError)
  const [grace, setGrace] = useState('0')
  const [busy, setBusy] = useState(false)

  const roll = async () => {
    if (!target) return
    setBusy(true)
    try {
      const rolled = await rollKey(target.id, Number(grace))
      setGrace('0')
      onRolled(rolled)
    } catch (error) {
      reportError(error, `Key “${target.name}” was not rolled`)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal opened={target !== null} onClose={() => !busy && onClose()} title={`Roll key “${target?.name ?? ''}”`} centered>
      <Stack>
        <Text size="sm">
          A new secret replaces <Text span ff="monospace">{target?.hint}</Text>. Keep the old one working for a while so
          your agents can switch over without a failed request.
        </Text>
        <Select
          label="Grace period for the old secret"
          data={GRACE_CHOICES}
          value={grace}
          onChange={(value) => setGrace(value ?? '0')}
          allowDeselect={false}
          data-testid="roll-grace-select"
        />
        <FormActions label="Roll key" onConfirm={roll} busy={busy} testId="confirm-roll" onCancel={onClose} />
      </Stack>
    </Modal>
  )
}
