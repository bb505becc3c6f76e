/** Time comes in through this interface, so tests can freeze it or move it to the millisecond. */
export interface Clock {
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }

/** A clock that moves only when told to; for tests and the simulation clock. */
export class ManualClock implements Clock {
  constructor(private current = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.current
  }
  set(ms: number): void {
    this.current = ms
  }
  advance(ms: number): void {
    this.current += ms
  }
}

let lastMs = Number.NaN
let lastIso = ''
/** ISO 8601 in UTC. The last answer is kept: on the hot path the same millisecond is formatted over and over. */
export const toIso = (ms: number): string => {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString()
    lastMs = ms
  }
  return lastIso
}
export const toIsoOrNull = (ms: number | null): string | null => (ms === null ? null : toIso(ms))
