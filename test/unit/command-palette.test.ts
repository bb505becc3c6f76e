import { describe, expect, it } from 'vitest'
import { searchPalette, type PaletteItem } from '../../src-renderer/components/CommandPalette'
import { hrefFor, paramsFromHash, routeFromHash, sectionFromHash } from '../../src-renderer/router'

const item = (group: PaletteItem['group'], label: string, keywords: string[] = [], description?: string): PaletteItem => ({
  id: `${group}-${label}`,
  group,
  label,
  description,
  keywords,
  run: () => {},
})

const ITEMS: PaletteItem[] = [
  item('Pages', 'Dashboard', ['home']),
  item('Pages', 'API keys', ['keys']),
  item('Pages', 'Request log', ['requests', 'log']),
  item('Pages', 'Webhooks', ['endpoints']),
  item('Actions', 'Create a key', ['new key']),
  item('Actions', 'Switch to the dark theme', ['theme']),
  item('Keys', 'ci-runner', ['key_abc', 'clw_Ab12…9xYz'], 'clw_Ab12…9xYz · active'),
  item('Keys', 'webhook relay', ['key_def'], 'clw_Cd34…0pQr · revoked'),
]

const labels = (query: string) => searchPalette(ITEMS, query).map(({ group, items }) => `${group}: ${items.map((entry) => entry.label).join(', ')}`)

describe('the command palette search', () => {
  it('offers every page and action, and the first keys, before anything is typed', () => {
    expect(labels('')).toEqual([
      'Pages: Dashboard, API keys, Request log, Webhooks',
      'Actions: Create a key, Switch to the dark theme',
      'Keys: ci-runner, webhook relay',
    ])
  })

  it('puts labels that start with the query first, then labels containing it, then other matches', () => {
    expect(labels('webhook')).toEqual(['Pages: Webhooks', 'Keys: webhook relay'])
    expect(labels('key')).toEqual(['Pages: API keys', 'Actions: Create a key', 'Keys: ci-runner, webhook relay'])
  })

  it('finds a key by its name, its hint or its id, case aside', () => {
    expect(labels('CI-RUN')).toEqual(['Keys: ci-runner'])
    expect(labels('ab12')).toEqual(['Keys: ci-runner'])
    expect(labels('key_def')).toEqual(['Keys: webhook relay'])
  })

  it('needs every word, in any order, anywhere in the label, description or keywords', () => {
    expect(labels('theme dark')).toEqual(['Actions: Switch to the dark theme'])
    expect(labels('relay revoked')).toEqual(['Keys: webhook relay'])
    expect(labels('dark relay')).toEqual([])
  })

  it('shows at most 8 keys before anything is typed, 30 once something is', () => {
    const many = Array.from({ length: 40 }, (_, n) => item('Keys', `agent-${n}`))
    expect(searchPalette(many, '')[0].items).toHaveLength(8)
    expect(searchPalette(many, 'agent')[0].items).toHaveLength(30)
  })
})

describe('links into pages', () => {
  it('carry what the page should show in the query of the hash, which routing ignores', () => {
    const href = hrefFor('keys', undefined, { key: 'key_abc' })
    expect(href).toBe('#/keys?key=key_abc')
    expect(routeFromHash(href)).toBe('keys')
    expect(paramsFromHash(href).get('key')).toBe('key_abc')
    expect(sectionFromHash('#/webhooks/deliveries?endpoint=whk_1')).toBe('deliveries')
    expect(hrefFor('keys', undefined, {})).toBe('#/keys')
  })

  it('land on the dashboard when the page is unknown or missing', () => {
    expect(routeFromHash('')).toBe('dashboard')
    expect(routeFromHash('#/nope')).toBe('dashboard')
  })
})
