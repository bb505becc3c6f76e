import type { ActivityRow } from '../db/schema'
import type { Store } from '../db/store'

/** What souls did, for their activity streams: written by the services in the transaction of the change. */
export class ActivityRepository {
  constructor(private readonly store: Store) {}

  record(soulId: string, at: number, kind: string, summary: string, listingId: string | null = null): void {
    this.store.run(this.store.db.insertInto('activity').values({ soul_id: soulId, at, kind, summary, listing_id: listingId }))
  }

  /** Newest first. */
  page(soulId: string, offset: number, limit: number): { rows: ActivityRow[]; total: number } {
    const base = this.store.db.selectFrom('activity').where('soul_id', '=', soulId)
    const total = this.store.first(base.select((e) => e.fn.countAll<number>().as('n')))?.n ?? 0
    const rows = this.store.all(base.selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset))
    return { rows, total }
  }
}
