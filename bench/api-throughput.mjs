// npm run bench: GET /api/v1/me with a valid key (on a tier too high ever to refuse) against bare
// node:http serving the same response bytes, in one run, both servers in their own processes.
// Prints both throughputs, the ratio and p99 latency, and checks the request log holds exactly one
// row per request sent. Target (issue #2): ratio >= 0.6 and p99 <= 5 ms at 50 connections.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import autocannon from 'autocannon'
import Database from 'better-sqlite3'

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50)
const AMOUNT = Number(process.env.BENCH_REQUESTS ?? 150_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const SUBJECT_PORT = 7491
const BASELINE_PORT = 7492

const dataDir = mkdtempSync(join(tmpdir(), 'clawhq-bench-'))
const cli = (...args) => {
  const result = spawnSync(process.execPath, ['bin/clawhq-local.js', ...args, '--data-dir', dataDir, '--json'], { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(result.stderr)
  return JSON.parse(result.stdout)
}

function start(args, ready) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
      if (ready.test(out)) resolve(child)
    })
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)))
  })
}

// autocannon ends a run on its next sample tick: sample every 50 ms and time each run ourselves.
const run = (url, headers, amount) =>
  new Promise((resolve, reject) => {
    const started = performance.now()
    autocannon({ url, connections: CONNECTIONS, amount, headers, sampleInt: 50 }, (error, result) =>
      error ? reject(error) : resolve({ ...result, seconds: (performance.now() - started) / 1000 }),
    )
  })

const tier = cli('tiers', 'create', '--name', 'bench (never refuses)', '--limit', '1000000000', '--window', '1')
const { key } = cli('keys', 'create', '--name', 'bench', '--tier', tier.id)
const subject = await start(['bin/clawhq-local.js', 'serve', '--data-dir', dataDir, '--port', String(SUBJECT_PORT), '--admin-token', 'bench'], /Admin:/)

const auth = { authorization: `Bearer ${key}` }
const meUrl = `http://127.0.0.1:${SUBJECT_PORT}/api/v1/me`
const sample = await fetch(meUrl, { headers: auth })
const sampleBody = await sample.text()
const sampleHeaders = Object.fromEntries([...sample.headers].filter(([name]) => !['date', 'connection', 'keep-alive', 'content-length'].includes(name)))
const responseFile = join(dataDir, 'me-response.json')
writeFileSync(responseFile, JSON.stringify({ headers: sampleHeaders, body: sampleBody }))
const baseline = await start(['bench/baseline-server.mjs', String(BASELINE_PORT), responseFile], /listening/)
const baselineUrl = `http://127.0.0.1:${BASELINE_PORT}/api/v1/me`

const rps = (r) => r.requests.total / r.seconds
let sentToSubject = 1 // the sample request above
const results = { baseline: [], subject: [] }
console.log(`warming up (${CONNECTIONS} connections)…`)
await run(baselineUrl, auth, 20_000)
const warm = await run(meUrl, auth, 20_000)
sentToSubject += 20_000
if (warm.non2xx > 0 || warm.errors > 0) throw new Error(`warm-up saw ${warm.non2xx} non-2xx and ${warm.errors} errors`)

for (let round = 1; round <= ROUNDS; round++) {
  const b = await run(baselineUrl, auth, AMOUNT)
  const s = await run(meUrl, auth, AMOUNT)
  sentToSubject += AMOUNT
  if (s.non2xx > 0 || s.errors > 0 || s.timeouts > 0) throw new Error(`subject round ${round}: ${s.non2xx} non-2xx, ${s.errors} errors`)
  results.baseline.push(b)
  results.subject.push(s)
  console.log(
    `round ${round}: node:http ${Math.round(rps(b))} req/s p99 ${b.latency.p99} ms | /api/v1/me ${Math.round(rps(s))} req/s p99 ${s.latency.p99} ms`,
  )
}

subject.kill('SIGTERM')
await once(subject, 'exit')
baseline.kill('SIGTERM')
const db = new Database(join(dataDir, 'clawhq.db'), { readonly: true })
const rows = db.prepare('select count(*) from request_log').pluck().get()
db.close()
rmSync(dataDir, { recursive: true, force: true })

const mean = (list, pick) => list.reduce((sum, r) => sum + pick(r), 0) / list.length
const baseRps = mean(results.baseline, rps)
const subjRps = mean(results.subject, rps)
const baseP99 = Math.max(...results.baseline.map((r) => r.latency.p99))
const subjP99 = Math.max(...results.subject.map((r) => r.latency.p99))
const ratio = subjRps / baseRps

console.log('')
console.log(`GET /api/v1/me, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${AMOUNT} requests`)
console.log(`  baseline node:http   ${Math.round(baseRps).toString().padStart(7)} req/s   p99 ${baseP99} ms`)
console.log(`  clawhq-local         ${Math.round(subjRps).toString().padStart(7)} req/s   p99 ${subjP99} ms`)
console.log(`  ratio                ${ratio.toFixed(2)}   (target >= 0.60)   p99 target <= 5 ms: ${subjP99 <= 5 ? 'met' : 'missed'}`)
console.log(`  request log rows     ${rows} of ${sentToSubject} requests sent: ${rows === sentToSubject ? 'exact' : 'MISMATCH'}`)
if (rows !== sentToSubject) process.exitCode = 1
