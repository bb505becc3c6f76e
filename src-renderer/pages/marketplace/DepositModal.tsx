import { Alert, Modal, Stack, Text, TextInput } from '@mantine/core'
import { useState, type FormEvent } from 'react'
import type { SoulWithWallet } from '../../../src-shared/marketplace'
import { FormActions } from '../../components/FormActions'
import { formatUsdt } from '../../components/format'
import { moneyError } from '../../components/money'
import { useAdmin } from '../../store'

interface Props {
  soul: SoulWithWallet | null
  onClose: () => void
}

/** Adds USDT to a soul's wallet: the ledger records it as a deposit by the operator. */
export function DepositModal({ soul, onClose }: Props) {
  return (
    <Modal opened={soul !== null} onClose={onClose} title={`Deposit into “${soul?.name ?? ''}”`} centered>
      {soul && <DepositForm key={soul.id} soul={soul} onClose={onClose} />}
    </Modal>
  )
}

function DepositForm({ soul, onClose }: { soul: SoulWithWallet; onClose: () => void }) {
  const deposit = useAdmin((s) => s.deposit)
  const reportError = useAdmin((s) => s.reportError)
  const reportSuccess = useAdmin((s) => s.reportSuccess)
  const [amount, setAmount] = useState('')
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)
  const error = moneyError(amount, { positive: true })

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (!amount || error) return
    setBusy(true)
    setFailure(null)
    try {
      const wallet = await deposit(soul.id, amount)
      reportSuccess('Deposit made', `${soul.name} now holds ${formatUsdt(wallet.balance)}.`)
      onClose()
    } catch (failed) {
      setFailure(failed instanceof Error ? failed.message : String(failed))
      reportError(failed, `No deposit into “${soul.name}”`)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form onSubmit={submit} aria-label={`Deposit into ${soul.name}`}>
      <Stack>
        <Text size="sm">
          Holds <b>{formatUsdt(soul.balance)}</b> now.
        </Text>
        <TextInput
          label="Amount"
          description="USDT, up to two decimals"
          placeholder="50.00"
          required
          data-autofocus
          inputMode="decimal"
          value={amount}
          error={error}
          onChange={(event) => setAmount(event.currentTarget.value.trim())}
          rightSection={<Text size="xs" c="dimmed">USDT</Text>}
          rightSectionWidth={48}
          data-testid="deposit-amount"
        />
        {failure && (
          <Alert color="red" title="No deposit">
            {failure}
          </Alert>
        )}
        <FormActions label="Deposit" busy={busy} disabled={!amount || !!error} testId="deposit-submit" onCancel={onClose} />
      </Stack>
    </form>
  )
}
