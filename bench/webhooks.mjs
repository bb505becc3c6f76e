// npm run bench: webhook delivery (SPEC §5), every party in its own process.
// (a) Throughput: a backlog of pings is committed by a second process in one transaction; the running server's
//     dispatcher delivers it (8 in flight for one endpoint) to a bare node:http receiver that answers 200 at once,
//     which times the arrivals. Baselines, in the same run: bare Node clients (fetch, which the dispatcher uses,
//     and node:http with a keep-alive agent) POSTing the same bodies and headers to the same receiver, 8 in flight.
// (b) What the outbox adds to POST /api/v1/listings/{id}/purchase: p50 for a buyer soul with an endpoint subscribed
//     to purchase.completed against one with none, same server, the two interleaved purchase by purchase. A seller
//     soul's listings:write key lists fresh items (a soul buys a listing once) and both funded buyers buy each one,
//     10 ms apart, so each delivery is sent and recorded before the next purchase: the figure is the outbox write
//     (the delivery row), not a dispatcher competing with the purchase.
// Targets: >= 2,000 events/s delivered (a); p50 added by the outbox < 0.5 ms (b).
//
// --profile: runs ClawHQ Local under `node --cpu-prof` and writes its CPU profile to bench/profiles/.
// BENCH_PARTS=a,b picks the parts; BENCH_WEBHOOK_EVENTS, BENCH_ROUNDS, BENCH_PURCHASES change the run.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import Database from 'better-sqlite3'
import { cpuSeconds, PROFILE, PROFILE_DIR, start, startSubject, stopSubject } from './processes.mjs'

const EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 10_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const PURCHASES = Number(process.env.BENCH_PURCHASES ?? 300)
const PARTS = (process.env.BENCH_PARTS ?? 'a,b').split(',')
const IN_FLIGHT = 8 // the dispatcher's limit for one endpoint
const PURCHASE_GAP_MS = 10
const SUBJECT_PORT = 7511
const RECEIVER_PORT = 7512
const TOKEN = 'bench'
/** The headers the dispatcher sets; the baselines send the same. */
const SIGNED_HEADERS = ['content-type', 'user-agent', 'webhook-id', 'webhook-timestamp', 'webhook-signature', 'x-clawget-signature', 'x-clawget-timestamp']

/** The receiver: answers every POST 200 at once and times its arrival; /control/* reads and resets that. */
function receiver(port) {
  let arrivals = []
  const samples = []
  http
    .createServer((req, res) => {
      if (req.url === '/control/stats') return res.end(JSON.stringify({ count: arrivals.length, first: arrivals[0], last: arrivals.at(-1) }))
      if (req.url === '/control/samples') return res.end(JSON.stringify(samples))
      if (req.url === '/control/reset') {
        arrivals = []
        return res.end('{}')
      }
      const chunks = []
      req.on('data', (chunk) => chunks.push(chunk))
      req.on('end', () => {
        arrivals.push(performance.now())
        if (samples.length < 100) samples.push({ headers: req.headers, body: Buffer.concat(chunks).toString() })
        res.writeHead(200, { 'content-type': 'text/plain' }).end('OK')
      })
    })
    .listen(port, '127.0.0.1', () => console.log(`receiver listening on ${port}`))
}

/** A bare client: `count` POSTs of the captured bodies and headers, `IN_FLIGHT` at once, with fetch or node:http. */
async function client(kind, url, samplesFile, count) {
  const samples = JSON.parse(readFileSync(samplesFile, 'utf8'))
  const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT })
  const post =
    kind === 'fetch'
      ? async ({ headers, body }) => {
          const response = await fetch(url, { method: 'POST', body, headers, redirect: 'manual' })
          await response.text()
          if (response.status !== 200) throw new Error(`answered ${response.status}`)
        }
      : ({ headers, body }) =>
          new Promise((resolve, reject) => {
            const request = http.request(url, { method: 'POST', headers, agent }, (response) => {
              response.resume()
              response.on('end', resolve)
            })
            request.on('error', reject)
            request.end(body)
          })
  const cpuBefore = process.cpuUsage()
  let sent = 0
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (sent < Number(count)) await post(samples[sent++ % samples.length])
    }),
  )
  agent.destroy()
  const { user, system } = process.cpuUsage(cpuBefore)
  console.log(JSON.stringify({ cpuMicros: user + system }))
}

/** Commits `count` pings to one endpoint in one transaction, through the built core's own services. */
async function backlog(dataDir, endpointId, count) {
  const { openServices } = await import(new URL('../out/main/cli.js', import.meta.url).href)
  const services = await openServices(dataDir)
  services.store.transaction(() => {
    for (let i = 0; i < Number(count); i++) services.webhooks.ping(endpointId, { operator: true })
  })
  services.close()
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'clawhq-bench-webhooks-'))
  const receiverProcess = await start(['bench/webhooks.mjs', 'receiver', String(RECEIVER_PORT)], /listening/)
  const subject = await startSubject(dataDir, SUBJECT_PORT, '--admin-token', TOKEN)
  const bench = { dataDir, subject }
  const throughput = PARTS.includes('a') ? await throughputPart(bench) : null
  const purchases = PARTS.includes('b') ? await purchasePart(bench) : null
  await stopSubject(subject)
  receiverProcess.kill('SIGTERM')
  if (purchases) {
    const db = new Database(join(dataDir, 'clawhq.db'), { readonly: true })
    const latencyOf = db.prepare('select latency_ms from request_log where id = ?').pluck()
    for (const arm of purchases) arm.serverMs = arm.requestIds.map((id) => latencyOf.get(id)).filter((ms) => ms !== undefined)
    db.close()
  }
  rmSync(dataDir, { recursive: true, force: true })

  const mean = (list, pick) => list.reduce((sum, r) => sum + pick(r), 0) / list.length
  if (throughput) {
    const rateOf = (sender) => mean(sender.results, (r) => r.rate)
    const [ours, bareFetch, bareHttp] = throughput.map(rateOf)
    console.log('')
    console.log(`(a) webhook deliveries to a bare node:http receiver answering 200 at once, ${IN_FLIGHT} in flight, ${ROUNDS} alternating rounds of ${EVENTS} events`)
    console.log(`  ${'sender'.padEnd(24)} ${'events/s'.padStart(8)}   × bare node:http   × bare fetch   sender CPU per event`)
    for (const sender of throughput) {
      const rate = rateOf(sender)
      const cpu = `${mean(sender.results, (r) => r.cpuMicros).toFixed(0)} µs`
      console.log(
        `  ${sender.name.padEnd(24)} ${Math.round(rate).toString().padStart(8)}   ${(rate / bareHttp).toFixed(2).padStart(16)}   ${(rate / bareFetch).toFixed(2).padStart(12)}   ${cpu.padStart(20)}`,
      )
    }
    console.log(`  target: clawhq-local >= 2,000 events/s delivered (${ours >= 2000 ? 'met' : 'missed'})`)
  }
  if (purchases) {
    const ms = (value, digits = 3) => `${value.toFixed(digits)} ms`
    console.log('')
    console.log(`(b) POST /api/v1/listings/{id}/purchase, one at a time ${PURCHASE_GAP_MS} ms apart, ${ROUNDS} rounds of ${PURCHASES} per arm, arms interleaved`)
    console.log(`  ${'arm'.padEnd(30)} ${'client p50'.padStart(10)} ${'p99'.padStart(8)}   ${'server p50'.padStart(10)} ${'p99'.padStart(8)}`)
    for (const arm of purchases)
      console.log(
        `  ${arm.name.padEnd(30)} ${ms(percentile(arm.ms, 50)).padStart(10)} ${ms(percentile(arm.ms, 99), 2).padStart(8)}   ${ms(percentile(arm.serverMs, 50)).padStart(10)} ${ms(percentile(arm.serverMs, 99), 2).padStart(8)}`,
      )
    const added = percentile(purchases[1].serverMs, 50) - percentile(purchases[0].serverMs, 50)
    const addedAtClient = percentile(purchases[1].ms, 50) - percentile(purchases[0].ms, 50)
    // The server's own timing (the request log) holds the outbox write and nothing else that differs. The client's also
    // holds the delivery's start: the dispatcher wakes on the very next turn (setImmediate), as the answer leaves, and a
    // client on the same 2 cores waits for it (woken 3 ms later instead, the client's figure falls to the server's).
    console.log(`  added at p50 by the subscribed endpoint: ${ms(added)} in the server (request log), ${ms(addedAtClient)} as the client on this machine sees it`)
    console.log(`  target: outbox write < 0.5 ms at p50 in the server (${added < 0.5 ? 'met' : 'missed'}); at the client (${addedAtClient < 0.5 ? 'met' : 'missed'})`)
  }
  if (PROFILE) console.log(`CPU profile of clawhq-local: ${PROFILE_DIR}/ (newest .cpuprofile)`)
}

const origin = `http://127.0.0.1:${SUBJECT_PORT}`
const receiverOrigin = `http://127.0.0.1:${RECEIVER_PORT}`
const control = async (what) => (await fetch(`${receiverOrigin}/control/${what}`)).json()

/** The admin RPC of the server under test. */
async function rpc(method, input = {}) {
  const response = await fetch(`${origin}/admin/rpc/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  })
  const result = await response.json()
  if (!result.ok) throw new Error(`${method}: ${JSON.stringify(result.error)}`)
  return result.value
}

async function until(what, check, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`)
    await sleep(20)
  }
}

/** `node …argv` to its end; returns what it printed. */
async function runProcess(argv) {
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  const [code] = await once(child, 'close')
  if (code !== 0) throw new Error(`${argv.join(' ')} exited with ${code}`)
  return out
}

/** Events per second at the receiver between the first and the last arrival of a run of `count`. */
async function timedArrivals(count, send) {
  await control('reset')
  const sent = await send()
  await until(`${count} arrivals`, async () => (await control('stats')).count >= count)
  const { count: arrived, first, last } = await control('stats')
  if (arrived !== count) throw new Error(`the receiver got ${arrived} requests, ${count} expected`)
  return { rate: (count - 1) / ((last - first) / 1000), sent }
}

/** (a) The dispatcher draining a committed backlog, beside bare clients sending the same requests. */
async function throughputPart({ dataDir, subject }) {
  const drain = await rpc('webhooks.create', { url: `${receiverOrigin}/hooks`, events: ['*'], description: 'bench: throughput (pings only)' })
  const nonePending = async () => (await rpc('deliveries.list', { endpointId: drain.endpoint.id, status: 'pending', limit: 1 })).meta.total === 0
  const dispatcherRun = (count) => async () => {
    const cpuBefore = cpuSeconds(subject.pid)
    const { rate } = await timedArrivals(count, () => runProcess(['bench/webhooks.mjs', 'backlog', dataDir, drain.endpoint.id, String(count)]))
    await until('every delivery recorded', nonePending)
    return { rate, cpuMicros: ((cpuSeconds(subject.pid) - cpuBefore) * 1e6) / count }
  }
  const samplesFile = join(dataDir, 'samples.json')
  const clientRun = (kind, count) => async () => {
    const { rate, sent } = await timedArrivals(count, () => runProcess(['bench/webhooks.mjs', 'client', kind, `${receiverOrigin}/hooks`, samplesFile, String(count)]))
    return { rate, cpuMicros: JSON.parse(sent).cpuMicros / count }
  }

  const warm = Math.min(EVENTS, 3000)
  console.log(`warming up: ${warm} events through the dispatcher and each bare client…`)
  await dispatcherRun(warm)()
  const samples = (await control('samples')).map(({ headers, body }) => ({ headers: Object.fromEntries(SIGNED_HEADERS.map((name) => [name, headers[name]])), body }))
  writeFileSync(samplesFile, JSON.stringify(samples))
  await clientRun('fetch', warm)()
  await clientRun('http', warm)()
  const senders = [
    { name: 'clawhq-local dispatcher', run: dispatcherRun(EVENTS), results: [] },
    { name: 'bare fetch client', run: clientRun('fetch', EVENTS), results: [] },
    { name: 'bare node:http client', run: clientRun('http', EVENTS), results: [] },
  ]
  for (let round = 1; round <= ROUNDS; round++) {
    for (const sender of senders) sender.results.push(await sender.run())
    console.log(`throughput round ${round}: ${senders.map((sender) => `${sender.name} ${Math.round(sender.results.at(-1).rate)}/s`).join(' | ')}`)
  }
  await rpc('webhooks.delete', { id: drain.endpoint.id })
  return senders
}

/**
 * (b) Purchases one at a time by two buyer souls, interleaved purchase by purchase so both arms share every
 * moment of the run: one soul's key made an endpoint subscribed to purchase.completed (it hears only its own
 * soul's purchases), the other soul has none. Both buy the same fresh listing in turn, the order swapped each time.
 */
async function purchasePart() {
  const tier = await rpc('tiers.create', { name: 'bench (never refuses)', limit: 1_000_000_000, windowSeconds: 1 })
  const [seller, subscriber, unsubscribed] = (await rpc('souls.list')).filter((soul) => soul.id !== 'soul_operator')
  const keyOf = async (soul, scopes) => (await rpc('keys.create', { name: `bench ${soul.name}`, tierId: tier.id, scopes, soulId: soul.id })).secret
  const sellerKey = await keyOf(seller, ['listings:write'])
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const call = (secret, method, path, body) =>
    new Promise((resolve, reject) => {
      const started = performance.now()
      const request = http.request(
        `${origin}/api/v1${path}`,
        { method, agent, headers: { authorization: `Bearer ${secret}`, ...(body !== undefined && { 'content-type': 'application/json' }) } },
        (response) => {
          let text = ''
          response.setEncoding('utf8')
          response.on('data', (chunk) => (text += chunk))
          response.on('end', () => {
            const ms = performance.now() - started
            if (response.statusCode >= 300) return reject(new Error(`${method} ${path} answered ${response.statusCode}: ${text}`))
            resolve({ ms, requestId: response.headers['x-request-id'], body: JSON.parse(text) })
          })
        },
      )
      request.on('error', reject)
      request.end(body === undefined ? undefined : JSON.stringify(body))
    })
  const arms = [
    { name: 'no endpoint for the buyer', soul: unsubscribed, ms: [], requestIds: [] },
    { name: 'purchase.completed subscribed', soul: subscriber, ms: [], requestIds: [] },
  ]
  for (const arm of arms) {
    arm.key = await keyOf(arm.soul, ['purchases', 'webhooks'])
    await rpc('wallet.deposit', { soulId: arm.soul.id, amount: String((ROUNDS + 1) * PURCHASES + 100) })
  }
  const { body: made } = await call(arms[1].key, 'POST', '/webhooks', { url: `${receiverOrigin}/purchases`, events: ['purchase.completed'] })
  if ((await rpc('webhooks.list')).meta.total !== 1) throw new Error('one endpoint expected')

  const freshListings = async (count) => {
    const ids = []
    for (let i = 0; i < count; i += 100) {
      const operations = Array.from({ length: Math.min(100, count - i) }, (_, j) => ({
        op: 'create',
        listing: { title: `bench item ${i + j}`, description: 'A listing each buyer buys once.', category: 'data', price: 1, pricing: 'one_time' },
      }))
      const { body } = await call(sellerKey, 'POST', '/listings/bulk', { operations })
      ids.push(...body.data.results.map((result) => result.listing.id))
    }
    return ids
  }
  let delivered = 0
  const round = async (record) => {
    const listings = await freshListings(PURCHASES)
    await control('reset')
    for (const [i, id] of listings.entries()) {
      for (const arm of i % 2 === 0 ? arms : [...arms].reverse()) {
        const { ms, requestId } = await call(arm.key, 'POST', `/listings/${id}/purchase`)
        if (record) {
          arm.ms.push(ms)
          arm.requestIds.push(requestId)
        }
        // Long enough for the delivery to be sent and recorded before the next purchase.
        await sleep(PURCHASE_GAP_MS)
      }
    }
    delivered += PURCHASES
    await until('every purchase delivered', async () => (await rpc('deliveries.list', { endpointId: made.data.id, status: 'succeeded', limit: 1 })).meta.total === delivered)
    if ((await control('stats')).count !== PURCHASES) throw new Error('one delivery per purchase of the subscribed soul expected')
  }
  console.log(`purchases: warming up, then ${ROUNDS} rounds of ${PURCHASES} per arm, interleaved, ${PURCHASE_GAP_MS} ms apart…`)
  await round(false)
  for (let i = 1; i <= ROUNDS; i++) {
    await round(true)
    console.log(`purchase round ${i}: ${arms.map((arm) => `${arm.name} p50 ${percentile(arm.ms.slice(-PURCHASES), 50).toFixed(3)} ms`).join(' | ')}`)
  }
  agent.destroy()
  return arms
}

function percentile(list, p) {
  const sorted = [...list].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

// One script, four roles, each its own process.
const [role, ...args] = process.argv.slice(2)
if (role === 'receiver') receiver(Number(args[0]))
else if (role === 'client') await client(...args)
else if (role === 'backlog') await backlog(...args)
else await main()
