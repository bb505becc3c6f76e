import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { KNOWN_MIGRATIONS } from '../../src-main/core/db/migrations'
import { SchemaTooNewError, Store } from '../../src-main/core/db/store'
import { tempDir } from '../helpers/core'
import { assertBuilt, BUILT_CLI, runNodeModule, tableCounts } from '../helpers/reliability'

/** RELIABILITY #29, #31, #32, #33 and §5; SPEC §3. A real SQLite file in a temp directory for every test. */

let dir: string
let file: string
const opened: Array<Store | BetterSqlite3.Database> = []

const open = async () => {
  const store = await Store.open({ file })
  opened.push(store)
  return store
}
const raw = (options?: BetterSqlite3.Options) => {
  const db = new BetterSqlite3(file, options)
  opened.push(db)
  return db
}
const closeAll = () => {
  for (const handle of opened.splice(0)) {
    if (handle instanceof Store) handle.close()
    else if (handle.open) handle.close()
  }
}

const row = (n: number, pathLength = 20) => ({
  id: `req_${String(n).padStart(24, '0')}`,
  at: 1_700_000_000_000 + n,
  key_id: null,
  method: 'GET',
  path: `/api/v1/${'x'.repeat(pathLength)}/${n}`,
  status: 200,
  latency_ms: 1,
  error_code: null,
  source: 'api',
})

beforeEach(() => {
  dir = tempDir('clawhq-store-')
  file = join(dir, 'clawhq.db')
})

afterEach(() => {
  closeAll()
  rmSync(dir, { recursive: true, force: true })
})

describe('Store.open', () => {
  it('puts the database in WAL mode', async () => {
    const store = await open()
    expect(store.sqlite.pragma('journal_mode', { simple: true })).toBe('wal')
    // and it is persistent: a plain connection sees it too
    expect(raw().pragma('journal_mode', { simple: true })).toBe('wal')
  })

  it('sets synchronous to FULL (2)', async () => {
    const store = await open()
    expect(store.sqlite.pragma('synchronous', { simple: true })).toBe(2)
  })

  it('turns foreign keys on', async () => {
    const store = await open()
    expect(store.sqlite.pragma('foreign_keys', { simple: true })).toBe(1)
  })

  it('refuses a key row whose tier does not exist (foreign keys are enforced, not only declared)', async () => {
    const store = await open()
    const insert = () =>
      store.sqlite
        .prepare(
          `insert into api_keys (id, name, secret_hash, hint, scopes, tier_id, created_at) values ('key_x', 'x', 'h', 'clw_…', '[]', 'no-such-tier', 0)`,
        )
        .run()
    expect(insert).toThrow(/FOREIGN KEY/)
  })

  it('runs SQLite 3.51.3 or newer (the WAL-reset corruption fix)', async () => {
    const store = await open()
    const version = store.sqlite.prepare('select sqlite_version()').pluck().get() as string
    const [major, minor, patch] = version.split('.').map(Number)
    expect(major * 1_000_000 + minor * 1_000 + patch).toBeGreaterThanOrEqual(3_051_003)
  })

  it('records every known migration once on first open', async () => {
    const store = await open()
    const names = store.sqlite.prepare('select name from kysely_migration order by name').pluck().all()
    expect(names).toEqual(KNOWN_MIGRATIONS)
    expect(store.schemaVersion()).toBe(KNOWN_MIGRATIONS.at(-1))
  })

  it('applies no migration twice: reopening three times keeps the same migration rows and the data', async () => {
    const first = await open()
    const before = first.sqlite.prepare('select name, timestamp from kysely_migration order by name').all()
    first.sqlite.prepare(`insert into tiers (id, name, limit_count, window_seconds, built_in, created_at) values ('custom', 'c', 5, 60, 0, 1)`).run()
    first.close()
    for (let i = 0; i < 3; i++) (await open()).close()
    const check = raw({ readonly: true })
    expect(check.prepare('select name, timestamp from kysely_migration order by name').all()).toEqual(before)
    // the initial migration seeds 6 built-in tiers; a second run would fail or duplicate them
    expect(check.prepare('select count(*) from tiers where built_in = 1').pluck().get()).toBe(6)
    expect(check.prepare(`select count(*) from tiers where id = 'custom'`).pluck().get()).toBe(1)
  })

  describe('a database written by a newer version', () => {
    const future = '2099-12-31-001-from-the-future'

    beforeEach(async () => {
      ;(await Store.open({ file })).close()
      const db = new BetterSqlite3(file)
      db.prepare('insert into kysely_migration (name, timestamp) values (?, ?)').run(future, '2099-12-31T00:00:00.000Z')
      db.prepare(`insert into audit_log (at, actor, action, target_type) values (1, 'cli', 'x', 'y')`).run()
      db.close() // last connection: checkpoints and removes the -wal, so the main file holds everything
    })

    it('is refused with SchemaTooNewError', async () => {
      await expect(Store.open({ file })).rejects.toBeInstanceOf(SchemaTooNewError)
    })

    it('is refused with a message that names the unknown migration and says to upgrade', async () => {
      const error = await Store.open({ file }).then(
        () => null,
        (e: unknown) => e as Error,
      )
      expect(error?.message).toContain(future)
      expect(error?.message).toMatch(/upgrade/i)
      expect(error?.message).toContain(file)
    })

    it('is left byte-for-byte unchanged, with the same rows, after the refusal', async () => {
      const bytesBefore = readFileSync(file)
      const check = new BetterSqlite3(file, { readonly: true })
      const countsBefore = tableCounts(check, ['kysely_migration', 'tiers', 'audit_log', 'api_keys'])
      check.close()

      await Store.open({ file }).catch(() => undefined)

      expect(readFileSync(file).equals(bytesBefore)).toBe(true)
      const after = raw({ readonly: true })
      expect(tableCounts(after, ['kysely_migration', 'tiers', 'audit_log', 'api_keys'])).toEqual(countsBefore)
    })

    it('closes its connection after refusing (no -wal or -shm is left behind)', async () => {
      await Store.open({ file }).catch(() => undefined)
      expect(readdirSync(dir).filter((name) => /-(wal|shm)$/.test(name))).toEqual([])
    })
  })
})

describe('Store.backup', () => {
  it('produces an intact copy with every row while a second connection keeps writing', async () => {
    const store = await open()
    const initial = 20_000
    const insert = store.sqlite.prepare(
      'insert into request_log (id, at, key_id, method, path, status, latency_ms, error_code, source) values (@id, @at, @key_id, @method, @path, @status, @latency_ms, @error_code, @source)',
    )
    store.transaction(() => {
      for (let i = 0; i < initial; i++) insert.run(row(i, 200))
    })
    const pages = store.sqlite.pragma('page_count', { simple: true }) as number
    expect(pages).toBeGreaterThan(1000) // many backup steps of 100 pages, so the writer gets in between

    const writer = await open()
    let written = 0
    let done = false
    const writes = (async () => {
      // yield first, so every write counted here happens after the backup started
      await new Promise((r) => setImmediate(r))
      while (!done && written < 200) {
        writer.transaction(() => {
          writer.run(writer.db.insertInto('request_log').values(row(initial + written)))
        })
        written++
        await new Promise((r) => setImmediate(r))
      }
    })()
    const destination = join(dir, 'backup.db')
    const backup = store.backup(destination)
    expect(written).toBe(0)
    await backup
    const writtenDuringBackup = written
    done = true
    await writes

    expect(writtenDuringBackup).toBeGreaterThan(0)
    const copy = new BetterSqlite3(destination, { readonly: true })
    opened.push(copy)
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(copy.pragma('foreign_key_check')).toEqual([])
    const count = copy.prepare('select count(*) from request_log').pluck().get() as number
    expect(count).toBeGreaterThanOrEqual(initial)
    expect(count).toBeLessThanOrEqual(initial + written)
    // every one of the initial rows, unchanged
    const ids = copy.prepare('select count(*) from request_log where seq <= ? and path like ?').pluck().get(initial, `/api/v1/${'x'.repeat(200)}/%`)
    expect(ids).toBe(initial)
    expect(copy.prepare('select name from kysely_migration').pluck().all()).toEqual(KNOWN_MIGRATIONS)
  })

  it('produces a copy that Store.open accepts and that holds the same tables', async () => {
    const store = await open()
    store.sqlite.prepare(`insert into settings (key, value) values ('requestLogRetentionDays', '7')`).run()
    const destination = join(dir, 'copy.db')
    await store.backup(destination)
    const restored = await Store.open({ file: destination })
    opened.push(restored)
    expect(tableCounts(restored.sqlite)).toEqual(tableCounts(store.sqlite))
  })
})

describe('Store.transaction and onCommit', () => {
  it('runs onCommit callbacks only after the commit, when another connection already sees the row', async () => {
    const store = await open()
    const other = raw({ readonly: true })
    const seen: Array<{ inTransaction: boolean; visibleElsewhere: number }> = []
    store.transaction(() => {
      store.run(store.db.insertInto('settings').values({ key: 'k', value: '1' }))
      store.onCommit(() =>
        seen.push({
          inTransaction: store.sqlite.inTransaction,
          visibleElsewhere: other.prepare(`select count(*) from settings where key = 'k'`).pluck().get() as number,
        }),
      )
      expect(seen).toEqual([]) // not yet
    })
    expect(seen).toEqual([{ inTransaction: false, visibleElsewhere: 1 }])
  })

  it('drops onCommit callbacks when the transaction rolls back', async () => {
    const store = await open()
    const calls: string[] = []
    expect(() =>
      store.transaction(() => {
        store.run(store.db.insertInto('settings').values({ key: 'k', value: '1' }))
        store.onCommit(() => calls.push('committed'))
        throw new Error('boom')
      }),
    ).toThrow('boom')
    expect(calls).toEqual([])
    expect(store.sqlite.prepare('select count(*) from settings').pluck().get()).toBe(0)
  })

  it('does not carry a dropped callback into the next transaction', async () => {
    const store = await open()
    const calls: string[] = []
    try {
      store.transaction(() => {
        store.onCommit(() => calls.push('first'))
        throw new Error('boom')
      })
    } catch {
      // expected
    }
    store.transaction(() => store.onCommit(() => calls.push('second')))
    expect(calls).toEqual(['second'])
  })

  it('runs the callbacks of a nested transaction only when the outermost one commits', async () => {
    const store = await open()
    const calls: string[] = []
    store.transaction(() => {
      store.transaction(() => store.onCommit(() => calls.push('inner')))
      expect(calls).toEqual([])
      store.onCommit(() => calls.push('outer'))
    })
    expect(calls).toEqual(['inner', 'outer'])
  })

  it('drops the callbacks of a nested transaction when the outer one rolls back', async () => {
    const store = await open()
    const calls: string[] = []
    expect(() =>
      store.transaction(() => {
        store.transaction(() => {
          store.run(store.db.insertInto('settings').values({ key: 'inner', value: '1' }))
          store.onCommit(() => calls.push('inner'))
        })
        throw new Error('outer fails')
      }),
    ).toThrow('outer fails')
    expect(calls).toEqual([])
    expect(store.sqlite.prepare('select count(*) from settings').pluck().get()).toBe(0)
  })

  it('still returns the committed result, and runs the other callbacks, when one onCommit callback throws', async () => {
    // e.g. a live-event listener failing after keys.create committed: the caller must still get its
    // result (the key's only copy of the secret), since the row is already stored
    const store = await open()
    const calls: string[] = []
    let result: unknown
    let thrown: unknown
    try {
      result = store.transaction(() => {
        store.run(store.db.insertInto('settings').values({ key: 'k', value: '1' }))
        store.onCommit(() => {
          throw new Error('listener failed')
        })
        store.onCommit(() => calls.push('second'))
        return 'committed'
      })
    } catch (error) {
      thrown = error
    }
    expect(store.sqlite.prepare('select count(*) from settings').pluck().get()).toBe(1) // it did commit
    expect(thrown).toBeUndefined()
    expect(result).toBe('committed')
    expect(calls).toEqual(['second'])
  })

  it('runs onCommit at once outside a transaction', async () => {
    const store = await open()
    const calls: string[] = []
    store.onCommit(() => calls.push('now'))
    expect(calls).toEqual(['now'])
  })

  it('refuses an async transaction function, so no transaction can be held across an await', async () => {
    const store = await open()
    expect(() =>
      store.transaction((async () => {
        store.run(store.db.insertInto('settings').values({ key: 'k', value: '1' }))
      }) as unknown as () => void),
    ).toThrow(/promise/i)
    expect(store.sqlite.inTransaction).toBe(false)
    expect(store.sqlite.prepare('select count(*) from settings').pluck().get()).toBe(0)
  })

  it('counts local commits but not rollbacks', async () => {
    const store = await open()
    const before = store.localCommits
    store.transaction(() => undefined)
    try {
      store.transaction(() => {
        throw new Error('no')
      })
    } catch {
      // expected
    }
    expect(store.localCommits).toBe(before + 1)
  })

  it("sees another connection's commit through dataVersion", async () => {
    const store = await open()
    const other = await open()
    const before = store.dataVersion()
    other.transaction(() => other.run(other.db.insertInto('settings').values({ key: 'k', value: '1' })))
    expect(store.dataVersion()).not.toBe(before)
  })
})

describe('two connections writing', () => {
  const busy = (error: unknown) => /BUSY|locked/i.test(`${(error as { code?: string }).code ?? ''} ${(error as Error).message}`)

  it('gets 0 SQLITE_BUSY errors from two Stores on the same file doing 2,000 interleaved writes each', async () => {
    const a = await open()
    const b = await open()
    let busyErrors = 0
    const others: unknown[] = []
    // b holds a read snapshot open (an unfinished iterator) through each of a's writes, and the other way round
    for (let i = 0; i < 2000; i++) {
      for (const [writer, reader, n] of [
        [a, b, i * 2],
        [b, a, i * 2 + 1],
      ] as const) {
        const iterator = reader.sqlite.prepare('select seq from request_log').iterate()
        iterator.next()
        try {
          writer.transaction(() => writer.run(writer.db.insertInto('request_log').values(row(n))))
        } catch (error) {
          if (busy(error)) busyErrors++
          else others.push(error)
        } finally {
          iterator.return?.()
        }
      }
    }
    expect(others).toEqual([])
    expect(busyErrors).toBe(0)
    expect(a.sqlite.prepare('select count(*) from request_log').pluck().get()).toBe(4000)
    expect(a.sqlite.pragma('integrity_check', { simple: true })).toBe('ok')
  })

  it('gets 0 SQLITE_BUSY errors from two processes writing 2,000 rows each at the same time', async () => {
    assertBuilt()
    ;(await Store.open({ file })).close() // migrate once, so both writers start on a ready schema
    const writer = `
      const { openServices } = await import(${JSON.stringify(new URL(`file://${BUILT_CLI}`).href)})
      const services = await openServices(process.env.DATA_DIR)
      const { store } = services
      // start together: wait for the shared start time
      while (Date.now() < Number(process.env.START_AT)) await new Promise((r) => setTimeout(r, 1))
      let ok = 0, busy = 0, other = 0, maxMs = 0
      const startedAt = Date.now()
      for (let i = 0; i < 2000; i++) {
        const t = performance.now()
        try {
          store.transaction(() => {
            store.run(store.db.insertInto('audit_log').values({ at: Date.now(), actor: 'cli', action: 'test.write', target_type: 'w', target_id: process.env.WRITER + ':' + i, before_json: null, after_json: null }))
          })
          ok++
        } catch (error) {
          if (/BUSY|locked/i.test(String(error.code) + error.message)) busy++
          else { other++; console.error(error) }
        }
        maxMs = Math.max(maxMs, performance.now() - t)
      }
      const endedAt = Date.now()
      services.close()
      console.log(JSON.stringify({ ok, busy, other, maxMs, startedAt, endedAt }))
    `
    const startAt = String(Date.now() + 1500)
    const runs = await Promise.all(
      ['A', 'B'].map((name) => runNodeModule(writer, { DATA_DIR: dir, START_AT: startAt, WRITER: name })),
    )
    const results = runs.map((run) => {
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { ok: number; busy: number; other: number; maxMs: number; startedAt: number; endedAt: number }
    })
    expect(results.map(({ ok, busy, other }) => ({ ok, busy, other }))).toEqual([
      { ok: 2000, busy: 0, other: 0 },
      { ok: 2000, busy: 0, other: 0 },
    ])
    const check = raw({ readonly: true })
    expect(check.prepare(`select count(*) from audit_log where action = 'test.write'`).pluck().get()).toBe(4000)
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok')
    // the two really ran at the same time: each started before the other finished, and their commits interleave
    expect(Math.max(...results.map((r) => r.startedAt))).toBeLessThan(Math.min(...results.map((r) => r.endedAt)))
    const order = check.prepare(`select substr(target_id, 1, 1) from audit_log where action = 'test.write' order by id`).pluck().all() as string[]
    expect(order.filter((writer, i) => i > 0 && writer !== order[i - 1]).length).toBeGreaterThan(0)
  })
})
