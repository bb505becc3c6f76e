import { Badge, Group, Select, Text, type ComboboxItem, type ComboboxParsedItem, type OptionsFilter } from '@mantine/core'
import { useMemo } from 'react'
import type { PlaygroundMethod } from '../../../src-shared/playground'
import { METHOD_COLOR } from './labels'
import type { Operation } from './openapi'

/** "listings" → "Listings", "chat" → "Chat". */
const groupName = (tag: string) => tag.charAt(0).toUpperCase() + tag.slice(1)

export function MethodBadge({ method, size = 'sm' }: { method: PlaygroundMethod; size?: 'xs' | 'sm' | 'md' }) {
  return (
    <Badge color={METHOD_COLOR[method]} variant="light" size={size} w={size === 'xs' ? 52 : 62} style={{ flexShrink: 0 }} radius="sm">
      {method}
    </Badge>
  )
}

interface Props {
  operations: Operation[]
  value: string | null
  onChange(id: string): void
  disabled?: boolean
}

/** The API's operations grouped by tag; the search matches the method, the path and the summary. */
export function EndpointPicker({ operations, value, onChange, disabled }: Props) {
  const byId = useMemo(() => new Map(operations.map((operation) => [operation.id, operation])), [operations])
  const data = useMemo(() => {
    const groups = new Map<string, ComboboxItem[]>()
    for (const operation of operations) {
      const items = groups.get(operation.tag) ?? []
      items.push({ value: operation.id, label: operation.id })
      groups.set(operation.tag, items)
    }
    return [...groups].map(([tag, items]) => ({ group: groupName(tag), items }))
  }, [operations])

  const filter: OptionsFilter = ({ options, search }) => {
    const words = search.toLowerCase().split(/\s+/).filter(Boolean)
    const matches = (item: ComboboxItem) => {
      const operation = byId.get(item.value)
      const haystack = `${item.label} ${operation?.summary ?? ''} ${operation?.tag ?? ''}`.toLowerCase()
      return words.every((word) => haystack.includes(word))
    }
    const kept: ComboboxParsedItem[] = []
    for (const option of options) {
      if ('group' in option) {
        const items = option.items.filter(matches)
        if (items.length > 0) kept.push({ ...option, items })
      } else if (matches(option)) kept.push(option)
    }
    return kept
  }

  return (
    <Select
      label="Endpoint"
      description="Every operation of the API's OpenAPI document, by tag"
      placeholder={operations.length === 0 ? 'Reading the API description…' : 'Search by path, method or what it does'}
      searchable
      data={data}
      value={value}
      onChange={(id) => id && onChange(id)}
      allowDeselect={false}
      filter={filter}
      nothingFoundMessage="No endpoint matches"
      maxDropdownHeight={420}
      comboboxProps={{ width: 'target', position: 'bottom-start' }}
      styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
      disabled={disabled}
      renderOption={({ option }) => {
        const operation = byId.get(option.value)
        if (!operation) return option.label
        return (
          <Group gap="sm" wrap="nowrap" data-testid="endpoint-option" data-endpoint={operation.id} style={{ minWidth: 0 }}>
            <MethodBadge method={operation.method} size="xs" />
            <div style={{ minWidth: 0 }}>
              <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                {operation.path}
              </Text>
              {operation.summary && (
                <Text size="xs" c="dimmed" lineClamp={1}>
                  {operation.summary}
                </Text>
              )}
            </div>
          </Group>
        )
      }}
      data-testid="endpoint-select"
    />
  )
}
