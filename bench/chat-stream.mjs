// npm run bench: streamed chat (POST /api/v1/chat with "stream": true) from a scripted agent, beside bare
// node:http answering the same POST with the very same SSE bytes (same events, same sizes, then [DONE]);
// every server in its own process, rounds alternating, the servers warmed up first. Client loops send
// streaming requests back-to-back over keep-alive sockets and time, per stream, the first `data:` event
// (TTFC, from the request's start) and the stream's end. Two loads:
//   back-to-back: the agent with no pause between chunks (chunkDelayMs 0), 50 loops. Each stream is over
//     in well under a millisecond of work, so this is a saturating closed loop: it measures throughput,
//     and its TTFC is mostly queueing (streams in flight ÷ streams per second), for bare node:http too.
//   held open: the same answer with 10 ms between chunks (~0.45 s a stream, a fast model's pace), 50 loops:
//     50 streams are open at every moment, and TTFC is how soon a new one starts beside them.
// Prints streams/s, TTFC p50 and p99 (over every stream of every round), chunks/s, × bare and server CPU
// per stream; checks every stream carried every chunk and the right text and ended with [DONE], and that
// the server stored one exchange and one request-log row per stream.
// Target (issue: chat load): TTFC p99 <= 5 ms at 50 concurrent streams.
//
// --profile: runs ClawHQ Local under `node --cpu-prof` and writes its CPU profile to bench/profiles/.
// BENCH_LOADS=back-to-back,held-open picks loads; BENCH_STREAMS (client loops), BENCH_ROUNDS change the run.
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs'
import { Agent, createServer, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cliOn, cpuSeconds, PROFILE, PROFILE_DIR, start, startSubject, stopSubject } from './processes.mjs'

const SUBJECT_PORT = 7501
const BASELINE_PORT = 7502

// `node bench/chat-stream.mjs --baseline <port> <file>`: the baseline, run as its own process. It reads
// the question (as the server under test does), then writes the captured events, back-to-back or with
// the agent's pause between chunks, and [DONE] right after the last one.
if (process.argv[2] === '--baseline') {
  const [port, responseFile] = process.argv.slice(3)
  const { headers, events, delayByAgent } = JSON.parse(readFileSync(responseFile, 'utf8'))
  const buffers = events.map((event) => Buffer.from(event))
  createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (text) => (body += text))
    req.on('end', () => {
      const delayMs = delayByAgent[JSON.parse(body).agent] ?? 0
      res.writeHead(200, headers)
      let next = 0
      const writeChunk = () => {
        res.write(buffers[next++])
        if (next < buffers.length - 1) setTimeout(writeChunk, delayMs)
        else res.end(buffers[next])
      }
      if (delayMs > 0) writeChunk()
      else {
        for (const buffer of buffers) res.write(buffer)
        res.end()
      }
    })
  }).listen(Number(port), '127.0.0.1', () => console.log(`baseline listening on ${port}`))
} else await main()

async function main() {
  const STREAMS = Number(process.env.BENCH_STREAMS ?? 50)
  const TARGET_TTFC_P99_MS = 5
  const LOADS = [
    { id: 'back-to-back', agent: 'bench-bot', chunkDelayMs: 0, warmupSeconds: 2, rounds: 3, seconds: 4 },
    { id: 'held-open', agent: 'bench-bot-held', chunkDelayMs: 10, warmupSeconds: 1, rounds: 2, seconds: 4 },
  ]
    .filter((load) => (process.env.BENCH_LOADS ?? 'back-to-back,held-open').split(',').includes(load.id))
    .map((load) => ({ ...load, rounds: Number(process.env.BENCH_ROUNDS ?? load.rounds) }))
  // About 600 characters: ~45 chunks of the scripted agent's default 16 characters.
  const REPLY =
    'Webhooks are HTTP callbacks that tell your server the moment something happens, so you never have to poll. ' +
    'When an event occurs, such as a key being revoked or a purchase completing, the platform sends a POST request ' +
    'with a JSON body describing the event to the URL you registered. Every delivery is signed with your endpoint ' +
    'secret in an HMAC-SHA256 header, so check the signature before trusting the body. Answer with any 2xx status ' +
    'within ten seconds; anything else counts as a failure and the delivery is retried with exponential backoff for ' +
    'up to three days. Each delivery carries an id: store it and skip repeats, because retries can arrive twice.'

  const dataDir = mkdtempSync(join(tmpdir(), 'clawhq-bench-chat-'))
  const cli = cliOn(dataDir)

  for (const load of LOADS) cli('agents', 'create', '--slug', load.agent, '--name', `Bench (${load.id})`, '--reply', REPLY, '--chunk-delay', String(load.chunkDelayMs))
  const tier = cli('tiers', 'create', '--name', 'bench (never refuses)', '--limit', '100000000', '--window', '60')
  const { key } = cli('keys', 'create', '--name', 'bench', '--tier', tier.id, '--scopes', 'chat')
  // One key holds every client loop's stream: lift the per-key stream cap (20 by default) well above them.
  cli('settings', 'set', '--chat-max-streams-per-key', String(Math.max(1000, STREAMS * 2)))
  const subject = await startSubject(dataDir, SUBJECT_PORT)
  const subjectOrigin = `http://127.0.0.1:${SUBJECT_PORT}`
  const httpAgent = new Agent({ keepAlive: true, maxSockets: STREAMS })
  let sentToSubject = 0

  /** One stream: status, time to the first `data:` event and to the end, `data:` events before [DONE], and the text when asked. */
  function streamOnce(origin, body, keepText = false) {
    return new Promise((resolve) => {
      const started = performance.now()
      const outcome = { status: 0, headers: null, ttfcMs: -1, totalMs: -1, chunks: 0, done: false, error: null, text: keepText ? '' : null, events: keepText ? [] : null }
      const req = request(
        `${origin}/api/v1/chat`,
        { method: 'POST', agent: httpAgent, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': body.length } },
        (res) => {
          outcome.status = res.statusCode
          outcome.headers = res.headers
          res.setEncoding('utf8')
          let pending = ''
          res.on('data', (text) => {
            pending += text
            for (let end = pending.indexOf('\n\n'); end !== -1; end = pending.indexOf('\n\n')) {
              const event = pending.slice(0, end + 2)
              pending = pending.slice(end + 2)
              if (!event.startsWith('data: ')) continue // a heartbeat comment
              if (outcome.ttfcMs < 0) outcome.ttfcMs = performance.now() - started
              if (outcome.events) outcome.events.push(event)
              const data = event.slice(6, -2)
              if (data === '[DONE]') outcome.done = true
              else if (outcome.done) outcome.error = 'data after [DONE]'
              else {
                outcome.chunks++
                if (keepText) outcome.text += JSON.parse(data).content ?? ''
              }
            }
          })
          res.on('end', () => {
            outcome.totalMs = performance.now() - started
            resolve(outcome)
          })
          res.on('error', (error) => {
            outcome.error = error.message
            resolve(outcome)
          })
        },
      )
      req.on('error', (error) => {
        outcome.error = error.message
        resolve(outcome)
      })
      req.end(body)
    })
  }

  // The subject's own answer, captured once, is what the bare server sends (the same for every load).
  const bodyOf = (load) => Buffer.from(JSON.stringify({ message: 'How do webhooks work?', agent: load.agent, stream: true }))
  const samples = []
  for (const load of LOADS) {
    const sample = await streamOnce(subjectOrigin, bodyOf(load), true)
    sentToSubject++
    if (sample.status !== 200 || !sample.done || sample.text !== REPLY) throw new Error(`the sample stream of ${load.agent} went wrong: ${JSON.stringify(sample)}`)
    if (samples.length > 0 && sample.events.join('') !== samples[0].events.join('')) throw new Error(`${load.agent} streamed other events than ${LOADS[0].agent}`)
    samples.push(sample)
  }
  const [{ events, headers: sampleHeaders }] = samples
  const CHUNKS = events.length - 1
  const headers = Object.fromEntries(
    Object.entries(sampleHeaders).filter(([name]) => !['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'].includes(name)),
  )
  const responseFile = join(dataDir, 'chat-stream-response.json')
  const delayByAgent = Object.fromEntries(LOADS.map((load) => [load.agent, load.chunkDelayMs]))
  writeFileSync(responseFile, JSON.stringify({ headers, events, delayByAgent }))
  const bare = await start(['bench/chat-stream.mjs', '--baseline', String(BASELINE_PORT), responseFile], /listening/)
  const eventBytes = events.reduce((sum, event) => sum + Buffer.byteLength(event), 0)
  const servers = [
    { name: 'bare node:http', origin: `http://127.0.0.1:${BASELINE_PORT}`, pid: bare.pid },
    { name: 'clawhq-local', origin: subjectOrigin, pid: subject.pid, subject: true },
  ]

  /**
   * STREAMS loops, each streaming back-to-back until `seconds` have passed; every 50th stream's text is
   * checked in full. Loops of held-open streams start spread over one stream's length, as a steady load would be.
   */
  async function run(server, load, seconds) {
    const body = bodyOf(load)
    const result = { streams: 0, chunks: 0, errors: 0, firstError: null, ttfc: [], seconds: 0, cpuSeconds: null }
    const cpuBefore = cpuSeconds(server.pid)
    const started = performance.now()
    const deadline = started + seconds * 1000
    const spreadMs = (CHUNKS - 1) * load.chunkDelayMs
    await Promise.all(
      Array.from({ length: STREAMS }, async (_, loop) => {
        if (spreadMs > 0) await new Promise((resolve) => setTimeout(resolve, (loop * spreadMs) / STREAMS))
        while (performance.now() < deadline) {
          const check = result.streams % 50 === 0
          const outcome = await streamOnce(server.origin, body, check)
          result.streams++
          result.chunks += outcome.chunks
          const wrong =
            outcome.error ??
            (outcome.status !== 200
              ? `status ${outcome.status}`
              : !outcome.done
                ? 'no [DONE]'
                : outcome.chunks !== CHUNKS
                  ? `${outcome.chunks} of ${CHUNKS} chunks`
                  : check && outcome.text !== REPLY
                    ? 'wrong text'
                    : null)
          if (wrong !== null) {
            result.errors++
            result.firstError ??= wrong
          } else result.ttfc.push(outcome.ttfcMs)
        }
      }),
    )
    result.seconds = (performance.now() - started) / 1000
    const cpuAfter = cpuSeconds(server.pid)
    if (cpuBefore !== null && cpuAfter !== null) result.cpuSeconds = cpuAfter - cpuBefore
    if (server.subject) sentToSubject += result.streams
    return result
  }

  /** Sums rounds; TTFC percentiles over every stream of them. */
  function summary(results) {
    const ttfc = results.flatMap((r) => r.ttfc).sort((a, b) => a - b)
    const at = (q) => ttfc[Math.min(ttfc.length - 1, Math.floor(q * ttfc.length))] ?? NaN
    const sum = (pick) => results.reduce((total, r) => total + pick(r), 0)
    const seconds = sum((r) => r.seconds)
    return {
      streams: sum((r) => r.streams),
      errors: sum((r) => r.errors),
      streamsPerSecond: sum((r) => r.streams) / seconds,
      chunksPerSecond: sum((r) => r.chunks) / seconds,
      p50: at(0.5),
      p99: at(0.99),
      cpuMicrosPerStream: results.every((r) => r.cpuSeconds !== null) ? (sum((r) => r.cpuSeconds) * 1e6) / sum((r) => r.streams) : null,
    }
  }

  const ms = (value) => `${value.toFixed(2)} ms`
  let errors = 0
  for (const load of LOADS) {
    console.log(`${load.id}: warming up (${STREAMS} concurrent streams of ${CHUNKS} chunks, ${load.chunkDelayMs} ms apart)…`)
    for (const server of servers) {
      const warm = await run(server, load, load.warmupSeconds)
      if (warm.errors > 0) throw new Error(`${server.name} warm-up: ${warm.errors} of ${warm.streams} streams failed (${warm.firstError})`)
    }
    load.results = new Map(servers.map((server) => [server.name, []]))
    for (let round = 1; round <= load.rounds; round++) {
      const line = []
      for (const server of round % 2 === 1 ? servers : [...servers].reverse()) {
        const result = await run(server, load, load.seconds)
        load.results.get(server.name).push(result)
        errors += result.errors
        if (result.errors > 0) console.log(`  ${server.name}: ${result.errors} of ${result.streams} streams failed, the first: ${result.firstError}`)
        const { streamsPerSecond, p50, p99 } = summary([result])
        line.push(`${server.name} ${Math.round(streamsPerSecond)} streams/s, TTFC p50 ${ms(p50)} p99 ${ms(p99)}`)
      }
      console.log(`${load.id} round ${round}: ${line.join(' | ')}`)
    }
  }

  await stopSubject(subject)
  bare.kill('SIGTERM')
  httpAgent.destroy()
  const { default: Database } = await import('better-sqlite3')
  const db = new Database(join(dataDir, 'clawhq.db'), { readonly: true })
  const logRows = db.prepare("select count(*) from request_log where path = '/api/v1/chat'").pluck().get()
  const answers = db.prepare("select count(*) from chat_messages where role = 'assistant' and error is null").pluck().get()
  db.close()
  rmSync(dataDir, { recursive: true, force: true })

  for (const load of LOADS) {
    const bareRun = summary(load.results.get('bare node:http'))
    console.log('')
    console.log(
      `POST /api/v1/chat, stream: true, ${load.id}: scripted agent, chunkDelayMs ${load.chunkDelayMs}, ${CHUNKS} chunks + [DONE] (${eventBytes} bytes of events); ` +
        `${STREAMS} concurrent streams, ${load.rounds} alternating rounds of ${load.seconds} s per server`,
    )
    console.log(`  ${'server'.padEnd(16)} ${'streams/s'.padStart(9)}   × bare   ${'TTFC p50'.padStart(9)}   ${'TTFC p99'.padStart(9)}   ${'chunks/s'.padStart(9)}   × bare   server CPU per stream`)
    for (const server of servers) {
      const ours = summary(load.results.get(server.name))
      const cpu = ours.cpuMicrosPerStream === null ? 'n/a' : `${Math.round(ours.cpuMicrosPerStream)} µs`
      console.log(
        `  ${server.name.padEnd(16)} ${Math.round(ours.streamsPerSecond).toString().padStart(9)}   ${(ours.streamsPerSecond / bareRun.streamsPerSecond).toFixed(2).padStart(5)}   ` +
          `${ms(ours.p50).padStart(9)}   ${ms(ours.p99).padStart(9)}   ${Math.round(ours.chunksPerSecond).toString().padStart(9)}   ` +
          `${(ours.chunksPerSecond / bareRun.chunksPerSecond).toFixed(2).padStart(5)}   ${cpu}`,
      )
    }
    const ours = summary(load.results.get('clawhq-local'))
    console.log(
      `  target: clawhq-local TTFC p99 <= ${TARGET_TTFC_P99_MS} ms at ${STREAMS} concurrent streams: ${ours.p99 <= TARGET_TTFC_P99_MS ? 'met' : 'not met'} ` +
        `(bare node:http: ${ms(bareRun.p99)}${bareRun.p99 <= TARGET_TTFC_P99_MS ? '' : ', not met either'})`,
    )
  }
  console.log('')
  console.log(`errors: ${errors} (streams that failed, lacked a chunk or [DONE], or carried the wrong text)`)
  console.log(
    `chat exchanges stored: ${answers}, request log rows for /api/v1/chat: ${logRows}, of ${sentToSubject} streams sent to clawhq-local: ` +
      `${answers === sentToSubject && logRows === sentToSubject ? 'exact' : 'MISMATCH'}`,
  )
  if (PROFILE) console.log(`CPU profile of clawhq-local: ${PROFILE_DIR}/ (newest .cpuprofile)`)
  if (errors > 0 || answers !== sentToSubject || logRows !== sentToSubject) process.exitCode = 1
}
