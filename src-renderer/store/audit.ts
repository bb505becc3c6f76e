import type { AuditEntry } from '../../src-shared/dto'
import type { SliceCreator } from './types'

export const AUDIT_ENTRIES_CAP = 1_000

export interface AuditSlice {
  auditEntries: AuditEntry[]
  auditTotal: number
  auditLoaded: boolean
  /** Exact action name (`key.created`), or null for every action. */
  auditAction: string | null
  loadAudit(): Promise<void>
  setAuditAction(action: string | null): void
  receiveAudit(entries: AuditEntry[]): void
}

export function mergeAuditEntries(current: AuditEntry[], incoming: AuditEntry[]): AuditEntry[] {
  const seen = new Set(current.map((entry) => entry.id))
  const fresh = incoming.filter((entry) => !seen.has(entry.id) && (seen.add(entry.id), true))
  if (fresh.length === 0) return current
  return [...fresh, ...current].sort((a, b) => b.id - a.id).slice(0, AUDIT_ENTRIES_CAP)
}

export const createAuditSlice: SliceCreator<AuditSlice> = ({ client }) => (set, get) => {
  let loadGeneration = 0
  return {
    auditEntries: [],
    auditTotal: 0,
    auditLoaded: false,
    auditAction: null,

    async loadAudit() {
      const generation = ++loadGeneration
      const action = get().auditAction
      try {
        const page = await client.invoke('audit.list', { limit: 200, action: action ?? undefined })
        if (generation !== loadGeneration) return
        set({ auditEntries: mergeAuditEntries(get().auditEntries, page.entries), auditTotal: page.total, auditLoaded: true })
      } catch (error) {
        if (generation === loadGeneration) get().reportError(error, 'Could not load the audit log')
      }
    },

    setAuditAction(action) {
      set({ auditAction: action, auditEntries: [], auditTotal: 0, auditLoaded: false })
      void get().loadAudit()
    },

    receiveAudit(entries) {
      const action = get().auditAction
      const matching = action ? entries.filter((entry) => entry.action === action) : entries
      if (matching.length === 0) return
      const auditEntries = mergeAuditEntries(get().auditEntries, matching)
      set({ auditEntries, auditTotal: get().auditTotal + Math.max(auditEntries.length - get().auditEntries.length, 0) })
    },
  }
}
