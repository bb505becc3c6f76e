import { rmSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KNOWN_MIGRATIONS } from '../../src-main/core/db/migrations'
import { Store } from '../../src-main/core/db/store'
import { tempDir } from '../helpers/core'
import { Writer, type CrashRun } from '../helpers/crash-runner'
import { assertBuilt, REPO_ROOT } from '../helpers/reliability'

/**
 * RELIABILITY #30 and §5 "kill -9 test": a child process creates keys through the real (built) core and
 * acknowledges each one on stdout once its transaction committed; the parent SIGKILLs it at a random
 * moment, then checks the database: intact, foreign keys consistent, and every acknowledged key present
 * with its audit entry. The same data directory is reused, so each run also recovers the previous crash.
 * CRASH_ITERATIONS overrides the default of 20 (RELIABILITY asks for 200 in a long run).
 */
const ITERATIONS = Number(process.env.CRASH_ITERATIONS ?? 20)
const WRITER = join(REPO_ROOT, 'test', 'helpers', 'crash-writer.mjs')
const KEY_ID = /^key_[0-9a-f]{24}$/

describe(`SIGKILL during writes, ${ITERATIONS} times`, () => {
  let dataDir: string
  const acknowledged: string[] = []
  const runs: CrashRun[] = []
  const problems: string[] = []
  const writers: Writer[] = []

  beforeAll(async () => {
    assertBuilt()
    dataDir = tempDir('clawhq-crash-')
    let next = new Writer(WRITER, dataDir)
    writers.push(next)
    for (let i = 0; i < ITERATIONS; i++) {
      const current = next
      const running = current.run()
      // the next writer loads while this one writes and is checked; it opens the database only on "go"
      if (i + 1 < ITERATIONS) writers.push((next = new Writer(WRITER, dataDir)))
      const run = await running
      runs.push(run)
      acknowledged.push(...run.acknowledged)

      const db = new BetterSqlite3(join(dataDir, 'clawhq.db'))
      try {
        const integrity = db.pragma('integrity_check', { simple: true })
        if (integrity !== 'ok') problems.push(`run ${i}: integrity_check = ${String(integrity)}`)
        const foreign = db.pragma('foreign_key_check') as unknown[]
        if (foreign.length > 0) problems.push(`run ${i}: foreign_key_check = ${JSON.stringify(foreign)}`)
        const keys = new Set(db.prepare('select id from api_keys').pluck().all() as string[])
        const audited = new Set(db.prepare(`select target_id from audit_log where action = 'key.created'`).pluck().all() as string[])
        const lost = acknowledged.filter((id) => !keys.has(id))
        const unaudited = acknowledged.filter((id) => !audited.has(id))
        if (lost.length > 0) problems.push(`run ${i}: ${lost.length} acknowledged keys lost, e.g. ${lost[0]}`)
        if (unaudited.length > 0) problems.push(`run ${i}: ${unaudited.length} acknowledged keys without key.created, e.g. ${unaudited[0]}`)
        // a key row and its audit row commit together: never one without the other
        const orphans = db
          .prepare(`select count(*) from api_keys k where not exists (select 1 from audit_log a where a.action = 'key.created' and a.target_id = k.id)`)
          .pluck()
          .get() as number
        if (orphans > 0) problems.push(`run ${i}: ${orphans} keys without their audit entry`)
      } finally {
        db.close()
      }
    }
  }, ITERATIONS * 2_000 + 30_000)

  afterAll(() => {
    for (const writer of writers) writer.kill()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  it('killed the writer with SIGKILL every time, after it had acknowledged writes, without other errors', () => {
    expect(runs).toHaveLength(ITERATIONS)
    expect(runs.map((r) => r.signal)).toEqual(runs.map(() => 'SIGKILL'))
    expect(runs.filter((r) => r.stderr !== '').map((r) => r.stderr)).toEqual([])
    for (const run of runs) expect(run.acknowledged.length).toBeGreaterThan(0)
  })

  it('acknowledged only well-formed, distinct key ids', () => {
    expect(acknowledged.filter((id) => !KEY_ID.test(id))).toEqual([])
    expect(new Set(acknowledged).size).toBe(acknowledged.length)
  })

  it('found integrity_check ok, foreign_key_check empty and every acknowledged key with its key.created entry after every crash', () => {
    expect(problems).toEqual([])
  })

  it('leaves a database the store opens again with no migration pending', async () => {
    const store = await Store.open({ file: join(dataDir, 'clawhq.db') })
    try {
      expect(store.sqlite.prepare('select name from kysely_migration order by name').pluck().all()).toEqual(KNOWN_MIGRATIONS)
      expect(store.sqlite.prepare('select count(*) from api_keys').pluck().get()).toBeGreaterThanOrEqual(acknowledged.length)
    } finally {
      store.close()
    }
  })
})
