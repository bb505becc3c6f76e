import type { TestServer } from '../../helpers/core'
import type { CasesOf, InvalidOf } from './case'

// The analytics.* methods' cases; filled in with those methods.
export const analyticsCases = (_server: () => TestServer): CasesOf<'analytics'> => ({})
export const analyticsInvalid: InvalidOf<'analytics'> = {}
