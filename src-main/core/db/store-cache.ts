import type { Store } from './store'

/**
 * A read-through cache of rows for the request hot path. It empties itself whenever the database
 * changed: `data_version` moves when another connection (the CLI, another process) commits, and
 * `localCommits` when this one does. So a revocation by the CLI is seen on the very next request.
 */
export class StoreCache<V> {
  private readonly entries = new Map<string, V>()
  private stamp = ''

  /** `maxEntries`: past it the cache starts over, so varied keys (query strings) cannot grow it without end. */
  constructor(
    private readonly store: Store,
    private readonly maxEntries = 100_000,
  ) {}

  get(key: string, load: (key: string) => V | undefined): V | undefined {
    const stamp = this.store.freshnessStamp()
    if (stamp !== this.stamp) {
      this.entries.clear()
      this.stamp = stamp
    }
    let value = this.entries.get(key)
    if (value === undefined) {
      value = load(key)
      if (value !== undefined) {
        if (this.entries.size >= this.maxEntries) this.entries.clear()
        this.entries.set(key, value)
      }
    }
    return value
  }
}
