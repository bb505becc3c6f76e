import type { ChildProcess } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import { demoListings, demoSouls } from '../../src-main/core/demo/demo-data'
import { cliJson, getJson, killChild, runCli, spawnServe, tempDir } from '../helpers/core'

/**
 * The CLI's marketplace commands as their own processes (souls, wallet deposit, keys --soul and spending
 * limits, clock, demo reset), and the promise that a running server sees what the CLI did at once.
 */
const BUDGET_BEE = 'soul_0582a384a93ba1a3d804b24b' // holds 10.50 USDT
const OPERATOR_SOUL = 'soul_operator' // holds 500.00 USDT after seeding or a reset
const DAYS_31 = 31 * 86_400

let child: ChildProcess | undefined
afterEach(async () => {
  await killChild(child)
  child = undefined
})

interface CliSoul {
  id: string
  name: string
  balance: string
}
const balanceOf = async (dataDir: string, soulId: string) =>
  ((await cliJson(['souls', '--data-dir', dataDir])) as CliSoul[]).find((soul) => soul.id === soulId)?.balance

/** A refusal: exit code 1, nothing on stdout, and one line on stderr that starts with `error:`. */
function expectOneErrorLine(result: { code: number | null; stdout: string; stderr: string }, message: RegExp) {
  expect(result.code).toBe(1)
  expect(result.stdout).toBe('')
  const lines = result.stderr.trimEnd().split('\n')
  expect(lines, result.stderr).toHaveLength(1)
  expect(lines[0]).toMatch(/^error: /)
  expect(lines[0]).toMatch(message)
}

async function waitFor<T>(find: () => Promise<T | undefined>, what: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const found = await find()
    if (found !== undefined) return found
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('clawhq-local souls and wallet deposit', () => {
  it('souls lists the 34 demo souls and the operator, each with its balance', async () => {
    const dataDir = tempDir()
    const souls = (await cliJson(['souls', '--data-dir', dataDir])) as CliSoul[]
    expect(souls).toHaveLength(35)
    expect(souls.map((soul) => soul.id).sort()).toEqual([OPERATOR_SOUL, ...demoSouls.map((soul) => soul.id)].sort())
    for (const soul of souls) expect(soul.balance, soul.name).toMatch(/^\d+\.\d{2}$/)
    expect(souls.find((soul) => soul.id === BUDGET_BEE)).toMatchObject({ name: 'Budget Bee', balance: '10.50' })
    expect(souls.find((soul) => soul.id === OPERATOR_SOUL)?.balance).toBe('500.00')
    expect(await cliJson(['souls', 'list', '--data-dir', dataDir])).toEqual(souls)

    const text = await runCli(['souls', '--data-dir', dataDir])
    expect(text.code).toBe(0)
    expect(text.stdout.trim().split('\n')).toHaveLength(1 + 35) // a header and a row per soul
    expect(text.stdout).toMatch(/Budget Bee\s+agent\s+10\.50/)
  })

  it('wallet deposit adds to the balance, for a soul id and for "operator"', async () => {
    const dataDir = tempDir()
    expect(await cliJson(['wallet', 'deposit', BUDGET_BEE, '2.25', '--data-dir', dataDir])).toEqual({ soulId: BUDGET_BEE, balance: '12.75', currency: 'USDT' })
    const text = await runCli(['wallet', 'deposit', BUDGET_BEE, '7', '--data-dir', dataDir])
    expect(text).toMatchObject({ code: 0, stderr: '' })
    expect(text.stdout.trim()).toBe(`Deposited 7.00 USDT: ${BUDGET_BEE} now holds 19.75 USDT.`)
    expect(await balanceOf(dataDir, BUDGET_BEE)).toBe('19.75')
    expect(await cliJson(['wallet', 'deposit', 'operator', '0.5', '--data-dir', dataDir])).toMatchObject({ soulId: OPERATOR_SOUL, balance: '500.50' })
  })

  it.each([
    ['12.345', /at most two decimals/],
    ['-1', /at most two decimals/],
    ['abc', /at most two decimals/],
    ['1e3', /at most two decimals/],
    ['0', /more than 0\.00/],
  ])('wallet deposit refuses the amount %j with one error line and exit code 1, changing nothing', async (amount, message) => {
    const dataDir = tempDir()
    expectOneErrorLine(await runCli(['wallet', 'deposit', BUDGET_BEE, amount, '--data-dir', dataDir]), message)
    expect(await balanceOf(dataDir, BUDGET_BEE)).toBe('10.50')
  })

  it('wallet deposit refuses an unknown soul', async () => {
    const dataDir = tempDir()
    expectOneErrorLine(await runCli(['wallet', 'deposit', 'soul_nope', '5', '--data-dir', dataDir]), /No soul with id soul_nope/)
  })
})

describe('clawhq-local keys with a soul and spending limits', () => {
  it('keys create --soul --spend-per-purchase --spend-per-day shows them in --json and in keys list', async () => {
    const dataDir = tempDir()
    const created = await cliJson(['keys', 'create', '--name', 'bee', '--soul', BUDGET_BEE, '--spend-per-purchase', '25', '--spend-per-day', '100', '--data-dir', dataDir])
    expect(created).toMatchObject({ name: 'bee', soulId: BUDGET_BEE, spendingLimits: { perPurchase: '25.00', perDay: '100.00' } })
    const [listed] = await cliJson(['keys', 'list', '--data-dir', dataDir])
    expect(listed).toMatchObject({ id: created.id, soulId: BUDGET_BEE, spendingLimits: { perPurchase: '25.00', perDay: '100.00' } })
  })

  it('keys update --soul operator gives the key back to the operator and keeps the limits it was not given', async () => {
    const dataDir = tempDir()
    const { id } = await cliJson(['keys', 'create', '--name', 'bee', '--soul', BUDGET_BEE, '--spend-per-purchase', '25', '--spend-per-day', '100', '--data-dir', dataDir])
    const updated = await cliJson(['keys', 'update', id, '--soul', 'operator', '--spend-per-purchase', '30', '--data-dir', dataDir])
    expect(updated).toMatchObject({ id, soulId: null, spendingLimits: { perPurchase: '30.00', perDay: '100.00' } })
  })

  it('keys update --soul operator --spend-per-purchase none --spend-per-day none clears the soul and the limits', async () => {
    const dataDir = tempDir()
    const { id } = await cliJson(['keys', 'create', '--name', 'bee', '--soul', BUDGET_BEE, '--spend-per-purchase', '25', '--spend-per-day', '100', '--data-dir', dataDir])
    const cleared = await cliJson(['keys', 'update', id, '--soul', 'operator', '--spend-per-purchase', 'none', '--spend-per-day', 'none', '--data-dir', dataDir])
    expect(cleared).toMatchObject({ id, soulId: null, spendingLimits: { perPurchase: null, perDay: null } })
  })

  it('refuses an unknown soul on keys create and keys update, changing nothing', async () => {
    const dataDir = tempDir()
    expectOneErrorLine(await runCli(['keys', 'create', '--name', 'nobody', '--soul', 'soul_nope', '--data-dir', dataDir]), /No soul with id soul_nope/)
    expect(await cliJson(['keys', 'list', '--data-dir', dataDir])).toEqual([])
    const { id } = await cliJson(['keys', 'create', '--name', 'bee', '--soul', BUDGET_BEE, '--data-dir', dataDir])
    expectOneErrorLine(await runCli(['keys', 'update', id, '--soul', 'soul_nope', '--data-dir', dataDir]), /No soul with id soul_nope/)
    expect((await cliJson(['keys', 'list', '--data-dir', dataDir]))[0]).toMatchObject({ id, soulId: BUDGET_BEE })
  })

  it('refuses a spending limit with three decimals before touching the data directory', async () => {
    const dataDir = tempDir()
    const result = await runCli(['keys', 'create', '--name', 'x', '--spend-per-day', '1.234', '--data-dir', dataDir])
    expect(result.code).toBe(1)
    expect(result.stderr.split('\n')[0]).toMatch(/^error: option '--spend-per-day <usdt>' argument '1\.234' is invalid/)
    expect(await cliJson(['keys', 'list', '--data-dir', dataDir])).toEqual([])
  })
})

describe('clawhq-local clock and demo reset', () => {
  it('clock advance 31d moves marketplace time; clock shows the offset; clock reset clears it', async () => {
    const dataDir = tempDir()
    expect(await cliJson(['clock', '--data-dir', dataDir])).toMatchObject({ offsetSeconds: 0 })
    const advanced = await cliJson(['clock', 'advance', '31d', '--data-dir', dataDir])
    expect(advanced.offsetSeconds).toBe(DAYS_31)
    const shown = await cliJson(['clock', 'show', '--data-dir', dataDir])
    expect(shown.offsetSeconds).toBe(DAYS_31)
    expect(Date.parse(shown.now) - Date.parse(shown.realNow)).toBe(DAYS_31 * 1000)
    const text = await runCli(['clock', '--data-dir', dataDir])
    expect(text.stdout).toMatch(/ahead by 31d\)/)

    expect((await cliJson(['clock', 'reset', '--data-dir', dataDir])).offsetSeconds).toBe(0)
    expect((await cliJson(['clock', '--data-dir', dataDir])).offsetSeconds).toBe(0)
  })

  it('clock advance refuses what is not a duration, changing nothing', async () => {
    const dataDir = tempDir()
    expectOneErrorLine(await runCli(['clock', 'advance', 'soon', '--data-dir', dataDir]), /"soon" is not a duration/)
    expect((await cliJson(['clock', '--data-dir', dataDir])).offsetSeconds).toBe(0)
  })

  it('demo reset puts back the balances deposits changed, the operator\u2019s 500.00 included', async () => {
    const dataDir = tempDir()
    await cliJson(['wallet', 'deposit', BUDGET_BEE, '100', '--data-dir', dataDir])
    await cliJson(['wallet', 'deposit', 'operator', '1', '--data-dir', dataDir])
    expect(await balanceOf(dataDir, BUDGET_BEE)).toBe('110.50')
    expect(await cliJson(['demo', 'reset', '--data-dir', dataDir])).toEqual({ souls: 34, listings: 150 })
    expect(await balanceOf(dataDir, BUDGET_BEE)).toBe('10.50')
    expect(await balanceOf(dataDir, OPERATOR_SOUL)).toBe('500.00')
    const text = await runCli(['demo', 'reset', '--data-dir', dataDir])
    expect(text.stdout.trim()).toBe('Reset the marketplace to the demo set: 34 souls, 150 listings.')
  })
})

describe('the CLI beside a running server on the same data directory', () => {
  /** Starts `serve` on a fresh data directory holding a key (made by the CLI) that acts as `soulId`. */
  async function serveWithKeyFor(soulId: string) {
    const dataDir = tempDir()
    const { key } = await cliJson(['keys', 'create', '--name', 'buyer', '--soul', soulId, '--scopes', 'purchases,listings:read', '--tier', 'rpm-300', '--data-dir', dataDir])
    const served = await spawnServe(['--data-dir', dataDir, '--port', '0', '--admin-token', 'tok'])
    child = served.child
    const api = (method: string, path: string) => getJson(`${served.apiBaseUrl}${path}`, key as string, { method })
    return { dataDir, api }
  }

  /** A subscription listing in the demo set that `soulId` does not sell and can pay for twice. */
  function affordableSubscription(soulId: string) {
    const balance = demoSouls.find((soul) => soul.id === soulId)!.balanceCents
    const listing = demoListings.find((l) => l.pricing === 'subscription' && l.sellerId !== soulId && l.priceCents > 0 && 2 * l.priceCents <= balance)
    expect(listing, 'a subscription listing in the demo data').toBeDefined()
    return listing!
  }

  const TEMPO = demoSouls.find((soul) => soul.name === 'Tempo')!.id // holds 96.20
  const cents = (money: string) => Math.round(Number(money) * 100)

  it('a wallet deposit from the CLI shows in the running server\u2019s GET /api/v1/wallet at once', async () => {
    const { dataDir, api } = await serveWithKeyFor(BUDGET_BEE)
    expect((await api('GET', '/wallet')).body.data).toEqual({ soulId: BUDGET_BEE, balance: '10.50', currency: 'USDT' })
    await cliJson(['wallet', 'deposit', BUDGET_BEE, '14.50', '--data-dir', dataDir])
    const { status, body } = await api('GET', '/wallet')
    expect(status).toBe(200)
    expect(body.data.balance).toBe('25.00')
  })

  it('clock advance 31d from the CLI: the running server shows the due renewal charged, once, within a second', async () => {
    const listing = affordableSubscription(TEMPO)
    const { dataDir, api } = await serveWithKeyFor(TEMPO)
    const bought = await api('POST', `/listings/${listing.id}/purchase`)
    expect(bought.status).toBe(201)
    const subscriptionId = bought.body.data.subscriptionId as string
    expect(subscriptionId).toMatch(/^sub_/)

    await cliJson(['clock', 'advance', '31d', '--data-dir', dataDir])
    const startedWaiting = Date.now()
    const renewed = await waitFor(
      async () => {
        const { body } = await api('GET', '/subscriptions')
        const found = (body.data as Array<{ id: string; renewals: number }>).find((s) => s.id === subscriptionId)
        return found && found.renewals >= 1 ? found : undefined
      },
      'renewals: 1 on GET /api/v1/subscriptions',
      3_000,
    )
    expect(Date.now() - startedWaiting).toBeLessThan(1_000)
    expect(renewed).toMatchObject({ status: 'active', renewals: 1 })

    // charged once: the server's own renewal timer does not charge the same period again
    await new Promise((r) => setTimeout(r, 1_500))
    const { body } = await api('GET', '/subscriptions')
    expect(body.data.find((s: { id: string }) => s.id === subscriptionId).renewals).toBe(1)
    const wallet = (await api('GET', '/wallet')).body.data
    expect(cents(wallet.balance)).toBe(demoSouls.find((soul) => soul.id === TEMPO)!.balanceCents - 2 * listing.priceCents)
  })

  it('a renewal that falls due after the CLI moved the clock is charged by the running server itself', async () => {
    const listing = affordableSubscription(TEMPO)
    const { dataDir, api } = await serveWithKeyFor(TEMPO)
    const bought = await api('POST', `/listings/${listing.id}/purchase`)
    expect(bought.status).toBe(201)
    const subscriptionId = bought.body.data.subscriptionId as string
    const subscription = async () =>
      ((await api('GET', '/subscriptions')).body.data as Array<{ id: string; renewals: number; currentPeriodEnd: string }>).find((s) => s.id === subscriptionId)!
    const periodEnd = Date.parse((await subscription()).currentPeriodEnd)

    // Move marketplace time to 2–3 s before the period ends: the CLI's own renewal pass finds nothing due,
    // so only the server, which must notice the offset another process wrote, can charge it.
    const seconds = Math.floor((periodEnd - Date.now()) / 1000) - 2
    await cliJson(['clock', 'advance', `${seconds}s`, '--data-dir', dataDir])
    const renewed = await waitFor(
      async () => {
        const current = await subscription()
        return current.renewals >= 1 ? current : undefined
      },
      'the server to renew',
      6_000,
    )
    expect(renewed.renewals).toBe(1)
    const wallet = (await api('GET', '/wallet')).body.data
    expect(cents(wallet.balance)).toBe(demoSouls.find((soul) => soul.id === TEMPO)!.balanceCents - 2 * listing.priceCents)
  })
})
