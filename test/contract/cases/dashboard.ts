import { expect } from 'vitest'
import type { MethodOutput } from '../../../src-shared/contract'
import { createKey, type TestServer } from '../../helpers/core'
import type { CasesOf, InvalidOf } from './case'

// The dashboard.* methods' cases.
export const dashboardCases = (server: () => TestServer): CasesOf<'dashboard'> => {
  let disabledEndpoint = ''
  return {
    'dashboard.summary': {
      input: async () => {
        const { services } = server().core
        const { secret } = createKey(server(), { name: 'dashboard' })
        // One answered call and one refused (an unknown key): both are counted in the last hour.
        for (const authorization of [`Bearer ${secret}`, 'Bearer clw_000000000000000000000000000000000']) {
          const response = await fetch(`${server().apiBaseUrl}/me`, { headers: { authorization } })
          await response.arrayBuffer()
        }
        const { endpoint } = await services.webhooks.create({ url: 'https://hooks.example/dashboard', events: ['*'] }, { operator: true }, 'cli')
        services.webhooks.update(endpoint.id, { enabled: false }, { operator: true }, 'cli')
        disabledEndpoint = endpoint.id
        return {}
      },
      check: (output: MethodOutput<'dashboard.summary'>) => {
        const { services } = server().core
        const db = services.store.sqlite
        // The handler flushed the request log first: the rollup it read agrees with the rows themselves.
        const since = Date.parse(output.lastHour.since)
        const logged = db
          .prepare('select count(*) as requests, coalesce(sum(status >= 400), 0) as errors, coalesce(sum(status = 429), 0) as limited from request_log where at >= ?')
          .get(since)
        expect({ requests: output.lastHour.requests, errors: output.lastHour.errors, limited: output.lastHour.limited }).toEqual(logged)
        expect(output.lastHour.requests).toBeGreaterThanOrEqual(2)
        expect(output.lastHour.errors).toBeGreaterThanOrEqual(1)
        expect(output.lastHour.perMinute.reduce((sum, minute) => sum + minute.requests, 0)).toBe(output.lastHour.requests)
        expect(output.lastHour.perMinute[0].minute).toBe(output.lastHour.since)

        const statuses = services.keys.list(true).map((key) => key.status)
        expect(output.keys.active).toBe(statuses.filter((status) => status === 'active').length)
        expect(output.keys.revoked).toBe(statuses.filter((status) => status === 'revoked').length)

        const failing = output.webhooks.failing.find((item) => item.endpoint.id === disabledEndpoint)
        expect(failing?.endpoint).toMatchObject({ enabled: false, disabledReason: 'disabled by hand' })
        expect(output.webhooks.failing[0].endpoint.enabled).toBe(false) // disabled endpoints come first
        expect(output.webhooks.endpoints).toBe(db.prepare('select count(*) from webhook_endpoints').pluck().get())
      },
    },
  }
}

export const dashboardInvalid: InvalidOf<'dashboard'> = {
  'dashboard.summary': [{ since: '2026-01-01T00:00:00Z' }, { keys: true }],
}
