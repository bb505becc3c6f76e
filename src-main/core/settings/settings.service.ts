import { Settings } from '../../../src-shared/dto'
import type { AuditService, Actor } from '../audit/audit.service'
import type { Store } from '../db/store'

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
  constructor(
    private readonly store: Store,
    private readonly audit: AuditService,
  ) {}

  get(): Settings {
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
      const before = this.get()
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
      const next = this.get()
      this.audit.record({ actor, action: 'settings.changed', targetType: 'settings', targetId: null, before, after: next })
      return next
    })
  }
}
