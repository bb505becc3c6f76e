import { useNow } from '../../components/useNow'
import { useAdmin } from '../../store'

/**
 * Marketplace time now, refreshed every `intervalMs`: deliveries are created and retried on the
 * simulation clock, so "in 5 min" and "the last hour" are read against it.
 */
export function useMarketNow(intervalMs: number): number {
  const offsetSeconds = useAdmin((s) => s.clock?.offsetSeconds ?? 0)
  return useNow(intervalMs) + offsetSeconds * 1000
}
