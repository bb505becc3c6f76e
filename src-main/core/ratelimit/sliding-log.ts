/**
 * An exact sliding-log limiter (RELIABILITY §4): a request is accepted when fewer than `limit`
 * requests were accepted in the `windowMs` before it, so no rolling window ever holds more than
 * `limit`, across window edges and under any concurrency: check and consume are one synchronous step.
 * Refused requests consume nothing. Each key keeps the times of its accepted requests in a ring buffer
 * that grows only as far as the traffic actually seen inside one window.
 */
export interface LimitPolicy {
  /** The tier's id; a key moved to another tier keeps its log, so the move opens no extra burst. */
  id: string
  limit: number
  windowMs: number
}

export interface LimitDecision<P extends LimitPolicy = LimitPolicy> {
  /** The policy decided under (for a key: its tier). */
  policy: P
  /** The time of the decision (ms since epoch). */
  now: number
  allowed: boolean
  limit: number
  remaining: number
  /** When the oldest counted request leaves the window (ms since epoch): the next slot frees then. */
  resetAtMs: number
  /** For refusals: milliseconds until a retry can succeed. */
  retryAfterMs: number
}

class RingLog {
  private times = new Float64Array(8)
  private head = 0
  size = 0

  constructor(public policyId: string) {}

  oldest(): number {
    return this.times[this.head]
  }

  evictUpTo(cutoff: number): void {
    while (this.size > 0 && this.times[this.head] <= cutoff) {
      this.head = (this.head + 1) % this.times.length
      this.size--
    }
  }

  push(time: number): void {
    if (this.size === this.times.length) this.grow()
    this.times[(this.head + this.size) % this.times.length] = time
    this.size++
  }

  private grow(): void {
    const bigger = new Float64Array(this.times.length * 2)
    for (let i = 0; i < this.size; i++) bigger[i] = this.times[(this.head + i) % this.times.length]
    this.times = bigger
    this.head = 0
  }
}

export class SlidingLogLimiter {
  private readonly logs = new Map<string, RingLog>()

  /** Decides and, when allowed, consumes one slot at `now`. */
  consume<P extends LimitPolicy>(subject: string, policy: P, now: number): LimitDecision<P> {
    let log = this.logs.get(subject)
    if (!log) {
      log = new RingLog(policy.id)
      this.logs.set(subject, log)
    }
    log.policyId = policy.id
    log.evictUpTo(now - policy.windowMs)
    const allowed = log.size < policy.limit
    if (allowed) log.push(now)
    const resetAtMs = log.size > 0 ? log.oldest() + policy.windowMs : now
    return {
      policy,
      now,
      allowed,
      limit: policy.limit,
      remaining: Math.max(0, policy.limit - log.size),
      resetAtMs,
      retryAfterMs: allowed ? 0 : resetAtMs - now,
    }
  }

  /** Drops logs with nothing left in their window; called now and then so idle keys cost nothing. */
  sweep(now: number, windowOf: (policyId: string) => number | undefined): void {
    for (const [subject, log] of this.logs) {
      const windowMs = windowOf(log.policyId)
      if (windowMs === undefined) this.logs.delete(subject)
      else {
        log.evictUpTo(now - windowMs)
        if (log.size === 0) this.logs.delete(subject)
      }
    }
  }

  get trackedSubjects(): number {
    return this.logs.size
  }
}
