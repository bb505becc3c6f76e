import type { TestServer } from '../../helpers/core'
import type { CasesOf, InvalidOf } from './case'

// The dashboard.* methods' cases.
export const dashboardCases = (_server: () => TestServer): CasesOf<'dashboard'> => ({})
export const dashboardInvalid: InvalidOf<'dashboard'> = {}
