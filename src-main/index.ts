import { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, nativeImage, nativeTheme, protocol, safeStorage, screen, session, Tray } from 'electron'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { IPC_EVENT_CHANNEL } from '../src-shared/contract'
import { registerIpcTransport } from './core/admin/transports/ipc'
import { FileSecretBox, KeychainSecretBox } from './core/agents/secret-box'
import { createCore, type Core } from './core/app'
import { requestLogThread } from './core/config'
import { trayMenuTemplate, trayTooltip, type TrayState } from './core/desktop/tray-menu'
import { createWindowStateSaver, placeWindow, readWindowState, type WindowState } from './core/desktop/window-state'
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './protocol'
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  describeStartupError,
  desktopOverrides,
  hardenWebContents,
  isAppUrl,
  isRequestAllowed,
  isTrustedSender,
  permissionCheckHandler,
  permissionRequestHandler,
  windowOptions,
} from './window'

/**
 * Electron lifecycle and composition only (STYLE: the shape). Every decision (window options, CSP, sender
 * check, asset paths, permissions, navigation) is a pure function in window.ts / protocol.ts.
 */

/** How long quitting waits for the core to flush and close before leaving anyway. */
const CORE_CLOSE_TIMEOUT_MS = 5_000

const overrides = desktopOverrides(process.env)
// Before the lock and before ready: the lock and Chromium's profile live in userData.
if (overrides.dataDir) app.setPath('userData', overrides.dataDir)

// Must happen before ready, or the scheme is silently registered without its privileges.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])
app.enableSandbox()

let mainWindow: BrowserWindow | null = null
let core: Core | null = null
let disposeIpc: (() => void) | null = null
let shutdown: 'running' | 'closing' | 'closed' = 'running'
// Held here: a Tray that is only a local variable is garbage-collected and vanishes from the menu bar.
let tray: Tray | null = null
let trayState: TrayState = { status: 'starting', apiBaseUrl: null }

if (!app.requestSingleInstanceLock()) {
  // Another instance owns the data directory and the port; it gets focused through 'second-instance'.
  app.quit()
} else {
  app.on('second-instance', () => showMainWindow())
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents))
  app.on('window-all-closed', () => app.quit())
  app.on('activate', () => {
    if (core && !mainWindow) mainWindow = createMainWindow()
  })
  app.on('before-quit', (event) => {
    if (shutdown === 'closed') return
    event.preventDefault()
    if (shutdown === 'closing') return
    shutdown = 'closing'
    updateTray({ status: 'stopped', apiBaseUrl: null })
    void stopCore().finally(() => {
      shutdown = 'closed'
      app.quit()
    })
  })
  app.on('will-quit', () => {
    tray?.destroy()
    tray = null
  })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit())

  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => fail(error))
}

async function start(): Promise<void> {
  const appDir = app.getAppPath()
  const ses = session.defaultSession
  ses.setPermissionRequestHandler(permissionRequestHandler)
  ses.setPermissionCheckHandler(permissionCheckHandler)
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isRequestAllowed(details.url) }))
  protocol.handle(APP_SCHEME, createAppProtocolHandler({ rootDir: join(appDir, 'out', 'renderer') }))

  const nativeBinding = join(appDir, 'build', 'native', 'electron', 'better_sqlite3.node')
  try {
    const dataDir = app.getPath('userData')
    core = await createCore({
      dataDir,
      mode: 'desktop',
      // Upstream model-server keys are sealed by the OS keychain (Electron's asynchronous safeStorage).
      secretBox: new KeychainSecretBox(safeStorage, new FileSecretBox(dataDir)),
      port: overrides.port,
      ...(requestLogThread() ? { requestLogWorker: join(appDir, 'out', 'main', 'request-log-worker.js') } : {}),
      ...(existsSync(nativeBinding) ? { nativeBinding } : {}),
    })
  } catch (error) {
    fail(error)
    return
  }

  disposeIpc = registerIpcTransport({ ipcMain, core, isTrustedSender, sendEvent })
  mainWindow = createMainWindow()
  createTray(join(appDir, 'resources', 'icon.png'))

  try {
    const { apiBaseUrl } = await core.listen()
    console.log(`ClawHQ Local API: ${apiBaseUrl}`)
    updateTray({ status: 'running', apiBaseUrl })
  } catch (error) {
    // The admin GUI still works over IPC; say why the API is down instead of quitting.
    console.error(error)
    updateTray({ status: 'error', apiBaseUrl: null, error: error instanceof Error ? error.message : String(error) })
    dialog.showErrorBox('The local API server did not start', describeStartupError(error))
  }
}

function createMainWindow(): BrowserWindow {
  const preloadPath = join(app.getAppPath(), 'out', 'preload', 'index.cjs')
  const dataDir = app.getPath('userData')
  const primary = screen.getPrimaryDisplay()
  const displays = [primary, ...screen.getAllDisplays().filter((display) => display.id !== primary.id)]
  const placement = placeWindow(readWindowState(dataDir), displays)
  const window = new BrowserWindow(windowOptions({ preloadPath, dark: nativeTheme.shouldUseDarkColors, placement }))
  if (placement.maximized) window.maximize()

  const saver = createWindowStateSaver({
    dataDir,
    // The normal bounds, so a maximized window restores to the size it had before.
    current: (): WindowState | null => (window.isDestroyed() ? null : { bounds: window.getNormalBounds(), maximized: window.isMaximized() }),
    onError: (error) => console.error('Saving the window state failed:', error),
  })
  const schedule = () => saver.schedule()
  window.on('resize', schedule)
  window.on('move', schedule)
  window.on('maximize', schedule)
  window.on('unmaximize', schedule)
  window.on('close', () => saver.flush(true))
  window.on('closed', () => {
    saver.cancel()
    if (mainWindow === window) mainWindow = null
  })
  window.loadURL(APP_ENTRY_URL).catch((error: unknown) => console.error('Loading the admin GUI failed:', error))
  return window
}

/** Brings the window back (from the tray, a second launch or the dock), or opens a new one if it was closed. */
function showMainWindow(): void {
  if (!mainWindow) {
    if (core && shutdown === 'running') mainWindow = createMainWindow()
    return
  }
  if (mainWindow.isMinimized()) mainWindow.restore()
  mainWindow.show()
  mainWindow.focus()
}

function createTray(iconPath: string): void {
  const image = nativeImage.createFromPath(iconPath)
  if (image.isEmpty()) {
    console.error(`No tray icon: ${iconPath} is missing or unreadable.`)
    return
  }
  try {
    tray = new Tray(image.resize({ width: process.platform === 'linux' ? 24 : 16 }))
  } catch (error) {
    // A desktop without a status area: the window still works, only the tray is missing.
    console.error('The tray icon could not be created:', error)
    return
  }
  tray.on('click', () => showMainWindow())
  updateTray(trayState)
}

function updateTray(state: TrayState): void {
  trayState = state
  if (!tray || tray.isDestroyed()) return
  tray.setToolTip(trayTooltip(state))
  tray.setContextMenu(
    Menu.buildFromTemplate(
      trayMenuTemplate(state, {
        copyText: (text) => clipboard.writeText(text),
        openWindow: () => showMainWindow(),
        quit: () => app.quit(),
      }),
    ),
  )
}

/** Contract events to the window, and only while it shows the app's own page. */
function sendEvent(message: { name: string; payload: unknown }): void {
  const contents = mainWindow?.webContents
  if (!contents || contents.isDestroyed() || !isAppUrl(contents.getURL())) return
  contents.send(IPC_EVENT_CHANNEL, message)
}

async function stopCore(): Promise<void> {
  disposeIpc?.()
  disposeIpc = null
  const closing = core
  core = null
  if (!closing) return
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      console.error(`The core did not close within ${CORE_CLOSE_TIMEOUT_MS} ms; quitting anyway.`)
      resolve()
    }, CORE_CLOSE_TIMEOUT_MS)
  })
  try {
    await Promise.race([closing.close(), timeout])
  } catch (error) {
    console.error('Closing the core failed:', error)
  } finally {
    clearTimeout(timer)
  }
}

function fail(error: unknown): void {
  console.error(error)
  dialog.showErrorBox('ClawHQ Local could not start', describeStartupError(error))
  shutdown = 'closed'
  app.exit(1)
}
