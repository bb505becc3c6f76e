import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, type Stats } from 'node:fs'
import { join, resolve } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { DATABASE_FILE } from '../config'
import { DataDirInUseError, runningServer, ServerLock, type ServerHolder } from '../server-lock'
import { KNOWN_MIGRATIONS, LATEST_SCHEMA } from './migrations'

/**
 * `clawhq-local restore`: replaces a data directory's database with a backup, after checking the backup
 * all the way through, and never deletes the database it replaces (it may be the only copy of something).
 * It does not open the current database at all, so it works as well when that one is damaged or missing.
 */

/** Files SQLite keeps beside a database: the write-ahead log, its index, a rollback journal. */
const SIDE_FILES = ['-wal', '-shm', '-journal'] as const
const SQLITE_HEADER = 'SQLite format 3\0'
const REQUIRED_TABLES = ['api_keys', 'tiers', 'settings', 'audit_log']

/** Restore refused or failed before the current database was touched: the message is one line for the operator. */
export class RestoreRefusedError extends Error {
  constructor(message: string) {
    super(`${message} Nothing was changed.`)
    this.name = 'RestoreRefusedError'
  }
}

const refuse = (file: string, why: string) => new RestoreRefusedError(`Cannot restore from ${file}: ${why}.`)

export interface BackupSummary {
  file: string
  /** The newest migration the backup has; the store applies any newer ones the next time it opens. */
  schemaVersion: string
  keys: number
}

export interface RestoreResult {
  backup: BackupSummary
  /** The data directory's database, now holding the backup's data. */
  database: string
  /** Where the database it replaced was moved, or null when there was none. */
  replaced: string | null
  /** Every file moved aside: the replaced database and its -wal/-shm/-journal, as they were. */
  replacedFiles: string[]
}

export interface RestoreOptions {
  dataDir: string
  backupFile: string
  nativeBinding?: string
  now?: () => Date
}

/**
 * Opens a backup read-only for `work`. A read-only connection to a WAL-mode file creates its -wal and
 * -shm and cannot remove them on closing; those it created are removed, so the backup's folder is left as found.
 */
async function withBackupOpen<T>(file: string, nativeBinding: string | undefined, work: (db: BetterSqlite3.Database) => T | Promise<T>): Promise<T> {
  const absent = SIDE_FILES.filter((suffix) => !existsSync(`${file}${suffix}`))
  let db: BetterSqlite3.Database | undefined
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) })
    return await work(db)
  } finally {
    db?.close()
    for (const suffix of absent) {
      const created = `${file}${suffix}`
      // A WAL this connection created is empty; one with frames in it came from somewhere else and stays.
      if (existsSync(created) && (suffix !== '-wal' || statSync(created).size === 0)) rmSync(created, { force: true })
    }
  }
}

function readHeader(file: string): string {
  const fd = openSync(file, 'r')
  try {
    const buffer = Buffer.alloc(SQLITE_HEADER.length)
    const read = readSync(fd, buffer, 0, buffer.length, 0)
    return buffer.toString('latin1', 0, read)
  } finally {
    closeSync(fd)
  }
}

/** What is wrong with a backup's contents, in the operator's words, or null when it is this app's and whole. */
function problemWith(db: BetterSqlite3.Database): string | null {
  // The full check, not quick_check: a backup is read once, and restoring a damaged one would be worse than none.
  const check = db.pragma('integrity_check(1)', { simple: true }) as string
  if (check !== 'ok') return `the backup is damaged (integrity_check: ${check.replace(/\s+/g, ' ').trim()})`
  const tables = new Set(db.prepare(`select name from sqlite_master where type = 'table'`).pluck().all() as string[])
  if (!tables.has('kysely_migration')) return 'it is a SQLite database, but not one of ClawHQ Local (it has no kysely_migration table)'
  const applied = db.prepare('select name from kysely_migration order by name').pluck().all() as string[]
  if (!applied.includes(KNOWN_MIGRATIONS[0])) return `it is a SQLite database, but not one of ClawHQ Local (its migrations do not include ${KNOWN_MIGRATIONS[0]})`
  const unknown = applied.filter((name) => !KNOWN_MIGRATIONS.includes(name))
  if (unknown.length > 0)
    return `it was written by a newer ClawHQ Local (it has migration ${unknown.join(', ')}, this version knows up to ${LATEST_SCHEMA}); upgrade ClawHQ Local first`
  const missing = REQUIRED_TABLES.filter((table) => !tables.has(table))
  if (missing.length > 0) return `it is not a complete ClawHQ Local database (no ${missing.join(', ')} table${missing.length > 1 ? 's' : ''})`
  return null
}

/** Checks that `file` is a whole backup of this app that this version can open; throws RestoreRefusedError saying why not. */
export async function inspectBackup(backupFile: string, nativeBinding?: string): Promise<BackupSummary> {
  const file = resolve(backupFile)
  let stats: Stats
  try {
    stats = statSync(file)
  } catch (error) {
    const code = (error as { code?: string }).code
    throw refuse(file, code === 'ENOENT' ? 'no such file' : `it cannot be read (${(error as Error).message})`)
  }
  if (!stats.isFile()) throw refuse(file, 'it is not a file')
  if (stats.size === 0) throw refuse(file, 'the file is empty (0 bytes)')
  let header: string
  try {
    header = readHeader(file)
  } catch (error) {
    throw refuse(file, `it cannot be read (${(error as Error).message})`)
  }
  if (header !== SQLITE_HEADER) throw refuse(file, 'it is not a SQLite database')
  try {
    return await withBackupOpen(file, nativeBinding, (db) => {
      const problem = problemWith(db)
      if (problem) throw refuse(file, problem)
      return {
        file,
        schemaVersion: db.prepare('select max(name) from kysely_migration').pluck().get() as string,
        keys: db.prepare('select count(*) from api_keys').pluck().get() as number,
      }
    })
  } catch (error) {
    if (error instanceof RestoreRefusedError) throw error
    const code = (error as { code?: string } | null)?.code ?? ''
    const message = error instanceof Error ? error.message : String(error)
    if (code.startsWith('SQLITE_NOTADB')) throw refuse(file, 'it is not a SQLite database')
    if (code.startsWith('SQLITE_CORRUPT')) throw refuse(file, `the backup is damaged (${message}); a truncated or partly copied file looks like this`)
    throw refuse(file, `SQLite cannot read it (${message})`)
  }
}

function describeHolder(holder: ServerHolder | 'unknown' | null): string {
  if (holder === null || holder === 'unknown') return 'another ClawHQ Local server'
  return `ClawHQ Local (pid ${holder.pid}${holder.port !== null ? `, port ${holder.port}` : ''}, ${holder.mode})`
}

const refuseServed = (dataDir: string, holder: ServerHolder | 'unknown' | null) =>
  new RestoreRefusedError(`Cannot restore into ${dataDir}: ${describeHolder(holder)} is serving it. Stop that server first, then run restore again.`)

/** Takes the data directory's server lock for the replacement, so that no server starts on it half-way. */
function holdDataDir(dataDir: string, nativeBinding?: string): ServerLock {
  try {
    return ServerLock.acquire(dataDir, 'headless', nativeBinding)
  } catch (error) {
    // A server started in the moment since the check.
    if (error instanceof DataDirInUseError) throw refuseServed(dataDir, error.holder)
    throw error
  }
}

/** A name beside `database` that nothing uses yet, stamped with the time of the restore. */
function freeName(database: string, label: string, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-')
  for (let n = 0; ; n++) {
    const name = `${database}.${label}-${stamp}${n > 0 ? `-${n}` : ''}`
    if (![name, ...SIDE_FILES.map((suffix) => `${name}${suffix}`)].some((file) => existsSync(file))) return name
  }
}

/**
 * Moves the database and the files beside it to `aside` (+ the same suffixes, so SQLite still reads them
 * together). The side files go first: a -wal left beside a database it does not belong to could be replayed into it.
 */
function moveAside(database: string, aside: string): string[] {
  const moved: string[] = []
  for (const suffix of [...SIDE_FILES, '']) {
    if (!existsSync(`${database}${suffix}`)) continue
    renameSync(`${database}${suffix}`, `${aside}${suffix}`)
    moved.push(`${aside}${suffix}`)
  }
  return moved
}

function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r')
    try {
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
  } catch {
    // Not every platform can open a directory (Windows); the renames are done all the same.
  }
}

/**
 * Replaces `<dataDir>/clawhq.db` with the backup. The backup is checked first, then copied into the data
 * directory through SQLite (which also folds in a -wal beside the backup), and only then is the current
 * database moved aside as `clawhq.db.replaced-<time>` and the copy renamed into its place.
 */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreResult> {
  const dataDir = resolve(options.dataDir)
  const now = (options.now ?? (() => new Date()))()
  const { nativeBinding } = options
  // Asked before the backup is read through, so that a refusal comes at once.
  if (existsSync(dataDir)) {
    const holder = runningServer(dataDir, nativeBinding)
    if (holder !== null) throw refuseServed(dataDir, holder)
  }
  const backup = await inspectBackup(options.backupFile, nativeBinding)
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const lock = holdDataDir(dataDir, nativeBinding)
  try {
    const database = join(dataDir, DATABASE_FILE)
    const copy = freeName(database, 'restoring', now)
    try {
      await withBackupOpen(backup.file, nativeBinding, (db) => db.backup(copy))
    } catch (error) {
      for (const file of [copy, ...SIDE_FILES.map((suffix) => `${copy}${suffix}`)]) rmSync(file, { force: true })
      throw new RestoreRefusedError(`Cannot copy ${backup.file} into ${dataDir}: ${error instanceof Error ? error.message : String(error)}.`)
    }
    const previous = existsSync(database) ? statSync(database) : null
    if (previous) chmodSync(copy, previous.mode & 0o777)
    const aside = freeName(database, 'replaced', now)
    const replacedFiles = moveAside(database, aside)
    renameSync(copy, database)
    syncDirectory(dataDir)
    return { backup, database, replaced: replacedFiles.includes(aside) ? aside : null, replacedFiles }
  } finally {
    lock.release()
  }
}
