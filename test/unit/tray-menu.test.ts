import { describe, expect, it } from 'vitest'
import { statusLabel, trayMenuTemplate, trayTooltip, type TrayActions, type TrayMenuItem, type TrayState } from '../../src-main/core/desktop/tray-menu'

const BASE_URL = 'http://127.0.0.1:7420/api/v1'

/** Actions that record what they were asked to do. */
function recordingActions() {
  const calls: string[] = []
  const actions: TrayActions = {
    copyText: (text) => calls.push(`copy ${text}`),
    openWindow: () => calls.push('open'),
    quit: () => calls.push('quit'),
  }
  return { calls, actions }
}

const item = (menu: TrayMenuItem[], id: TrayMenuItem['id']) => {
  const found = menu.find((entry) => entry.id === id)
  if (!found) throw new Error(`no menu item ${id}`)
  return found
}

describe('the tray menu', () => {
  it('lists the status line, Copy base URL, Open ClawHQ Local and Quit, in that order', () => {
    const menu = trayMenuTemplate({ status: 'running', apiBaseUrl: BASE_URL }, recordingActions().actions)
    expect(menu.filter((entry) => entry.type === 'normal').map((entry) => entry.label)).toEqual([
      `API server: running at ${BASE_URL}`,
      'Copy base URL',
      'Open ClawHQ Local',
      'Quit',
    ])
    expect(menu.map((entry) => entry.type)).toEqual(['normal', 'separator', 'normal', 'normal', 'separator', 'normal'])
  })

  it('shows the status line as information, not as a clickable item', () => {
    const status = item(trayMenuTemplate({ status: 'running', apiBaseUrl: BASE_URL }, recordingActions().actions), 'status')
    expect(status.enabled).toBe(false)
    expect(status.click).toBeUndefined()
  })

  it('copies exactly the running server\'s base URL', () => {
    const { calls, actions } = recordingActions()
    item(trayMenuTemplate({ status: 'running', apiBaseUrl: BASE_URL }, actions), 'copy-base-url').click?.()
    expect(calls).toEqual([`copy ${BASE_URL}`])
  })

  it.each<TrayState>([
    { status: 'starting', apiBaseUrl: null },
    { status: 'stopped', apiBaseUrl: BASE_URL },
    { status: 'error', apiBaseUrl: null, error: 'listen EADDRINUSE: address already in use 127.0.0.1:7420' },
  ])('offers nothing to copy while the server is $status', (state) => {
    const { calls, actions } = recordingActions()
    const copy = item(trayMenuTemplate(state, actions), 'copy-base-url')
    expect(copy.enabled).toBe(false)
    copy.click?.()
    expect(calls).toEqual([])
  })

  it('opens the window and quits through the injected actions', () => {
    const { calls, actions } = recordingActions()
    const menu = trayMenuTemplate({ status: 'stopped', apiBaseUrl: null }, actions)
    item(menu, 'open').click?.()
    item(menu, 'quit').click?.()
    expect(calls).toEqual(['open', 'quit'])
    expect(item(menu, 'open').enabled).toBe(true)
    expect(item(menu, 'quit').enabled).toBe(true)
  })

  it('says why the server failed, on one short line', () => {
    const error = `listen EADDRINUSE: address already in use 127.0.0.1:7420 ${'x'.repeat(200)}\nstack line`
    const label = statusLabel({ status: 'error', apiBaseUrl: null, error })
    expect(label.startsWith('API server: failed (listen EADDRINUSE: address already in use 127.0.0.1:7420')).toBe(true)
    expect(label).not.toContain('\n')
    expect(label).not.toContain('stack line')
    expect(label.length).toBeLessThan(120)
  })

  it.each<[TrayState, string]>([
    [{ status: 'starting', apiBaseUrl: null }, 'API server: starting…'],
    [{ status: 'running', apiBaseUrl: BASE_URL }, `API server: running at ${BASE_URL}`],
    [{ status: 'stopped', apiBaseUrl: null }, 'API server: stopped'],
    [{ status: 'error', apiBaseUrl: null }, 'API server: failed to start'],
  ])('labels %o as "%s"', (state, label) => {
    expect(statusLabel(state)).toBe(label)
  })

  it('puts the product and the status in the tooltip', () => {
    expect(trayTooltip({ status: 'running', apiBaseUrl: BASE_URL })).toBe(`ClawHQ Local: API running at ${BASE_URL}`)
    expect(trayTooltip({ status: 'stopped', apiBaseUrl: null })).toBe('ClawHQ Local: API stopped')
  })
})
