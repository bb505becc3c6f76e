import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'

/**
 * The main window's size, position and maximized flag, remembered across launches in a small JSON file in the
 * data directory. Pure Node (no electron): index.ts hands in the displays and the window's bounds.
 */

export const WINDOW_STATE_FILE = 'window-state.json'
export const DEFAULT_WINDOW_SIZE = { width: 1280, height: 820 } as const
export const MIN_WINDOW_SIZE = { width: 900, height: 600 } as const
/** How long the window must stay still before a move or resize is written. */
export const SAVE_DELAY_MS = 500

export interface Rectangle {
  x: number
  y: number
  width: number
  height: number
}

/** The part of Electron's `Display` used here. */
export interface DisplayArea {
  workArea: Rectangle
}

/** What is written to disk: the normal (unmaximized) bounds and whether the window was maximized. */
export interface WindowState {
  bounds: Rectangle
  maximized: boolean
}

/** Where the window opens: no x/y means "let the OS centre it". */
export interface WindowPlacement {
  x?: number
  y?: number
  width: number
  height: number
  maximized: boolean
}

// Generous limits: anything outside them is a corrupted or hand-edited file, not a real screen.
const coordinate = z.number().int().min(-100_000).max(100_000)
const length = z.number().int().min(1).max(100_000)
const windowStateFileSchema = z.object({
  version: z.literal(1),
  bounds: z.object({ x: coordinate, y: coordinate, width: length, height: length }),
  maximized: z.boolean(),
})

/** The file's contents if they are a valid state, else null (never throws: garbage means defaults). */
export function parseWindowState(text: string): WindowState | null {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return null
  }
  const parsed = windowStateFileSchema.safeParse(json)
  if (!parsed.success) return null
  const { bounds, maximized } = parsed.data
  return { bounds: { ...bounds }, maximized }
}

/** The saved state in `dataDir`, or null when there is none or it is unreadable or invalid. */
export function readWindowState(dataDir: string): WindowState | null {
  let text: string
  try {
    text = readFileSync(join(dataDir, WINDOW_STATE_FILE), 'utf8')
  } catch {
    return null
  }
  return parseWindowState(text)
}

/** Writes through a temporary file and a rename, so a crash mid-write leaves the old state, not half a file. */
export function writeWindowState(dataDir: string, state: WindowState): void {
  mkdirSync(dataDir, { recursive: true })
  const file = join(dataDir, WINDOW_STATE_FILE)
  const temporary = `${file}.${process.pid}.tmp`
  const rounded = {
    x: Math.round(state.bounds.x),
    y: Math.round(state.bounds.y),
    width: Math.round(state.bounds.width),
    height: Math.round(state.bounds.height),
  }
  writeFileSync(temporary, `${JSON.stringify({ version: 1, bounds: rounded, maximized: state.maximized }, null, 2)}\n`)
  renameSync(temporary, file)
}

function overlapArea(a: Rectangle, b: Rectangle): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)
  return width > 0 && height > 0 ? width * height : 0
}

const clamp = (value: number, low: number, high: number) => Math.min(Math.max(value, low), high)

/**
 * Where to open the window, given the saved state and the displays connected now (primary first).
 * The saved bounds go on the display they overlap most, shrunk to fit its work area and moved fully inside it;
 * if they overlap none (a monitor was unplugged), the saved size is centred on the primary display.
 * No saved state: the default size (no larger than the primary work area), centred by the OS.
 */
export function placeWindow(saved: WindowState | null, displays: readonly DisplayArea[]): WindowPlacement {
  if (displays.length === 0) return { ...DEFAULT_WINDOW_SIZE, maximized: saved?.maximized ?? false }
  if (!saved) {
    const primary = displays[0].workArea
    return { width: Math.min(DEFAULT_WINDOW_SIZE.width, primary.width), height: Math.min(DEFAULT_WINDOW_SIZE.height, primary.height), maximized: false }
  }
  const { bounds } = saved
  let best: DisplayArea | null = null
  let bestOverlap = 0
  for (const display of displays) {
    const overlap = overlapArea(bounds, display.workArea)
    if (overlap > bestOverlap) {
      best = display
      bestOverlap = overlap
    }
  }
  const area = (best ?? displays[0]).workArea
  // The minimum size gives way only to a work area smaller than it.
  const width = clamp(bounds.width, Math.min(MIN_WINDOW_SIZE.width, area.width), area.width)
  const height = clamp(bounds.height, Math.min(MIN_WINDOW_SIZE.height, area.height), area.height)
  const x = best ? clamp(bounds.x, area.x, area.x + area.width - width) : area.x + Math.floor((area.width - width) / 2)
  const y = best ? clamp(bounds.y, area.y, area.y + area.height - height) : area.y + Math.floor((area.height - height) / 2)
  return { x, y, width, height, maximized: saved.maximized }
}

export interface WindowStateSaver {
  /** A move or resize happened: write once the window has been still for `delayMs`. */
  schedule(): void
  /** Write now if anything is pending or `force` (the window is closing). */
  flush(force?: boolean): void
  /** Forget anything pending without writing. */
  cancel(): void
}

export interface WindowStateSaverOptions {
  dataDir: string
  /** Reads the window's current state; null when there is nothing to save (the window is gone). */
  current: () => WindowState | null
  delayMs?: number
  /** Where a failed write is reported; remembering the window is never worth crashing over. */
  onError?: (error: unknown) => void
}

/** Debounced saving: a drag fires dozens of move events a second, the file is written once it stops. */
export function createWindowStateSaver({ dataDir, current, delayMs = SAVE_DELAY_MS, onError = () => undefined }: WindowStateSaverOptions): WindowStateSaver {
  let timer: NodeJS.Timeout | null = null
  const write = () => {
    const state = current()
    if (!state) return
    try {
      writeWindowState(dataDir, state)
    } catch (error) {
      onError(error)
    }
  }
  const cancel = () => {
    if (timer) clearTimeout(timer)
    timer = null
  }
  return {
    schedule() {
      cancel()
      timer = setTimeout(() => {
        timer = null
        write()
      }, delayMs)
      timer.unref()
    },
    flush(force = false) {
      const pending = timer !== null
      cancel()
      if (pending || force) write()
    },
    cancel,
  }
}
