// npm run bench: GET /api/v1/me with a valid key (on a tier too high ever to refuse) beside bare node:http
// and a naive gateway (fastify + SHA-256 key lookup + @fastify/rate-limit, no request log), all three serving
// the same response bytes, in one run, each server in its own process, rounds alternating.
// Prints req/s, × bare and p99 for each, and checks the request log holds exactly one row per request sent.
// Target (issue #8): ClawHQ Local >= 0.5 × bare and p99 <= 5 ms at 50 connections; the moonshot: pass the gateway.
//
// --profile: runs ClawHQ Local under `node --cpu-prof` and writes its CPU profile (open it in Chrome's
// DevTools, Performance tab, or in VS Code) to bench/profiles/.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs'
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
const GATEWAY_PORT = 7493
const PROFILE = process.argv.includes('--profile')
const PROFILE_DIR = 'bench/profiles'

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

/** CPU seconds a process has used (user + system), from /proc on Linux; null elsewhere. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100 // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return null
  }
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
const subject = await start(
  [...(PROFILE ? ['--cpu-prof', '--cpu-prof-interval=100', `--cpu-prof-dir=${PROFILE_DIR}`] : []), 'bin/clawhq-local.js', 'serve', '--data-dir', dataDir, '--port', String(SUBJECT_PORT), '--admin-token', 'bench'],
  /Admin:/,
)

const auth = { authorization: `Bearer ${key}` }
const meUrl = `http://127.0.0.1:${SUBJECT_PORT}/api/v1/me`
const sample = await fetch(meUrl, { headers: auth })
const sampleBody = await sample.text()
const sampleHeaders = Object.fromEntries([...sample.headers].filter(([name]) => !['date', 'connection', 'keep-alive', 'content-length'].includes(name)))
const responseFile = join(dataDir, 'me-response.json')
writeFileSync(responseFile, JSON.stringify({ headers: sampleHeaders, body: sampleBody }))
const baseline = await start(['bench/baseline-server.mjs', String(BASELINE_PORT), responseFile], /listening/)
const gateway = await start(['bench/naive-gateway.mjs', String(GATEWAY_PORT), responseFile, key], /listening/)
const servers = [
  { name: 'bare node:http', url: `http://127.0.0.1:${BASELINE_PORT}/api/v1/me`, pid: baseline.pid },
  { name: 'naive gateway', url: `http://127.0.0.1:${GATEWAY_PORT}/api/v1/me`, pid: gateway.pid },
  { name: 'clawhq-local', url: meUrl, pid: subject.pid },
]

const rps = (r) => r.requests.total / r.seconds
let sentToSubject = 1 // the sample request above
const results = new Map(servers.map((server) => [server.name, []]))
console.log(`warming up (${CONNECTIONS} connections)…`)
for (const server of servers) {
  const warm = await run(server.url, auth, 20_000)
  if (server.url === meUrl) sentToSubject += 20_000
  if (warm.non2xx > 0 || warm.errors > 0) throw new Error(`${server.name} warm-up saw ${warm.non2xx} non-2xx and ${warm.errors} errors`)
}

for (let round = 1; round <= ROUNDS; round++) {
  const line = []
  for (const server of servers) {
    const cpuBefore = cpuSeconds(server.pid)
    const result = await run(server.url, auth, AMOUNT)
    const cpuAfter = cpuSeconds(server.pid)
    result.cpuMicrosPerRequest = cpuBefore === null || cpuAfter === null ? null : ((cpuAfter - cpuBefore) * 1e6) / result.requests.total
    if (server.url === meUrl) sentToSubject += AMOUNT
    if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0)
      throw new Error(`${server.name} round ${round}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`)
    results.get(server.name).push(result)
    line.push(`${server.name} ${Math.round(rps(result))} req/s p99 ${result.latency.p99} ms`)
  }
  console.log(`round ${round}: ${line.join(' | ')}`)
}

subject.kill(PROFILE ? 'SIGINT' : 'SIGTERM')
await once(subject, 'exit')
baseline.kill('SIGTERM')
gateway.kill('SIGTERM')
const db = new Database(join(dataDir, 'clawhq.db'), { readonly: true })
const rows = db.prepare('select count(*) from request_log').pluck().get()
db.close()
rmSync(dataDir, { recursive: true, force: true })

const mean = (list, pick) => list.reduce((sum, r) => sum + pick(r), 0) / list.length
const bareRps = mean(results.get('bare node:http'), rps)
console.log('')
console.log(`GET /api/v1/me, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${AMOUNT} requests per server`)
console.log(`  ${'server'.padEnd(16)} ${'req/s'.padStart(7)}   × bare   p99    server CPU per request`)
for (const server of servers) {
  const list = results.get(server.name)
  const serverRps = mean(list, rps)
  const p99 = Math.max(...list.map((r) => r.latency.p99))
  const cpu = list.every((r) => r.cpuMicrosPerRequest !== null) ? `${mean(list, (r) => r.cpuMicrosPerRequest).toFixed(1)} µs` : 'n/a'
  console.log(`  ${server.name.padEnd(16)} ${Math.round(serverRps).toString().padStart(7)}   ${(serverRps / bareRps).toFixed(2).padStart(5)}   ${`${p99} ms`.padEnd(5)}  ${cpu}`)
}
const ours = mean(results.get('clawhq-local'), rps) / bareRps
const oursP99 = Math.max(...results.get('clawhq-local').map((r) => r.latency.p99))
console.log(`  target: clawhq-local >= 0.50 × bare (${ours >= 0.5 ? 'met' : 'missed'}), p99 <= 5 ms (${oursP99 <= 5 ? 'met' : 'missed'})`)
console.log(`  request log rows: ${rows} of ${sentToSubject} requests sent: ${rows === sentToSubject ? 'exact' : 'MISMATCH'}`)
if (PROFILE) console.log(`  CPU profile of clawhq-local: ${PROFILE_DIR}/ (newest .cpuprofile)`)
if (rows !== sentToSubject) process.exitCode = 1
