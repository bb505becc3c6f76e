import { Checkbox, Group, Select, SimpleGrid, Text, TextInput } from '@mantine/core'
import { SCOPES } from '../../../src-shared/scopes'
import { formatSeconds } from '../../components/format'
import { moneyError } from '../../components/money'
import { OPERATOR_SOUL_LABEL } from '../marketplace/labels'
import { useAdmin } from '../../store'
import { SCOPE_HELP } from './scopes'

/** The fields the create and edit key forms share. */

export function ScopeChecklist({ value, onChange, description }: { value: string[]; onChange: (scopes: string[]) => void; description?: string }) {
  return (
    <Checkbox.Group label="Scopes" description={description} value={value} onChange={onChange} error={value.length === 0 ? 'Pick at least one scope' : null}>
      <SimpleGrid cols={2} mt="xs" spacing="xs">
        {SCOPES.map((scope) => (
          <Checkbox
            key={scope}
            value={scope}
            label={<Text size="sm" ff="monospace">{scope}</Text>}
            description={SCOPE_HELP[scope]}
            data-testid={`scope-${scope}`}
          />
        ))}
      </SimpleGrid>
    </Checkbox.Group>
  )
}

export function TierSelect({ value, onChange, testId }: { value: string | null; onChange: (tierId: string) => void; testId: string }) {
  const tiers = useAdmin((s) => s.tiers)
  return (
    <Select
      label="Rate-limit tier"
      data={tiers.map((tier) => ({ value: tier.id, label: `${tier.name} (${tier.limit} per ${formatSeconds(tier.windowSeconds)})` }))}
      value={value}
      onChange={(tierId) => tierId && onChange(tierId)}
      allowDeselect={false}
      data-testid={testId}
    />
  )
}

/** The value standing for "no soul": the key buys as the operator's own soul. */
const OPERATOR_CHOICE = 'operator'

/** Which soul the key buys and sells as in the marketplace; null: the operator's own soul. */
export function SoulSelect({ value, onChange, testId }: { value: string | null; onChange: (soulId: string | null) => void; testId: string }) {
  const souls = useAdmin((s) => s.souls)
  const others = souls.filter((soul) => soul.kind !== 'operator')
  const known = value === null || others.some((soul) => soul.id === value)
  const data = [
    { value: OPERATOR_CHOICE, label: OPERATOR_SOUL_LABEL },
    ...others.map((soul) => ({ value: soul.id, label: `${soul.name} (${soul.kind}, ${soul.balance} USDT)` })),
    // A soul the list does not have (yet): still shown, by its id.
    ...(known || value === null ? [] : [{ value, label: value }]),
  ]
  return (
    <Select
      label="Acts as soul"
      data={data}
      searchable
      value={value ?? OPERATOR_CHOICE}
      onChange={(choice) => onChange(!choice || choice === OPERATOR_CHOICE ? null : choice)}
      allowDeselect={false}
      nothingFoundMessage="No soul by that name"
      data-testid={testId}
    />
  )
}

export interface SpendingLimitsDraft {
  perPurchase: string
  perDay: string
}

export const limitsDraftOf = (limits: { perPurchase: string | null; perDay: string | null }): SpendingLimitsDraft => ({
  perPurchase: limits.perPurchase ?? '',
  perDay: limits.perDay ?? '',
})

export const limitsInvalid = (draft: SpendingLimitsDraft): boolean => !!moneyError(draft.perPurchase) || !!moneyError(draft.perDay)

/** As `keys.create` and `keys.update` take them: an empty field is no limit. */
export const limitsInput = (draft: SpendingLimitsDraft) => ({ perPurchase: draft.perPurchase || null, perDay: draft.perDay || null })

/** The two spending limits in USDT; empty for no limit. */
export function SpendingLimitFields({ value, onChange, testIdPrefix }: { value: SpendingLimitsDraft; onChange: (value: SpendingLimitsDraft) => void; testIdPrefix: string }) {
  return (
    <Group grow align="flex-start">
      <TextInput
        label="Spending limit per purchase"
        description="USDT, empty for no limit"
        placeholder="25.00"
        inputMode="decimal"
        value={value.perPurchase}
        error={moneyError(value.perPurchase)}
        onChange={(event) => onChange({ ...value, perPurchase: event.currentTarget.value.trim() })}
        data-testid={`${testIdPrefix}-limit-per-purchase`}
      />
      <TextInput
        label="Spending limit per day"
        description="USDT, empty for no limit"
        placeholder="100.00"
        inputMode="decimal"
        value={value.perDay}
        error={moneyError(value.perDay)}
        onChange={(event) => onChange({ ...value, perDay: event.currentTarget.value.trim() })}
        data-testid={`${testIdPrefix}-limit-per-day`}
      />
    </Group>
  )
}
