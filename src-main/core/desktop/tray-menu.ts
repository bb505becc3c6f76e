/**
 * The tray icon's menu as data: index.ts hands it to Electron's `Menu.buildFromTemplate`, tests read it under
 * plain Node. The items are a subset of Electron's `MenuItemConstructorOptions`, with the actions injected.
 */

export type ServerStatus = 'starting' | 'running' | 'stopped' | 'error'

export interface TrayState {
  status: ServerStatus
  /** `http://127.0.0.1:7420/api/v1` once the server listens; null before. */
  apiBaseUrl: string | null
  /** Why the server is not running, when status is 'error'. */
  error?: string
}

export interface TrayActions {
  copyText(text: string): void
  openWindow(): void
  quit(): void
}

export interface TrayMenuItem {
  id: 'status' | 'copy-base-url' | 'open' | 'quit' | `separator-${number}`
  type: 'normal' | 'separator'
  label?: string
  enabled?: boolean
  click?: () => void
}

export const TRAY_TITLE = 'ClawHQ Local'
/** Menus show one line; a long error is cut, the window's dialog has the whole text. */
const MAX_ERROR_LENGTH = 80

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0].trim()
  return line.length > MAX_ERROR_LENGTH ? `${line.slice(0, MAX_ERROR_LENGTH - 1)}…` : line
}

/** The status line, in the product's words. */
export function statusLabel(state: TrayState): string {
  switch (state.status) {
    case 'starting':
      return 'API server: starting…'
    case 'running':
      return state.apiBaseUrl ? `API server: running at ${state.apiBaseUrl}` : 'API server: running'
    case 'stopped':
      return 'API server: stopped'
    case 'error':
      return state.error ? `API server: failed (${firstLine(state.error)})` : 'API server: failed to start'
  }
}

/** The tooltip on the tray icon: the product and its status. */
export function trayTooltip(state: TrayState): string {
  return `${TRAY_TITLE}: ${statusLabel(state).replace(/^API server: /, 'API ')}`
}

export function trayMenuTemplate(state: TrayState, actions: TrayActions): TrayMenuItem[] {
  const baseUrl = state.status === 'running' ? state.apiBaseUrl : null
  return [
    { id: 'status', type: 'normal', label: statusLabel(state), enabled: false },
    { id: 'separator-1', type: 'separator' },
    {
      id: 'copy-base-url',
      type: 'normal',
      label: 'Copy base URL',
      // Nothing to copy until the server listens: a URL that answers nothing would mislead.
      enabled: baseUrl !== null,
      click: () => {
        if (baseUrl !== null) actions.copyText(baseUrl)
      },
    },
    { id: 'open', type: 'normal', label: `Open ${TRAY_TITLE}`, enabled: true, click: () => actions.openWindow() },
    { id: 'separator-2', type: 'separator' },
    { id: 'quit', type: 'normal', label: 'Quit', enabled: true, click: () => actions.quit() },
  ]
}
