/**
 * What a failed SQLite call says about the disk under the store, in the product's words. A write that
 * fails this way changed nothing (SQLite rolled its transaction back); it can succeed later, once space
 * returns or the file is readable again, without a restart.
 */
export type StorageProblem = 'full' | 'unavailable'

const sqliteCode = (error: unknown): string =>
  typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : ''

export function storageProblem(error: unknown): StorageProblem | null {
  const code = sqliteCode(error)
  if (!code.startsWith('SQLITE_')) return null
  if (code === 'SQLITE_FULL') return 'full'
  if (/^SQLITE_(IOERR|CORRUPT|NOTADB|READONLY|CANTOPEN|BUSY|LOCKED|NOMEM)/.test(code)) return 'unavailable'
  return null
}

export const STORAGE_MESSAGES: Record<StorageProblem, string> = {
  full: 'The disk holding the data directory is full: nothing was changed. Free some space and retry; the server resumes on its own.',
  unavailable: 'The database cannot be written right now: nothing was changed. Retry shortly; the server log has the details.',
}

/** Seconds a client should wait before retrying a write refused for storage reasons. */
export const STORAGE_RETRY_AFTER_SECONDS = 5
