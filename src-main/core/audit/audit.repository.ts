import type { Store } from '../db/store'
import type { AuditLogRow } from '../db/schema'

export interface AuditQuery {
  limit: number
  beforeId?: number
  action?: string
}

export class AuditRepository {
  constructor(private readonly store: Store) {}

  insert(row: Omit<AuditLogRow, 'id'>): number {
    return Number(this.store.run(this.store.db.insertInto('audit_log').values(row)).lastInsertRowid)
  }

  list(query: AuditQuery): { rows: AuditLogRow[]; total: number } {
    const { db } = this.store
    let base = db.selectFrom('audit_log')
    if (query.action) base = base.where('action', '=', query.action)
    const total = this.store.first(base.select((e) => e.fn.countAll<number>().as('n')))?.n ?? 0
    let page = base.selectAll()
    if (query.beforeId) page = page.where('id', '<', query.beforeId)
    return { rows: this.store.all(page.orderBy('id', 'desc').limit(query.limit)), total }
  }
}
