import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The desktop shell around the core: the window's size, position and maximized flag survive a relaunch, and the
 * tray is there. Runs only where Electron's binary exists: it is downloaded on first use, which machines that reach
 * only the npm registry cannot do, and there these tests are skipped with the reason printed (they do not pass).
 * Needs the build and better-sqlite3 for Electron (`npm run native:electron`).
 */

const PROJECT_DIR = fileURLToPath(new URL('../..', import.meta.url))
const WINDOW_STATE_FILE = 'window-state.json'
/** A little above the saver's 500 ms debounce. */
const SAVE_WAIT_MS = 1_500

/** Where Electron's binary is, found the way the electron package finds it, but never downloading it. */
function electronExecutable(): string | null {
  const packageDir = join(PROJECT_DIR, 'node_modules', 'electron')
  const pathFile = join(packageDir, 'path.txt')
  const relativeExe = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  const exe = override ? join(override, relativeExe ?? 'electron') : relativeExe ? join(packageDir, 'dist', relativeExe) : null
  return exe && existsSync(exe) ? exe : null
}

function whyNot(): string | null {
  if (!electronExecutable()) return 'the Electron binary is absent on this machine (it cannot be downloaded here): electron shell tests skipped, not run'
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return 'no display (DISPLAY/WAYLAND_DISPLAY unset; try xvfb-run): electron shell tests skipped, not run'
  if (!existsSync(join(PROJECT_DIR, 'build', 'native', 'electron', 'better_sqlite3.node')))
    return 'better-sqlite3 is not built for Electron (run "npm run native:electron"): electron shell tests skipped, not run'
  if (!existsSync(join(PROJECT_DIR, 'out', 'main', 'index.js'))) return 'the app is not built (run "npm run build"): electron shell tests skipped, not run'
  return null
}

const skipReason = whyNot()
if (skipReason) console.log(`[electron-shell] ${skipReason}`)

function launch(dataDir: string): Promise<ElectronApplication> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined && name !== 'ELECTRON_RUN_AS_NODE') env[name] = value
  return electron.launch({
    executablePath: electronExecutable()!,
    args: [PROJECT_DIR],
    cwd: PROJECT_DIR,
    env: { ...env, CLAWHQ_DATA_DIR: dataDir, CLAWHQ_PORT: '0' },
  })
}

type Bounds = { x: number; y: number; width: number; height: number }

async function mainWindowState(app: ElectronApplication): Promise<{ bounds: Bounds; maximized: boolean }> {
  await app.firstWindow()
  return app.evaluate(({ BrowserWindow }) => {
    const window = BrowserWindow.getAllWindows()[0]
    return { bounds: window.getNormalBounds(), maximized: window.isMaximized() }
  })
}

/** The work area of the display the window is on, to pick bounds that fit whatever screen the test runs on. */
async function workArea(app: ElectronApplication): Promise<Bounds> {
  return app.evaluate(({ screen }) => screen.getPrimaryDisplay().workArea)
}

test.describe('Electron shell: window and tray', () => {
  test.skip(skipReason !== null, skipReason ?? '')
  test.describe.configure({ mode: 'serial' })

  let dataDir: string
  test.beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'clawhq-electron-shell-'))
  })
  test.afterAll(() => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  test('a moved and resized window opens at the same bounds after a relaunch', async () => {
    const first = await launch(dataDir)
    let target: Bounds
    try {
      const area = await workArea(first)
      // Inside the work area and above the minimum size, so nothing needs clamping.
      target = { x: area.x + 37, y: area.y + 29, width: Math.min(1011, area.width - 37), height: Math.min(655, area.height - 29) }
      await first.firstWindow()
      await first.evaluate(({ BrowserWindow }, bounds) => BrowserWindow.getAllWindows()[0].setBounds(bounds), target)
      await expect.poll(async () => (await mainWindowState(first)).bounds).toEqual(target)
      await expect
        .poll(() => (existsSync(join(dataDir, WINDOW_STATE_FILE)) ? JSON.parse(readFileSync(join(dataDir, WINDOW_STATE_FILE), 'utf8')).bounds : null), {
          timeout: SAVE_WAIT_MS * 4,
        })
        .toEqual(target)
    } finally {
      await first.close()
    }

    const second = await launch(dataDir)
    try {
      expect(await mainWindowState(second)).toEqual({ bounds: target, maximized: false })
    } finally {
      await second.close()
    }
  })

  test('a maximized window opens maximized, and restores to its earlier size', async () => {
    const first = await launch(dataDir)
    const before = (await mainWindowState(first)).bounds
    try {
      await first.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].maximize())
      await expect.poll(async () => (await mainWindowState(first)).maximized).toBe(true)
    } finally {
      // Closing writes the state at once, whatever the debounce.
      await first.close()
    }
    expect(JSON.parse(readFileSync(join(dataDir, WINDOW_STATE_FILE), 'utf8'))).toMatchObject({ maximized: true, bounds: before })

    const second = await launch(dataDir)
    try {
      const state = await mainWindowState(second)
      expect(state.maximized).toBe(true)
      expect(state.bounds).toEqual(before)
    } finally {
      await second.close()
    }
  })

  test('a window-state file full of garbage opens the default window', async () => {
    writeFileSync(join(dataDir, WINDOW_STATE_FILE), '{"version":1,"bounds":{"x":"left"')
    const app = await launch(dataDir)
    try {
      const state = await mainWindowState(app)
      const area = await workArea(app)
      expect(state.maximized).toBe(false)
      expect(state.bounds.width).toBe(Math.min(1280, area.width))
      expect(state.bounds.height).toBe(Math.min(820, area.height))
    } finally {
      await app.close()
    }
  })
})
