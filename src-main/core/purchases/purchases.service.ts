import type { License, Purchase, Subscription } from '../../../src-shared/marketplace'
import { ActivityRepository } from '../activity/activity.repository'
import type { Actor, AuditService } from '../audit/audit.service'
import { toIso, toIsoOrNull, type Clock } from '../clock'
import type { SelectQueryBuilder } from 'kysely'
import type { ApiKeyRow, Database, LicenseRow, PurchaseRow, SubscriptionRow } from '../db/schema'
import type { Store } from '../db/store'
import { MarketplaceError } from '../errors'
import type { WebhookOutbox } from '../webhooks/outbox'
import { newId } from '../ids'
import type { ListingsService } from '../listings/listings.service'
import { fromCents, usdt } from '../money'
import { pageOf, type Page } from '../souls/souls.service'
import type { WalletService } from '../wallet/wallet.service'

/** Who buys: a soul, through a key (whose spending limits apply) or as the operator (no limits). */
export interface Buyer {
  soulId: string
  key: Pick<ApiKeyRow, 'id' | 'spend_per_purchase_cents' | 'spend_per_day_cents'> | null
}

const DAY_MS = 86_400_000

type PurchaseQuery = SelectQueryBuilder<Database, 'purchases', object>

/** One calendar month later, in UTC (Jan 31 → Feb 28/29, as billing does). */
export function addMonth(ms: number): number {
  const date = new Date(ms)
  const day = date.getUTCDate()
  date.setUTCDate(1)
  date.setUTCMonth(date.getUTCMonth() + 1)
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate()
  date.setUTCDate(Math.min(day, lastDay))
  return date.getTime()
}

export const toPurchaseDto = (row: PurchaseRow & { listing_title: string }): Purchase => ({
  purchaseId: row.id,
  listingId: row.listing_id,
  listingTitle: row.listing_title,
  buyerId: row.buyer_id,
  sellerId: row.seller_id,
  amount: fromCents(row.amount_cents),
  currency: 'USDT',
  licenseKey: row.license_key,
  subscriptionId: row.subscription_id,
  createdAt: toIso(row.created_at),
})

/**
 * Purchases, licenses and subscriptions (seed 000). A purchase is one synchronous transaction: the
 * checks (the listing, an active license already held, the key's spending limits, the balance), the
 * buyer's debit and the seller's credit with their ledger entries, the license, the subscription and
 * the activity commit together or not at all; being synchronous, concurrent purchases can never both
 * see the same balance. Marketplace times come from the simulation clock.
 */
export class PurchasesService {
  private readonly activity: ActivityRepository

  constructor(
    private readonly store: Store,
    private readonly listings: ListingsService,
    private readonly wallets: WalletService,
    private readonly audit: AuditService,
    private readonly marketClock: Clock,
    private readonly outbox: WebhookOutbox,
  ) {
    this.activity = new ActivityRepository(store)
  }

  /** Cents this key has spent on purchases since the start of the (marketplace) UTC day. */
  private spentToday(keyId: string, now: number): number {
    const dayStart = Math.floor(now / DAY_MS) * DAY_MS
    return (
      this.store.first(
        this.store.db
          .selectFrom('purchases')
          .select((e) => e.fn.coalesce(e.fn.sum<number>('amount_cents'), e.val(0)).as('n'))
          .where('key_id', '=', keyId)
          .where('created_at', '>=', dayStart),
      )?.n ?? 0
    )
  }

  private activeLicense(buyerId: string, listingId: string, now: number): LicenseRow | undefined {
    return this.store.first(
      this.store.db
        .selectFrom('licenses')
        .selectAll()
        .where('buyer_id', '=', buyerId)
        .where('listing_id', '=', listingId)
        .where('status', '=', 'active')
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)])),
    )
  }

  purchase(listingId: string, buyer: Buyer): Purchase {
    return this.store.transaction(() => {
      const listing = this.listings.row(listingId)
      const now = this.marketClock.now()
      const price = listing.price_cents
      const owned = this.activeLicense(buyer.soulId, listingId, now)
      if (owned)
        throw new MarketplaceError('ALREADY_PURCHASED', `You already own an active license for "${listing.title}".`, {
          listingId,
          licenseKey: owned.key,
          purchaseId: owned.purchase_id,
        })
      if (buyer.key) {
        const perPurchase = buyer.key.spend_per_purchase_cents
        if (perPurchase !== null && price > perPurchase)
          throw new MarketplaceError('SPENDING_LIMIT_EXCEEDED', `This purchase (${usdt(price)}) exceeds the key's limit of ${usdt(perPurchase)} per purchase.`, {
            limit: usdt(perPurchase),
            amount: usdt(price),
            period: 'purchase',
          })
        const perDay = buyer.key.spend_per_day_cents
        if (perDay !== null) {
          const spent = this.spentToday(buyer.key.id, now)
          if (spent + price > perDay)
            throw new MarketplaceError(
              'SPENDING_LIMIT_EXCEEDED',
              `This purchase (${usdt(price)}) would take the key past its limit of ${usdt(perDay)} per day (${usdt(spent)} spent today).`,
              { limit: usdt(perDay), amount: usdt(price), spentToday: usdt(spent), period: 'day' },
            )
        }
      }
      const available = this.wallets.balanceCents(buyer.soulId)
      if (available < price)
        throw new MarketplaceError('INSUFFICIENT_BALANCE', 'Wallet balance below transaction requirement', {
          required: usdt(price),
          available: usdt(available),
        })

      const purchaseId = newId('purch')
      const licenseKey = newId('lic')
      const subscriptionId = listing.pricing === 'subscription' ? newId('sub') : null
      const periodEnd = subscriptionId ? addMonth(now) : null
      if (subscriptionId)
        this.store.run(
          this.store.db.insertInto('subscriptions').values({
            id: subscriptionId,
            listing_id: listingId,
            buyer_id: buyer.soulId,
            key_id: buyer.key?.id ?? null,
            license_key: licenseKey,
            price_cents: price,
            status: 'active',
            current_period_start: now,
            current_period_end: periodEnd!,
            renewals: 0,
            ended_at: null,
            end_reason: null,
            created_at: now,
          }),
        )
      const row: PurchaseRow = {
        id: purchaseId,
        listing_id: listingId,
        buyer_id: buyer.soulId,
        seller_id: listing.seller_id,
        key_id: buyer.key?.id ?? null,
        amount_cents: price,
        currency: 'USDT',
        license_key: licenseKey,
        subscription_id: subscriptionId,
        created_at: now,
      }
      this.store.run(this.store.db.insertInto('purchases').values(row))
      this.store.run(
        this.store.db.insertInto('licenses').values({
          key: licenseKey,
          listing_id: listingId,
          buyer_id: buyer.soulId,
          purchase_id: purchaseId,
          subscription_id: subscriptionId,
          status: 'active',
          created_at: now,
          expires_at: periodEnd,
        }),
      )
      if (price > 0) {
        const common = { at: now, purchaseId, listingId, subscriptionId }
        this.wallets.move({ ...common, soulId: buyer.soulId, kind: 'purchase', amountCents: -price, note: listing.title })
        this.wallets.move({ ...common, soulId: listing.seller_id, kind: 'sale', amountCents: price, note: listing.title })
      }
      const what = subscriptionId ? `Subscribed to "${listing.title}" (${usdt(price)} a month)` : `Bought "${listing.title}" for ${usdt(price)}`
      this.activity.record(buyer.soulId, now, 'purchase.completed', what, listingId)
      this.activity.record(listing.seller_id, now, 'sale.completed', `Sold "${listing.title}" for ${usdt(price)}`, listingId)
      const purchase = toPurchaseDto({ ...row, listing_title: listing.title })
      // The seed's payload: purchaseId, listingId, buyerId, amount, currency, licenseKey (and a little more).
      this.outbox.emit(
        'purchase.completed',
        {
          purchaseId,
          listingId,
          buyerId: buyer.soulId,
          sellerId: listing.seller_id,
          amount: purchase.amount,
          currency: 'USDT',
          licenseKey,
          subscriptionId,
        },
        [buyer.soulId, listing.seller_id],
      )
      return purchase
    })
  }

  /** A page of purchases with their listings' titles, newest first. */
  private page(where: (query: PurchaseQuery) => PurchaseQuery, page: number, limit: number): Page<Purchase> {
    const base = where(this.store.db.selectFrom('purchases'))
    const total = this.store.first(base.select((e) => e.fn.countAll<number>().as('n')))?.n ?? 0
    const rows = this.store.all(
      base
        .innerJoin('listings', 'listings.id', 'purchases.listing_id')
        .selectAll('purchases')
        .select('listings.title as listing_title')
        .orderBy('purchases.created_at', 'desc')
        .orderBy('purchases.id')
        .limit(limit)
        .offset((page - 1) * limit),
    )
    return pageOf(rows.map(toPurchaseDto), page, limit, total)
  }

  /** The soul's purchases, newest first. */
  history(soulId: string, page: number, limit: number): Page<Purchase> {
    return this.page((query) => query.where('purchases.buyer_id', '=', soulId), page, limit)
  }

  /** Every purchase, newest first, for the operator; optionally one soul's (bought or sold). */
  all(page: number, limit: number, soulId?: string): Page<Purchase> {
    return this.page(
      (query) => (soulId ? query.where((eb) => eb.or([eb('purchases.buyer_id', '=', soulId), eb('purchases.seller_id', '=', soulId)])) : query),
      page,
      limit,
    )
  }

  /** The license validation service: whether a license may be used now, for which listing and buyer. */
  license(licenseKey: string): License {
    const row = this.store.first(this.store.db.selectFrom('licenses').selectAll().where('key', '=', licenseKey))
    if (!row) throw new MarketplaceError('NOT_FOUND', `No license ${licenseKey}.`, { licenseKey })
    const now = this.marketClock.now()
    const lapsed = row.expires_at !== null && now >= row.expires_at
    const status = row.status === 'active' && lapsed ? 'expired' : row.status
    return {
      licenseKey: row.key,
      valid: (status === 'active' || status === 'cancelled') && !lapsed,
      status,
      listingId: row.listing_id,
      listingTitle: this.listings.anyRow(row.listing_id)?.title ?? '',
      buyerId: row.buyer_id,
      purchaseId: row.purchase_id,
      subscriptionId: row.subscription_id,
      createdAt: toIso(row.created_at),
      expiresAt: toIsoOrNull(row.expires_at),
    }
  }

  private toSubscriptionDto(row: SubscriptionRow): Subscription {
    return {
      id: row.id,
      listingId: row.listing_id,
      listingTitle: this.listings.anyRow(row.listing_id)?.title ?? '',
      buyerId: row.buyer_id,
      licenseKey: row.license_key,
      price: fromCents(row.price_cents),
      currency: 'USDT',
      status: row.status,
      currentPeriodStart: toIso(row.current_period_start),
      currentPeriodEnd: toIso(row.current_period_end),
      renewals: row.renewals,
      endedAt: toIsoOrNull(row.ended_at),
      endReason: row.end_reason,
      createdAt: toIso(row.created_at),
    }
  }

  subscriptions(page: number, limit: number, buyerId?: string): Page<Subscription> {
    let base = this.store.db.selectFrom('subscriptions')
    if (buyerId) base = base.where('buyer_id', '=', buyerId)
    const total = this.store.first(base.select((e) => e.fn.countAll<number>().as('n')))?.n ?? 0
    const rows = this.store.all(base.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(limit).offset((page - 1) * limit))
    return pageOf(
      rows.map((row) => this.toSubscriptionDto(row)),
      page,
      limit,
      total,
    )
  }

  /** Cancels a subscription of `buyerId` (null: the operator, any subscription): no more renewals; paid time stays usable. */
  cancel(subscriptionId: string, buyerId: string | null, actor: Actor): Subscription {
    return this.store.transaction(() => {
      const row = this.store.first(this.store.db.selectFrom('subscriptions').selectAll().where('id', '=', subscriptionId))
      if (!row || (buyerId !== null && row.buyer_id !== buyerId))
        throw new MarketplaceError('NOT_FOUND', `No subscription ${subscriptionId} of yours.`, { subscriptionId })
      if (row.status !== 'active') return this.toSubscriptionDto(row)
      const now = this.marketClock.now()
      this.store.run(this.store.db.updateTable('subscriptions').set({ status: 'cancelled', ended_at: now, end_reason: 'cancelled' }).where('id', '=', subscriptionId))
      this.store.run(this.store.db.updateTable('licenses').set({ status: 'cancelled' }).where('key', '=', row.license_key))
      const title = this.listings.anyRow(row.listing_id)?.title ?? row.listing_id
      this.activity.record(row.buyer_id, now, 'subscription.cancelled', `Cancelled the subscription to "${title}"`, row.listing_id)
      const after = this.toSubscriptionDto({ ...row, status: 'cancelled', ended_at: now, end_reason: 'cancelled' })
      this.audit.record({ actor, action: 'subscription.cancelled', targetType: 'subscription', targetId: subscriptionId, before: this.toSubscriptionDto(row), after })
      const sellerId = this.listings.anyRow(row.listing_id)?.seller_id
      this.outbox.emit(
        'subscription.cancelled',
        { subscriptionId, listingId: row.listing_id, buyerId: row.buyer_id, licenseKey: row.license_key, paidUntil: after.currentPeriodEnd },
        sellerId ? [row.buyer_id, sellerId] : [row.buyer_id],
      )
      return after
    })
  }

  /**
   * Charges every renewal due by marketplace time `now`, oldest first, as many periods as have passed
   * (advancing the clock three months renews three times). A renewal the wallet cannot pay lapses the
   * subscription, with the reason, and expires its license. Returns how many renewals and lapses it made.
   */
  renewDue(now = this.marketClock.now()): { renewed: number; lapsed: number } {
    const due = () =>
      this.store.first(
        this.store.db.selectFrom('subscriptions').selectAll().where('status', '=', 'active').where('current_period_end', '<=', now).orderBy('current_period_end').limit(1),
      )
    let renewed = 0
    let lapsed = 0
    if (!due()) return { renewed, lapsed }
    this.store.transaction(() => {
      for (let row = due(); row; row = due()) {
        const at = row.current_period_end
        const listing = this.listings.anyRow(row.listing_id)
        const title = listing?.title ?? row.listing_id
        const available = this.wallets.balanceCents(row.buyer_id)
        if (available < row.price_cents) {
          const reason = `insufficient balance for the renewal: required ${usdt(row.price_cents)}, available ${usdt(available)}`
          this.store.run(this.store.db.updateTable('subscriptions').set({ status: 'lapsed', ended_at: at, end_reason: reason }).where('id', '=', row.id))
          this.store.run(this.store.db.updateTable('licenses').set({ status: 'expired', expires_at: at }).where('key', '=', row.license_key))
          this.activity.record(row.buyer_id, at, 'subscription.lapsed', `The subscription to "${title}" lapsed: ${reason}`, row.listing_id)
          lapsed++
          continue
        }
        const next = addMonth(at)
        const common = { at, listingId: row.listing_id, subscriptionId: row.id }
        if (row.price_cents > 0) {
          this.wallets.move({ ...common, soulId: row.buyer_id, kind: 'renewal', amountCents: -row.price_cents, note: title })
          if (listing) this.wallets.move({ ...common, soulId: listing.seller_id, kind: 'renewal_sale', amountCents: row.price_cents, note: title })
        }
        this.store.run(
          this.store.db
            .updateTable('subscriptions')
            .set({ current_period_start: at, current_period_end: next, renewals: row.renewals + 1 })
            .where('id', '=', row.id),
        )
        this.store.run(this.store.db.updateTable('licenses').set({ expires_at: next }).where('key', '=', row.license_key))
        this.activity.record(row.buyer_id, at, 'subscription.renewed', `Renewed "${title}" for ${usdt(row.price_cents)}`, row.listing_id)
        this.outbox.emit(
          'subscription.renewed',
          {
            subscriptionId: row.id,
            listingId: row.listing_id,
            buyerId: row.buyer_id,
            amount: fromCents(row.price_cents),
            currency: 'USDT',
            licenseKey: row.license_key,
            renewals: row.renewals + 1,
            periodEnd: toIso(next),
          },
          listing ? [row.buyer_id, listing.seller_id] : [row.buyer_id],
        )
        renewed++
      }
    })
    return { renewed, lapsed }
  }
}
