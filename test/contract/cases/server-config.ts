import type { TestServer } from '../../helpers/core'
import type { CasesOf, InvalidOf } from './case'

// The config.* and backup.* methods' cases; filled in with those methods.
export const serverConfigCases = (_server: () => TestServer): CasesOf<'config' | 'backup'> => ({})
export const serverConfigInvalid: InvalidOf<'config' | 'backup'> = {}
