import { Checkbox, Select, SimpleGrid, Text } from '@mantine/core'
import { SCOPES } from '../../../src-shared/scopes'
import { formatSeconds } from '../../components/format'
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
