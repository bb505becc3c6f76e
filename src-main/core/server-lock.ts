import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'

/**
 * One server per data directory (two would each keep their own limiter and double every key's limit).
 * The lock is an exclusive SQLite lock on `<dataDir>/server.lock`, held by an open connection for the
 * server's life: the operating system drops it when the process ends, however it ends, so a crash
 * never leaves a stale lock behind and no pid has to be trusted. Who holds it is written beside it,
 * in `server.json`, for the message the next one prints. One-shot CLI commands take no lock.
 */
export const LOCK_FILE = 'server.lock'
export const HOLDER_FILE = 'server.json'

export interface ServerHolder {
  pid: number
  port: number | null
  mode: 'desktop' | 'headless'
  startedAt: string
}

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: ServerHolder | null,
  ) {
    const who = holder
      ? `ClawHQ Local (pid ${holder.pid}${holder.port !== null ? `, port ${holder.port}` : ''}, ${holder.mode})`
      : 'another ClawHQ Local server'
    super(`${who} is already serving the data directory ${dataDir}. Stop it first, or pass --data-dir (or CLAWHQ_DATA_DIR) to use another folder.`)
    this.name = 'DataDirInUseError'
  }
}

function readHolder(dataDir: string): ServerHolder | null {
  try {
    return JSON.parse(readFileSync(join(dataDir, HOLDER_FILE), 'utf8')) as ServerHolder
  } catch {
    return null
  }
}

/** Takes the lock, or returns null when a live process holds it. */
function tryLock(dataDir: string, nativeBinding?: string): BetterSqlite3.Database | null {
  const connection = new BetterSqlite3(join(dataDir, LOCK_FILE), { timeout: 0, ...(nativeBinding ? { nativeBinding } : {}) })
  try {
    // EXCLUSIVE locking mode keeps the lock taken by the first exclusive transaction until the connection closes.
    connection.pragma('locking_mode = EXCLUSIVE')
    connection.exec('BEGIN EXCLUSIVE')
    connection.exec('COMMIT')
    return connection
  } catch (error) {
    connection.close()
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return null
    throw error
  }
}

export class ServerLock {
  private constructor(
    private readonly dataDir: string,
    private connection: BetterSqlite3.Database | null,
    private holder: ServerHolder,
  ) {}

  /** Holds the data directory for this process, or throws DataDirInUseError naming the holder. */
  static acquire(dataDir: string, mode: ServerHolder['mode'], nativeBinding?: string): ServerLock {
    const connection = tryLock(dataDir, nativeBinding)
    if (!connection) throw new DataDirInUseError(dataDir, readHolder(dataDir))
    const lock = new ServerLock(dataDir, connection, { pid: process.pid, port: null, mode, startedAt: new Date().toISOString() })
    lock.writeHolder()
    return lock
  }

  /** Records the port once the server listens, for the message a second server prints. */
  setPort(port: number): void {
    this.holder = { ...this.holder, port }
    this.writeHolder()
  }

  private writeHolder(): void {
    try {
      writeFileSync(join(this.dataDir, HOLDER_FILE), `${JSON.stringify(this.holder)}\n`, { mode: 0o600 })
    } catch {
      // Only the message of a second server needs it (and a full disk must not stop this one).
    }
  }

  release(): void {
    if (!this.connection) return
    rmSync(join(this.dataDir, HOLDER_FILE), { force: true })
    this.connection.close()
    this.connection = null
  }
}

/** Who serves the data directory now, if anyone: for commands that must not run beside a server (restore). */
export function runningServer(dataDir: string, nativeBinding?: string): ServerHolder | 'unknown' | null {
  const connection = tryLock(dataDir, nativeBinding)
  if (connection) {
    connection.close()
    return null
  }
  return readHolder(dataDir) ?? 'unknown'
}
