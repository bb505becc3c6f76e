import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron'
import { DEFAULT_WINDOW_SIZE, MIN_WINDOW_SIZE, type WindowPlacement } from './core/desktop/window-state'

/**
 * The window's security policy as pure functions (SPEC §7, RELIABILITY §1), so every item is unit-tested
 * under plain Node. Type-only imports from electron: nothing here loads it at run time.
 */

/** The renderer is served from `app://clawhq/` (checklist item 18: a custom protocol, not file://). */
export const APP_SCHEME = 'app'
export const APP_HOST = 'clawhq'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`

export const WINDOW_TITLE = 'ClawHQ Local'
/** Mantine's light body and dark-7 body colours, so the window never flashes white before the first paint. */
export const BACKGROUND_LIGHT = '#ffffff'
export const BACKGROUND_DARK = '#242424'

/**
 * The renderer loads only its own bundle and talks to the core over IPC, so nothing else is needed.
 * style-src allows inline styles because Mantine writes its CSS variables into a <style> tag and style attributes;
 * scripts stay 'self' only (no inline script, no eval).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ')

export interface WindowOptionsInput {
  /** Absolute path of the built preload, `out/preload/index.cjs`. */
  preloadPath: string
  /** Whether the OS prefers dark colours (`nativeTheme.shouldUseDarkColors`). */
  dark?: boolean
  /** Where the window last was (`placeWindow`); without it, the default size centred by the OS. */
  placement?: WindowPlacement
}

/** Every item of Electron's checklist that lives in webPreferences, set explicitly even where it is the default. */
export function windowOptions({ preloadPath, dark = false, placement }: WindowOptionsInput): BrowserWindowConstructorOptions {
  const position = placement?.x !== undefined && placement.y !== undefined ? { x: placement.x, y: placement.y } : {}
  return {
    title: WINDOW_TITLE,
    width: placement?.width ?? DEFAULT_WINDOW_SIZE.width,
    height: placement?.height ?? DEFAULT_WINDOW_SIZE.height,
    ...position,
    // A work area smaller than the minimum wins (placeWindow shrinks to it), or the window would hang off-screen.
    minWidth: Math.min(MIN_WINDOW_SIZE.width, placement?.width ?? MIN_WINDOW_SIZE.width),
    minHeight: Math.min(MIN_WINDOW_SIZE.height, placement?.height ?? MIN_WINDOW_SIZE.height),
    backgroundColor: dark ? BACKGROUND_DARK : BACKGROUND_LIGHT,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      // Middle-click opens links in new windows; Electronegativity's AUXCLICK check.
      disableBlinkFeatures: 'Auxclick',
      // Spell-check dictionaries are downloaded from Google: no network for an offline tool.
      spellcheck: false,
    },
  }
}

/**
 * Whether a URL is on the origin this app serves: exactly `app://clawhq`, no port, no credentials.
 * Parsed rather than prefix-matched, so `app://clawhq.evil`, `app://clawhq@evil` and `app://evil` fail.
 */
export function isAppUrl(url: string | null | undefined): boolean {
  if (typeof url !== 'string' || url === '') return false
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.hostname === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  )
}

/**
 * IPC sender check (checklist item 17). `senderFrame` is null when the frame navigated or was destroyed
 * before the message was handled: that is a rejection, never a pass.
 */
export function isTrustedSender(frame: { url: string } | null | undefined): boolean {
  return frame != null && isAppUrl(frame.url)
}

/** Navigation (checklist item 13): the window may only move within its own origin. */
export function isNavigationAllowed(url: string): boolean {
  return isAppUrl(url)
}

/** New windows (item 14): `window.open`, `target=_blank` and middle clicks never open anything. */
export function denyWindowOpen(): { action: 'deny' } {
  return { action: 'deny' }
}

type PermissionRequestHandler = NonNullable<Parameters<Session['setPermissionRequestHandler']>[0]>
type PermissionCheckHandler = NonNullable<Parameters<Session['setPermissionCheckHandler']>[0]>
export type PermissionName = Parameters<PermissionRequestHandler>[1]

/**
 * Permissions (item 5): everything is denied, with one exception: the async clipboard write
 * (`navigator.clipboard.writeText`) from the app's own origin. Chromium asks for `clipboard-sanitized-write`
 * before every such write, so denying it would break the copy button of a key secret that is shown once.
 * The write still needs a user gesture, and reading the clipboard stays denied.
 */
export function isPermissionGranted(permission: string, requestingUrl: string | null | undefined): boolean {
  return permission === 'clipboard-sanitized-write' && isAppUrl(requestingUrl)
}

export const permissionRequestHandler: PermissionRequestHandler = (_webContents, permission, callback, details) => {
  callback(isPermissionGranted(permission, details?.requestingUrl))
}

export const permissionCheckHandler: PermissionCheckHandler = (_webContents, permission, requestingOrigin) =>
  isPermissionGranted(permission, requestingOrigin)

/** The part of WebContents the hardening below uses, so it can be exercised with a fake. */
export type HardenableContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>

/**
 * Navigation, redirects, new windows and <webview> for every webContents the app creates
 * (`app.on('web-contents-created')`), items 11–14.
 */
export function hardenWebContents(contents: HardenableContents): void {
  const guardNavigation = (event: { url: string; preventDefault(): void }) => {
    if (!isNavigationAllowed(event.url)) event.preventDefault()
  }
  contents.on('will-navigate', guardNavigation)
  contents.on('will-frame-navigate', guardNavigation)
  contents.on('will-redirect', guardNavigation)
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(denyWindowOpen)
}

/**
 * Checklist item 1: the session fetches nothing but its own origin (plus inline data, blobs and DevTools).
 * The CSP says the same inside the page; this also covers requests the CSP does not see.
 */
export function isRequestAllowed(url: string): boolean {
  if (isAppUrl(url)) return true
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase()
  return scheme === 'data' || scheme === 'blob' || scheme === 'devtools'
}

export const DEFAULT_DESKTOP_PORT = 7420

/**
 * Desktop-mode overrides from the environment, for tests and side-by-side instances: `CLAWHQ_DATA_DIR` (as in
 * headless mode; it also moves Electron's profile and single-instance lock) and `CLAWHQ_PORT` (0 = any free port).
 */
export function desktopOverrides(env: Record<string, string | undefined>): { dataDir: string | null; port: number } {
  const dataDir = env.CLAWHQ_DATA_DIR?.trim() ? env.CLAWHQ_DATA_DIR.trim() : null
  const rawPort = env.CLAWHQ_PORT?.trim()
  const port = rawPort && /^\d{1,5}$/.test(rawPort) && Number(rawPort) <= 65535 ? Number(rawPort) : DEFAULT_DESKTOP_PORT
  return { dataDir, port }
}

/** One readable paragraph for the start-up error box, with the fix for the failure a developer meets first. */
export function describeStartupError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version/i.test(message)) {
    return (
      `${message}\n\nbetter-sqlite3 is built for Node, not for Electron. ` +
      'Run "npm run native:electron" once (it needs the network), or use "npm start", which falls back to headless mode.'
    )
  }
  if (/EADDRINUSE/.test(message)) {
    return (
      `${message}\n\nAnother program (perhaps "clawhq-local serve") is using the API port. ` +
      'Stop it, or start the app with CLAWHQ_PORT set to a free port.'
    )
  }
  return message
}
