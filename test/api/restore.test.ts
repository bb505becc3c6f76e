import type { ChildProcess } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs'
import { basename, join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { openServices } from '../../src-main/core/app'
import { cliJson, dataDirWithKeys, killChild, runCli, spawnServe, tempDir } from '../helpers/core'
import { assertBuilt } from '../helpers/reliability'

/** `clawhq-local restore FILE`: a backup is checked all the way through before anything is replaced, and nothing is deleted. */

beforeAll(() => assertBuilt())

let child: ChildProcess | undefined
afterEach(async () => {
  await killChild(child)
  child = undefined
})

const json = cliJson

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')

/** The database and the files beside it, by hash: what a refused restore must leave exactly as it was. */
function fingerprint(dataDir: string): Record<string, string> {
  const files = readdirSync(dataDir).filter((name) => name.startsWith('clawhq.db'))
  return Object.fromEntries(files.map((name) => [name, sha256(join(dataDir, name))]))
}

const keyNames = async (dataDir: string) => ((await json(['keys', 'list', '--data-dir', dataDir])) as Array<{ name: string }>).map((k) => k.name).sort()


function expectRefusal(result: { code: number | null; stdout: string; stderr: string }, file: string, why: RegExp): void {
  expect(result.code).toBe(1)
  expect(result.stdout).toBe('')
  const lines = result.stderr.trim().split('\n')
  expect(lines, result.stderr).toHaveLength(1)
  expect(lines[0]).toMatch(/^error: Cannot restore from /)
  expect(lines[0]).toContain(file)
  expect(lines[0]).toMatch(why)
  expect(lines[0]).toMatch(/Nothing was changed\.$/)
}

describe('clawhq-local restore', () => {
  it('brings back exactly the keys of the backup and keeps the database it replaced', async () => {
    const dataDir = tempDir()
    await json(['keys', 'create', '--name', 'first', '--data-dir', dataDir])
    await json(['keys', 'create', '--name', 'second', '--data-dir', dataDir])
    const backupFile = join(tempDir(), 'backup.db')
    expect((await runCli(['backup', backupFile, '--data-dir', dataDir])).code).toBe(0)
    await json(['keys', 'create', '--name', 'third', '--data-dir', dataDir])
    await json(['keys', 'create', '--name', 'fourth', '--data-dir', dataDir])
    const before = sha256(join(dataDir, 'clawhq.db'))

    const result = await runCli(['restore', backupFile, '--data-dir', dataDir])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const [done, kept] = result.stdout.trim().split('\n')
    expect(done).toMatch(new RegExp(`^Restored ${join(dataDir, 'clawhq.db')} from ${backupFile} \\(2 keys, schema \\S+\\)\\.$`))
    const replaced = /^The database it replaced is kept as (\S+)\.$/.exec(kept)?.[1]
    expect(replaced).toMatch(new RegExp(`^${join(dataDir, 'clawhq.db.replaced-')}\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d-\\d{3}Z$`))

    expect(await keyNames(dataDir)).toEqual(['first', 'second'])
    expect(sha256(replaced!)).toBe(before)
    const old = new Database(replaced!, { readonly: true })
    expect(old.prepare('select name from api_keys order by name').pluck().all()).toEqual(['first', 'fourth', 'second', 'third'])
    old.close()
    // The backup's folder is left as it was found.
    expect(readdirSync(join(backupFile, '..'))).toEqual(['backup.db'])
  })

  it('prints what it did as JSON under --json, and restores into a data directory that has no database yet', async () => {
    const source = tempDir()
    await json(['keys', 'create', '--name', 'only', '--data-dir', source])
    const backupFile = join(tempDir(), 'backup.db')
    await json(['backup', backupFile, '--data-dir', source])
    const dataDir = join(tempDir(), 'new', 'data')
    const restored = await json(['restore', backupFile, '--data-dir', dataDir])
    expect(restored).toMatchObject({
      backup: { file: backupFile, keys: 1, schemaVersion: expect.any(String) },
      database: join(dataDir, 'clawhq.db'),
      replaced: null,
      replacedFiles: [],
    })
    expect(await keyNames(dataDir)).toEqual(['only'])
  })

  it('replaces a database damaged by 16 KiB of random bytes in its middle, keeping the damaged file as it was', async () => {
    const source = await dataDirWithKeys(3)
    const backupFile = join(tempDir(), 'backup.db')
    expect((await runCli(['backup', backupFile, '--data-dir', source])).code).toBe(0)
    const dataDir = await dataDirWithKeys(300)
    const file = join(dataDir, 'clawhq.db')
    const size = statSync(file).size
    const fd = openSync(file, 'r+')
    writeSync(fd, randomBytes(16 * 1024), 0, 16 * 1024, Math.floor(size / 2 / 4096) * 4096)
    closeSync(fd)
    const damaged = sha256(file)
    expect((await runCli(['keys', 'list', '--data-dir', dataDir])).stderr).toMatch(/is damaged/)

    const restored = await json(['restore', backupFile, '--data-dir', dataDir])
    expect(sha256(restored.replaced)).toBe(damaged)
    expect(await keyNames(dataDir)).toHaveLength(3)
  })

  it('folds in a -wal lying beside the backup', async () => {
    const source = tempDir()
    const services = await openServices(source)
    services.store.sqlite.pragma('wal_autocheckpoint = 0')
    services.keys.create({ name: 'in the wal' }, 'cli')
    const backupDir = tempDir()
    // A copy taken while the server ran: the newest commits are only in the -wal.
    copyFileSync(join(source, 'clawhq.db'), join(backupDir, 'copy.db'))
    copyFileSync(join(source, 'clawhq.db-wal'), join(backupDir, 'copy.db-wal'))
    services.close()
    expect(statSync(join(backupDir, 'copy.db-wal')).size).toBeGreaterThan(0)

    const dataDir = tempDir()
    await json(['restore', join(backupDir, 'copy.db'), '--data-dir', dataDir])
    expect(readdirSync(dataDir).filter((name) => name.startsWith('clawhq.db'))).toEqual(['clawhq.db'])
    expect(await keyNames(dataDir)).toEqual(['in the wal'])
  })

  it('moves the replaced database\'s -wal aside with it, so its last commits stay readable', async () => {
    const backupFile = join(tempDir(), 'backup.db')
    await json(['backup', backupFile, '--data-dir', await dataDirWithKeys(1)])
    // A server that died with commits still in its -wal: copies of the files as they were then.
    const crashed = tempDir()
    const dataDir = tempDir()
    const services = await openServices(crashed)
    services.store.sqlite.pragma('wal_autocheckpoint = 0')
    services.keys.create({ name: 'only in the wal' }, 'cli')
    copyFileSync(join(crashed, 'clawhq.db'), join(dataDir, 'clawhq.db'))
    copyFileSync(join(crashed, 'clawhq.db-wal'), join(dataDir, 'clawhq.db-wal'))
    services.close()

    const result = await runCli(['restore', backupFile, '--data-dir', dataDir])
    expect(result.code).toBe(0)
    const replaced = /kept as (\S+) \(with its -wal\)\.$/m.exec(result.stdout)?.[1]
    expect(replaced, result.stdout).toBeDefined()
    const aside = basename(replaced!)
    expect(readdirSync(dataDir).filter((name) => name.startsWith('clawhq.db')).sort()).toEqual(['clawhq.db', aside, `${aside}-wal`].sort())
    const old = new Database(replaced!, { readonly: true })
    expect(old.prepare('select name from api_keys').pluck().all()).toEqual(['only in the wal'])
    old.close()
    expect(await keyNames(dataDir)).toHaveLength(1)
    expect(await keyNames(dataDir)).not.toContain('only in the wal')
  })

  describe('refuses a bad backup in one line naming the file and why, leaving the database byte for byte as it was', () => {
    let dataDir: string
    let good: string
    let live: Database.Database

    beforeAll(async () => {
      dataDir = tempDir()
      await json(['keys', 'create', '--name', 'current', '--data-dir', dataDir])
      good = join(tempDir(), 'good.db')
      await json(['backup', good, '--data-dir', dataDir])
      // A connection that keeps commits in the -wal, so that the -wal and -shm are there to be checked too.
      live = new Database(join(dataDir, 'clawhq.db'))
      live.pragma('wal_autocheckpoint = 0')
      live.prepare(`update settings set value = value`).run()
      return () => live.close()
    })

    const cases: Array<[string, () => string, RegExp]> = [
      ['random bytes', () => write('random.db', randomBytes(64 * 1024)), /it is not a SQLite database/],
      ['an empty file', () => write('empty.db', Buffer.alloc(0)), /the file is empty \(0 bytes\)/],
      ['a text file', () => write('notes.txt', Buffer.from('these are not the keys you are looking for\n')), /it is not a SQLite database/],
      [
        'a truncated copy',
        () => {
          const file = write('truncated.db', readFileSync(good))
          truncateSync(file, Math.floor(statSync(file).size / 2))
          return file
        },
        /the backup is damaged/,
      ],
      [
        'a copy damaged in its middle',
        () => {
          const bytes = readFileSync(good)
          randomBytes(4096).copy(bytes, Math.floor(bytes.length / 2 / 4096) * 4096)
          return write('damaged.db', bytes)
        },
        /the backup is damaged|it is a SQLite database, but not one of ClawHQ Local/,
      ],
      [
        "another app's SQLite database",
        () => {
          const file = join(tempDir(), 'other-app.db')
          const db = new Database(file)
          db.exec('create table notes (id integer primary key, body text); insert into notes (body) values (\'hello\')')
          db.close()
          return file
        },
        /it is a SQLite database, but not one of ClawHQ Local \(it has no kysely_migration table\)/,
      ],
      [
        'a backup from a newer ClawHQ Local',
        () => {
          const file = write('newer.db', readFileSync(good))
          const db = new Database(file)
          db.prepare('insert into kysely_migration (name, timestamp) values (?, ?)').run('2099-01-01-001-future', new Date().toISOString())
          db.close()
          return file
        },
        /it was written by a newer ClawHQ Local \(it has migration 2099-01-01-001-future, this version knows up to \S+\); upgrade ClawHQ Local first/,
      ],
      ['a missing file', () => join(tempDir(), 'missing.db'), /no such file/],
      [
        'a folder',
        () => {
          const dir = join(tempDir(), 'folder.db')
          mkdirSync(dir)
          return dir
        },
        /it is not a file/,
      ],
    ]

    function write(name: string, bytes: Buffer): string {
      const file = join(tempDir(), name)
      writeFileSync(file, bytes)
      return file
    }

    it.each(cases)('%s', async (_label, make, why) => {
      const before = fingerprint(dataDir)
      expect(Object.keys(before)).toEqual(expect.arrayContaining(['clawhq.db', 'clawhq.db-shm', 'clawhq.db-wal']))
      const file = make()
      expectRefusal(await runCli(['restore', file, '--data-dir', dataDir]), file, why)
      expect(fingerprint(dataDir)).toEqual(before)
      expect(readdirSync(dataDir).filter((name) => /replaced|restoring/.test(name))).toEqual([])
    })
  })

  it('refuses while a server holds the data directory, naming its pid and port', async () => {
    const dataDir = tempDir()
    await json(['keys', 'create', '--name', 'live', '--data-dir', dataDir])
    const backupFile = join(tempDir(), 'backup.db')
    await json(['backup', backupFile, '--data-dir', dataDir])
    const served = await spawnServe(['--data-dir', dataDir, '--port', '0'])
    child = served.child
    const port = new URL(served.apiBaseUrl).port

    const result = await runCli(['restore', backupFile, '--data-dir', dataDir])
    expect(result.code).toBe(1)
    expect(result.stderr.trim()).toBe(
      `error: Cannot restore into ${dataDir}: ClawHQ Local (pid ${child.pid}, port ${port}, headless) is serving it. ` +
        'Stop that server first, then run restore again. Nothing was changed.',
    )
    expect(readdirSync(dataDir).filter((name) => /replaced|restoring/.test(name))).toEqual([])
    expect(existsSync(join(dataDir, 'clawhq.db'))).toBe(true)
  })
})
