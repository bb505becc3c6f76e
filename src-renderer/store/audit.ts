import type { AuditEntry } from '../../src-shared/dto'
import { createPagedList, emptyPagedList, type PagedList } from './paged-list'
import type { SliceCreator } from './types'

/** Live entries keep the list at most this long; pages loaded with "Load older" raise it to what is shown. */
export const AUDIT_ENTRIES_CAP = 1_000
/** Entries per `audit.list` page, the first and each older one. */
export const AUDIT_PAGE_SIZE = 200

/** The filter is an exact action name (`key.created`), or null for every action. */
export type AuditAction = string | null

export interface AuditSlice {
  auditLog: PagedList<AuditEntry, AuditAction>
  loadAudit(): Promise<void>
  /** Appends the page before the oldest entry shown, with the current action filter. */
  loadOlderAudit(): Promise<void>
  setAuditAction(action: AuditAction): void
  receiveAudit(entries: AuditEntry[]): void
}

export const createAuditSlice: SliceCreator<AuditSlice> = ({ client }) => (set, get) => {
  const list = createPagedList<AuditEntry, AuditAction>(
    {
      order: { identity: (entry) => entry.id, position: (entry) => entry.id },
      cap: AUDIT_ENTRIES_CAP,
      fetchPage: async (action, beforeId) => {
        const page = await client.invoke('audit.list', { limit: AUDIT_PAGE_SIZE, beforeId, action: action ?? undefined })
        return { rows: page.entries, total: page.total }
      },
      matches: (entry, action) => !action || entry.action === action,
      failures: { load: 'Could not load the audit log', older: 'Could not load older audit entries' },
    },
    {
      read: () => get().auditLog,
      write: (change) => set({ auditLog: { ...get().auditLog, ...change } }),
      reportError: (error, title) => get().reportError(error, title),
    },
  )
  return {
    auditLog: emptyPagedList(null),
    loadAudit: list.load,
    loadOlderAudit: list.loadOlder,
    setAuditAction: list.setFilter,
    receiveAudit: list.receive,
  }
}
