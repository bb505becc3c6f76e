import { randomInt } from 'node:crypto'
import type { Faults } from '../../../src-shared/agents'

const ROUND = 100

interface Bag {
  /** The configuration the draws were made for (its JSON: a changed setting starts a fresh round). */
  config: string
  /** One round of 100 draws, `percent` of them hits, in random order. */
  hits: Uint8Array
  next: number
}

/**
 * Decides which of a key's requests an injected fault hits. The share is exact over every round of 100
 * requests (a key at 50 % fails 50 of its first 100 requests, at random positions) rather than a coin
 * tossed per request, so a developer's retry test sees the share they asked for, every run.
 */
export class FaultInjector {
  private readonly bags = new Map<string, Bag>()

  /** Whether this request of `keyId` is hit by its `faults` (stored as `configJson`). */
  hits(keyId: string, faults: Faults, configJson: string): boolean {
    let bag = this.bags.get(keyId)
    if (bag === undefined || bag.config !== configJson) {
      bag = { config: configJson, hits: deal(faults.percent), next: 0 }
      this.bags.set(keyId, bag)
    } else if (bag.next === ROUND) {
      bag.hits = deal(faults.percent)
      bag.next = 0
    }
    return bag.hits[bag.next++] === 1
  }

  /** Forgets a key's round (its faults were switched off). */
  forget(keyId: string): void {
    this.bags.delete(keyId)
  }
}

/** `percent` ones among 100, shuffled (Fisher–Yates with an unbiased CSPRNG draw). */
function deal(percent: number): Uint8Array {
  const hits = new Uint8Array(ROUND)
  hits.fill(1, 0, percent)
  for (let i = ROUND - 1; i > 0; i--) {
    const j = randomInt(i + 1)
    const swap = hits[i]!
    hits[i] = hits[j]!
    hits[j] = swap
  }
  return hits
}
