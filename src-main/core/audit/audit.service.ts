import type { AuditEntry } from '../../../src-shared/dto'
import { toIso, type Clock } from '../clock'
import type { AuditLogRow } from '../db/schema'
import type { Store } from '../db/store'
import type { EventBus } from '../events'
import { AuditRepository, type AuditQuery } from './audit.repository'

/** Who made a change: the desktop GUI, the CLI, the headless admin RPC, or an API key (`api:key_…`). */
export type Actor = 'gui' | 'cli' | 'admin-http' | `api:${string}`

export interface AuditRecord {
  actor: Actor
  action: string
  targetType: string
  targetId: string | null
  before?: unknown
  after?: unknown
}

const parse = (json: string | null): unknown => (json === null ? null : JSON.parse(json))

const toDto = (row: AuditLogRow): AuditEntry => ({
  id: row.id,
  at: toIso(row.at),
  actor: row.actor,
  action: row.action,
  targetType: row.target_type,
  targetId: row.target_id,
  before: parse(row.before_json),
  after: parse(row.after_json),
})

export class AuditService {
  private readonly repo: AuditRepository

  constructor(
    private readonly store: Store,
    private readonly events: EventBus,
    private readonly clock: Clock,
  ) {
    this.repo = new AuditRepository(store)
  }

  /**
   * Writes one entry in the caller's transaction, so the change and its audit entry commit together;
   * the live event goes out only after that commit. Callers pass DTOs, which never hold a key secret.
   */
  record(entry: AuditRecord): void {
    this.store.transaction(() => {
      const row = {
        at: this.clock.now(),
        actor: entry.actor,
        action: entry.action,
        target_type: entry.targetType,
        target_id: entry.targetId,
        before_json: entry.before === undefined ? null : JSON.stringify(entry.before),
        after_json: entry.after === undefined ? null : JSON.stringify(entry.after),
      }
      const id = this.repo.insert(row)
      this.store.onCommit(() => this.events.emit('audit.new', [toDto({ id, ...row })]))
    })
  }

  list(query: AuditQuery): { entries: AuditEntry[]; total: number } {
    const { rows, total } = this.repo.list(query)
    return { entries: rows.map(toDto), total }
  }
}
