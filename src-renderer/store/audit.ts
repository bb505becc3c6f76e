import type { AuditEntry } from '../../src-shared/dto'
import { countNew, mergeNewestFirst, type LogOrder } from './newest-first'
import type { SliceCreator } from './types'

/** Live entries keep the list at most this long; pages loaded with "Load older" raise it to what is shown. */
export const AUDIT_ENTRIES_CAP = 1_000
/** Entries per `audit.list` page, the first and each older one. */
export const AUDIT_PAGE_SIZE = 200

export interface AuditSlice {
  auditEntries: AuditEntry[]
  auditTotal: number
  auditLoaded: boolean
  /** Exact action name (`key.created`), or null for every action. */
  auditAction: string | null
  /** A "Load older" page is on its way. */
  auditLoadingOlder: boolean
  loadAudit(): Promise<void>
  /** Appends the page before the oldest entry shown, with the current action filter. */
  loadOlderAudit(): Promise<void>
  setAuditAction(action: string | null): void
  receiveAudit(entries: AuditEntry[]): void
}

const AUDIT_ORDER: LogOrder<AuditEntry> = { identity: (entry) => entry.id, position: (entry) => entry.id }

/** Newest first, each entry once, capped at `cap` (never below what is already shown, nor below AUDIT_ENTRIES_CAP). */
export const mergeAuditEntries = (current: AuditEntry[], incoming: AuditEntry[], cap = Math.max(AUDIT_ENTRIES_CAP, current.length)) =>
  mergeNewestFirst(current, incoming, AUDIT_ORDER, cap)

export const createAuditSlice: SliceCreator<AuditSlice> = ({ client }) => (set, get) => {
  let loadGeneration = 0
  let olderRequest = 0
  return {
    auditEntries: [],
    auditTotal: 0,
    auditLoaded: false,
    auditAction: null,
    auditLoadingOlder: false,

    async loadAudit() {
      const generation = ++loadGeneration
      const action = get().auditAction
      try {
        const page = await client.invoke('audit.list', { limit: AUDIT_PAGE_SIZE, action: action ?? undefined })
        if (generation !== loadGeneration) return
        set({ auditEntries: mergeAuditEntries(get().auditEntries, page.entries), auditTotal: page.total, auditLoaded: true })
      } catch (error) {
        if (generation === loadGeneration) get().reportError(error, 'Could not load the audit log')
      }
    },

    async loadOlderAudit() {
      const { auditEntries, auditLoadingOlder, auditAction } = get()
      if (auditLoadingOlder || auditEntries.length === 0) return
      // An action change or a reload while this page loads makes it stale: it is dropped.
      const generation = loadGeneration
      const mine = ++olderRequest
      const beforeId = auditEntries.reduce((least, entry) => Math.min(least, entry.id), Infinity)
      set({ auditLoadingOlder: true })
      try {
        const page = await client.invoke('audit.list', { limit: AUDIT_PAGE_SIZE, beforeId, action: auditAction ?? undefined })
        if (generation !== loadGeneration) return
        const current = get().auditEntries
        // No cap here: the operator asked for these entries. Nothing older came back: all are shown.
        set({
          auditEntries: mergeAuditEntries(current, page.entries, current.length + page.entries.length),
          auditTotal: page.entries.length === 0 ? current.length : page.total,
        })
      } catch (error) {
        if (generation === loadGeneration) get().reportError(error, 'Could not load older audit entries')
      } finally {
        if (mine === olderRequest) set({ auditLoadingOlder: false })
      }
    },

    setAuditAction(action) {
      olderRequest++
      set({ auditAction: action, auditEntries: [], auditTotal: 0, auditLoaded: false, auditLoadingOlder: false })
      void get().loadAudit()
    },

    receiveAudit(entries) {
      const action = get().auditAction
      const matching = action ? entries.filter((entry) => entry.action === action) : entries
      if (matching.length === 0) return
      const current = get().auditEntries
      // Counted before the cap: a full list still grows the total, so "Load older" reaches what slid off.
      const added = countNew(current, matching, AUDIT_ORDER)
      set({ auditEntries: mergeAuditEntries(current, matching), auditTotal: get().auditTotal + added })
    },
  }
}
