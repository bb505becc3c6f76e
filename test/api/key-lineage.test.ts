import { join } from 'node:path'
import { rmSync } from 'node:fs'
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, Migrator, SqliteDialect } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../src-main/core/clock'
import { KNOWN_MIGRATIONS, migrationProvider } from '../../src-main/core/db/migrations'
import { Store } from '../../src-main/core/db/store'
import { createKey, getJson, startServer, tempDir, type TestServer } from '../helpers/core'

/** Hardening item 5: the secrets of one roll share one rate-limit window (a roll does not double the limit). */

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0)
let server: TestServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

const me = (secret: string) => getJson(`${server!.apiBaseUrl}/me`, secret)
const statuses = (responses: Array<{ status: number }>) => ({
  accepted: responses.filter((r) => r.status === 200).length,
  refused: responses.filter((r) => r.status === 429).length,
})

describe('a rolled key during its grace period', () => {
  it('accepts exactly 30 of 60 concurrent requests split across the old and the new secret of an rpm-30 key', async () => {
    server = await startServer({ clock: new ManualClock(T0) })
    const old = createKey(server, { tierId: 'rpm-30' })
    const rolled = server.core.services.keys.roll(old.key.id, 3600, 'gui')
    const responses = await Promise.all(Array.from({ length: 60 }, (_, i) => me(i % 2 === 0 ? old.secret : rolled.secret)))
    expect(statuses(responses)).toEqual({ accepted: 30, refused: 30 })
    // both secrets were actually served (neither was refused for another reason)
    expect(responses.filter((r) => r.status === 200).map((r) => r.body.data.key.id)).toEqual(
      expect.arrayContaining([old.key.id, rolled.key.id]),
    )
    for (const r of responses.filter((r) => r.status === 429)) expect(r.body.error.code).toBe('RATE_LIMIT_EXCEEDED')
  })

  it('counts requests made before the roll against the new secret too', async () => {
    server = await startServer({ clock: new ManualClock(T0) })
    const old = createKey(server, { tierId: 'rpm-30' })
    expect(statuses(await Promise.all(Array.from({ length: 20 }, () => me(old.secret))))).toEqual({ accepted: 20, refused: 0 })
    const rolled = server.core.services.keys.roll(old.key.id, 3600, 'gui')
    const after = await Promise.all(Array.from({ length: 20 }, () => me(rolled.secret)))
    expect(statuses(after)).toEqual({ accepted: 10, refused: 10 })
  })

  it('shares one window across a chain of rolls, all three secrets in grace', async () => {
    server = await startServer({ clock: new ManualClock(T0) })
    const first = createKey(server, { tierId: 'rpm-30' })
    const second = server.core.services.keys.roll(first.key.id, 3600, 'gui')
    const third = server.core.services.keys.roll(second.key.id, 3600, 'gui')
    const secrets = [first.secret, second.secret, third.secret]
    const responses = await Promise.all(Array.from({ length: 90 }, (_, i) => me(secrets[i % 3])))
    expect(statuses(responses)).toEqual({ accepted: 30, refused: 60 })
  })

  it('keeps two unrelated keys in windows of their own', async () => {
    server = await startServer({ clock: new ManualClock(T0) })
    const a = createKey(server, { tierId: 'rpm-30' })
    const b = createKey(server, { tierId: 'rpm-30' })
    const responses = await Promise.all(Array.from({ length: 60 }, (_, i) => me(i % 2 === 0 ? a.secret : b.secret)))
    expect(statuses(responses)).toEqual({ accepted: 60, refused: 0 })
  })

  it('records each request in the request log under the key id of the secret used, not the lineage', async () => {
    server = await startServer({ clock: new ManualClock(T0) })
    const old = createKey(server, { tierId: 'rpm-30' })
    const rolled = server.core.services.keys.roll(old.key.id, 3600, 'gui')
    for (const secret of [old.secret, old.secret, rolled.secret]) expect((await me(secret)).status).toBe(200)
    await server.core.dispatch('requests.list', {}, 'gui') // flushes the batched request log
    const rows = server.core.services.store.sqlite
      .prepare(`select key_id, count(*) as n from request_log where path = '/api/v1/me' group by key_id order by n desc`)
      .all()
    expect(rows).toEqual([
      { key_id: old.key.id, n: 2 },
      { key_id: rolled.key.id, n: 1 },
    ])
  })
})

describe('the key-lineage migration', () => {
  it('gives stored keys their own id as lineage, joins a stored roll into one lineage, and marks them all as the operator’s', async () => {
    const dir = tempDir('clawhq-lineage-')
    const file = join(dir, 'clawhq.db')
    try {
      // A database as the previous version left it: only the initial migration, with a rolled key.
      const sqlite = new BetterSqlite3(file)
      sqlite.pragma('foreign_keys = ON')
      const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) })
      const { error } = await new Migrator({ db, provider: migrationProvider }).migrateTo(KNOWN_MIGRATIONS[0])
      expect(error).toBeUndefined()
      const insert = sqlite.prepare(
        `insert into api_keys (id, name, secret_hash, hint, scopes, tier_id, created_at, rolled_to_id) values (?, ?, ?, 'clw_…', '[]', 'rpm-30', 0, ?)`,
      )
      insert.run('key_c', 'rolled twice, newest', 'h3', null)
      insert.run('key_b', 'rolled twice, middle', 'h2', 'key_c')
      insert.run('key_a', 'rolled twice, first', 'h1', 'key_b')
      insert.run('key_x', 'never rolled', 'hx', null)
      await db.destroy()

      const store = await Store.open({ file })
      try {
        expect(store.schemaVersion()).toBe(KNOWN_MIGRATIONS.at(-1))
        const rows = store.sqlite.prepare('select id, lineage_id, created_by from api_keys order by id').all()
        expect(rows).toEqual([
          { id: 'key_a', lineage_id: 'key_a', created_by: null },
          { id: 'key_b', lineage_id: 'key_a', created_by: null },
          { id: 'key_c', lineage_id: 'key_a', created_by: null },
          { id: 'key_x', lineage_id: 'key_x', created_by: null },
        ])
        // a row written without a lineage (by hand, or by SQL of an older shape) still gets one
        store.sqlite
          .prepare(`insert into api_keys (id, name, secret_hash, hint, scopes, tier_id, created_at) values ('key_y', 'y', 'hy', 'clw_…', '[]', 'rpm-30', 0)`)
          .run()
        expect(store.sqlite.prepare(`select lineage_id from api_keys where id = 'key_y'`).pluck().get()).toBe('key_y')
      } finally {
        store.close()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
