import { Badge, Group, PasswordInput, Select, Stack, Text } from '@mantine/core'
import { useMemo } from 'react'
import type { KeyDto, TierDto } from '../../../src-shared/dto'
import type { PlaygroundKeyChoice } from '../../store/playground'

const SECRET = 'secret'
const NONE = 'none'

export const choiceValue = (choice: PlaygroundKeyChoice): string => (choice.kind === 'key' ? `key:${choice.keyId}` : choice.kind)

function choiceOf(value: string): PlaygroundKeyChoice {
  if (value.startsWith('key:')) return { kind: 'key', keyId: value.slice(4) }
  return value === SECRET ? { kind: 'secret' } : { kind: 'none' }
}

/** A key's tier as the picker names it ("60 RPM", "Free"). */
export const tierLabel = (tier: TierDto | undefined): string => (tier ? tier.name : 'unknown tier')

interface Props {
  keys: KeyDto[]
  tiers: TierDto[]
  choice: PlaygroundKeyChoice
  onChoose(choice: PlaygroundKeyChoice): void
  secret: string
  onSecret(secret: string): void
  disabled?: boolean
}

/**
 * Who the request goes as: one of the operator's keys (sent by id: its secret is not kept anywhere), a
 * secret pasted for this page only, or no key at all, to see the API's 401.
 */
export function KeyPicker({ keys, tiers, choice, onChoose, secret, onSecret, disabled }: Props) {
  const usable = useMemo(() => keys.filter((key) => key.status !== 'revoked'), [keys])
  const byValue = useMemo(() => new Map(usable.map((key) => [`key:${key.id}`, key])), [usable])
  const tierById = useMemo(() => new Map(tiers.map((tier) => [tier.id, tier])), [tiers])
  const data = [
    { group: 'Your keys', items: usable.map((key) => ({ value: `key:${key.id}`, label: `${key.name} (${key.hint})` })) },
    {
      group: 'Other',
      items: [
        { value: SECRET, label: 'Paste a secret…' },
        { value: NONE, label: 'No key' },
      ],
    },
  ].filter((group) => group.items.length > 0)

  return (
    <Stack gap="xs">
      <Select
        label="Send as"
        description="The key's own scopes and rate limit apply"
        data={data}
        value={choiceValue(choice)}
        onChange={(value) => value && onChoose(choiceOf(value))}
        allowDeselect={false}
        comboboxProps={{ width: 360, position: 'bottom-end' }}
        maxDropdownHeight={360}
        disabled={disabled}
        renderOption={({ option }) => {
          const key = byValue.get(option.value)
          if (!key)
            return (
              <Text size="sm" data-testid={`key-option-${option.value}`}>
                {option.label}
              </Text>
            )
          return (
            <div data-testid="key-option" data-key-id={key.id} style={{ minWidth: 0 }}>
              <Group gap={6} wrap="nowrap">
                <Text size="sm" fw={500} truncate>
                  {key.name}
                </Text>
                {key.status !== 'active' && (
                  <Badge size="xs" color={key.status === 'expired' ? 'red' : 'yellow'} variant="light">
                    {key.status}
                  </Badge>
                )}
              </Group>
              <Text size="xs" c="dimmed" ff="monospace">
                {key.hint} · {tierLabel(tierById.get(key.tierId))}
              </Text>
            </div>
          )
        }}
        data-testid="key-select"
      />
      {choice.kind === 'secret' && (
        <PasswordInput
          label="Secret"
          description="Used for the next requests on this page; never stored."
          placeholder="clw_…"
          value={secret}
          onChange={(event) => onSecret(event.currentTarget.value)}
          autoComplete="off"
          spellCheck={false}
          required
          error={secret !== '' && !/^\S+$/.test(secret) ? 'A secret has no spaces' : undefined}
          disabled={disabled}
          data-testid="secret-input"
        />
      )}
    </Stack>
  )
}
