import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MethodInput, MethodOutput } from '../../src-shared/contract'
import { snippetFor, type SnippetLanguage } from '../../src-shared/snippets'
import { createKey, startServer, type TestServer } from '../helpers/core'

/**
 * "Copy as" against a live server (SPEC §5, §6): each exact request is sent from the playground first, then
 * its cURL snippet runs under bash, its Python snippet under python3 (requests), its JavaScript under
 * `node --input-type=module` and, where Go is installed, its Go program under `go run`, each with
 * CLAWHQ_API_KEY set to the key's secret; what each prints is checked against the answer the playground got.
 */

let server: TestServer
let secret = ''
let keyId = ''
let runs = 0

const hasGo = spawnSync('go', ['version']).status === 0
const GO_MISSING = 'go is not installed on this machine: the Go program is checked as text in test/unit/snippets.test.ts, not run'

/** Tricky for every language's quoting: quotes of both kinds, $, backticks, $( ), backslashes, braces, newlines, %, Unicode. */
const TRICKY = 'it\'s "quoted" $HOME `id` $(whoami) ${x} {y} \\ back\\slash \n second line\ttab 100% ünïcødé 😀 \u2028 end'

type Exchange = MethodOutput<'playground.send'>

async function playground(input: Omit<MethodInput<'playground.send'>, 'runId' | 'auth'> & { auth?: MethodInput<'playground.send'>['auth'] }): Promise<Exchange> {
  const result = await server.core.dispatch('playground.send', { auth: { kind: 'key', keyId }, runId: `run_snippets${++runs}`, remember: false, ...input }, 'gui')
  if (!result.ok) throw new Error(result.error.message)
  return result.value as Exchange
}

interface Ran {
  code: number | null
  stdout: string
  stderr: string
  /** How long before the program ended its first `data:` line was printed (0 when none was). */
  firstDataAheadMs: number
}

function run(command: string, args: string[], input: string | null, env: Record<string, string>): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    let firstDataAt: number | null = null
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      if (firstDataAt === null && stdout.includes('data:')) firstDataAt = performance.now()
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr, firstDataAheadMs: firstDataAt === null ? 0 : performance.now() - firstDataAt }))
    child.stdin.end(input ?? '')
  })
}

/** Runs a snippet the way a developer would after copying it, the key in the environment. */
async function runSnippet(language: SnippetLanguage, text: string, key = secret): Promise<string> {
  return (await runSnippetFully(language, text, key)).stdout
}

async function runSnippetFully(language: SnippetLanguage, text: string, key = secret): Promise<Ran> {
  const env = { CLAWHQ_API_KEY: key }
  let ran: Ran
  if (language === 'curl') ran = await run('bash', ['-c', text], null, env)
  else if (language === 'python') ran = await run('python3', ['-'], text, env)
  else if (language === 'javascript') ran = await run(process.execPath, ['--input-type=module'], text, env)
  else {
    const dir = mkdtempSync(join(tmpdir(), 'clawhq-go-snippet-'))
    try {
      writeFileSync(join(dir, 'main.go'), text)
      ran = await run('go', ['run', join(dir, 'main.go')], null, env)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  expect(ran.stderr, `${language} wrote to stderr:\n${text}`).toBe('')
  expect(ran.code, `${language} failed:\n${text}`).toBe(0)
  return ran
}

const body = (exchange: Exchange) => JSON.parse(exchange.response!.body) as Record<string, unknown>
/** The parts of an answer that differ from one request to the next. */
function stable(answer: Record<string, unknown>): Record<string, unknown> {
  const { request_id: _request, conversation_id: _conversation, ...rest } = answer
  if (typeof rest.error === 'object' && rest.error !== null) {
    const { request_id: _errorRequest, ...error } = rest.error as Record<string, unknown>
    return { ...rest, error }
  }
  return rest
}
const dataLines = (text: string) => text.split('\n').filter((line) => line.startsWith('data:'))

/** The JSON programs all print the answer; cURL prints it as the server sent it. */
async function expectSameJson(exchange: Exchange, key = secret) {
  const expected = stable(body(exchange))
  for (const language of ['curl', 'python', 'javascript'] as const) {
    const printed = await runSnippet(language, snippetFor(language, exchange.request), key)
    expect(stable(JSON.parse(printed)), language).toEqual(expected)
  }
}

beforeAll(async () => {
  server = await startServer()
  const roomy = server.core.services.tiers.create({ name: 'snippets', limit: 1_000, windowSeconds: 60 }, 'cli')
  const created = createKey(server, { name: 'snippets', tierId: roomy.id })
  secret = created.secret
  keyId = created.key.id
  const scripted = (slug: string, defaultReply: string, chunkChars: number, chunkDelayMs: number) =>
    server.core.services.agents.create({ slug, name: slug, description: '', provider: 'scripted', scripted: { rules: [], defaultReply, chunkChars, chunkDelayMs } }, 'cli')
  scripted('echo-bot', 'You said: {message}', 8, 0)
  scripted('slow-bot', 'one two three four five six seven eight nine ten eleven twelve', 4, 100)
})
afterAll(() => server?.close())

describe('GET with a query', () => {
  it('a listings page: every snippet prints the answer the playground got, cURL byte for byte', async () => {
    const exchange = await playground({ method: 'GET', path: '/api/v1/listings', query: [['category', 'automation'], ['sort', 'price_asc'], ['limit', '3']] })
    expect(exchange.response?.status).toBe(200)
    expect(exchange.request.url).toMatch(/\/api\/v1\/listings\?category=automation&sort=price_asc&limit=3$/)
    expect(await runSnippet('curl', snippetFor('curl', exchange.request))).toBe(exchange.response!.body)
    await expectSameJson(exchange)
  })

  it('a search whose query has quotes, $ and Unicode travels percent-encoded', async () => {
    const exchange = await playground({ method: 'GET', path: '/api/v1/listings/search', query: [['query', 'it\'s "web" $HOME ünï'], ['limit', '2']] })
    expect(exchange.response?.status).toBe(200)
    await expectSameJson(exchange)
  })
})

describe('POST chat', () => {
  it('as JSON: the seed\'s business-hours question answered the same way', async () => {
    const exchange = await playground({
      method: 'POST',
      path: '/api/v1/chat',
      body: JSON.stringify({ message: 'What are your business hours?', agent: 'support-bot' }, null, 2),
    })
    expect(exchange.response?.status).toBe(200)
    expect(body(exchange).response).toMatch(/9:00 to 18:00 UTC/)
    await expectSameJson(exchange)
  })

  it('streamed: every program prints the same data: lines, closed by [DONE], each as it arrives', async () => {
    const exchange = await playground({ method: 'POST', path: '/api/v1/chat', body: JSON.stringify({ message: 'hi', agent: 'slow-bot', stream: true }) })
    expect(exchange.response).toMatchObject({ status: 200, stream: true })
    const expected = dataLines(exchange.response!.body)
    expect(expected.length).toBeGreaterThan(10)
    expect(expected.at(-1)).toBe('data: [DONE]')
    for (const language of ['curl', 'python', 'javascript'] as const) {
      const ran = await runSnippetFully(language, snippetFor(language, exchange.request))
      expect(dataLines(ran.stdout), language).toEqual(expected)
      // 12 chunks 100 ms apart: the first line was out long before the last (nothing buffered the stream).
      expect(ran.firstDataAheadMs, language).toBeGreaterThan(600)
    }
  })
})

describe('refusals', () => {
  it('a key without the scope gets the same 403 envelope from every program', async () => {
    const chatOnly = createKey(server, { name: 'chat only', scopes: ['chat'] })
    const exchange = await playground({ method: 'GET', path: '/api/v1/listings', query: [['limit', '1']], auth: { kind: 'key', keyId: chatOnly.key.id } })
    expect(exchange.response?.status).toBe(403)
    expect(body(exchange).error).toMatchObject({ code: 'INSUFFICIENT_PERMISSIONS', details: { required: 'listings:read' } })
    await expectSameJson(exchange, chatOnly.secret)
  })
})

describe('bodies with awkward characters', () => {
  const cases: Array<[string, string]> = [
    // A native literal in JavaScript and Python (it writes back the same), a raw string in Go unless a backtick forbids it.
    ['pretty JSON with raw Unicode', JSON.stringify({ message: TRICKY, agent: 'echo-bot' }, null, 2)],
    // \u escapes: JavaScript and Python send the exact text instead.
    ['JSON with \\u escapes', `{"message": "caf\\u00e9 ${TRICKY.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n').replace(/\t/g, '\\t')}", "agent": "echo-bot"}`],
    // Not written back the same (a repeated key): the exact text everywhere; the API reads the last one.
    ['JSON with a repeated key', `{"message": "first", "message": ${JSON.stringify(TRICKY)}, "agent": "echo-bot"}`],
    // Not JSON at all: the API's INVALID_JSON; cURL must not read "@…" as a file name.
    ['a body starting with @ that is not JSON', `@${TRICKY}`],
  ]

  for (const [name, text] of cases) {
    it(`${name}: each program sends it unchanged and prints the same answer`, async () => {
      const exchange = await playground({ method: 'POST', path: '/api/v1/chat', body: text })
      if (text.startsWith('@')) {
        expect(exchange.response?.status).toBe(400)
        expect(body(exchange).error).toMatchObject({ code: 'INVALID_JSON' })
      } else {
        expect(exchange.response?.status).toBe(200)
        expect(body(exchange).response).toBe(`You said: ${(JSON.parse(text) as { message: string }).message}`)
        expect(body(exchange).response).toContain('ünïcødé 😀')
      }
      await expectSameJson(exchange)
    })
  }
})

describe('Go', () => {
  it('the Go program prints the answer the playground got (GET with a query, POST with an awkward body, a stream)', async (context) => {
    context.skip(!hasGo, GO_MISSING)
    const listings = await playground({ method: 'GET', path: '/api/v1/listings', query: [['limit', '2']] })
    expect(stable(JSON.parse(await runSnippet('go', snippetFor('go', listings.request))))).toEqual(stable(body(listings)))
    const tricky = await playground({ method: 'POST', path: '/api/v1/chat', body: JSON.stringify({ message: TRICKY, agent: 'echo-bot' }) })
    expect(stable(JSON.parse(await runSnippet('go', snippetFor('go', tricky.request))))).toEqual(stable(body(tricky)))
    const stream = await playground({ method: 'POST', path: '/api/v1/chat', body: JSON.stringify({ message: 'hi', agent: 'slow-bot', stream: true }) })
    expect(dataLines(await runSnippet('go', snippetFor('go', stream.request)))).toEqual(dataLines(stream.response!.body))
  })
})
