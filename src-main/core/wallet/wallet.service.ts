import type { LedgerEntry, Wallet } from '../../../src-shared/marketplace'
import type { AuditService, Actor } from '../audit/audit.service'
import { ActivityRepository } from '../activity/activity.repository'
import { toIso, type Clock } from '../clock'
import type { LedgerRow, LedgerTable } from '../db/schema'
import type { Store } from '../db/store'
import { MarketplaceError } from '../errors'
import { fromCents } from '../money'
import { pageOf, type Page } from '../souls/souls.service'

export type LedgerKind = LedgerTable['kind']

/** The largest balance a wallet holds: the largest amount Money can spell (999999999.99 USDT). */
export const MAX_BALANCE_CENTS = 999_999_999_99

export interface Movement {
  soulId: string
  kind: LedgerKind
  /** Signed cents: money in positive, money out negative. */
  amountCents: number
  at: number
  purchaseId?: string | null
  listingId?: string | null
  subscriptionId?: string | null
  note?: string | null
}

export const toLedgerDto = (row: LedgerRow): LedgerEntry => ({
  id: row.id,
  soulId: row.soul_id,
  at: toIso(row.at),
  kind: row.kind,
  amount: fromCents(row.amount_cents),
  balanceAfter: fromCents(row.balance_after_cents),
  purchaseId: row.purchase_id,
  listingId: row.listing_id,
  subscriptionId: row.subscription_id,
  note: row.note,
})

/**
 * Souls' wallets in USDT cents, and the ledger that explains every balance: each movement changes the
 * balance and writes its ledger entry in the caller's transaction, so the ledger always sums to the
 * balance. A balance can never go below zero (the schema refuses it too).
 */
export class WalletService {
  private readonly activity: ActivityRepository

  constructor(
    private readonly store: Store,
    private readonly audit: AuditService,
    private readonly marketClock: Clock,
  ) {
    this.activity = new ActivityRepository(store)
  }

  balanceCents(soulId: string): number {
    const row = this.store.first(this.store.db.selectFrom('souls').select('balance_cents').where('id', '=', soulId))
    if (!row) throw new MarketplaceError('NOT_FOUND', `No soul with id ${soulId}.`, { soulId })
    return row.balance_cents
  }

  get(soulId: string): Wallet {
    return { soulId, balance: fromCents(this.balanceCents(soulId)), currency: 'USDT' }
  }

  /** Applies one movement; must run inside a transaction (it joins the caller's). Returns the new balance. */
  move(movement: Movement): number {
    return this.store.transaction(() => {
      const balance = this.balanceCents(movement.soulId) + movement.amountCents
      if (balance < 0) throw new Error(`wallet of ${movement.soulId} would go below zero`) // callers check first
      this.store.run(this.store.db.updateTable('souls').set({ balance_cents: balance }).where('id', '=', movement.soulId))
      this.store.run(
        this.store.db.insertInto('ledger').values({
          soul_id: movement.soulId,
          at: movement.at,
          kind: movement.kind,
          amount_cents: movement.amountCents,
          balance_after_cents: balance,
          purchase_id: movement.purchaseId ?? null,
          listing_id: movement.listingId ?? null,
          subscription_id: movement.subscriptionId ?? null,
          note: movement.note ?? null,
        }),
      )
      return balance
    })
  }

  /** The operator funds a wallet (there is no real money here). */
  deposit(soulId: string, amountCents: number, actor: Actor): Wallet {
    if (!Number.isInteger(amountCents) || amountCents <= 0) throw new MarketplaceError('INVALID_REQUEST', 'A deposit must be more than 0.00 USDT.')
    return this.store.transaction(() => {
      const before = this.get(soulId)
      if (this.balanceCents(soulId) + amountCents > MAX_BALANCE_CENTS)
        throw new MarketplaceError('INVALID_REQUEST', `A wallet holds at most ${fromCents(MAX_BALANCE_CENTS)} USDT; this deposit would take it past that.`, {
          balance: before.balance,
          deposit: fromCents(amountCents),
        })
      const at = this.marketClock.now()
      this.move({ soulId, kind: 'deposit', amountCents, at, note: `deposit by ${actor}` })
      this.activity.record(soulId, at, 'wallet.deposit', `Received a deposit of ${fromCents(amountCents)} USDT`)
      const after = this.get(soulId)
      this.audit.record({ actor, action: 'wallet.deposited', targetType: 'soul', targetId: soulId, before, after: { ...after, deposit: fromCents(amountCents) } })
      return after
    })
  }

  /** The soul's ledger, newest first. */
  ledger(soulId: string, page: number, limit: number): Page<LedgerEntry> {
    this.balanceCents(soulId) // an unknown soul is NOT_FOUND, not an empty ledger
    const base = this.store.db.selectFrom('ledger').where('soul_id', '=', soulId)
    const total = this.store.first(base.select((e) => e.fn.countAll<number>().as('n')))?.n ?? 0
    const rows = this.store.all(base.selectAll().orderBy('id', 'desc').limit(limit).offset((page - 1) * limit))
    return pageOf(rows.map(toLedgerDto), page, limit, total)
  }

  /** The sum of the ledger, for the invariant "the ledger explains the balance". */
  ledgerSumCents(soulId: string): number {
    return this.store.first(this.store.db.selectFrom('ledger').select((e) => e.fn.coalesce(e.fn.sum<number>('amount_cents'), e.val(0)).as('n')).where('soul_id', '=', soulId))?.n ?? 0
  }
}
