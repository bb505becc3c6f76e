import { isAdminError } from '../api'
import type { SliceCreator } from './types'

export type ColorScheme = 'light' | 'dark'
const COLOR_SCHEME_KEY = 'clawhq.colorScheme'

/** What a failed call says, for a notice or an inline error. */
export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error))

export interface UiSlice {
  colorScheme: ColorScheme
  /** The admin token was refused: the app shows how to get a fresh admin URL. */
  unauthorized: boolean
  toggleColorScheme(): void
  reportError(error: unknown, title: string): void
  reportSuccess(title: string, message: string): void
}

export const createUiSlice: SliceCreator<UiSlice> = ({ notify, storage, prefersDark }) => (set, get) => {
  const saved = storage?.getItem(COLOR_SCHEME_KEY)
  const initial: ColorScheme = saved === 'light' || saved === 'dark' ? saved : prefersDark ? 'dark' : 'light'
  return {
    colorScheme: initial,
    unauthorized: false,

    toggleColorScheme() {
      const next: ColorScheme = get().colorScheme === 'dark' ? 'light' : 'dark'
      storage?.setItem(COLOR_SCHEME_KEY, next)
      set({ colorScheme: next })
    },

    reportError(error, title) {
      if (isAdminError(error) && error.code === 'UNAUTHORIZED') set({ unauthorized: true })
      notify({ kind: 'error', title, message: errorMessage(error) })
    },

    reportSuccess(title, message) {
      notify({ kind: 'success', title, message })
    },
  }
}
