/**
 * The live log lists (requests, audit) keep rows newest first, each once. `position` orders them
 * (a seq or an id that grows with time); `identity` says when two rows are the same row.
 */
export interface LogOrder<T> {
  identity: (row: T) => string | number
  position: (row: T) => number
}

/** How many of `incoming` are not in `current` yet (a row counted once even if it comes twice). */
export function countNew<T>(current: T[], incoming: T[], order: LogOrder<T>): number {
  const known = new Set(current.map(order.identity))
  return new Set(incoming.map(order.identity).filter((identity) => !known.has(identity))).size
}

/** `current` with the rows of `incoming` it lacks, newest first, at most `cap` rows. */
export function mergeNewestFirst<T>(current: T[], incoming: T[], order: LogOrder<T>, cap: number): T[] {
  const seen = new Set(current.map(order.identity))
  const fresh = incoming.filter((row) => !seen.has(order.identity(row)) && (seen.add(order.identity(row)), true))
  if (fresh.length === 0) return current
  return [...fresh, ...current].sort((a, b) => order.position(b) - order.position(a)).slice(0, cap)
}
