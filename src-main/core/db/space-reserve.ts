import { closeSync, existsSync, openSync, rmSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'

/**
 * A little disk space held back for starting on a full disk. Opening a WAL database creates its
 * shared-memory file (`-shm`, 32 KiB), and on a full disk that fails (SQLITE_IOERR_SHMSIZE), so a
 * server stopped while the disk was full could not start again to say so. The store keeps this file
 * beside the database and gives it up when the database cannot be opened for lack of space.
 */
export const SPACE_RESERVE_FILE = 'space-reserve'
export const SPACE_RESERVE_BYTES = 1024 * 1024

/** Writes the reserve when it is missing and there is room; a full disk just leaves it for later. */
export function ensureSpaceReserve(dataDir: string): boolean {
  const file = join(dataDir, SPACE_RESERVE_FILE)
  try {
    if (existsSync(file) && statSync(file).size === SPACE_RESERVE_BYTES) return true
  } catch {
    return false
  }
  let fd: number | null = null
  try {
    fd = openSync(file, 'w', 0o600)
    // Real bytes, not a sparse file: the space must really be taken.
    const block = Buffer.alloc(64 * 1024, 0x2e)
    for (let written = 0; written < SPACE_RESERVE_BYTES; written += block.length) writeSync(fd, block)
    closeSync(fd)
    return true
  } catch {
    if (fd !== null) closeSync(fd)
    rmSync(file, { force: true })
    return false
  }
}

/** Frees the reserve; true when there was one to free. */
export function releaseSpaceReserve(dataDir: string): boolean {
  const file = join(dataDir, SPACE_RESERVE_FILE)
  if (!existsSync(file)) return false
  rmSync(file, { force: true })
  return true
}
