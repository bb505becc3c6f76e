import { createHash } from 'node:crypto'
import { rmSync } from 'node:fs'
import { basename, join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, startServer, tempDir, type TestServer } from '../helpers/core'
import { assertBuilt, rawRequest, readAllFiles } from '../helpers/reliability'

/**
 * RELIABILITY #10 and SPEC §7: no key secret is stored. Keys are made through every door (admin
 * dispatch, the API, the CLI as its own process, rolls through the API and the CLI), used, the server is
 * flushed and closed, and then every byte in the data directory (db, -wal, -shm, logs) is searched.
 */

/** The forms a secret could leak in: as text, base64, base64url, hex, UTF-16, and its 32-character body alone. */
function leakForms(secret: string): Array<{ form: string; bytes: Buffer }> {
  const utf8 = Buffer.from(secret, 'utf8')
  return [
    { form: 'utf8', bytes: utf8 },
    { form: 'body', bytes: Buffer.from(secret.slice(4), 'utf8') },
    { form: 'random part', bytes: Buffer.from(secret.slice(4, 30), 'utf8') },
    { form: 'base64', bytes: Buffer.from(utf8.toString('base64').replace(/=+$/, '')) },
    { form: 'base64url', bytes: Buffer.from(utf8.toString('base64url')) },
    { form: 'hex', bytes: Buffer.from(utf8.toString('hex')) },
    { form: 'HEX', bytes: Buffer.from(utf8.toString('hex').toUpperCase()) },
    { form: 'utf16le', bytes: Buffer.from(secret, 'utf16le') },
  ]
}

function findLeaks(dir: string, secrets: Record<string, string>): string[] {
  const files = readAllFiles(dir)
  const leaks: string[] = []
  for (const [label, secret] of Object.entries(secrets))
    for (const { form, bytes } of leakForms(secret))
      for (const file of files) if (file.bytes.includes(bytes)) leaks.push(`${label} (${form}) in ${basename(file.path)}`)
  return leaks
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const hintOf = (secret: string) => `${secret.slice(0, 8)}…${secret.slice(-4)}`

describe('key secrets at rest', () => {
  let dataDir: string
  let server: TestServer
  const secrets: Record<string, string> = {}
  let filesWhileRunning: string[] = []
  let leaksWhileRunning: string[] = []

  beforeAll(async () => {
    assertBuilt()
    dataDir = tempDir('clawhq-secrets-')
    server = await startServer({ dataDir, requestLogFlushMs: 50 })
    const { origin } = server
    const use = async (secret: string) => {
      const bearer = { authorization: `Bearer ${secret}` }
      const statuses = [
        (await rawRequest(origin, { path: '/api/v1/me', headers: bearer })).status,
        (await rawRequest(origin, { path: '/api/v1/no-such-route', headers: bearer })).status,
        (await rawRequest(origin, { path: '/api/v1/keys', headers: bearer })).status,
        (await rawRequest(origin, { method: 'POST', path: '/api/v1/keys', headers: { ...bearer, 'content-type': 'application/json' }, body: '{"name":' })).status,
        (await rawRequest(origin, { path: '/api/v1/me', headers: { authorization: `Token ${secret}` } })).status,
        (await rawRequest(origin, { path: '/api/v1/me', headers: { authorization: `Bearer ${secret.slice(0, -1)}` } })).status,
      ]
      return statuses
    }

    // 1. the admin dispatch (what the GUI and the admin RPC call)
    const created = await server.core.dispatch('keys.create', { name: 'from the gui', scopes: ['keys', 'listings:read'], tierId: 'rpm-300' }, 'gui')
    if (!created.ok) throw new Error(created.error.message)
    const admin = created.value as { key: { id: string }; secret: string }
    secrets.gui = admin.secret

    // 2. the API, with a keys-scoped key: create, then roll with a grace period so both secrets work
    const auth = { authorization: `Bearer ${admin.secret}`, 'content-type': 'application/json' }
    const apiCreated = await rawRequest(origin, { method: 'POST', path: '/api/v1/keys', headers: auth, body: JSON.stringify({ name: 'from the api' }) })
    expect(apiCreated.status).toBe(201)
    secrets.api = apiCreated.body!.data.secret
    const apiRolled = await rawRequest(origin, {
      method: 'POST',
      path: `/api/v1/keys/${apiCreated.body!.data.key.id}/roll`,
      headers: auth,
      body: JSON.stringify({ graceSeconds: 3600 }),
    })
    expect(apiRolled.status).toBe(200)
    secrets.apiRolled = apiRolled.body!.data.secret

    // 3. the CLI, as its own process on the same data directory while the server runs
    const cliCreated = await runCli(['keys', 'create', '--name', 'from the cli', '--json', '--data-dir', dataDir])
    expect(cliCreated.code).toBe(0)
    const cliKey = JSON.parse(cliCreated.stdout) as { id: string; key: string; hint: string }
    secrets.cli = cliKey.key
    const cliRolled = await runCli(['keys', 'roll', cliKey.id, '--grace', '1h', '--json', '--data-dir', dataDir])
    expect(cliRolled.code).toBe(0)
    secrets.cliRolled = (JSON.parse(cliRolled.stdout) as { key: string }).key

    for (const [label, secret] of Object.entries(secrets)) {
      expect(secret, label).toMatch(/^clw_[0-9A-Za-z]{32}$/)
      const statuses = await use(secret)
      expect(statuses[0], `${label} works`).toBe(200)
      expect(statuses.slice(4), `${label} misused`).toEqual([401, 401])
    }
    // a revoked secret, used after its revocation
    await server.core.dispatch('keys.revoke', { id: cliKey.id }, 'gui')
    expect((await rawRequest(origin, { path: '/api/v1/me', headers: { authorization: `Bearer ${secrets.cli}` } })).status).toBe(401)

    // the live files, with the WAL still there
    await server.core.services.requestLog.flush()
    filesWhileRunning = readAllFiles(dataDir).map((f) => basename(f.path))
    leaksWhileRunning = findLeaks(dataDir, secrets)

    await server.close() // flushes the request log and the server log, checkpoints the WAL
  })

  afterAll(() => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  it('made five distinct secrets through the GUI dispatch, the API, an API roll, the CLI and a CLI roll', () => {
    expect(Object.keys(secrets)).toEqual(['gui', 'api', 'apiRolled', 'cli', 'cliRolled'])
    expect(new Set(Object.values(secrets)).size).toBe(5)
  })

  it('searched the live database, its -wal and -shm, and the server log', () => {
    expect(filesWhileRunning).toEqual(expect.arrayContaining(['clawhq.db', 'clawhq.db-wal', 'clawhq.db-shm', 'clawhq.log']))
  })

  it('searched a database that holds the request log of every use and the audit log of every change', () => {
    const db = new BetterSqlite3(join(dataDir, 'clawhq.db'), { readonly: true })
    try {
      expect(db.prepare('select count(*) from request_log').pluck().get()).toBeGreaterThanOrEqual(30)
      expect(db.prepare('select count(*) from request_log where key_id is not null').pluck().get()).toBeGreaterThanOrEqual(15)
      const actions = db.prepare('select action from audit_log order by id').pluck().all()
      expect(actions).toEqual(['key.created', 'key.created', 'key.rolled', 'key.created', 'key.rolled', 'key.revoked'])
    } finally {
      db.close()
    }
  })

  it('keeps no secret in any file while the server runs (db, -wal, -shm, logs)', () => {
    expect(leaksWhileRunning).toEqual([])
  })

  it('keeps no secret in any file after the server closed', () => {
    expect(readAllFiles(dataDir).length).toBeGreaterThan(0)
    expect(findLeaks(dataDir, secrets)).toEqual([])
  })

  it('stores each key’s SHA-256 hex and its hint clw_xxxx…yyyy in the database', () => {
    const db = readAllFiles(dataDir)
      .filter((f) => basename(f.path).startsWith('clawhq.db'))
      .map((f) => f.bytes)
    const all = Buffer.concat(db)
    for (const [label, secret] of Object.entries(secrets)) {
      expect(all.includes(Buffer.from(sha256(secret))), `${label} hash`).toBe(true)
      expect(all.includes(Buffer.from(hintOf(secret), 'utf8')), `${label} hint`).toBe(true)
    }
  })
})

describe('a key secret misplaced in a URL', () => {
  let dataDir: string
  let server: TestServer
  let secret: string

  beforeAll(async () => {
    dataDir = tempDir('clawhq-secrets-url-')
    server = await startServer({ dataDir })
    const created = await server.core.dispatch('keys.create', { name: 'url', scopes: ['keys'] }, 'gui')
    if (!created.ok) throw new Error(created.error.message)
    secret = (created.value as { secret: string }).secret
    const bearer = { authorization: `Bearer ${secret}` }
    // common mistakes: the secret as a query parameter, or instead of the key id
    await rawRequest(server.origin, { path: `/api/v1/me?api_key=${secret}`, headers: bearer })
    await rawRequest(server.origin, { method: 'DELETE', path: `/api/v1/keys/${secret}`, headers: bearer })
    await rawRequest(server.origin, { path: `/api/v1/me?key=${secret}` })
    await server.close()
  })

  afterAll(() => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  it('is not written to the request log (or any other file)', () => {
    expect(findLeaks(dataDir, { url: secret })).toEqual([])
  })
})
