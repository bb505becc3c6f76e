import type { Store } from '../db/store'
import type { TierRow } from '../db/schema'

export class TiersRepository {
  constructor(private readonly store: Store) {}

  list(): Array<TierRow & { key_count: number | null }> {
    const { db } = this.store
    return this.store.all(
      db
        .selectFrom('tiers')
        .selectAll('tiers')
        .select((eb) =>
          eb
            .selectFrom('api_keys')
            .whereRef('api_keys.tier_id', '=', 'tiers.id')
            .where('api_keys.revoked_at', 'is', null)
            .select((e) => e.fn.countAll<number>().as('n'))
            .as('key_count'),
        )
        .orderBy('built_in', 'desc')
        .orderBy('window_seconds')
        .orderBy('limit_count'),
    )
  }

  find(id: string): TierRow | undefined {
    return this.store.first(this.store.db.selectFrom('tiers').selectAll().where('id', '=', id))
  }

  insert(row: TierRow): void {
    this.store.run(this.store.db.insertInto('tiers').values(row))
  }

  update(id: string, changes: Partial<Pick<TierRow, 'name' | 'limit_count' | 'window_seconds'>>): void {
    this.store.run(this.store.db.updateTable('tiers').set(changes).where('id', '=', id))
  }

  delete(id: string): void {
    this.store.run(this.store.db.deleteFrom('tiers').where('id', '=', id))
  }

  keysUsing(id: string): number {
    const row = this.store.first(
      this.store.db
        .selectFrom('api_keys')
        .select((e) => e.fn.countAll<number>().as('n'))
        .where('tier_id', '=', id),
    )
    return row?.n ?? 0
  }
}
