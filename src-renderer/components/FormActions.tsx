import { Button, Group } from '@mantine/core'

export interface FormActionsProps {
  /** The primary button's label: the verb, "Create key", "Revoke key". */
  label: string
  /** Without it the primary button submits the form it stands in. */
  onConfirm?: () => void
  /** The action runs: the primary button spins and Cancel waits. */
  busy: boolean
  /** The input is not valid yet. */
  disabled?: boolean
  danger?: boolean
  /** The primary button takes the focus when a modal opens (a confirmation, where nothing else is to fill). */
  autoFocus?: boolean
  testId: string
  onCancel: () => void
  cancelLabel?: string
  /** By default Cancel waits while the action runs. */
  cancelDisabled?: boolean
  cancelTestId?: string
}

/** The row under a modal or a form: Cancel, then the primary action, on the right. */
export function FormActions(props: FormActionsProps) {
  const { label, onConfirm, busy, disabled, danger, autoFocus, testId, onCancel, cancelLabel = 'Cancel', cancelDisabled = busy, cancelTestId } = props
  return (
    <Group justify="flex-end">
      <Button variant="default" onClick={onCancel} disabled={cancelDisabled} data-testid={cancelTestId}>
        {cancelLabel}
      </Button>
      <Button
        type={onConfirm ? 'button' : 'submit'}
        color={danger ? 'red' : undefined}
        loading={busy}
        disabled={disabled}
        onClick={onConfirm}
        data-testid={testId}
        data-autofocus={autoFocus || undefined}
      >
        {label}
      </Button>
    </Group>
  )
}
