import type { TestServer } from '../../helpers/core'
import type { CasesOf, InvalidOf } from './case'

// The playground.* methods' cases.
export const playgroundCases = (_server: () => TestServer): CasesOf<'playground'> => ({})
export const playgroundInvalid: InvalidOf<'playground'> = {}
