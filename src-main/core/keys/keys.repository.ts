import type { Store } from '../db/store'
import type { ApiKeyRow, NewApiKeyRow } from '../db/schema'

export type KeyChanges = Partial<
  Pick<
    ApiKeyRow,
    'name' | 'scopes' | 'tier_id' | 'expires_at' | 'revoked_at' | 'rolled_to_id' | 'spend_per_purchase_cents' | 'spend_per_day_cents' | 'soul_id' | 'faults_json'
  >
>

export class KeysRepository {
  constructor(private readonly store: Store) {}

  list(includeRevoked: boolean): ApiKeyRow[] {
    let query = this.store.db.selectFrom('api_keys').selectAll()
    if (!includeRevoked) query = query.where('revoked_at', 'is', null)
    return this.store.all(query.orderBy('created_at', 'desc').orderBy('id'))
  }

  soulExists(id: string): boolean {
    return this.store.first(this.store.db.selectFrom('souls').select('id').where('id', '=', id)) !== undefined
  }

  find(id: string): ApiKeyRow | undefined {
    return this.store.first(this.store.db.selectFrom('api_keys').selectAll().where('id', '=', id))
  }

  findByHash(secretHash: string): ApiKeyRow | undefined {
    return this.store.first(this.store.db.selectFrom('api_keys').selectAll().where('secret_hash', '=', secretHash))
  }

  /**
   * The lineages made through the API by the lineage `creatorLineageId` or, transitively, by the keys it
   * made, as a CTE `owned`. UNION, not UNION ALL: a cycle, which no code path creates, would still end.
   */
  private owned(creatorLineageId: string) {
    return this.store.db.withRecursive('owned(lineage_id)', (db) =>
      db
        .selectFrom('api_keys')
        .select('api_keys.lineage_id')
        .where('api_keys.created_by', '=', creatorLineageId)
        .union(db.selectFrom('api_keys').innerJoin('owned', 'owned.lineage_id', 'api_keys.created_by').select('api_keys.lineage_id')),
    )
  }

  /** Every key (every secret of every roll) descending from the lineage `creatorLineageId`, newest first. */
  descendants(creatorLineageId: string, includeRevoked: boolean): ApiKeyRow[] {
    let query = this.owned(creatorLineageId)
      .selectFrom('api_keys')
      .selectAll('api_keys')
      .where('api_keys.lineage_id', 'in', (eb) => eb.selectFrom('owned').select('owned.lineage_id'))
    if (!includeRevoked) query = query.where('api_keys.revoked_at', 'is', null)
    return this.store.all(query.orderBy('api_keys.created_at', 'desc').orderBy('api_keys.id'))
  }

  /** Whether the lineage `lineageId` descends from the lineage `creatorLineageId` (itself excluded). */
  descendsFrom(lineageId: string, creatorLineageId: string): boolean {
    const query = this.owned(creatorLineageId).selectFrom('owned').select('owned.lineage_id').where('owned.lineage_id', '=', lineageId).limit(1)
    return this.store.first(query) !== undefined
  }

  insert(row: NewApiKeyRow): void {
    this.store.run(this.store.db.insertInto('api_keys').values(row))
  }

  update(id: string, changes: KeyChanges): void {
    this.store.run(this.store.db.updateTable('api_keys').set(changes).where('id', '=', id))
  }

  /** Last-used times come from the batched request log; never move one backwards. */
  touch(id: string, at: number): void {
    this.store.run(
      this.store.db
        .updateTable('api_keys')
        .set({ last_used_at: at })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)])),
    )
  }

  countActive(now: number): number {
    return (
      this.store.first(
        this.store.db
          .selectFrom('api_keys')
          .select((e) => e.fn.countAll<number>().as('n'))
          .where('revoked_at', 'is', null)
          .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)])),
      )?.n ?? 0
    )
  }
}
