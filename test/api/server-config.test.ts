import { createServer, type Server } from 'node:net'
import { request as httpsRequest } from 'node:https'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import type { MethodInput, MethodName, MethodOutput } from '../../src-shared/contract'
import { createCore } from '../../src-main/core/app'
import { createKey, startServer, tempDir, type TestServer } from '../helpers/core'

/**
 * Settings' server section (issue 12 item 4, SPEC §7): the port, bind address and certificate change while
 * the app runs (the HTTP server is rebuilt, nothing else restarts), are checked before anything is saved,
 * and are what the next start uses; backups are made and restored online, a bad file changing nothing.
 */
let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const result = await server!.core.dispatch(method, input, 'gui')
  if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code })
  return result.value as MethodOutput<M>
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })

async function waitFor<T>(probe: () => Promise<T>, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    try {
      return await probe()
    } catch (error) {
      if (Date.now() > deadline) throw error
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
}

/** GET over HTTPS trusting the server's self-signed certificate (this client only). */
const httpsGet = (url: string, headers: Record<string, string> = {}) =>
  new Promise<{ status: number; body: string; certificate: string }>((resolve, reject) => {
    const req = httpsRequest(url, { rejectUnauthorized: false, headers, agent: false }, (res) => {
      const certificate = (res.socket as import('node:tls').TLSSocket).getPeerCertificate().fingerprint256
      let body = ''
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode!, body, certificate }))
    })
    req.on('error', reject).end()
  })

describe('where the server listens', () => {
  it('moves to another port while running: the old one stops answering, keys and the admin token keep working', async () => {
    server = await startServer()
    const { secret } = createKey(server, { name: 'survivor' })
    const oldBase = server.apiBaseUrl
    const port = await freePort()
    const answer = await call('config.set', { port })
    expect(answer.restarting).toBe(true)
    expect(answer.next.apiBaseUrl).toBe(`http://127.0.0.1:${port}/api/v1`)
    expect(answer.next.adminUrl).toBe(`http://127.0.0.1:${port}/admin/?token=test-admin-token`)
    const me = await waitFor(async () => {
      const response = await fetch(`${answer.next.apiBaseUrl}/me`, { headers: { authorization: `Bearer ${secret}` } })
      return (await response.json()) as { data: { key: { name: string } } }
    })
    expect(me.data.key.name).toBe('survivor')
    await expect(fetch(`${oldBase}/health`)).rejects.toThrow()
    const rpc = await fetch(`http://127.0.0.1:${port}/admin/rpc/config.get`, { method: 'POST', headers: { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' }, body: '{}' })
    expect(((await rpc.json()) as { value: MethodOutput<'config.get'> }).value.running).toMatchObject({ port, apiBaseUrl: answer.next.apiBaseUrl })
    expect((await call('config.get', {})).saved.port).toBe(port)
  })

  it('refuses plain HTTP beyond loopback and a port in use, saving nothing and staying put', async () => {
    server = await startServer()
    const before = await call('config.get', {})
    await expect(call('config.set', { host: '0.0.0.0' })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/needs TLS/) })
    const taken: Server = await new Promise((resolve) => {
      const holder = createServer().listen(0, '127.0.0.1', () => resolve(holder))
    })
    const takenPort = (taken.address() as { port: number }).port
    await expect(call('config.set', { port: takenPort })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/in use/) })
    taken.close()
    await expect(call('config.set', { tls: { mode: 'files', certFile: '/nonexistent/cert.pem', keyFile: '/nonexistent/key.pem' } })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    const after = await call('config.get', {})
    expect(after).toEqual(before)
    expect((await fetch(`${server.apiBaseUrl}/health`)).status).toBe(200)
  })

  it('moves to every interface on the same port with TLS, and says why when TLS is off (not "port in use")', async () => {
    server = await startServer()
    const port = server.core.running().port
    await expect(call('config.set', { host: '0.0.0.0' })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/needs TLS/) })
    const moved = await call('config.set', { host: '0.0.0.0', tls: { mode: 'self-signed', certFile: null, keyFile: null } })
    expect(moved.restarting).toBe(true)
    expect(moved.next.apiBaseUrl).toBe(`https://127.0.0.1:${port}/api/v1`)
    const health = await waitFor(() => httpsGet(`${moved.next.apiBaseUrl}/health`))
    expect(health.status).toBe(200)
    const view = await call('config.get', {})
    expect(view).toMatchObject({ exposed: true, running: { host: '0.0.0.0', port, tls: true } })
    expect(view.certificate?.altNames).not.toContain('0.0.0.0')
  })

  it('refuses a certificate with a key that is not its own', async () => {
    server = await startServer()
    const dir = tempDir()
    const first = await call('config.generateCertificate', { hosts: [] })
    const { readFileSync } = await import('node:fs')
    const firstCert = readFileSync(first.certFile, 'utf8')
    await call('config.generateCertificate', { hosts: [] }) // a new key pair replaces the first
    writeFileSync(join(dir, 'cert.pem'), firstCert)
    writeFileSync(join(dir, 'key.pem'), readFileSync(join(server.dataDir, 'tls', 'key.pem'), 'utf8'))
    await expect(call('config.set', { tls: { mode: 'files', certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') } })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/cannot serve TLS together/),
    })
  })

  it('switches to a self-signed certificate and back, and the next start listens as saved', async () => {
    const dataDir = tempDir()
    server = await startServer({ dataDir })
    const port = await freePort()
    const secure = await call('config.set', { port, tls: { mode: 'self-signed', certFile: null, keyFile: null } })
    expect(secure.next.apiBaseUrl).toBe(`https://127.0.0.1:${port}/api/v1`)
    const health = await waitFor(() => httpsGet(`${secure.next.apiBaseUrl}/health`))
    expect(health.status).toBe(200)
    const view = await call('config.get', {})
    expect(view.running.tls).toBe(true)
    expect(view.certificate?.selfSigned).toBe(true)
    expect(view.certificate?.fingerprint256).toBe(health.certificate)
    await server.close()

    // No host, port or certificate given: what Settings saved.
    const core = await createCore({ dataDir, mode: 'headless', adminToken: 'test-admin-token' })
    try {
      const { apiBaseUrl } = await core.listen()
      expect(apiBaseUrl).toBe(`https://127.0.0.1:${port}/api/v1`)
      expect((await httpsGet(`${apiBaseUrl}/health`)).status).toBe(200)
      const plain = await core.dispatch('config.set', { tls: { mode: 'off', certFile: null, keyFile: null } }, 'gui')
      expect(plain.ok && (plain.value as MethodOutput<'config.set'>).next.apiBaseUrl).toBe(`http://127.0.0.1:${port}/api/v1`)
      await waitFor(async () => expect((await fetch(`http://127.0.0.1:${port}/api/v1/health`)).status).toBe(200))
    } finally {
      await core.close()
    }
    server = undefined
  })
})

describe('backup and restore', () => {
  it('restores a backup online: later changes are gone, a safety copy keeps them', async () => {
    server = await startServer()
    createKey(server, { name: 'before the backup' })
    const backup = await call('backup.create', {})
    const later = createKey(server, { name: 'after the backup' })
    expect((await call('backup.list', {})).map((b) => b.file)).toContain(backup.file)

    const restored = await call('backup.restore', { file: backup.file })
    const names = server.core.services.keys.list(true).map((k) => k.name)
    expect(names).toContain('before the backup')
    expect(names).not.toContain('after the backup')
    // The restored data answers the API at once; the later key does not exist any more.
    expect((await fetch(`${server.apiBaseUrl}/me`, { headers: { authorization: `Bearer ${later.secret}` } })).status).toBe(401)
    const safety = new BetterSqlite3(restored.safetyCopy.file, { readonly: true })
    try {
      expect(safety.prepare('select name from api_keys').pluck().all()).toContain('after the backup')
    } finally {
      safety.close()
    }
    const audit = server.core.services.audit.list({ limit: 5 }).entries.map((e) => e.action)
    expect(audit).toContain('backup.restored')
  })

  it('refuses a file that is not a backup, and changes nothing', async () => {
    server = await startServer()
    createKey(server, { name: 'kept' })
    const junk = join(tempDir(), 'junk.db')
    writeFileSync(junk, 'SQLite format 3\0'.padEnd(8192, 'x'))
    const before = server.core.services.keys.list(true).length
    await expect(call('backup.restore', { file: junk })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/Nothing was changed/) })
    await expect(call('backup.restore', { file: join(tempDir(), 'missing.db') })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/no such file/) })
    expect(server.core.services.keys.list(true).length).toBe(before)
    expect((await call('backup.list', {})).filter((b) => b.file.includes('before-restore'))).toEqual([])
  })
})
