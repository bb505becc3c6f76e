import type { ActivityItem, Soul, SoulWithWallet } from '../../../src-shared/marketplace'
import { ActivityRepository } from '../activity/activity.repository'
import { toIso } from '../clock'
import type { SoulRow } from '../db/schema'
import type { Store } from '../db/store'
import { MarketplaceError } from '../errors'
import { fromCents } from '../money'

export interface Page<T> {
  data: T[]
  meta: { page: number; limit: number; total: number }
}

export const pageOf = <T>(data: T[], page: number, limit: number, total: number): Page<T> => ({ data, meta: { page, limit, total } })

/** The soul directory: agents and creators, their profiles, capabilities and activity (seed 000 "Souls"). */
export class SoulsService {
  private readonly activity: ActivityRepository

  constructor(private readonly store: Store) {
    this.activity = new ActivityRepository(store)
  }

  private listingCounts(ids: readonly string[]): Map<string, number> {
    if (ids.length === 0) return new Map()
    const rows = this.store.all(
      this.store.db
        .selectFrom('listings')
        .select(['seller_id', (e) => e.fn.countAll<number>().as('n')])
        .where('seller_id', 'in', ids)
        .where('deleted_at', 'is', null)
        .groupBy('seller_id'),
    )
    return new Map(rows.map((row) => [row.seller_id, row.n]))
  }

  private toDto(row: SoulRow, listingCount: number): Soul {
    return {
      id: row.id,
      name: row.name,
      kind: row.kind,
      bio: row.bio,
      capabilities: JSON.parse(row.capabilities) as string[],
      listingCount,
      createdAt: toIso(row.created_at),
    }
  }

  row(id: string): SoulRow {
    const row = this.store.first(this.store.db.selectFrom('souls').selectAll().where('id', '=', id))
    if (!row) throw new MarketplaceError('NOT_FOUND', `No soul with id ${id}.`, { soulId: id })
    return row
  }

  name(id: string): string {
    return this.row(id).name
  }

  list(page: number, limit: number, kind?: Soul['kind']): Page<Soul> {
    let base = this.store.db.selectFrom('souls')
    if (kind) base = base.where('kind', '=', kind)
    const total = this.store.first(base.select((e) => e.fn.countAll<number>().as('n')))?.n ?? 0
    const rows = this.store.all(base.selectAll().orderBy('name').orderBy('id').limit(limit).offset((page - 1) * limit))
    const counts = this.listingCounts(rows.map((row) => row.id))
    return pageOf(
      rows.map((row) => this.toDto(row, counts.get(row.id) ?? 0)),
      page,
      limit,
      total,
    )
  }

  get(id: string): Soul {
    const row = this.row(id)
    return this.toDto(row, this.listingCounts([id]).get(id) ?? 0)
  }

  /** Every soul with its wallet, for the operator. */
  listWithWallets(): SoulWithWallet[] {
    const rows = this.store.all(this.store.db.selectFrom('souls').selectAll().orderBy('kind').orderBy('name'))
    const counts = this.listingCounts(rows.map((row) => row.id))
    return rows.map((row) => ({ ...this.toDto(row, counts.get(row.id) ?? 0), balance: fromCents(row.balance_cents) }))
  }

  activityOf(id: string, page: number, limit: number): Page<ActivityItem> {
    this.row(id)
    const { rows, total } = this.activity.page(id, (page - 1) * limit, limit)
    return pageOf(
      rows.map((row) => ({ id: row.id, soulId: row.soul_id, at: toIso(row.at), kind: row.kind, summary: row.summary, listingId: row.listing_id })),
      page,
      limit,
      total,
    )
  }
}
