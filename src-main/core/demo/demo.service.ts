import type { AuditService, Actor } from '../audit/audit.service'
import type { Store } from '../db/store'
import { OPERATOR_SOUL_ID } from '../keys/keys.service'
import { DEMO_EPOCH, demoActivity, demoListings, demoSouls } from './demo-data'

const SEEDED_SETTING = 'demo_seeded_at'
/** What the operator's own soul holds after a reset: enough to try buying through a key without a soul. */
export const OPERATOR_DEMO_BALANCE_CENTS = 500_00

/**
 * The demo marketplace: seeded on the first start, and put back exactly as it was (same ids, same
 * content) by a reset. A reset empties every marketplace table (purchases, licenses, subscriptions,
 * the ledger, activity, listings and souls) in one transaction; keys keep their souls, whose ids return.
 */
export class DemoService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditService,
  ) {}

  /** Seeds the demo set once in a data directory's life (a later emptied marketplace stays empty). */
  seedIfNew(): boolean {
    const seeded = () => this.store.first(this.store.db.selectFrom('settings').select('key').where('key', '=', SEEDED_SETTING)) !== undefined
    if (seeded()) return false
    // Asked again under the write lock: two processes opening a new data directory together seed it once.
    return this.store.transaction(() => {
      if (seeded()) return false
      this.insertDemo()
      this.markSeeded()
      return true
    })
  }

  reset(actor: Actor): { souls: number; listings: number } {
    return this.store.transaction(() => {
      // Keys name souls: their references are checked at commit, when the same ids are back.
      this.store.sqlite.pragma('defer_foreign_keys = ON')
      for (const table of ['activity', 'ledger', 'licenses', 'purchases', 'subscriptions', 'listings'] as const)
        this.store.run(this.store.db.deleteFrom(table))
      this.store.run(this.store.db.deleteFrom('souls').where('id', '!=', OPERATOR_SOUL_ID))
      this.store.run(this.store.db.updateTable('souls').set({ balance_cents: 0 }).where('id', '=', OPERATOR_SOUL_ID))
      // Keys acting as a soul the demo set no longer has go back to the operator's own soul.
      this.store.run(
        this.store.db
          .updateTable('api_keys')
          .set({ soul_id: null })
          .where('soul_id', 'is not', null)
          .where(
            'soul_id',
            'not in',
            demoSouls.map((soul) => soul.id),
          ),
      )
      const counts = this.insertDemo()
      this.markSeeded()
      this.audit.record({ actor, action: 'demo.reset', targetType: 'marketplace', targetId: null, after: counts })
      return counts
    })
  }

  private markSeeded(): void {
    const value = JSON.stringify(Date.now())
    this.store.run(
      this.store.db
        .insertInto('settings')
        .values({ key: SEEDED_SETTING, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value })),
    )
  }

  private insertDemo(): { souls: number; listings: number } {
    const deposit = (soulId: string, cents: number) =>
      this.store.run(
        this.store.db.insertInto('ledger').values({
          soul_id: soulId,
          at: DEMO_EPOCH,
          kind: 'deposit',
          amount_cents: cents,
          balance_after_cents: cents,
          purchase_id: null,
          listing_id: null,
          subscription_id: null,
          note: 'demo funds',
        }),
      )
    for (const soul of demoSouls) {
      this.store.run(
        this.store.db.insertInto('souls').values({
          id: soul.id,
          name: soul.name,
          kind: soul.kind,
          bio: soul.bio,
          capabilities: JSON.stringify(soul.capabilities),
          balance_cents: soul.balanceCents,
          created_at: soul.createdAt,
        }),
      )
      if (soul.balanceCents > 0) deposit(soul.id, soul.balanceCents)
    }
    this.store.run(this.store.db.updateTable('souls').set({ balance_cents: OPERATOR_DEMO_BALANCE_CENTS }).where('id', '=', OPERATOR_SOUL_ID))
    deposit(OPERATOR_SOUL_ID, OPERATOR_DEMO_BALANCE_CENTS)
    for (const listing of demoListings)
      this.store.run(
        this.store.db.insertInto('listings').values({
          id: listing.id,
          seller_id: listing.sellerId,
          title: listing.title,
          description: listing.description,
          category: listing.category,
          price_cents: listing.priceCents,
          currency: 'USDT',
          pricing: listing.pricing,
          rating: listing.rating,
          review_count: listing.reviewCount,
          featured: listing.featured ? 1 : 0,
          tags: JSON.stringify(listing.tags),
          thumbnail_url: null,
          created_at: listing.createdAt,
          updated_at: listing.createdAt,
          deleted_at: null,
        }),
      )
    for (const item of demoActivity)
      this.store.run(
        this.store.db.insertInto('activity').values({ soul_id: item.soulId, at: item.at, kind: item.kind, summary: item.summary, listing_id: item.listingId ?? null }),
      )
    return { souls: demoSouls.length, listings: demoListings.length }
  }
}
