import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, Migrator, SqliteDialect, type Compilable } from 'kysely'
import { ensureSpaceReserve, releaseSpaceReserve } from './space-reserve'
import { KNOWN_MIGRATIONS, LATEST_SCHEMA, migrationProvider } from './migrations'
import type { Database } from './schema'

export class SchemaTooNewError extends Error {
  constructor(file: string, unknown: string[]) {
    super(
      `The database ${file} was written by a newer ClawHQ Local (it has migration ${unknown.join(', ')}, ` +
        `this version knows up to ${LATEST_SCHEMA}). Upgrade ClawHQ Local, or point --data-dir at another folder.`,
    )
    this.name = 'SchemaTooNewError'
  }
}

/** The database file is damaged or empty: the store refuses to start on it rather than write more into it. */
export class DamagedDatabaseError extends Error {
  constructor(file: string, problem: string) {
    super(
      `The database ${file} is damaged (${problem}); ClawHQ Local will not write into it. ` +
        `Restore a backup with "clawhq-local restore BACKUP_FILE --data-dir ${dirname(file)}" (the damaged file is kept aside), or move the file away to start with an empty store.`,
    )
    this.name = 'DamagedDatabaseError'
  }
}

/** Any other failure to open the store, naming the file and the cause in the operator's words. */
export class StoreOpenError extends Error {
  /** SQLite's code for the cause, e.g. SQLITE_IOERR_SHMSIZE; '' when it was not SQLite's. */
  readonly code: string
  constructor(file: string, cause: unknown) {
    const message = cause instanceof Error ? cause.message : String(cause)
    const code = (cause as { code?: string } | null)?.code ?? ''
    const hint = code.startsWith('SQLITE_READONLY')
      ? 'the file or its folder is not writable by this user'
      : code.startsWith('SQLITE_CANTOPEN')
        ? 'the folder is missing or not accessible to this user'
        : code === 'SQLITE_FULL'
          ? 'the disk is full'
          : code.startsWith('SQLITE_BUSY')
            ? 'another program holds a lock on it'
            : code.startsWith('SQLITE_IOERR')
              ? 'the disk reported an error (full, removed or failing?)'
              : null
    super(`Cannot open the database ${file}: ${message}${hint ? ` (${hint})` : ''}.`, { cause })
    this.name = 'StoreOpenError'
    this.code = code
  }
}

const DAMAGE_CODES = /^SQLITE_(CORRUPT|NOTADB)/
const OUT_OF_SPACE = /^SQLITE_(FULL|IOERR)/

export interface OpenStoreOptions {
  file: string
  /** better-sqlite3 built for another ABI (Electron's), see `npm run native:electron`. */
  nativeBinding?: string
}

type Params = readonly unknown[]

/** A zero-length file where a database was expected is a loss to report, not an empty store to start. */
function refuseEmptyFile(file: string): void {
  if (!existsSync(file) || statSync(file).size > 0) return
  const wal = `${file}-wal`
  if (existsSync(wal) && statSync(wal).size > 0) return // the pages are still in the WAL; SQLite recovers them
  throw new DamagedDatabaseError(file, 'the file is empty: 0 bytes')
}

/**
 * The SQLite store: kysely builds the queries, better-sqlite3 runs them synchronously.
 * Running synchronously makes every transaction a plain function call, so no transaction can ever
 * be held across an `await` (RELIABILITY §5), and the request hot path pays no promise per query.
 */
export class Store {
  readonly db: Kysely<Database>
  private readonly statements = new Map<string, BetterSqlite3.Statement>()

  private constructor(
    readonly sqlite: BetterSqlite3.Database,
    readonly file: string,
    /** synchronous=FULL (the store's own connection); false for an attached telemetry writer (NORMAL). */
    private readonly durableCommits = true,
  ) {
    this.db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) })
  }

  /**
   * A second connection to a store that `open` has already checked and migrated, for the request-log
   * writer's thread: WAL lets it write while the store's own connection reads. Its commits are telemetry
   * (synchronous=NORMAL); the store's next FULL commit syncs the shared WAL, its frames included.
   */
  static attach(options: OpenStoreOptions): Store {
    const sqlite = new BetterSqlite3(options.file, {
      timeout: 5000,
      fileMustExist: true,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    })
    try {
      sqlite.pragma('synchronous = NORMAL')
      return new Store(sqlite, options.file, false)
    } catch (error) {
      sqlite.close()
      throw new StoreOpenError(options.file, error)
    }
  }

  /**
   * Opens the store, refusing a damaged file (see `openOnce`), and keeps a little disk space in reserve
   * so that it can open again on a full disk (see space-reserve.ts).
   */
  static async open(options: OpenStoreOptions): Promise<Store> {
    const dataDir = dirname(options.file)
    let store: Store
    try {
      store = await Store.openOnce(options)
    } catch (error) {
      // Out of space for the -shm file on a full disk: give up the reserve kept for this, and try once more.
      if (!(error instanceof StoreOpenError && OUT_OF_SPACE.test(error.code)) || !releaseSpaceReserve(dataDir)) throw error
      store = await Store.openOnce(options)
    }
    ensureSpaceReserve(dataDir)
    return store
  }

  /**
   * Opens the store, refusing a damaged file: `PRAGMA quick_check` reads every page of the b-trees
   * (~0.3 s for a million request-log rows) before anything is written, so a damaged file is reported
   * at start instead of answering 500s and taking more writes. After a clean close that left the file
   * exactly as it was (see `close`), only the tables other than the request log are checked.
   */
  private static async openOnce(options: OpenStoreOptions): Promise<Store> {
    const { file } = options
    refuseEmptyFile(file)
    let sqlite: BetterSqlite3.Database
    try {
      sqlite = new BetterSqlite3(file, { timeout: 5000, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) })
    } catch (error) {
      throw new StoreOpenError(file, error)
    }
    try {
      const problem = integrityProblem(sqlite, takeCleanClose(file))
      if (problem !== null) throw new DamagedDatabaseError(file, problem)
      sqlite.pragma('journal_mode = WAL')
      // FULL: an acknowledged write survives power loss, not only an app crash (SPEC §3).
      sqlite.pragma('synchronous = FULL')
      sqlite.pragma('foreign_keys = ON')
      const store = new Store(sqlite, file)
      store.refuseNewerSchema()
      await store.migrate()
      return store
    } catch (error) {
      sqlite.close()
      if (error instanceof DamagedDatabaseError || error instanceof SchemaTooNewError) throw error
      const code = (error as { code?: string } | null)?.code ?? ''
      if (DAMAGE_CODES.test(code)) throw new DamagedDatabaseError(file, error instanceof Error ? error.message : code)
      throw new StoreOpenError(file, error)
    }
  }

  private refuseNewerSchema(): void {
    const hasTable = this.sqlite
      .prepare(`select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'`)
      .get()
    if (!hasTable) return
    const applied = this.sqlite.prepare('select name from kysely_migration').pluck().all() as string[]
    const unknown = applied.filter((name) => !KNOWN_MIGRATIONS.includes(name))
    if (unknown.length > 0) throw new SchemaTooNewError(this.file, unknown)
  }

  private async migrate(): Promise<void> {
    const { error } = await new Migrator({ db: this.db, provider: migrationProvider }).migrateToLatest()
    // A failed migration rolls back its own transaction; nothing already stored is deleted.
    if (error) throw error instanceof Error ? error : new Error(String(error))
  }

  schemaVersion(): string {
    return (
      (this.sqlite.prepare('select max(name) from kysely_migration').pluck().get() as string | null) ?? 'none'
    )
  }

  /** Cached prepared statement for a query's SQL text. */
  private prepare(sqlText: string): BetterSqlite3.Statement {
    let statement = this.statements.get(sqlText)
    if (!statement) {
      statement = this.sqlite.prepare(sqlText)
      this.statements.set(sqlText, statement)
    }
    return statement
  }

  all<R>(query: Compilable<R>): R[] {
    const { sql, parameters } = query.compile()
    return this.prepare(sql).all(...(parameters as Params)) as R[]
  }

  /** For the few queries kysely cannot express (full-text search): SQL text with its parameters, statement cached. */
  allSql<R>(sqlText: string, parameters: readonly unknown[]): R[] {
    return this.prepare(sqlText).all(...(parameters as Params)) as R[]
  }

  firstSql<R>(sqlText: string, parameters: readonly unknown[]): R | undefined {
    return this.prepare(sqlText).get(...(parameters as Params)) as R | undefined
  }

  first<R>(query: Compilable<R>): R | undefined {
    const { sql, parameters } = query.compile()
    return this.prepare(sql).get(...(parameters as Params)) as R | undefined
  }

  /**
   * A prepared statement from a query compiled once, for writes repeated at high rate (the request
   * log): call it with the parameters in the order the template query bound them.
   */
  prepareCompiled(query: Compilable<unknown>): (...parameters: unknown[]) => BetterSqlite3.RunResult {
    const statement = this.prepare(query.compile().sql)
    return (...parameters) => statement.run(...parameters)
  }

  run(query: Compilable<unknown>): BetterSqlite3.RunResult {
    const { sql, parameters } = query.compile()
    return this.prepare(sql).run(...(parameters as Params))
  }

  private afterCommit: Array<() => void> | null = null
  /** Where errors of `onCommit` callbacks go; they never reach the caller of a committed transaction. */
  onCallbackError: (error: unknown) => void = (error) => console.error('after-commit callback failed', error)
  /** Bumped on every commit of this connection; with `data_version` it tells caches when to reload. */
  localCommits = 0

  /**
   * A synchronous, immediate transaction: it takes the write lock up front, so it never fails half-way
   * on BUSY. Called inside another transaction it joins it. Callbacks given to `onCommit` run once the
   * outermost transaction has committed, and are dropped if it rolls back.
   */
  transaction<T>(work: () => T, options: { durable?: boolean; quiet?: boolean } = {}): T {
    if (this.afterCommit) return work()
    this.afterCommit = []
    let callbacks: Array<() => void> = []
    // `durable: false` (telemetry only) commits without the fsync; FULL is restored before anything else runs.
    const relaxed = options.durable === false && this.durableCommits
    if (relaxed) this.sqlite.pragma('synchronous = NORMAL')
    try {
      const result = this.sqlite.transaction(work).immediate()
      callbacks = this.afterCommit
      // `quiet`: telemetry no cache shows as such (request-log rows, usage, keys' last-used times) moves no
      // freshness stamp, so the caches of the hot paths survive the request log's batches.
      if (!options.quiet) {
        this.localCommits++
        this.stamp = null
      }
      return result
    } finally {
      if (relaxed) this.sqlite.pragma('synchronous = FULL')
      this.afterCommit = null
      // The work is committed: a failing callback must neither hide that nor stop the others.
      for (const callback of callbacks) {
        try {
          callback()
        } catch (error) {
          this.onCallbackError(error)
        }
      }
    }
  }

  /** Runs `callback` after the current transaction commits (at once when there is none). */
  onCommit(callback: () => void): void {
    if (this.afterCommit) this.afterCommit.push(callback)
    else callback()
  }

  /**
   * `PRAGMA data_version` changes when another connection (the CLI, a second process) commits.
   * Caches of rows read on the hot path use it to notice outside changes at the cost of one pragma.
   */
  dataVersion(): number {
    this.dataVersionStatement ??= this.sqlite.prepare('pragma data_version').pluck()
    return this.dataVersionStatement.get() as number
  }
  private dataVersionStatement: BetterSqlite3.Statement | undefined

  /**
   * A value that changes whenever any connection has committed since it was last read. It is read
   * once per turn of the event loop and shared by every request handled in that turn. That stays
   * exact: those requests had all arrived before the turn began, and the read happens after that,
   * so it sees every commit made before any of them was sent (this connection's own commits reset
   * it at once).
   */
  freshnessStamp(): string {
    if (this.stamp === null) {
      this.stamp = `${this.dataVersion()}:${this.localCommits}`
      setImmediate(() => (this.stamp = null))
    }
    return this.stamp
  }
  private stamp: string | null = null

  /** Online backup, safe while other connections write (it restarts if they do). */
  async backup(destination: string): Promise<void> {
    await this.sqlite.backup(destination)
  }

  /**
   * Online restore: SQLite's backup API copies a checked backup's pages into this database as one write
   * transaction, while this connection stays open (its readers see the old data or the new, never a mix),
   * then migrations the backup lacks are applied. The caller checks the backup first (inspectBackup).
   */
  async restoreFrom(backupFile: string, nativeBinding?: string): Promise<void> {
    const source = new BetterSqlite3(backupFile, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) })
    try {
      await source.backup(this.file)
    } finally {
      source.close()
    }
    await this.migrate()
  }

  /**
   * Closes the connection. When it was the last one, SQLite has folded the WAL into the file and
   * removed it; the file's identity is then written down, so the next start can tell that nothing has
   * touched the file since a clean close and skip reading the whole request log (see `integrityProblem`).
   */
  close(): void {
    if (!this.sqlite.open) return
    this.sqlite.close()
    try {
      if (existsSync(`${this.file}-wal`)) return
      writeFileSync(cleanCloseFile(this.file), JSON.stringify(fileIdentity(this.file)), { mode: 0o600 })
    } catch {
      // Without the note the next start checks the whole file, as after a crash.
    }
  }
}

const cleanCloseFile = (file: string) => `${file}.clean-close`

const fileIdentity = (file: string) => {
  const stat = statSync(file)
  return { size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino }
}

/** True when the file is exactly as the last clean close left it. The note is used up either way. */
function takeCleanClose(file: string): boolean {
  const note = cleanCloseFile(file)
  try {
    const recorded = readFileSync(note, 'utf8')
    rmSync(note, { force: true })
    return existsSync(file) && !existsSync(`${file}-wal`) && recorded === JSON.stringify(fileIdentity(file))
  } catch {
    return false
  }
}

/** The tables small enough to check at every start; after a crash or an outside change, the whole file is checked. */
const ALWAYS_CHECKED = ['kysely_migration', 'tiers', 'api_keys', 'settings', 'audit_log', 'usage_minute']

/** null when the b-trees are sound, else SQLite's first complaint on one line. */
function integrityProblem(sqlite: BetterSqlite3.Database, cleanClose: boolean): string | null {
  const checks = cleanClose
    ? ALWAYS_CHECKED.filter((table) => sqlite.prepare(`select 1 from sqlite_master where type = 'table' and name = ?`).get(table)).map((table) => `quick_check("${table}")`)
    : ['quick_check(1)']
  for (const check of checks) {
    const verdict = (sqlite.pragma(check, { simple: true }) as string | undefined) ?? 'no answer'
    if (verdict !== 'ok') return verdict.replace(/\s+/g, ' ').trim()
  }
  return null
}
