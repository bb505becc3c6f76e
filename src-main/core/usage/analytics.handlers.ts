import type { HandlerDeps, HandlersOf } from '../admin/handlers'
import { AnalyticsService } from './analytics.service'

/** The analytics.* methods. */
export const analyticsHandlers = (deps: HandlerDeps): HandlersOf<'analytics'> => {
  const analytics = new AnalyticsService(deps.store, deps.clock, deps.market.marketClock)
  return {
    'analytics.usage': async (input) => {
      // Requests answered a moment ago may still be queued for the log: count them too.
      await deps.requestLog.flush()
      // An unknown key is refused (NOT_FOUND) rather than charted as silence.
      if (typeof input.keyId === 'string') deps.keys.get(input.keyId)
      return analytics.usage(input.range, input.keyId)
    },
    'analytics.revenue': (input) => analytics.revenue(input.range),
  }
}
