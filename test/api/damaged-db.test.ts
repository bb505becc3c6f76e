import { createHash, randomBytes } from 'node:crypto'
import { closeSync, existsSync, openSync, readFileSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs'
import BetterSqlite3 from 'better-sqlite3'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { openServices } from '../../src-main/core/app'
import { dataDirWithKeys, runCli, tempDir } from '../helpers/core'
import { assertBuilt } from '../helpers/reliability'

/** A damaged database is found at start and refused in one line; nothing more is written into it. */

beforeAll(() => assertBuilt())


function damageMiddle(file: string, bytes = 16 * 1024): void {
  const size = statSync(file).size
  const fd = openSync(file, 'r+')
  writeSync(fd, randomBytes(bytes), 0, bytes, Math.floor(size / 2 / 4096) * 4096)
  closeSync(fd)
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')

function expectOneLineRefusal(result: { code: number | null; stdout: string; stderr: string }): string {
  expect(result.code).not.toBe(0)
  const lines = result.stderr.trim().split('\n')
  expect(lines, result.stderr).toHaveLength(1)
  expect(lines[0]).toMatch(/^error: /)
  expect(result.stderr).not.toMatch(/\n\s+at /)
  expect(result.stdout).not.toMatch(/API:/)
  return lines[0]
}

describe('starting on a damaged database', () => {
  it('refuses a file with 16 KiB of random bytes in the middle, in one line naming it and the way out, and writes nothing into it', async () => {
    const dataDir = await dataDirWithKeys(300)
    const file = join(dataDir, 'clawhq.db')
    damageMiddle(file)
    const before = sha256(file)
    const line = expectOneLineRefusal(await runCli(['serve', '--data-dir', dataDir, '--port', '0']))
    expect(line).toContain(file)
    expect(line).toMatch(/is damaged/)
    expect(line).toMatch(/clawhq-local restore .* --data-dir /)
    expect(sha256(file)).toBe(before)
  })

  it('refuses a damaged file in the one-shot commands too', async () => {
    const dataDir = await dataDirWithKeys(300)
    damageMiddle(join(dataDir, 'clawhq.db'))
    const line = expectOneLineRefusal(await runCli(['keys', 'list', '--data-dir', dataDir]))
    expect(line).toMatch(/is damaged/)
  })

  it('refuses a file whose header is overwritten ("not a database")', async () => {
    const dataDir = await dataDirWithKeys(3)
    const file = join(dataDir, 'clawhq.db')
    const fd = openSync(file, 'r+')
    writeSync(fd, randomBytes(100), 0, 100, 0)
    closeSync(fd)
    const line = expectOneLineRefusal(await runCli(['serve', '--data-dir', dataDir, '--port', '0']))
    expect(line).toContain(file)
    expect(line).toMatch(/is damaged/)
  })

  it('reports a zero-length database file instead of starting an empty store on it', async () => {
    const dataDir = await dataDirWithKeys(3)
    const file = join(dataDir, 'clawhq.db')
    truncateSync(file, 0)
    const line = expectOneLineRefusal(await runCli(['serve', '--data-dir', dataDir, '--port', '0']))
    expect(line).toContain(file)
    expect(line).toMatch(/empty: 0 bytes/)
    expect(statSync(file).size).toBe(0)
  })

  it('checks the whole file after a clean close too, once the file has changed since: damage in the request log is found', async () => {
    const dataDir = await dataDirWithKeys(3)
    const file = join(dataDir, 'clawhq.db')
    const services = await openServices(dataDir)
    const insert = services.store.sqlite.prepare(
      "insert into request_log (id, at, key_id, method, path, status, latency_ms, error_code, source) values (?, 0, null, 'GET', '/api/v1/me', 200, 1, null, 'api')",
    )
    services.store.transaction(() => {
      for (let i = 0; i < 20_000; i++) insert.run(`req_${i}`)
    })
    services.close()
    expect(existsSync(`${file}.clean-close`)).toBe(true)
    // A leaf page of the request log, far from the small tables.
    const reader = new BetterSqlite3(file, { readonly: true })
    const page = reader.prepare("select pageno from dbstat where name = 'request_log' and pagetype = 'leaf' order by pageno limit 1 offset 100").pluck().get() as number
    const pageSize = reader.pragma('page_size', { simple: true }) as number
    reader.close()
    await new Promise((resolve) => setTimeout(resolve, 20)) // a later mtime, even on a coarse clock
    const fd = openSync(file, 'r+')
    writeSync(fd, randomBytes(pageSize), 0, pageSize, (page - 1) * pageSize)
    closeSync(fd)
    const line = expectOneLineRefusal(await runCli(['serve', '--data-dir', dataDir, '--port', '0']))
    expect(line).toMatch(/is damaged/)
  })

  it('after a clean close of an unchanged file, starts without reading the whole request log', async () => {
    const dataDir = await dataDirWithKeys(3)
    const file = join(dataDir, 'clawhq.db')
    const first = await openServices(dataDir)
    first.close()
    expect(existsSync(`${file}.clean-close`)).toBe(true)
    const second = await openServices(dataDir)
    expect(existsSync(`${file}.clean-close`)).toBe(false) // used up: a crash from here on means a full check next time
    expect(second.keys.list()).toHaveLength(3)
    second.close()
  })

  it('names the path and the cause when the data directory cannot be used', async () => {
    const blocker = join(tempDir(), 'a-file')
    writeFileSync(blocker, 'not a folder')
    const line = expectOneLineRefusal(await runCli(['serve', '--data-dir', join(blocker, 'data'), '--port', '0']))
    expect(line).toContain(join(blocker, 'data'))
    expect(line).toMatch(/ENOTDIR|EEXIST|not a directory/)
  })
})
