import { execFile, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../helpers/core'

/**
 * Seed 001's chat examples, copied from the document byte for byte into test/api/seed-chat/ (a script cut
 * them out; nothing was retyped), run as their own programs against a real server. The only change is the
 * one the README asks of a user: the host (https://app.clawhq.tech → the local server's origin).
 * Each prints the agent's answer to the seed's question, "What are your business hours?".
 */

const run = promisify(execFile)
const SNIPPETS = join(import.meta.dirname, 'seed-chat')
const SEED_HOST = 'https://app.clawhq.tech'

let server: TestServer
let secret: string
let work: string
beforeAll(async () => {
  server = await startServer()
  secret = server.core.services.keys.create({ name: 'seed examples', scopes: ['chat'] }, 'cli').secret
  work = mkdtempSync(join(tmpdir(), 'clawhq-seed-chat-'))
})
afterAll(async () => {
  await server?.close()
})

/** The snippet with the host replaced, written where it can run. */
function localCopy(name: string, as = name): string {
  const text = readFileSync(join(SNIPPETS, name), 'utf8')
  expect(text).toContain(SEED_HOST)
  const file = join(work, as)
  writeFileSync(file, text.replaceAll(SEED_HOST, server.origin))
  return file
}

const env = () => ({ ...process.env, CLAWHQ_API_KEY: secret })
const has = (command: string, args: string[]) => spawnSync(command, args, { stdio: 'ignore' }).status === 0
const ANSWER = /^Our business hours are Monday to Friday, 9:00 to 18:00 UTC/

describe("seed 001's chat examples, verbatim", () => {
  it('JavaScript / Node.js prints data.response', async () => {
    const { stdout } = await run(process.execPath, [localCopy('chat.mjs')], { env: env(), timeout: 20_000 })
    expect(stdout).toMatch(ANSWER)
  })

  const python = has('python3', ['-c', 'import requests'])
  it.skipIf(!python)(`Python (requests) prints data["response"]${python ? '' : ' — skipped: python3 with requests is not installed here'}`, async () => {
    const { stdout } = await run('python3', [localCopy('chat.py')], { env: env(), timeout: 20_000 })
    expect(stdout).toMatch(ANSWER)
  })

  const curl = has('curl', ['--version'])
  it.skipIf(!curl)(`cURL prints the JSON answer${curl ? '' : ' — skipped: curl is not installed here'}`, async () => {
    const { stdout } = await run('bash', [localCopy('chat.sh')], { env: env(), timeout: 20_000 })
    const body = JSON.parse(stdout)
    expect(body.response).toMatch(ANSWER)
    expect(body.agent).toBe('support-bot')
    expect(body.conversation_id).toMatch(/^conv_/)
  })

  // The Go example is a fragment (no package, imports or output): it runs inside a main that prints the body.
  const go = has('go', ['version'])
  it.skipIf(!go)(`Go (net/http) gets the answer${go ? '' : ' — skipped: no Go toolchain on this machine (go not found)'}`, async () => {
    const fragment = readFileSync(localCopy('chat-snippet.go.txt'), 'utf8')
    const program = join(work, 'main.go')
    writeFileSync(
      program,
      `package main\n\nimport (\n\t"bytes"\n\t"encoding/json"\n\t"fmt"\n\t"io"\n\t"net/http"\n\t"os"\n)\n\nfunc main() {\n${fragment}\n\tout, _ := io.ReadAll(resp.Body)\n\tfmt.Println(string(out))\n}\n`,
    )
    const { stdout } = await run('go', ['run', program], { env: env(), timeout: 120_000 })
    expect(JSON.parse(stdout).response).toMatch(ANSWER)
  })
})
