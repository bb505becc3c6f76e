import { Modal, Stack, Text } from '@mantine/core'
import { useState, type ReactNode } from 'react'
import { FormActions } from './FormActions'

export interface ConfirmModalProps {
  opened: boolean
  title: string
  children: ReactNode
  confirmLabel: string
  /** Resolves when done; a rejection keeps the modal open (the caller reports the error). */
  onConfirm: () => Promise<void>
  onClose: () => void
  danger?: boolean
  testId: string
}

/** Asks before something that cannot be undone; the page stays usable while it runs. */
export function ConfirmModal({ opened, title, children, confirmLabel, onConfirm, onClose, danger, testId }: ConfirmModalProps) {
  const [busy, setBusy] = useState(false)
  const confirm = async () => {
    setBusy(true)
    try {
      await onConfirm()
      onClose()
    } catch {
      // Reported by the caller; stay open so the operator can retry or cancel.
    } finally {
      setBusy(false)
    }
  }
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered>
      <Stack>
        <Text size="sm" component="div">
          {children}
        </Text>
        <FormActions label={confirmLabel} onConfirm={confirm} busy={busy} danger={danger} autoFocus testId={testId} onCancel={onClose} />
      </Stack>
    </Modal>
  )
}
