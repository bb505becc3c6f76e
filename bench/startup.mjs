// npm run bench:startup: how long `serve` takes to start on a database holding a million request-log rows,
// beside the same start on an empty data directory, in one run. The difference is mostly the integrity
// check (PRAGMA quick_check) that refuses a damaged database at start; it is also timed on its own.
// Target (issue #7): start-up under a second with 1,000,000 rows.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)

/** Milliseconds from spawning `serve` until it prints its URLs; then stops it. */
function timeStart(dataDir) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, ['bin/clawhq-local.js', 'serve', '--data-dir', dataDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stderr.on('data', (d) => (out += d))
    child.stdout.on('data', (d) => {
      out += d
      if (!/Admin:/.test(out)) return
      const ms = performance.now() - started
      child.once('exit', () => resolve(ms))
      child.kill('SIGTERM')
    })
    child.on('exit', (code) => code !== 0 && code !== null && reject(new Error(`serve exited with ${code}: ${out}`)))
  })
}

const empty = mkdtempSync(join(tmpdir(), 'clawhq-bench-start-empty-'))
const full = mkdtempSync(join(tmpdir(), 'clawhq-bench-start-full-'))
try {
  // Create both stores through the server itself, then fill one with request-log rows as the server writes them.
  await timeStart(empty)
  await timeStart(full)
  const db = new Database(join(full, 'clawhq.db'))
  const insert = db.prepare(
    'insert into request_log (id, at, key_id, method, path, status, latency_ms, error_code, source) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  )
  const now = Date.now()
  db.transaction(() => {
    for (let i = 0; i < ROWS; i++)
      insert.run(`req_${i.toString(16).padStart(24, '0')}`, now - (ROWS - i) * 10, `key_${(i % 50).toString(16).padStart(24, '0')}`, 'GET', '/api/v1/me', i % 97 === 0 ? 429 : 200, 0.4, i % 97 === 0 ? 'RATE_LIMIT_EXCEEDED' : null, 'api')
  })()
  db.pragma('wal_checkpoint(TRUNCATE)')
  db.close()
  console.log(`database: ${ROWS.toLocaleString()} request-log rows, ${(statSync(join(full, 'clawhq.db')).size / 1e6).toFixed(0)} MB`)

  const check = new Database(join(full, 'clawhq.db'), { readonly: true })
  const t0 = performance.now()
  const verdict = check.pragma('quick_check(1)', { simple: true })
  console.log(`PRAGMA quick_check alone: ${(performance.now() - t0).toFixed(0)} ms (${verdict})`)
  check.close()

  const times = { empty: [], full: [] }
  for (let round = 0; round < ROUNDS; round++) {
    times.empty.push(await timeStart(empty))
    times.full.push(await timeStart(full))
  }
  const fmt = (list) => list.map((ms) => ms.toFixed(0)).join(', ')
  const mean = (list) => list.reduce((a, b) => a + b, 0) / list.length
  console.log(`serve start-up, empty data directory:     ${fmt(times.empty)} ms (mean ${mean(times.empty).toFixed(0)})`)
  console.log(`serve start-up, ${ROWS.toLocaleString()} request-log rows: ${fmt(times.full)} ms (mean ${mean(times.full).toFixed(0)}; target < 1000)`)
} finally {
  rmSync(empty, { recursive: true, force: true })
  rmSync(full, { recursive: true, force: true })
}
