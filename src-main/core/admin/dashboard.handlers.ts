import type { DashboardMinute, DashboardSummary, FailingEndpoint } from '../../../src-shared/dashboard'
import { toIso } from '../clock'
import type { WebhookEndpointRow } from '../db/schema'
import type { Store } from '../db/store'
import type { HandlerDeps, HandlersOf } from './handlers'

const MINUTE_MS = 60_000
const DAY_MS = 86_400_000

/** Requests, errors and 429s per minute of the last hour, from the rollup the request-log writer keeps. */
function lastHour(store: Store, now: number): DashboardSummary['lastHour'] {
  const current = Math.floor(now / MINUTE_MS)
  const first = current - 59
  // Per key through usage_minute's primary key (key_id, minute), rather than a scan of every key's
  // every minute: keys are never deleted, and '' holds the calls that carried no valid key.
  const rows = store.allSql<{ minute: number; requests: number; errors: number; limited: number }>(
    `select u.minute, sum(u.requests) as requests, sum(u.errors) as errors, sum(u.limited) as limited
       from (select id as key_id from api_keys union all select '') k
       join usage_minute u on u.key_id = k.key_id and u.minute between ? and ?
      group by u.minute`,
    [first, current],
  )
  const byMinute = new Map(rows.map((row) => [row.minute, row]))
  const perMinute: DashboardMinute[] = []
  for (let minute = first; minute <= current; minute++) {
    const row = byMinute.get(minute)
    perMinute.push({ minute: toIso(minute * MINUTE_MS), requests: row?.requests ?? 0, errors: row?.errors ?? 0, limited: row?.limited ?? 0 })
  }
  const sum = (field: 'requests' | 'errors' | 'limited') => perMinute.reduce((total, minute) => total + minute[field], 0)
  return { since: toIso(first * MINUTE_MS), requests: sum('requests'), errors: sum('errors'), limited: sum('limited'), perMinute }
}

/**
 * Endpoints whose events are not arriving: disabled ones, those whose last attempt failed (failing_since),
 * and those with deliveries that gave up in the last day or are being retried. Deliveries run on
 * marketplace time, so the day is measured on it.
 */
function webhookHealth(deps: HandlerDeps): DashboardSummary['webhooks'] {
  const { store, webhooks } = deps
  const counts = store.firstSql<{ endpoints: number; enabled: number | null }>(
    'select count(*) as endpoints, sum(enabled) as enabled from webhook_endpoints',
    [],
  )
  // Both read through the (status, next_attempt_at) index: failed and retried deliveries are the few.
  const failed = new Map(
    store
      .allSql<{ endpoint_id: string; n: number }>(
        `select endpoint_id, count(*) as n from webhook_deliveries where status = 'failed' and updated_at >= ? group by endpoint_id`,
        [deps.market.marketClock.now() - DAY_MS],
      )
      .map((row) => [row.endpoint_id, row.n]),
  )
  const retrying = new Map(
    store
      .allSql<{ endpoint_id: string; n: number }>(
        `select endpoint_id, count(*) as n from webhook_deliveries where status = 'pending' and attempts > 0 group by endpoint_id`,
        [],
      )
      .map((row) => [row.endpoint_id, row.n]),
  )
  const flagged = store.allSql<WebhookEndpointRow>('select * from webhook_endpoints where enabled = 0 or failing_since is not null', [])
  const ids = new Set(flagged.map((row) => row.id))
  const others = [...failed.keys(), ...retrying.keys()].filter((id) => !ids.has(id) && (ids.add(id), true))
  const rows = [...flagged, ...others.map((id) => webhooks.endpointRow(id)).filter((row): row is WebhookEndpointRow => row !== undefined)]

  const lastError = (endpointId: string) =>
    store.firstSql<{ last_error: string }>(
      'select last_error from webhook_deliveries where endpoint_id = ? and last_error is not null order by seq desc limit 1',
      [endpointId],
    )?.last_error ?? null
  const failing: FailingEndpoint[] = rows.map((row) => ({
    endpoint: webhooks.toDto(row),
    failedDeliveries: failed.get(row.id) ?? 0,
    retrying: retrying.get(row.id) ?? 0,
    lastError: lastError(row.id),
  }))
  // Disabled first (nothing is sent to them at all), then the longest failing, then by failures.
  const rank = (item: FailingEndpoint) => [item.endpoint.enabled ? 1 : 0, item.endpoint.failingSince ?? '~', -item.failedDeliveries] as const
  failing.sort((a, b) => {
    const [x, y] = [rank(a), rank(b)]
    return x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0) || x[2] - y[2]
  })
  return { endpoints: counts?.endpoints ?? 0, enabled: counts?.enabled ?? 0, failing }
}

/** The dashboard.* methods. */
export const dashboardHandlers = (deps: HandlerDeps): HandlersOf<'dashboard'> => ({
  'dashboard.summary': async () => {
    // Requests answered a moment ago may still be queued for the log: count them too.
    await deps.requestLog.flush()
    const now = deps.clock.now()
    const keys = { active: 0, grace: 0, expired: 0, revoked: 0 }
    for (const key of deps.keys.list(true)) keys[key.status]++
    return { at: toIso(now), keys, lastHour: lastHour(deps.store, now), webhooks: webhookHealth(deps) }
  },
})
