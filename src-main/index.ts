import { app, BrowserWindow, dialog, ipcMain, nativeTheme, protocol, safeStorage, session } from 'electron'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { IPC_EVENT_CHANNEL } from '../src-shared/contract'
import { registerIpcTransport } from './core/admin/transports/ipc'
import { FileSecretBox, KeychainSecretBox } from './core/agents/secret-box'
import { createCore, type Core } from './core/app'
import { requestLogThread } from './core/config'
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

if (!app.requestSingleInstanceLock()) {
  // Another instance owns the data directory and the port; it gets focused through 'second-instance'.
  app.quit()
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.show()
    mainWindow.focus()
  })
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
    void stopCore().finally(() => {
      shutdown = 'closed'
      app.quit()
    })
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

  try {
    const { apiBaseUrl } = await core.listen()
    console.log(`ClawHQ Local API: ${apiBaseUrl}`)
  } catch (error) {
    // The admin GUI still works over IPC; say why the API is down instead of quitting.
    console.error(error)
    dialog.showErrorBox('The local API server did not start', describeStartupError(error))
  }
}

function createMainWindow(): BrowserWindow {
  const preloadPath = join(app.getAppPath(), 'out', 'preload', 'index.cjs')
  const window = new BrowserWindow(windowOptions({ preloadPath, dark: nativeTheme.shouldUseDarkColors }))
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null
  })
  window.loadURL(APP_ENTRY_URL).catch((error: unknown) => console.error('Loading the admin GUI failed:', error))
  return window
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
