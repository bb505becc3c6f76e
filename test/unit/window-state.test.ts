import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  createWindowStateSaver,
  DEFAULT_WINDOW_SIZE,
  MIN_WINDOW_SIZE,
  parseWindowState,
  placeWindow,
  readWindowState,
  WINDOW_STATE_FILE,
  writeWindowState,
  type DisplayArea,
  type WindowState,
} from '../../src-main/core/desktop/window-state'
import { windowOptions } from '../../src-main/window'

const display = (x: number, y: number, width: number, height: number): DisplayArea => ({ workArea: { x, y, width, height } })
/** A 1920×1080 primary with a 24 px top bar, and a 2560×1440 monitor to its right. */
const PRIMARY = display(0, 24, 1920, 1056)
const RIGHT = display(1920, 0, 2560, 1440)

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

let dataDir: string
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'clawhq-window-state-'))
})
afterEach(() => rmSync(dataDir, { recursive: true, force: true }))

describe('the window-state file', () => {
  it('round-trips bounds and the maximized flag through a real file', () => {
    const state: WindowState = { bounds: { x: 100, y: 80, width: 1100, height: 700 }, maximized: true }
    writeWindowState(dataDir, state)
    expect(readWindowState(dataDir)).toEqual(state)
    expect(JSON.parse(readFileSync(join(dataDir, WINDOW_STATE_FILE), 'utf8'))).toEqual({ version: 1, ...state })
  })

  it('rounds fractional bounds (HiDPI scaling) before writing', () => {
    writeWindowState(dataDir, { bounds: { x: 10.4, y: 20.6, width: 1000.5, height: 700.2 }, maximized: false })
    expect(readWindowState(dataDir)?.bounds).toEqual({ x: 10, y: 21, width: 1001, height: 700 })
  })

  it('leaves no temporary file behind and overwrites the previous state', () => {
    writeWindowState(dataDir, { bounds: { x: 1, y: 2, width: 1000, height: 700 }, maximized: false })
    writeWindowState(dataDir, { bounds: { x: 3, y: 4, width: 1200, height: 800 }, maximized: true })
    expect(readdirSync(dataDir)).toEqual([WINDOW_STATE_FILE])
    expect(readWindowState(dataDir)).toEqual({ bounds: { x: 3, y: 4, width: 1200, height: 800 }, maximized: true })
  })

  it('creates the data directory when it does not exist yet', () => {
    const nested = join(dataDir, 'a', 'b')
    writeWindowState(nested, { bounds: { x: 0, y: 0, width: 1000, height: 700 }, maximized: false })
    expect(existsSync(join(nested, WINDOW_STATE_FILE))).toBe(true)
  })

  it('reads as null when there is no file', () => {
    expect(readWindowState(dataDir)).toBeNull()
  })

  it.each([
    ['empty', ''],
    ['not JSON', '{"version":1,"bounds":'],
    ['a JSON array', '[1,2,3]'],
    ['an unknown version', JSON.stringify({ version: 2, bounds: { x: 0, y: 0, width: 1000, height: 700 }, maximized: false })],
    ['a missing flag', JSON.stringify({ version: 1, bounds: { x: 0, y: 0, width: 1000, height: 700 } })],
    ['a string width', JSON.stringify({ version: 1, bounds: { x: 0, y: 0, width: '1000', height: 700 }, maximized: false })],
    ['a zero height', JSON.stringify({ version: 1, bounds: { x: 0, y: 0, width: 1000, height: 0 }, maximized: false })],
    ['a fractional x', JSON.stringify({ version: 1, bounds: { x: 0.5, y: 0, width: 1000, height: 700 }, maximized: false })],
    ['an absurd position', JSON.stringify({ version: 1, bounds: { x: 1e9, y: 0, width: 1000, height: 700 }, maximized: false })],
  ])('reads garbage (%s) as null, so the window falls back to defaults', (_name, text) => {
    writeFileSync(join(dataDir, WINDOW_STATE_FILE), text)
    expect(readWindowState(dataDir)).toBeNull()
    expect(placeWindow(readWindowState(dataDir), [PRIMARY])).toEqual({ ...DEFAULT_WINDOW_SIZE, maximized: false })
  })

  it('parses a valid text directly', () => {
    const text = JSON.stringify({ version: 1, bounds: { x: -5, y: 0, width: 1000, height: 700 }, maximized: false })
    expect(parseWindowState(text)).toEqual({ bounds: { x: -5, y: 0, width: 1000, height: 700 }, maximized: false })
  })
})

describe('placing the window on the displays connected now', () => {
  it('opens at the default size, centred by the OS, when nothing was saved', () => {
    expect(placeWindow(null, [PRIMARY])).toEqual({ width: 1280, height: 820, maximized: false })
  })

  it('never opens larger than a small primary display by default', () => {
    expect(placeWindow(null, [display(0, 0, 1024, 700)])).toEqual({ width: 1024, height: 700, maximized: false })
  })

  it('keeps bounds that fit on a display unchanged', () => {
    const saved: WindowState = { bounds: { x: 200, y: 124, width: 1100, height: 760 }, maximized: false }
    expect(placeWindow(saved, [PRIMARY, RIGHT])).toEqual({ ...saved.bounds, maximized: false })
  })

  it('keeps a window on the secondary display there', () => {
    const saved: WindowState = { bounds: { x: 2500, y: 300, width: 1400, height: 900 }, maximized: true }
    expect(placeWindow(saved, [PRIMARY, RIGHT])).toEqual({ ...saved.bounds, maximized: true })
  })

  it('moves a window hanging off the edge fully into the work area', () => {
    const saved: WindowState = { bounds: { x: 1500, y: -50, width: 1000, height: 700 }, maximized: false }
    // Overlaps the primary most (420 px wide there), so it is pulled left onto it and below the top bar.
    expect(placeWindow(saved, [PRIMARY])).toEqual({ x: 920, y: 24, width: 1000, height: 700, maximized: false })
  })

  it('goes onto the display it overlaps most', () => {
    const saved: WindowState = { bounds: { x: 1800, y: 100, width: 1000, height: 700 }, maximized: false }
    // 120 px on the primary, 880 px on the right monitor.
    expect(placeWindow(saved, [PRIMARY, RIGHT])).toEqual({ x: 1920, y: 100, width: 1000, height: 700, maximized: false })
  })

  it('centres the saved size on the primary display when its monitor is gone', () => {
    const saved: WindowState = { bounds: { x: 2500, y: 300, width: 1400, height: 900 }, maximized: false }
    expect(placeWindow(saved, [PRIMARY])).toEqual({ x: 260, y: 24 + 78, width: 1400, height: 900, maximized: false })
  })

  it('shrinks a window larger than the work area to fit it', () => {
    const saved: WindowState = { bounds: { x: 0, y: 0, width: 4000, height: 3000 }, maximized: false }
    expect(placeWindow(saved, [PRIMARY])).toEqual({ x: 0, y: 24, width: 1920, height: 1056, maximized: false })
  })

  it('grows a window below the minimum size back to the minimum', () => {
    const saved: WindowState = { bounds: { x: 10, y: 40, width: 300, height: 200 }, maximized: false }
    expect(placeWindow(saved, [PRIMARY])).toEqual({ x: 10, y: 40, ...MIN_WINDOW_SIZE, maximized: false })
  })

  it('lets the minimum give way to a work area smaller than it', () => {
    const tiny = display(0, 0, 800, 500)
    const saved: WindowState = { bounds: { x: 0, y: 0, width: 1200, height: 800 }, maximized: false }
    expect(placeWindow(saved, [tiny])).toEqual({ x: 0, y: 0, width: 800, height: 500, maximized: false })
  })

  it('keeps the maximized flag and falls back to the default size with no display list', () => {
    const saved: WindowState = { bounds: { x: 10, y: 40, width: 1000, height: 700 }, maximized: true }
    expect(placeWindow(saved, [])).toEqual({ ...DEFAULT_WINDOW_SIZE, maximized: true })
  })
})

describe('saving while the window moves', () => {
  it('writes once, after the window has been still for the delay', async () => {
    let reads = 0
    let bounds = { x: 0, y: 0, width: 1000, height: 700 }
    const saver = createWindowStateSaver({
      dataDir,
      delayMs: 50,
      current: () => {
        reads += 1
        return { bounds, maximized: false }
      },
    })
    for (let step = 1; step <= 5; step++) {
      bounds = { ...bounds, x: step * 10 }
      saver.schedule()
      await sleep(10)
    }
    expect(readWindowState(dataDir)).toBeNull()
    await sleep(120)
    expect(reads).toBe(1)
    expect(readWindowState(dataDir)?.bounds.x).toBe(50)
  })

  it('flush writes a pending state at once, and does nothing when nothing is pending', () => {
    let reads = 0
    const saver = createWindowStateSaver({
      dataDir,
      delayMs: 10_000,
      current: () => {
        reads += 1
        return { bounds: { x: 7, y: 8, width: 1000, height: 700 }, maximized: true }
      },
    })
    saver.flush()
    expect(reads).toBe(0)
    saver.schedule()
    saver.flush()
    expect(reads).toBe(1)
    expect(readWindowState(dataDir)).toEqual({ bounds: { x: 7, y: 8, width: 1000, height: 700 }, maximized: true })
  })

  it('flush(true) on close writes even when no move was pending', () => {
    const saver = createWindowStateSaver({ dataDir, current: () => ({ bounds: { x: 1, y: 2, width: 1000, height: 700 }, maximized: false }) })
    saver.flush(true)
    expect(readWindowState(dataDir)?.bounds).toEqual({ x: 1, y: 2, width: 1000, height: 700 })
  })

  it('cancel drops a pending write', async () => {
    const saver = createWindowStateSaver({ dataDir, delayMs: 20, current: () => ({ bounds: { x: 1, y: 2, width: 1000, height: 700 }, maximized: false }) })
    saver.schedule()
    saver.cancel()
    await sleep(60)
    expect(readWindowState(dataDir)).toBeNull()
  })

  it('reports a failed write instead of throwing', () => {
    // A regular file where the data directory should be: mkdir and the write both fail.
    const notADirectory = join(dataDir, 'file')
    writeFileSync(notADirectory, 'x')
    const errors: unknown[] = []
    const saver = createWindowStateSaver({
      dataDir: notADirectory,
      current: () => ({ bounds: { x: 1, y: 2, width: 1000, height: 700 }, maximized: false }),
      onError: (error) => errors.push(error),
    })
    expect(() => saver.flush(true)).not.toThrow()
    expect(errors).toHaveLength(1)
    expect((errors[0] as NodeJS.ErrnoException).code).toMatch(/EEXIST|ENOTDIR/)
  })
})

describe('the window options built from a placement', () => {
  it('opens at the placed position and size', () => {
    const options = windowOptions({ preloadPath: '/p', placement: { x: 920, y: 24, width: 1000, height: 700, maximized: false } })
    expect(options).toMatchObject({ x: 920, y: 24, width: 1000, height: 700, minWidth: 900, minHeight: 600 })
  })

  it('leaves the position to the OS when the placement has none', () => {
    const options = windowOptions({ preloadPath: '/p', placement: placeWindow(null, [PRIMARY]) })
    expect(options.x).toBeUndefined()
    expect(options.y).toBeUndefined()
    expect(options).toMatchObject({ width: 1280, height: 820 })
  })

  it('lowers the minimum size on a work area smaller than it', () => {
    const placement = placeWindow({ bounds: { x: 0, y: 0, width: 1200, height: 800 }, maximized: false }, [display(0, 0, 800, 500)])
    expect(windowOptions({ preloadPath: '/p', placement })).toMatchObject({ width: 800, height: 500, minWidth: 800, minHeight: 500 })
  })
})
