import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../src-main/core/clock'
import { SCOPES, type Scope } from '../../src-shared/scopes'
import { createKey, getJson, startServer, type TestServer } from '../helpers/core'
import { expectErrorEnvelope } from '../helpers/reliability'

/**
 * Hardening item 6: a key holding the `keys` scope grants no more than it holds and manages only the
 * keys it made (transitively); the operator keeps full power. A real server on a loopback port, real fetch.
 */

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0)
let server: TestServer
let clock: ManualClock

beforeEach(async () => {
  clock = new ManualClock(T0)
  server = await startServer({ clock })
})

afterEach(async () => {
  await server?.close()
})

type Response = Awaited<ReturnType<typeof getJson>>
const json = { 'content-type': 'application/json' }
const post = (path: string, secret: string, body: unknown = {}): Promise<Response> =>
  getJson(`${server.apiBaseUrl}${path}`, secret, { method: 'POST', body: JSON.stringify(body), headers: json })
const createVia = (secret: string, body: Record<string, unknown>) => post('/keys', secret, { name: 'child', ...body })
const revokeVia = (secret: string, id: string) => getJson(`${server.apiBaseUrl}/keys/${id}`, secret, { method: 'DELETE' })
const rollVia = (secret: string, id: string, graceSeconds = 0) => post(`/keys/${id}/roll`, secret, { graceSeconds })
const listVia = async (secret: string): Promise<string[]> => {
  const response = await getJson(`${server.apiBaseUrl}/keys`, secret)
  expect(response.status).toBe(200)
  return (response.body.data as Array<{ id: string }>).map((key) => key.id).sort()
}
const adminRpc = async (method: string, input: unknown) => {
  const response = await fetch(`${server.origin}/admin/rpc/${method}`, {
    method: 'POST',
    headers: { ...json, authorization: `Bearer ${server.adminToken}` },
    body: JSON.stringify(input),
  })
  return { status: response.status, body: (await response.json()) as { ok: boolean; value: any } } // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Every key row and the audit log's length: what "changes nothing" compares. */
function snapshot() {
  const db = server.core.services.store.sqlite
  return { keys: db.prepare('select * from api_keys order by id').all(), audit: db.prepare('select count(*) from audit_log').pluck().get() }
}

/** Sends `attempt` and expects 403 INSUFFICIENT_PERMISSIONS with exactly `details`, and no change at all. */
async function expectRefused(attempt: () => Promise<Response>, details: Record<string, unknown>) {
  const before = snapshot()
  const response = await attempt()
  expectErrorEnvelope(response, 403, 'INSUFFICIENT_PERMISSIONS')
  expect(response.body.error.details).toEqual(details)
  expect(snapshot()).toEqual(before)
  return response
}

const keysKey = (options: { scopes?: Scope[]; tierId?: string; name?: string; expiresAt?: string } = {}) =>
  createKey(server, { name: 'key manager', scopes: ['keys'], tierId: 'rpm-30', ...options })
const createdBy = (id: string) => server.core.services.store.sqlite.prepare('select created_by from api_keys where id = ?').pluck().get(id)

describe('creating a key through the API, beyond the caller’s own rights', () => {
  it('refuses scopes the caller does not hold (all eight from a keys-only key)', async () => {
    const caller = keysKey()
    await expectRefused(() => createVia(caller.secret, { scopes: [...SCOPES] }), {
      reason: 'scopes_exceed_own',
      requested: [...SCOPES],
      granted: ['keys'],
      excess: SCOPES.filter((scope) => scope !== 'keys'),
    })
  })

  it('refuses a single scope beyond its own even when the others are its own', async () => {
    const caller = keysKey({ scopes: ['keys', 'chat'] })
    const response = await expectRefused(() => createVia(caller.secret, { scopes: ['chat', 'purchases'] }), {
      reason: 'scopes_exceed_own',
      requested: ['chat', 'purchases'],
      granted: ['keys', 'chat'],
      excess: ['purchases'],
    })
    expect(response.body.error.message).toContain('purchases')
  })

  it('refuses the pro tier from an rpm-30 key', async () => {
    const caller = keysKey()
    await expectRefused(() => createVia(caller.secret, { tierId: 'pro' }), {
      reason: 'tier_more_generous',
      requested: { tierId: 'pro', limit: 1000, window: '1h' },
      granted: { tierId: 'rpm-30', limit: 30, window: '1m' },
    })
  })

  it('refuses a custom tier of a billion requests a minute', async () => {
    const caller = keysKey()
    const huge = server.core.services.tiers.create({ name: 'a billion', limit: 1_000_000_000, windowSeconds: 60 }, 'cli')
    await expectRefused(() => createVia(caller.secret, { tierId: huge.id }), {
      reason: 'tier_more_generous',
      requested: { tierId: huge.id, limit: 1_000_000_000, window: '1m' },
      granted: { tierId: 'rpm-30', limit: 30, window: '1m' },
    })
  })

  it('refuses a smaller limit at a higher rate (10 per 10 s from 30 per minute)', async () => {
    const caller = keysKey()
    const fast = server.core.services.tiers.create({ name: 'ten per 10s', limit: 10, windowSeconds: 10 }, 'cli')
    const response = await expectRefused(() => createVia(caller.secret, { tierId: fast.id }), {
      reason: 'tier_more_generous',
      requested: { tierId: fast.id, limit: 10, window: '10s' },
      granted: { tierId: 'rpm-30', limit: 30, window: '1m' },
    })
    expect(response.body.error.message).toMatch(/rpm-30/)
  })

  it('refuses a lower rate with a larger burst (Free, 100 an hour, from 60 a minute)', async () => {
    const caller = keysKey({ tierId: 'rpm-60' })
    await expectRefused(() => createVia(caller.secret, { tierId: 'free' }), {
      reason: 'tier_more_generous',
      requested: { tierId: 'free', limit: 100, window: '1h' },
      granted: { tierId: 'rpm-60', limit: 60, window: '1m' },
    })
  })

  it('refuses an equal rate in a shorter window that lets more through in some span (50 per 50 s from 60 per minute)', async () => {
    // 50 at 0 s and 50 more at 50 s: 100 inside 51 s, where the caller's own tier allows 60 in any minute
    const caller = keysKey({ tierId: 'rpm-60' })
    const tier = server.core.services.tiers.create({ name: 'fifty per 50s', limit: 50, windowSeconds: 50 }, 'cli')
    await expectRefused(() => createVia(caller.secret, { tierId: tier.id }), {
      reason: 'tier_more_generous',
      requested: { tierId: tier.id, limit: 50, window: '50s' },
      granted: { tierId: 'rpm-60', limit: 60, window: '1m' },
    })
  })

  it('refuses to drop or raise a per-purchase spending limit the caller has', async () => {
    const caller = server.core.services.keys.create(
      { name: 'limited', scopes: ['keys', 'purchases'], tierId: 'rpm-30', spendingLimits: { perPurchase: '5.00', perDay: '20.00' } },
      'cli',
    )
    const details = (requested: string | null) => ({ reason: 'spending_limit_exceeds_own', limit: 'perPurchase', requested, granted: '5.00' })
    await expectRefused(() => createVia(caller.secret, { spendingLimits: { perPurchase: null } }), details(null))
    await expectRefused(() => createVia(caller.secret, { spendingLimits: { perPurchase: '5.01' } }), details('5.01'))
  })

  it('refuses to drop or raise a per-day spending limit the caller has', async () => {
    const caller = server.core.services.keys.create(
      { name: 'limited', scopes: ['keys', 'purchases'], tierId: 'rpm-30', spendingLimits: { perDay: '20.00' } },
      'cli',
    )
    const details = (requested: string | null) => ({ reason: 'spending_limit_exceeds_own', limit: 'perDay', requested, granted: '20.00' })
    await expectRefused(() => createVia(caller.secret, { spendingLimits: { perDay: null } }), details(null))
    await expectRefused(() => createVia(caller.secret, { spendingLimits: { perDay: '20.5' } }), details('20.50'))
  })

  it('refuses a key that would outlive the caller', async () => {
    const expiresAt = new Date(T0 + 86_400_000).toISOString()
    const caller = keysKey({ expiresAt })
    const later = new Date(T0 + 2 * 86_400_000).toISOString()
    await expectRefused(() => createVia(caller.secret, { expiresAt: null }), { reason: 'expiry_exceeds_own', requested: null, granted: expiresAt })
    await expectRefused(() => createVia(caller.secret, { expiresAt: later }), { reason: 'expiry_exceeds_own', requested: later, granted: expiresAt })
  })
})

describe('creating a key through the API, within the caller’s own rights', () => {
  it('creates a key with a subset of its scopes and a stingier tier, which works and is recorded as its creation', async () => {
    const caller = keysKey({ scopes: ['keys', 'chat', 'listings:read'], tierId: 'rpm-60' })
    const response = await createVia(caller.secret, { scopes: ['chat'], tierId: 'rpm-30' })
    expect(response.status).toBe(201)
    const child = response.body.data
    expect(child.key).toMatchObject({ name: 'child', scopes: ['chat'], tierId: 'rpm-30', status: 'active' })
    const me = await getJson(`${server.apiBaseUrl}/me`, child.secret)
    expect(me.status).toBe(200)
    expect(me.headers.get('x-ratelimit-limit')).toBe('30')
    expect(createdBy(child.key.id)).toBe(caller.key.id)
    const [entry] = server.core.services.audit.list({ limit: 1 }).entries
    expect(entry).toMatchObject({ action: 'key.created', actor: `api:${caller.key.id}`, targetId: child.key.id })
  })

  it('accepts a tier exactly as generous as its own, and a stingier custom one (5 per 10 s from 30 per minute)', async () => {
    const caller = keysKey()
    expect((await createVia(caller.secret, { tierId: 'rpm-30' })).status).toBe(201)
    const slow = server.core.services.tiers.create({ name: 'five per 10s', limit: 5, windowSeconds: 10 }, 'cli')
    const response = await createVia(caller.secret, { tierId: slow.id })
    expect(response.status).toBe(201)
    expect(response.body.data.key.tierId).toBe(slow.id)
  })

  it("fills what the body leaves out from the caller: its tier, the default scopes it holds, its spending limits and expiry", async () => {
    const expiresAt = new Date(T0 + 86_400_000).toISOString()
    const caller = server.core.services.keys.create(
      { name: 'limited', scopes: ['keys', 'purchases', 'chat'], tierId: 'rpm-120', expiresAt, spendingLimits: { perPurchase: '5.00', perDay: '20.00' } },
      'cli',
    )
    const response = await createVia(caller.secret, {})
    expect(response.status).toBe(201)
    expect(response.body.data.key).toMatchObject({
      scopes: ['purchases', 'chat'],
      tierId: 'rpm-120',
      expiresAt,
      spendingLimits: { perPurchase: '5.00', perDay: '20.00' },
    })
    // a lower limit given for one kind keeps the caller's for the other
    const lower = await createVia(caller.secret, { spendingLimits: { perPurchase: '1.00' }, expiresAt: new Date(T0 + 3_600_000).toISOString() })
    expect(lower.status).toBe(201)
    expect(lower.body.data.key.spendingLimits).toEqual({ perPurchase: '1.00', perDay: '20.00' })
  })

  it("gives a keys-only caller's key its own scope when the body names none", async () => {
    const caller = keysKey()
    const response = await createVia(caller.secret, {})
    expect(response.status).toBe(201)
    expect(response.body.data.key).toMatchObject({ scopes: ['keys'], tierId: 'rpm-30', spendingLimits: { perPurchase: null, perDay: null } })
  })

  it('lets a caller without spending limits set any', async () => {
    const caller = keysKey()
    const response = await createVia(caller.secret, { spendingLimits: { perPurchase: '1000.00', perDay: null } })
    expect(response.status).toBe(201)
    expect(response.body.data.key.spendingLimits).toEqual({ perPurchase: '1000.00', perDay: null })
  })
})

/**
 * The family used below: the operator made `operator`, `a` and `b`; a made a1, a1 made a11, b made b1.
 * Made through the API, as a caller would.
 */
async function family() {
  const operator = createKey(server, { name: 'operator', scopes: [...SCOPES], tierId: 'pro' })
  const a = keysKey({ name: 'a' })
  const b = keysKey({ name: 'b' })
  const made = async (secret: string, name: string) => {
    const response = await createVia(secret, { name })
    expect(response.status).toBe(201)
    return response.body.data as { key: { id: string }; secret: string }
  }
  const a1 = await made(a.secret, 'a1')
  const a11 = await made(a1.secret, 'a11')
  const b1 = await made(b.secret, 'b1')
  return { operator, a, b, a1, a11, b1 }
}

describe('listing keys through the API', () => {
  it('lists only the keys the caller made, directly or through keys it made', async () => {
    const { operator, a, b, a1, a11, b1 } = await family()
    expect(await listVia(a.secret)).toEqual([a1.key.id, a11.key.id].sort())
    expect(await listVia(a1.secret)).toEqual([a11.key.id])
    expect(await listVia(a11.secret)).toEqual([])
    expect(await listVia(b.secret)).toEqual([b1.key.id])
    // the operator sees every key
    const all = server.core.services.keys.list().map((key) => key.id)
    expect(all).toEqual(expect.arrayContaining([operator.key.id, a.key.id, b.key.id, a1.key.id, a11.key.id, b1.key.id]))
  })

  it('keeps a revoked descendant in the list, and the keys made through it', async () => {
    const { a, a1, a11 } = await family()
    expect((await revokeVia(a.secret, a1.key.id)).status).toBe(200)
    const response = await getJson(`${server.apiBaseUrl}/keys`, a.secret)
    expect(response.body.data.map((key: { id: string; status: string }) => [key.id, key.status]).sort()).toEqual(
      [
        [a1.key.id, 'revoked'],
        [a11.key.id, 'active'],
      ].sort(),
    )
  })
})

describe('revoking and rolling through the API', () => {
  it("refuses to revoke or roll the operator's key, a sibling's key, a sibling, its creator or itself", async () => {
    const { operator, a, b, a1, b1 } = await family()
    for (const [secret, id] of [
      [a.secret, operator.key.id],
      [a.secret, b1.key.id],
      [a.secret, b.key.id],
      [a1.secret, a.key.id],
      [a.secret, a.key.id],
    ] as const) {
      await expectRefused(() => revokeVia(secret, id), { reason: 'not_your_key', id })
      await expectRefused(() => rollVia(secret, id, 3600), { reason: 'not_your_key', id })
    }
    // and each of them still works
    for (const secret of [operator.secret, a.secret, b.secret, a1.secret, b1.secret])
      expect((await getJson(`${server.apiBaseUrl}/me`, secret)).status).toBe(200)
  })

  it('revokes and rolls a grandchild, audited as the calling key', async () => {
    const { a, a11 } = await family()
    const rolled = await rollVia(a.secret, a11.key.id, 60)
    expect(rolled.status).toBe(200)
    expect(rolled.body.data.previous).toMatchObject({ id: a11.key.id, status: 'grace' })
    const successor = rolled.body.data.key.id as string
    // the successor keeps its creator: still a's grandchild
    expect(createdBy(successor)).toBe(createdBy(a11.key.id))
    expect(await listVia(a.secret)).toContain(successor)

    const revoked = await revokeVia(a.secret, successor)
    expect(revoked.status).toBe(200)
    expect(revoked.body.data.status).toBe('revoked')
    const actions = server.core.services.audit.list({ limit: 2 }).entries.map((entry) => [entry.action, entry.actor, entry.targetId])
    expect(actions).toEqual([
      ['key.revoked', `api:${a.key.id}`, successor],
      ['key.rolled', `api:${a.key.id}`, a11.key.id],
    ])
  })

  it('keeps control with a creator that was itself rolled: its new secret lists, rolls and revokes what the old one made', async () => {
    const { a, a1, a11 } = await family()
    const rolledA = server.core.services.keys.roll(a.key.id, 0, 'gui')
    expect((await getJson(`${server.apiBaseUrl}/me`, a.secret)).status).toBe(401) // no grace: the old secret is gone
    expect(await listVia(rolledA.secret)).toEqual([a1.key.id, a11.key.id].sort())
    expect((await rollVia(rolledA.secret, a1.key.id)).status).toBe(200)
    expect((await revokeVia(rolledA.secret, a11.key.id)).status).toBe(200)
    // and what it makes now joins the same family
    const made = await createVia(rolledA.secret, { name: 'after the roll' })
    expect(made.status).toBe(201)
    expect(createdBy(made.body.data.key.id)).toBe(a.key.id)
    expect(await listVia(rolledA.secret)).toContain(made.body.data.key.id)
    expect(server.core.services.audit.list({ limit: 1 }).entries[0].actor).toBe(`api:${rolledA.key.id}`)
  })

  it('keeps a rolled child under its creator and out of reach of others', async () => {
    const { a, b, a1 } = await family()
    const rolled = server.core.services.keys.roll(a1.key.id, 3600, 'gui') // the operator rolls it
    expect(await listVia(a.secret)).toContain(rolled.key.id)
    await expectRefused(() => revokeVia(b.secret, rolled.key.id), { reason: 'not_your_key', id: rolled.key.id })
    expect((await revokeVia(a.secret, rolled.key.id)).status).toBe(200)
  })

  it('still answers an unknown key id with 404 NOT_FOUND', async () => {
    const caller = keysKey()
    expectErrorEnvelope(await revokeVia(caller.secret, 'key_nope'), 404, 'NOT_FOUND')
    expectErrorEnvelope(await rollVia(caller.secret, 'key_nope'), 404, 'NOT_FOUND')
  })
})

describe('the operator (admin RPC over HTTP)', () => {
  it('can still do everything: mint any key, and roll and revoke keys made by API keys and its own', async () => {
    const { operator, a, a1, a11 } = await family()
    const minted = await adminRpc('keys.create', { name: 'root', scopes: [...SCOPES], tierId: 'pro' })
    expect(minted.status).toBe(200)
    expect(minted.body.value.key).toMatchObject({ scopes: [...SCOPES], tierId: 'pro' })
    expect(createdBy(minted.body.value.key.id)).toBeNull()

    const listed = await adminRpc('keys.list', {})
    expect(listed.body.value.map((key: { id: string }) => key.id)).toEqual(
      expect.arrayContaining([operator.key.id, a.key.id, a1.key.id, a11.key.id, minted.body.value.key.id]),
    )
    const rolled = await adminRpc('keys.roll', { id: a11.key.id, graceSeconds: 0 })
    expect(rolled.status).toBe(200)
    expect(rolled.body.value.previous.status).toBe('expired')
    for (const id of [a1.key.id, a.key.id, operator.key.id]) {
      const revoked = await adminRpc('keys.revoke', { id })
      expect(revoked.body).toMatchObject({ ok: true, value: { id, status: 'revoked' } })
    }
    const actors = server.core.services.audit.list({ limit: 5 }).entries.map((entry) => entry.actor)
    expect(new Set(actors)).toEqual(new Set(['admin-http']))
  })
})
