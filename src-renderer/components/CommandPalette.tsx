import { Group, Kbd, Text } from '@mantine/core'
import { createSpotlight, Spotlight } from '@mantine/spotlight'
import { useState, type ReactNode } from 'react'
import type { KeyDto } from '../../src-shared/dto'
import { hrefFor, navigate } from '../router'
import { useAdmin } from '../store'
import { CopyIcon, KeyIcon, MoonIcon, PlusIcon, SearchIcon, SettingsIcon, SunIcon } from './icons'
import { NAV } from './nav'

/** The palette's own store: the header's search button opens it, and so does the shortcut. */
export const [paletteStore, palette] = createSpotlight()

const isMac = (): boolean => /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent)
/** The shortcut as the operator's keyboard labels it. */
export const paletteShortcut = (): string => (isMac() ? '⌘ K' : 'Ctrl K')

export type PaletteGroup = 'Pages' | 'Actions' | 'Keys'

export interface PaletteItem {
  id: string
  group: PaletteGroup
  label: string
  description?: string
  keywords: readonly string[]
  icon?: ReactNode
  run: () => void
}

/** Keys listed before anything is typed; typing searches all of them. */
const KEYS_SHOWN_IDLE = 8
const KEYS_SHOWN_SEARCHING = 30

/**
 * The items matching `query`: every word of it must occur in the label, the description or the
 * keywords. Labels that start with the query come first, then labels containing it, then the rest;
 * within each, the order given. Groups follow in the order of their best item.
 */
export function searchPalette(items: readonly PaletteItem[], query: string): Array<{ group: PaletteGroup; items: PaletteItem[] }> {
  const phrase = query.trim().toLowerCase()
  const words = phrase.split(/\s+/).filter(Boolean)
  const ranked = items
    .map((item, order) => {
      const label = item.label.toLowerCase()
      const haystack = [label, item.description?.toLowerCase() ?? '', ...item.keywords.map((keyword) => keyword.toLowerCase())].join('\n')
      if (!words.every((word) => haystack.includes(word))) return null
      const rank = phrase === '' ? 0 : label.startsWith(phrase) ? 0 : label.includes(phrase) ? 1 : words.every((word) => label.includes(word)) ? 2 : 3
      return { item, rank, order }
    })
    .filter((entry) => entry !== null)
    .sort((a, b) => a.rank - b.rank || a.order - b.order)
  const groups = new Map<PaletteGroup, PaletteItem[]>()
  for (const { item } of ranked) {
    const list = groups.get(item.group) ?? []
    if (item.group === 'Keys' && list.length >= (phrase ? KEYS_SHOWN_SEARCHING : KEYS_SHOWN_IDLE)) continue
    groups.set(item.group, [...list, item])
  }
  return [...groups].map(([group, list]) => ({ group, items: list }))
}

const go = navigate

function keyItem(key: KeyDto): PaletteItem {
  return {
    id: `key-${key.id}`,
    group: 'Keys',
    label: key.name,
    description: `${key.hint} · ${key.status}`,
    keywords: [key.id, key.hint, key.status],
    icon: <KeyIcon size={16} />,
    run: () => go(hrefFor('keys', undefined, { key: key.id })),
  }
}

/**
 * Cmd/Ctrl-K: jump to any page or key, or act (create a key, switch the theme, About). Works from
 * anywhere, a text field included.
 */
export function CommandPalette({ onAbout }: { onAbout: () => void }) {
  const keys = useAdmin((s) => s.keys)
  const scheme = useAdmin((s) => s.colorScheme)
  const toggleColorScheme = useAdmin((s) => s.toggleColorScheme)
  const apiBaseUrl = useAdmin((s) => s.serverStatus?.apiBaseUrl)
  const reportSuccess = useAdmin((s) => s.reportSuccess)
  const reportError = useAdmin((s) => s.reportError)
  const [query, setQuery] = useState('')

  const items: PaletteItem[] = [
    ...NAV.map((page) => ({
      id: `page-${page.route}`,
      group: 'Pages' as const,
      label: page.label,
      description: `Go to ${page.label}`,
      keywords: [page.route, ...page.keywords],
      icon: page.icon,
      run: () => go(hrefFor(page.route)),
    })),
    {
      id: 'action-create-key',
      group: 'Actions',
      label: 'Create a key',
      description: 'A new API key, its secret shown once',
      keywords: ['new key', 'add key'],
      icon: <PlusIcon size={16} />,
      run: () => go(hrefFor('keys', undefined, { new: '1' })),
    },
    {
      id: 'action-toggle-theme',
      group: 'Actions',
      label: scheme === 'dark' ? 'Switch to the light theme' : 'Switch to the dark theme',
      keywords: ['theme', 'dark mode', 'light mode', 'colors'],
      icon: scheme === 'dark' ? <SunIcon size={16} /> : <MoonIcon size={16} />,
      run: toggleColorScheme,
    },
    {
      id: 'action-about',
      group: 'Actions',
      label: 'About ClawHQ Local',
      description: 'Versions, schema, platform and data directory',
      keywords: ['version', 'about', 'electron', 'node', 'sqlite'],
      icon: <SettingsIcon size={16} />,
      run: onAbout,
    },
    ...(apiBaseUrl
      ? [
          {
            id: 'action-copy-api-url',
            group: 'Actions' as const,
            label: 'Copy the API base URL',
            description: apiBaseUrl,
            keywords: ['url', 'clipboard', 'base url'],
            icon: <CopyIcon size={16} />,
            run: () =>
              navigator.clipboard.writeText(apiBaseUrl).then(
                () => reportSuccess('Copied', `${apiBaseUrl} is on the clipboard.`),
                (error: unknown) => reportError(error, 'The API base URL was not copied'),
              ),
          },
        ]
      : []),
    ...keys.map(keyItem),
  ]
  const groups = searchPalette(items, query)

  return (
    <Spotlight.Root
      store={paletteStore}
      shortcut="mod + K"
      tagsToIgnore={[]}
      query={query}
      onQueryChange={setQuery}
      scrollable
      maxHeight={440}
      data-testid="command-palette"
    >
      <Spotlight.Search placeholder="Go to a page or key, or do something…" leftSection={<SearchIcon size={18} />} aria-label="Search pages, keys and actions" data-testid="palette-search" />
      <Spotlight.ActionsList aria-label="Results">
        {groups.map(({ group, items: list }) => (
          <Spotlight.ActionsGroup key={group} label={group}>
            {list.map((item) => (
              <Spotlight.Action
                key={item.id}
                label={item.label}
                description={item.description}
                leftSection={item.icon}
                highlightQuery
                onClick={item.run}
                data-testid={`palette-${item.id}`}
              />
            ))}
          </Spotlight.ActionsGroup>
        ))}
        {groups.length === 0 && <Spotlight.Empty>Nothing matches “{query.trim()}”.</Spotlight.Empty>}
      </Spotlight.ActionsList>
      <Spotlight.Footer>
        <Group gap="xs" justify="space-between">
          <Text size="xs" c="dimmed">
            <Kbd size="xs">↑</Kbd> <Kbd size="xs">↓</Kbd> to choose, <Kbd size="xs">Enter</Kbd> to go, <Kbd size="xs">Esc</Kbd> to close
          </Text>
          <Text size="xs" c="dimmed">
            <Kbd size="xs">{paletteShortcut()}</Kbd> opens this anywhere
          </Text>
        </Group>
      </Spotlight.Footer>
    </Spotlight.Root>
  )
}
