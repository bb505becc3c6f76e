import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { killChild, runCli, spawnServe, tempDir } from '../helpers/core'

/** A port another program holds: one line saying which and how to choose another; the data directory is let go. */

let occupier: Server | undefined
let child: ChildProcess | undefined
afterEach(async () => {
  occupier?.close()
  occupier = undefined
  await killChild(child)
  child = undefined
})

async function occupyPort(): Promise<number> {
  occupier = createServer()
  occupier.listen(0, '127.0.0.1')
  await once(occupier, 'listening')
  const address = occupier.address()
  if (!address || typeof address === 'string') throw new Error('no port')
  return address.port
}

function expectOneLineRefusal(result: { code: number | null; stdout: string; stderr: string }): string {
  expect(result.code).not.toBe(0)
  expect(result.code).not.toBeNull()
  const errors = result.stderr.split('\n').filter((line) => line.startsWith('error:'))
  expect(errors, result.stderr).toHaveLength(1)
  expect(result.stderr.trim().split('\n'), result.stderr).toHaveLength(1)
  expect(result.stderr).not.toMatch(/^\s+at /m)
  expect(result.stdout).not.toMatch(/API:/)
  return errors[0]
}

describe('serve on a port in use', () => {
  it('says in one line which port is taken and how to choose another, exits non-zero and frees the data directory', async () => {
    const port = await occupyPort()
    const dataDir = tempDir()
    const line = expectOneLineRefusal(await runCli(['serve', '--port', String(port), '--data-dir', dataDir]))
    expect(line).toBe(
      `error: Port ${port} on 127.0.0.1 is already in use by another program (perhaps another clawhq-local serve). ` +
        'Stop it, or choose another port with --port <port> or the CLAWHQ_PORT environment variable.',
    )
    expect(existsSync(join(dataDir, 'server.json'))).toBe(false)
    // The lock and the database were released: a server starts on the same data directory at once.
    const served = await spawnServe(['--data-dir', dataDir, '--port', '0'])
    child = served.child
    expect(served.apiBaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/)
  })

  it('takes its port from CLAWHQ_PORT when --port is not given', async () => {
    const port = await occupyPort()
    const line = expectOneLineRefusal(await runCli(['serve', '--data-dir', tempDir()], { CLAWHQ_PORT: String(port) }))
    expect(line).toContain(`Port ${port} on 127.0.0.1`)
  })

  it('lets --port win over CLAWHQ_PORT', async () => {
    const port = await occupyPort()
    child = spawn(process.execPath, ['bin/clawhq-local.js', 'serve', '--port', '0', '--data-dir', tempDir()], {
      env: { ...process.env, CLAWHQ_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout!.on('data', (d) => (out += d))
    child.stderr!.on('data', (d) => (out += d))
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (/API:\s+\S+/.test(out)) {
          clearInterval(timer)
          resolve()
        }
        if (child!.exitCode !== null) {
          clearInterval(timer)
          reject(new Error(out))
        }
      }, 50)
    })
    expect(out).not.toContain(`:${port}/`)
  })

  it('refuses a CLAWHQ_PORT or --port that is not a port', async () => {
    const fromEnv = await runCli(['serve', '--data-dir', tempDir()], { CLAWHQ_PORT: 'seventy' })
    expect(fromEnv.code).toBe(1)
    expect(fromEnv.stderr).toMatch(/^error: option '--port <port>' value 'seventy' from env 'CLAWHQ_PORT' is invalid\. A port is a whole number from 0 to 65535/)
    const fromFlag = await runCli(['serve', '--port', '70000', '--data-dir', tempDir()])
    expect(fromFlag.code).toBe(1)
    expect(fromFlag.stderr).toMatch(/^error: option '--port <port>' argument '70000' is invalid\./)
  })
})
