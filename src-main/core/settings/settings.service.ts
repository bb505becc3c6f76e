import { Settings } from '../../../src-shared/dto'
import type { AuditService, Actor } from '../audit/audit.service'
import type { Store } from '../db/store'
import { StoreCache } from '../db/store-cache'

export const DEFAULT_SETTINGS: Settings = {
  requestLogRetentionDays: 30,
  corsOrigins: [],
  allowedHosts: [],
  chatMaxMessageChars: 32_000,
  chatMaxStreamsPerKey: 20,
  upstreamConnectTimeoutSeconds: 10,
  upstreamIdleTimeoutSeconds: 60,
}

/** Operator settings, one row per field, validated with the contract's schema on the way in and out. */
export class SettingsService {
  /** The settings, read once per change of the store (a change by another process included): requests read them often. */
  private readonly cache: StoreCache<Readonly<Settings>>

  constructor(
    private readonly store: Store,
    private readonly audit: AuditService,
  ) {
    this.cache = new StoreCache(store, 1)
  }

  get(): Readonly<Settings> {
    return this.cache.get('settings', () => deepFreeze(this.read()))!
  }

  private read(): Settings {
    const rows = this.store.all(this.store.db.selectFrom('settings').selectAll())
    const stored = Object.fromEntries(rows.map((row) => [row.key, JSON.parse(row.value) as unknown]))
    // A stored value this version cannot read falls back to its default rather than breaking start-up.
    const merged = { ...DEFAULT_SETTINGS }
    for (const field of Object.keys(DEFAULT_SETTINGS) as Array<keyof Settings>) {
      const parsed = Settings.shape[field].safeParse(stored[field])
      if (parsed.success) Object.assign(merged, { [field]: parsed.data })
    }
    return merged
  }

  set(changes: Partial<Settings>, actor: Actor): Settings {
    return this.store.transaction(() => {
      const before = this.read()
      for (const [key, value] of Object.entries(changes)) {
        if (value === undefined) continue
        const json = JSON.stringify(value)
        this.store.run(
          this.store.db
            .insertInto('settings')
            .values({ key, value: json })
            .onConflict((oc) => oc.column('key').doUpdateSet({ value: json })),
        )
      }
      const next = this.read()
      this.audit.record({ actor, action: 'settings.changed', targetType: 'settings', targetId: null, before, after: next })
      return next
    })
  }
}

function deepFreeze<T extends object>(value: T): T {
  for (const field of Object.values(value)) if (typeof field === 'object' && field !== null) Object.freeze(field)
  return Object.freeze(value)
}
