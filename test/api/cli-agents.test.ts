import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/core'
import { rmSync } from 'node:fs'

/** `clawhq-local agents …` and `keys faults …`, run as their own processes on a data directory. */
let dataDir: string
beforeAll(() => {
  dataDir = tempDir()
})
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

async function json(args: string[]) {
  const result = await runCli([...args, '--data-dir', dataDir, '--json'])
  expect(result.code, result.stderr).toBe(0)
  return JSON.parse(result.stdout)
}

describe('agents', () => {
  it('lists support-bot on a new data directory', async () => {
    const list = await json(['agents', 'list'])
    expect(list.map((a: { slug: string }) => a.slug)).toEqual(['support-bot'])
    const text = await runCli(['agents', '--data-dir', dataDir])
    expect(text.stdout).toMatch(/support-bot\s+Support Bot\s+scripted/)
  })

  it('creates, updates and deletes an openai-compatible agent; its API key is stored sealed and never printed', async () => {
    const created = await json([
      'agents', 'create', '--slug', 'ollama', '--name', 'Ollama', '--provider', 'openai-compatible',
      '--base-url', 'http://127.0.0.1:11434/v1', '--model', 'llama3.2', '--api-key', 'sk-cli-secret-77', '--temperature', '0.3',
    ])
    expect(created).toMatchObject({ slug: 'ollama', provider: 'openai-compatible', upstream: { model: 'llama3.2', temperature: 0.3, hasApiKey: true } })
    expect(JSON.stringify(created)).not.toContain('sk-cli-secret-77')

    const updated = await json(['agents', 'update', 'ollama', '--model', 'qwen2.5', '--system-prompt', 'Be brief.'])
    expect(updated.upstream).toMatchObject({ model: 'qwen2.5', systemPrompt: 'Be brief.', baseUrl: 'http://127.0.0.1:11434/v1', hasApiKey: true })
    const cleared = await json(['agents', 'update', 'ollama', '--api-key', 'none'])
    expect(cleared.upstream.hasApiKey).toBe(false)

    const missing = await runCli(['agents', 'create', '--slug', 'half', '--name', 'Half', '--provider', 'openai-compatible', '--data-dir', dataDir])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/needs --base-url and --model/)
    const duplicate = await runCli(['agents', 'create', '--slug', 'ollama', '--name', 'Again', '--reply', 'hi', '--data-dir', dataDir])
    expect(duplicate.code).toBe(1)
    expect(duplicate.stderr).toMatch(/exists already/)

    await json(['agents', 'delete', 'ollama'])
    expect((await json(['agents', 'list'])).some((a: { slug: string }) => a.slug === 'ollama')).toBe(false)
    const builtIn = await runCli(['agents', 'delete', 'support-bot', '--data-dir', dataDir])
    expect(builtIn.code).toBe(1)
    expect(builtIn.stderr).toMatch(/cannot be deleted/)
  })

  it('creates a scripted agent from its default reply', async () => {
    const agent = await json(['agents', 'create', '--slug', 'echo', '--name', 'Echo', '--reply', 'You said: {message}', '--chunk-delay', '0'])
    expect(agent.scripted).toMatchObject({ defaultReply: 'You said: {message}', chunkDelayMs: 0, rules: [] })
  })
})

describe('keys faults', () => {
  it('switches fault injection on with its settings and off again', async () => {
    const created = await json(['keys', 'create', '--name', 'flaky'])
    const on = await runCli(['keys', 'faults', created.id, '--fail', '429', '--percent', '50', '--chat-only', '--retry-after', '3', '--data-dir', dataDir])
    expect(on.code, on.stderr).toBe(0)
    expect(on.stdout).toMatch(/50 % of chat requests now get 429 RATE_LIMIT_EXCEEDED \(Retry-After 3 s\)/)
    const listed = await json(['keys', 'list'])
    expect(listed.find((k: { id: string }) => k.id === created.id).faults).toEqual({
      kind: 'error_429', percent: 50, routes: 'chat', latencyMs: 1000, afterChunks: 3, retryAfterSeconds: 3,
    })
    const cut = await json(['keys', 'faults', created.id, '--fail', 'stream-cut', '--after-chunks', '2'])
    expect(cut.faults).toMatchObject({ kind: 'stream_cut', afterChunks: 2, percent: 100 })
    const off = await json(['keys', 'faults', created.id, '--off'])
    expect(off.faults).toBeNull()
    const neither = await runCli(['keys', 'faults', created.id, '--data-dir', dataDir])
    expect(neither.code).toBe(1)
    expect(neither.stderr).toMatch(/--fail .* or --off/)
    const bad = await runCli(['keys', 'faults', created.id, '--fail', '429', '--percent', '0', '--data-dir', dataDir])
    expect(bad.code).toBe(1)
  })
})

describe('settings set: the chat limits', () => {
  it('sets them, and refuses values out of range without changing anything', async () => {
    const saved = await json(['settings', 'set', '--chat-max-streams-per-key', '5', '--upstream-idle-timeout', '30', '--chat-max-message-chars', '1000'])
    expect(saved).toMatchObject({ chatMaxStreamsPerKey: 5, upstreamIdleTimeoutSeconds: 30, chatMaxMessageChars: 1000, upstreamConnectTimeoutSeconds: 10 })
    const refused = await runCli(['settings', 'set', '--chat-max-streams-per-key', '0', '--data-dir', dataDir])
    expect(refused.code).toBe(1)
    expect((await json(['settings'])).chatMaxStreamsPerKey).toBe(5)
  })
})
