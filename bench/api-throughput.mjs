// npm run bench: ClawHQ Local's hot routes, each beside bare node:http serving the very same response bytes,
// in one run, every server in its own process, rounds alternating. For GET /api/v1/me also a naive gateway
// (fastify + SHA-256 key lookup + @fastify/rate-limit, no request log). A valid key on a tier too high ever to
// refuse. Prints req/s, × bare, p99 and server CPU per request, and checks the request log holds exactly one
// row per request sent.
// Targets: /me >= 0.5 × bare, p99 <= 5 ms (issue #8); listings and search >= 0.3 × bare, p99 <= 10 ms (issue #9).
//
// --profile: runs ClawHQ Local under `node --cpu-prof` and writes its CPU profile (open it in Chrome's
// DevTools, Performance tab, or in VS Code) to bench/profiles/.
// BENCH_SCENARIOS=me,listings,search picks scenarios; BENCH_REQUESTS, BENCH_ROUNDS, BENCH_CONNECTIONS change the run.
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import Database from 'better-sqlite3'
import { cliOn, cpuSeconds, PROFILE, PROFILE_DIR, start, startSubject, stopSubject } from './processes.mjs'

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50)
const AMOUNT = Number(process.env.BENCH_REQUESTS ?? 150_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const SUBJECT_PORT = 7491
const FIRST_BASELINE_PORT = 7492

const SCENARIOS = [
  { id: 'me', path: '/api/v1/me', gateway: true, target: { ratio: 0.5, p99: 5 } },
  { id: 'listings', path: '/api/v1/listings?limit=20', target: { ratio: 0.3, p99: 10 } },
  { id: 'search', path: '/api/v1/listings/search?query=web%20scraping&category=automation&maxPrice=50&minRating=4', target: { ratio: 0.3, p99: 10 } },
].filter((scenario) => (process.env.BENCH_SCENARIOS ?? 'me,listings,search').split(',').includes(scenario.id))

const dataDir = mkdtempSync(join(tmpdir(), 'clawhq-bench-'))
const cli = cliOn(dataDir)

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
const subject = await startSubject(dataDir, SUBJECT_PORT, '--admin-token', 'bench')
const auth = { authorization: `Bearer ${key}` }
let sentToSubject = 0
const helpers = []

// Each scenario: the subject's own answer, captured once, is what its bare node:http (and gateway) serve.
for (const [i, scenario] of SCENARIOS.entries()) {
  const url = `http://127.0.0.1:${SUBJECT_PORT}${scenario.path}`
  const sample = await fetch(url, { headers: auth })
  sentToSubject++
  if (sample.status !== 200) throw new Error(`${scenario.path} answered ${sample.status}: ${await sample.text()}`)
  const body = await sample.text()
  const headers = Object.fromEntries([...sample.headers].filter(([name]) => !['date', 'connection', 'keep-alive', 'content-length'].includes(name)))
  const responseFile = join(dataDir, `${scenario.id}-response.json`)
  writeFileSync(responseFile, JSON.stringify({ headers, body }))
  const barePort = FIRST_BASELINE_PORT + 2 * i
  const bare = await start(['bench/baseline-server.mjs', String(barePort), responseFile], /listening/)
  helpers.push(bare)
  scenario.servers = [{ name: 'bare node:http', url: `http://127.0.0.1:${barePort}${scenario.path}`, pid: bare.pid }]
  if (scenario.gateway) {
    const gateway = await start(['bench/naive-gateway.mjs', String(barePort + 1), responseFile, key], /listening/)
    helpers.push(gateway)
    scenario.servers.push({ name: 'naive gateway', url: `http://127.0.0.1:${barePort + 1}${scenario.path}`, pid: gateway.pid })
  }
  scenario.servers.push({ name: 'clawhq-local', url, pid: subject.pid, subject: true })
  scenario.bytes = Buffer.byteLength(body)
}

const rps = (r) => r.requests.total / r.seconds
const mean = (list, pick) => list.reduce((sum, r) => sum + pick(r), 0) / list.length

console.log(`warming up (${CONNECTIONS} connections)…`)
for (const scenario of SCENARIOS)
  for (const server of scenario.servers) {
    const warm = await run(server.url, auth, 20_000)
    if (server.subject) sentToSubject += 20_000
    if (warm.non2xx > 0 || warm.errors > 0) throw new Error(`${server.name} ${scenario.path} warm-up saw ${warm.non2xx} non-2xx and ${warm.errors} errors`)
  }

for (const scenario of SCENARIOS) {
  scenario.results = new Map(scenario.servers.map((server) => [server.name, []]))
  for (let round = 1; round <= ROUNDS; round++) {
    const line = []
    for (const server of scenario.servers) {
      const cpuBefore = cpuSeconds(server.pid)
      const result = await run(server.url, auth, AMOUNT)
      const cpuAfter = cpuSeconds(server.pid)
      result.cpuMicrosPerRequest = cpuBefore === null || cpuAfter === null ? null : ((cpuAfter - cpuBefore) * 1e6) / result.requests.total
      if (server.subject) sentToSubject += AMOUNT
      if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0)
        throw new Error(`${server.name} ${scenario.path} round ${round}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`)
      scenario.results.get(server.name).push(result)
      line.push(`${server.name} ${Math.round(rps(result))} req/s p99 ${result.latency.p99} ms`)
    }
    console.log(`${scenario.id} round ${round}: ${line.join(' | ')}`)
  }
}

await stopSubject(subject)
for (const helper of helpers) helper.kill('SIGTERM')
const db = new Database(join(dataDir, 'clawhq.db'), { readonly: true })
const rows = db.prepare('select count(*) from request_log').pluck().get()
db.close()
rmSync(dataDir, { recursive: true, force: true })

let missed = false
for (const scenario of SCENARIOS) {
  const bareRps = mean(scenario.results.get('bare node:http'), rps)
  console.log('')
  console.log(`GET ${scenario.path} (${scenario.bytes} bytes), ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${AMOUNT} requests per server`)
  console.log(`  ${'server'.padEnd(16)} ${'req/s'.padStart(7)}   × bare   p99    server CPU per request`)
  for (const server of scenario.servers) {
    const list = scenario.results.get(server.name)
    const serverRps = mean(list, rps)
    const p99 = Math.max(...list.map((r) => r.latency.p99))
    const cpu = list.every((r) => r.cpuMicrosPerRequest !== null) ? `${mean(list, (r) => r.cpuMicrosPerRequest).toFixed(1)} µs` : 'n/a'
    console.log(`  ${server.name.padEnd(16)} ${Math.round(serverRps).toString().padStart(7)}   ${(serverRps / bareRps).toFixed(2).padStart(5)}   ${`${p99} ms`.padEnd(5)}  ${cpu}`)
  }
  const ours = mean(scenario.results.get('clawhq-local'), rps) / bareRps
  const oursP99 = Math.max(...scenario.results.get('clawhq-local').map((r) => r.latency.p99))
  const { ratio, p99 } = scenario.target
  console.log(`  target: clawhq-local >= ${ratio.toFixed(2)} × bare (${ours >= ratio ? 'met' : 'missed'}), p99 <= ${p99} ms (${oursP99 <= p99 ? 'met' : 'missed'})`)
  missed ||= ours < ratio
}
console.log('')
console.log(`request log rows: ${rows} of ${sentToSubject} requests sent to clawhq-local: ${rows === sentToSubject ? 'exact' : 'MISMATCH'}`)
if (PROFILE) console.log(`CPU profile of clawhq-local: ${PROFILE_DIR}/ (newest .cpuprofile)`)
if (rows !== sentToSubject) process.exitCode = 1
