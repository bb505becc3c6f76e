import { Modal, SegmentedControl, Stack, Text } from '@mantine/core'
import { useState } from 'react'
import type { MethodOutput } from '../../../src-shared/contract'
import type { WebhookEndpoint } from '../../../src-shared/webhooks'
import { FormActions } from '../../components/FormActions'
import { useAdmin } from '../../store'
import { DEFAULT_ROTATION_OVERLAP, overlapLabel, ROTATION_OVERLAPS } from './labels'

interface Props {
  target: WebhookEndpoint | null
  onClose: () => void
  onRotated: (rotated: MethodOutput<'webhooks.rotateSecret'>) => void
}

/** A new signing secret; the previous one keeps signing for the chosen overlap, so receivers can switch over. */
export function RotateSecretModal({ target, onClose, onRotated }: Props) {
  const rotateWebhookSecret = useAdmin((s) => s.rotateWebhookSecret)
  const reportError = useAdmin((s) => s.reportError)
  const [overlap, setOverlap] = useState(String(DEFAULT_ROTATION_OVERLAP))
  const [busy, setBusy] = useState(false)

  const close = () => {
    if (busy) return
    setOverlap(String(DEFAULT_ROTATION_OVERLAP))
    onClose()
  }
  const rotate = async () => {
    if (!target) return
    setBusy(true)
    try {
      const rotated = await rotateWebhookSecret(target.id, Number(overlap))
      setOverlap(String(DEFAULT_ROTATION_OVERLAP))
      onRotated(rotated)
    } catch (error) {
      reportError(error, 'The secret was not rotated')
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal opened={target !== null} onClose={close} title="Rotate the signing secret" centered size="lg">
      <Stack>
        <Text size="sm">
          A new secret signs every delivery to{' '}
          <Text span ff="monospace" style={{ wordBreak: 'break-all' }}>
            {target?.url}
          </Text>{' '}
          from now on; it is shown once.
        </Text>
        <Stack gap={4}>
          <Text size="sm" fw={500} id="rotation-overlap-label">
            The current secret ({target?.secretHint}) keeps signing for
          </Text>
          <SegmentedControl
            aria-labelledby="rotation-overlap-label"
            data={ROTATION_OVERLAPS.map((seconds) => ({ value: String(seconds), label: overlapLabel(seconds) }))}
            value={overlap}
            onChange={setOverlap}
            data-testid="rotation-overlap"
          />
          <Text size="xs" c="dimmed">
            Meanwhile <Text span ff="monospace">webhook-signature</Text> carries a signature with each secret, so a Standard Webhooks
            receiver keeps verifying while it switches over; <Text span ff="monospace">X-Clawget-Signature</Text> uses the new secret at once.
            With no overlap, the old secret stops at once.
          </Text>
        </Stack>
        <FormActions label="Rotate secret" onConfirm={() => void rotate()} busy={busy} testId="rotate-secret-submit" onCancel={close} />
      </Stack>
    </Modal>
  )
}
