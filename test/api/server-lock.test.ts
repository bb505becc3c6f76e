import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { ChildProcess } from 'node:child_process'
import { runCli, spawnServe, tempDir } from '../helpers/core'
import { assertBuilt } from '../helpers/reliability'

/** One server per data directory (item 4): a second one would keep its own limiter and double every limit. */
const children: ChildProcess[] = []
beforeAll(() => assertBuilt())
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL')
})

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())))

describe('a second server on one data directory', () => {
  it('is refused in one line naming the pid and port of the first, which keeps serving; one-shot commands still work', async () => {
    const dataDir = tempDir()
    const first = await spawnServe(['--data-dir', dataDir, '--port', '0'])
    children.push(first.child)
    const port = new URL(first.apiBaseUrl).port

    const second = await runCli(['serve', '--data-dir', dataDir, '--port', '0'])
    expect(second.code).not.toBe(0)
    const lines = second.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain(`pid ${first.child.pid}`)
    expect(lines[0]).toContain(`port ${port}`)
    expect(lines[0]).toContain(dataDir)
    expect(second.stdout).not.toMatch(/API:/)

    expect((await fetch(`${first.apiBaseUrl}/health`)).status).toBe(200)
    const created = await runCli(['keys', 'create', '--name', 'beside the server', '--data-dir', dataDir, '--json'])
    expect(created.code).toBe(0)
    const me = await fetch(`${first.apiBaseUrl}/me`, { headers: { authorization: `Bearer ${JSON.parse(created.stdout).key}` } })
    expect(me.status).toBe(200)
  })

  it('can start once the first has stopped, cleanly or killed', async () => {
    const dataDir = tempDir()
    const first = await spawnServe(['--data-dir', dataDir, '--port', '0'])
    first.child.kill('SIGTERM')
    await exited(first.child)
    const second = await spawnServe(['--data-dir', dataDir, '--port', '0'])
    second.child.kill('SIGKILL') // no clean-up at all: the operating system drops the lock
    await exited(second.child)
    const third = await spawnServe(['--data-dir', dataDir, '--port', '0'])
    children.push(third.child)
    expect((await fetch(`${third.apiBaseUrl}/health`)).status).toBe(200)
  })
})
