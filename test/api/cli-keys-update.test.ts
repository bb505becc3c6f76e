import type { ChildProcess } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import { cliJson, killChild, runCli, spawnServe, tempDir } from '../helpers/core'

/** `clawhq-local keys update`: the same admin method as the GUI, picked up by a running server from the next request. */

let child: ChildProcess | undefined
afterEach(async () => {
  await killChild(child)
  child = undefined
})

const json = cliJson

describe('clawhq-local keys update', () => {
  it('moves a key to another tier, and the running server applies the new limit from the next request', async () => {
    const dataDir = tempDir()
    const { id, key } = await json(['keys', 'create', '--name', 'svc', '--data-dir', dataDir])
    const served = await spawnServe(['--data-dir', dataDir, '--port', '0', '--admin-token', 'tok'])
    child = served.child
    const me = () => fetch(`${served.apiBaseUrl}/me`, { headers: { authorization: `Bearer ${key}` } })
    const before = await me()
    expect(before.status).toBe(200)
    expect(before.headers.get('x-ratelimit-limit')).toBe('60')

    const updated = await runCli(['keys', 'update', id, '--tier', 'rpm-30', '--data-dir', dataDir])
    expect(updated.stderr).toBe('')
    expect(updated.code).toBe(0)
    expect(updated.stdout).toMatch(new RegExp(`^Updated ${id} \\(svc\\): tier rpm-30`))

    const after = await me()
    expect(after.status).toBe(200)
    expect(after.headers.get('x-ratelimit-limit')).toBe('30')
  })

  it('changes the name, the scopes and the expiry, prints the key as JSON, and "never" clears the expiry', async () => {
    const dataDir = tempDir()
    const created = await json(['keys', 'create', '--name', 'old', '--scopes', 'chat', '--expires', '1d', '--data-dir', dataDir])
    expect(created.expiresAt).not.toBeNull()

    const renamed = await json(['keys', 'update', created.id, '--name', 'new name', '--scopes', 'chat,keys', '--data-dir', dataDir])
    expect(renamed).toMatchObject({ id: created.id, name: 'new name', scopes: ['chat', 'keys'], tierId: 'rpm-60', expiresAt: created.expiresAt })
    expect(JSON.stringify(renamed)).not.toContain(created.key)

    const later = await json(['keys', 'update', created.id, '--expires', '30d', '--data-dir', dataDir])
    expect(Date.parse(later.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000)
    const never = await json(['keys', 'update', created.id, '--expires', 'never', '--data-dir', dataDir])
    expect(never.expiresAt).toBeNull()

    const [listed] = await json(['keys', 'list', '--data-dir', dataDir])
    expect(listed).toMatchObject({ id: created.id, name: 'new name', scopes: ['chat', 'keys'], expiresAt: null })
    const audit = await json(['audit', '--data-dir', dataDir])
    expect(audit.map((e: { action: string; actor: string }) => `${e.actor} ${e.action}`)).toEqual(['cli key.updated', 'cli key.updated', 'cli key.updated', 'cli key.created'])
  })

  it('refuses an unknown tier with a clear message and exit code 1, changing nothing', async () => {
    const dataDir = tempDir()
    const { id } = await json(['keys', 'create', '--name', 'svc', '--data-dir', dataDir])
    const result = await runCli(['keys', 'update', id, '--tier', 'nope', '--data-dir', dataDir])
    expect(result.code).toBe(1)
    expect(result.stderr.trim()).toMatch(/^error: No rate-limit tier with id nope/)
    expect(result.stderr).not.toMatch(/\n\s+at /)
    const [listed] = await json(['keys', 'list', '--data-dir', dataDir])
    expect(listed.tierId).toBe('rpm-60')
  })

  it('says what to pass when there is nothing to change, and refuses an unknown key or a bad expiry', async () => {
    const dataDir = tempDir()
    const { id } = await json(['keys', 'create', '--name', 'svc', '--data-dir', dataDir])
    const nothing = await runCli(['keys', 'update', id, '--data-dir', dataDir])
    expect(nothing.code).toBe(1)
    expect(nothing.stderr.trim()).toBe('error: Nothing to update: pass --name, --tier, --scopes, --expires, --soul, --spend-per-purchase or --spend-per-day.')

    const unknown = await runCli(['keys', 'update', 'key_nope', '--name', 'x', '--data-dir', dataDir])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/key_nope/)

    const badExpiry = await runCli(['keys', 'update', id, '--expires', 'soon', '--data-dir', dataDir])
    expect(badExpiry.code).toBe(1)
    expect(badExpiry.stderr).toMatch(/"soon" is not a duration/)
    const badScope = await runCli(['keys', 'update', id, '--scopes', 'root', '--data-dir', dataDir])
    expect(badScope.stderr).toMatch(/Unknown scope\(s\): root/)
    const audit = await json(['audit', '--data-dir', dataDir])
    expect(audit).toHaveLength(1)
  })
})
