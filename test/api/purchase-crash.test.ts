import { rmSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/core'
import { Writer, type CrashRun } from '../helpers/crash-runner'
import { assertBuilt, REPO_ROOT } from '../helpers/reliability'

/**
 * A purchase is one transaction (SPEC §4, issue 9): SIGKILL a process buying as fast as it can, again and
 * again on one data directory, and no purchase is ever half-committed: every acknowledged purchase is there
 * with its license and both ledger entries, no ledger entry or license lacks its purchase, no balance is
 * negative, and every soul's ledger sums to its balance.
 */
const ITERATIONS = Number(process.env.CRASH_ITERATIONS ?? 10)
const WRITER = join(REPO_ROOT, 'test', 'helpers', 'purchase-writer.mjs')

describe(`SIGKILL during purchases, ${ITERATIONS} times`, () => {
  let dataDir: string
  const acknowledged: string[] = []
  const runs: CrashRun[] = []
  const problems: string[] = []
  const writers: Writer[] = []

  beforeAll(async () => {
    assertBuilt()
    dataDir = tempDir('clawhq-purchase-crash-')
    let next = new Writer(WRITER, dataDir)
    writers.push(next)
    for (let i = 0; i < ITERATIONS; i++) {
      const current = next
      const running = current.run()
      if (i + 1 < ITERATIONS) writers.push((next = new Writer(WRITER, dataDir)))
      const run = await running
      runs.push(run)
      acknowledged.push(...run.acknowledged.map((line) => line.replace(/^purchase /, '')))

      const db = new BetterSqlite3(join(dataDir, 'clawhq.db'))
      try {
        const count = (sql: string) => db.prepare(sql).pluck().get() as number
        if (db.pragma('integrity_check', { simple: true }) !== 'ok') problems.push(`run ${i}: integrity_check failed`)
        if ((db.pragma('foreign_key_check') as unknown[]).length > 0) problems.push(`run ${i}: foreign_key_check not empty`)
        const purchases = new Set(db.prepare('select id from purchases').pluck().all() as string[])
        const lost = acknowledged.filter((id) => !purchases.has(id))
        if (lost.length > 0) problems.push(`run ${i}: ${lost.length} acknowledged purchases lost`)
        const checks: Array<[string, string]> = [
          ['purchases without their license', `select count(*) from purchases p where not exists (select 1 from licenses l where l.key = p.license_key and l.purchase_id = p.id)`],
          ['licenses without their purchase', `select count(*) from licenses l where not exists (select 1 from purchases p where p.id = l.purchase_id)`],
          ['purchases without both ledger entries', `select count(*) from purchases p where p.amount_cents > 0 and (select count(*) from ledger g where g.purchase_id = p.id) != 2`],
          ['ledger entries naming no purchase', `select count(*) from ledger g where g.purchase_id is not null and not exists (select 1 from purchases p where p.id = g.purchase_id)`],
          ['negative balances', `select count(*) from souls where balance_cents < 0`],
          ['souls whose ledger does not sum to the balance', `select count(*) from souls s where s.balance_cents != (select coalesce(sum(amount_cents), 0) from ledger g where g.soul_id = s.id)`],
        ]
        for (const [what, sql] of checks) {
          const n = count(sql)
          if (n > 0) problems.push(`run ${i}: ${n} ${what}`)
        }
      } finally {
        db.close()
      }
    }
  }, ITERATIONS * 3_000 + 30_000)

  afterAll(() => {
    for (const writer of writers) writer.kill()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  it('killed the buyer every time after it had acknowledged purchases', () => {
    expect(runs.map((r) => r.signal)).toEqual(runs.map(() => 'SIGKILL'))
    expect(runs.filter((r) => r.stderr !== '').map((r) => r.stderr)).toEqual([])
    for (const run of runs) expect(run.acknowledged.length).toBeGreaterThan(0)
    expect(acknowledged.every((id) => /^purch_[0-9a-f]{24}$/.test(id))).toBe(true)
  })

  it('never left a purchase half-committed, lost an acknowledged one, or overdrew a wallet', () => {
    expect(problems).toEqual([])
  })
})
