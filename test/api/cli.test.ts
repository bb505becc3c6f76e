import { request as httpsRequest } from 'node:https'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { cliJson, killChild, runCli, spawnServe, tempDir } from '../helpers/core'
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'

let child: ChildProcess | undefined
afterEach(async () => {
  await killChild(child)
  child = undefined
})

const json = cliJson

describe('clawhq-local CLI', () => {
  it('creates a custom tier whose id keys create --tier accepts, and prints the key once in JSON', async () => {
    const dataDir = tempDir()
    const tier = await json(['tiers', 'create', '--name', 'burst', '--limit', '5', '--window', '10', '--data-dir', dataDir])
    expect(tier).toMatchObject({ name: 'burst', limit: 5, windowSeconds: 10, window: '10s', builtIn: false })
    const key = await json(['keys', 'create', '--name', 'svc', '--tier', tier.id, '--scopes', 'chat,keys', '--expires', '30d', '--data-dir', dataDir])
    expect(key).toMatchObject({ name: 'svc', tier: tier.id, scopes: ['chat', 'keys'] })
    expect(key.key).toMatch(/^clw_[0-9A-Za-z]{32}$/)
    expect(Date.parse(key.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000)

    const list = await json(['keys', 'list', '--data-dir', dataDir])
    expect(list).toHaveLength(1)
    expect(JSON.stringify(list)).not.toContain(key.key)
    const rolled = await json(['keys', 'roll', key.id, '--grace', '15m', '--data-dir', dataDir])
    expect(rolled.key).not.toBe(key.key)
    expect(rolled.previous.status).toBe('grace')
    const audit = await json(['audit', '--data-dir', dataDir])
    expect(audit.map((e: { action: string; actor: string }) => `${e.actor} ${e.action}`)).toEqual(['cli key.rolled', 'cli key.created', 'cli tier.created'])
  })

  it('runs as npx clawhq-local in the checkout (the package bin)', async () => {
    const { spawnSync } = await import('node:child_process')
    const result = spawnSync('npx', ['--no-install', 'clawhq-local', '--version'], { encoding: 'utf8' })
    expect(result.status).toBe(0)
    expect(result.stdout.trim()).toBe(JSON.parse((await import('node:fs')).readFileSync('package.json', 'utf8')).version)
  })

  it('refuses bad input with a clear message and a non-zero exit, changing nothing', async () => {
    const dataDir = tempDir()
    const badTier = await runCli(['keys', 'create', '--name', 'x', '--tier', 'nope', '--data-dir', dataDir])
    expect(badTier.code).toBe(1)
    expect(badTier.stderr).toMatch(/No rate-limit tier with id nope/)
    const badScope = await runCli(['keys', 'create', '--name', 'x', '--scopes', 'root', '--data-dir', dataDir])
    expect(badScope.stderr).toMatch(/Unknown scope\(s\): root/)
    const badWindow = await runCli(['tiers', 'create', '--name', 'x', '--limit', '5', '--window', 'soon', '--data-dir', dataDir])
    expect(badWindow.code).not.toBe(0)
    expect(await json(['keys', 'list', '--data-dir', dataDir])).toEqual([])
  })

  it('serve prints the API and admin URLs and on SIGTERM flushes every logged request before exiting 0', async () => {
    const dataDir = tempDir()
    const { key } = await json(['keys', 'create', '--name', 'k', '--data-dir', dataDir])
    const served = await spawnServe(['--data-dir', dataDir, '--port', '0', '--admin-token', 'tok'])
    child = served.child
    expect(served.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/admin\/\?token=tok$/)
    for (let i = 0; i < 25; i++) {
      const response = await fetch(`${served.apiBaseUrl}/me`, { headers: { authorization: `Bearer ${key}` } })
      expect(response.status).toBe(200)
    }
    child.kill('SIGTERM')
    const [code] = await once(child, 'exit')
    expect(code).toBe(0)
    const db = new Database(`${dataDir}/clawhq.db`, { readonly: true })
    expect(db.prepare('select count(*) from request_log').pluck().get()).toBe(25)
    db.close()
  })

  it('settings set by the CLI apply to the running server from the next request', async () => {
    const dataDir = tempDir()
    const served = await spawnServe(['--data-dir', dataDir, '--port', '0', '--admin-token', 'tok'])
    child = served.child
    const health = `${served.apiBaseUrl}/health`
    const fromApp = () => fetch(health, { headers: { origin: 'http://app.example' } })
    expect((await fromApp()).status).toBe(403)

    const saved = await json(['settings', 'set', '--cors-origins', 'http://app.example', '--retention-days', '7', '--data-dir', dataDir])
    expect(saved).toMatchObject({ requestLogRetentionDays: 7, corsOrigins: ['http://app.example'], allowedHosts: [] })
    const allowed = await fromApp()
    expect(allowed.status).toBe(200)
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://app.example')
    expect(await json(['settings', '--data-dir', dataDir])).toMatchObject({ requestLogRetentionDays: 7 })

    const refused = await runCli(['settings', 'set', '--cors-origins', 'not a url', '--data-dir', dataDir])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/Invalid input for settings\.set/)
    expect((await fromApp()).status).toBe(200)
  })

  it('refuses to serve plain HTTP on a non-loopback address', async () => {
    const result = await runCli(['serve', '--host', '0.0.0.0', '--port', '0', '--data-dir', tempDir()])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/Refusing to serve plain HTTP on 0\.0\.0\.0.*needs TLS/)
  })

  it('serves HTTPS with a generated self-signed certificate under --tls', async () => {
    const served = await spawnServe(['--data-dir', tempDir(), '--port', '0', '--tls'])
    child = served.child
    expect(served.apiBaseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/api\/v1$/)
    const body = await new Promise<string>((resolve, reject) => {
      httpsRequest(`${served.apiBaseUrl}/health`, { rejectUnauthorized: false }, (res) => {
        let text = ''
        res.on('data', (d) => (text += d)).on('end', () => resolve(text))
      })
        .on('error', reject)
        .end()
    })
    expect(JSON.parse(body)).toMatchObject({ success: true, data: { status: 'ok' } })
  })

  it('backs up the database online while the server writes, to a file that passes integrity_check', async () => {
    const dataDir = tempDir()
    const served = await spawnServe(['--data-dir', dataDir, '--port', '0', '--admin-token', 'tok'])
    child = served.child
    const origin = new URL(served.apiBaseUrl).origin
    const writes = Array.from({ length: 40 }, (_, i) =>
      fetch(`${origin}/admin/rpc/keys.create`, {
        method: 'POST',
        headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
        body: JSON.stringify({ name: `k${i}` }),
      }),
    )
    const backupFile = `${tempDir()}/backup.db`
    const backup = runCli(['backup', backupFile, '--data-dir', dataDir])
    await Promise.all(writes)
    expect((await backup).code).toBe(0)
    const db = new Database(backupFile, { readonly: true })
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(db.prepare('select count(*) from tiers where built_in = 1').pluck().get()).toBe(6)
    db.close()
  })
})
