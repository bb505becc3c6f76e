import { createHash } from 'node:crypto'
import { crc32 } from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  KEY_PATTERN,
  checkKeySecret,
  generateKeySecret,
  hashKeySecret,
  keyChecksum,
  keyHint,
} from '../../src-main/core/keys/secret'

/**
 * RELIABILITY #9 (key entropy) and SPEC §4 (format, checksum, hint). The RELIABILITY table asks for
 * 10⁶ keys; that costs ~8 s here (mostly the million-entry Set and checks), so this file runs 200,000,
 * which still gives ~3,200 expected per cell: a modulo-biased generator (`byte % 62`) scores χ² ≈ 1,300.
 */
const COUNT = 200_000
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const RANDOM_LENGTH = 26
const PREFIX = 'clw_'

// --- statistics, written out here so the test does not trust a library for its own threshold ---

/** ln Γ(x), Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0. */
function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ]
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x)
  const z = x - 1
  let sum = c[0]
  for (let i = 1; i < 9; i++) sum += c[i] / (z + i)
  const t = z + 7.5
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum)
}

/** Regularized upper incomplete gamma Q(a, x) (Numerical Recipes' gammq: series or continued fraction). */
function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1
  const lnPrefix = -x + a * Math.log(x) - lnGamma(a)
  if (x < a + 1) {
    let term = 1 / a
    let sum = term
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n)
      sum += term
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break
    }
    return 1 - sum * Math.exp(lnPrefix)
  }
  const tiny = 1e-300
  let b = x + 1 - a
  let c = 1 / tiny
  let d = 1 / b
  let h = d
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a)
    b += 2
    d = an * d + b
    if (Math.abs(d) < tiny) d = tiny
    c = b + an / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    const delta = d * c
    h *= delta
    if (Math.abs(delta - 1) < 1e-16) break
  }
  return Math.exp(lnPrefix) * h
}

/** P(χ²_df > x). */
const chiSquareSurvival = (x: number, df: number): number => gammaQ(df / 2, x / 2)

/** The x with P(χ²_df > x) = alpha, by bisection. */
function chiSquareCritical(df: number, alpha: number): number {
  let lo = 0
  let hi = df * 10
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2
    if (chiSquareSurvival(mid, df) > alpha) lo = mid
    else hi = mid
  }
  return (lo + hi) / 2
}

/** Base62 by hand, most significant digit first, left-padded with '0' to `width`. */
function base62ByHand(value: number, width: number): string {
  const digits: string[] = []
  let rest = BigInt(value)
  while (rest > 0n) {
    digits.unshift(ALPHABET[Number(rest % 62n)])
    rest /= 62n
  }
  return digits.join('').padStart(width, '0')
}

/** CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320), bit by bit: independent of zlib. */
function crc32ByHand(text: string): number {
  let crc = 0xffffffff
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1
  }
  return (crc ^ 0xffffffff) >>> 0
}

/** A valid secret built by the test itself from a chosen random part. */
const secretFrom = (randomPart: string) => PREFIX + randomPart + base62ByHand(crc32(randomPart), 6)

describe('the chi-square helper', () => {
  it('reproduces the textbook critical value for df = 61 at p = 0.001 (about 100.9)', () => {
    expect(chiSquareCritical(61, 0.001)).toBeGreaterThan(100.8)
    expect(chiSquareCritical(61, 0.001)).toBeLessThan(101.0)
  })

  it('reproduces the textbook critical value for df = 10 at p = 0.05 (18.307)', () => {
    expect(chiSquareCritical(10, 0.05)).toBeCloseTo(18.307, 2)
  })
})

describe(`generateKeySecret over ${COUNT.toLocaleString('en')} secrets`, () => {
  let secrets: string[] = []

  beforeAll(() => {
    secrets = new Array<string>(COUNT)
    for (let i = 0; i < COUNT; i++) secrets[i] = generateKeySecret()
  })

  it('produces only secrets matching /^clw_[0-9A-Za-z]{32}$/', () => {
    const pattern = /^clw_[0-9A-Za-z]{32}$/
    const bad = secrets.filter((secret) => !pattern.test(secret))
    expect(bad).toEqual([])
  })

  it('produces only secrets that pass checkKeySecret', () => {
    const bad = secrets.filter((secret) => checkKeySecret(secret) !== null)
    expect(bad).toEqual([])
  })

  it('produces no two equal secrets', () => {
    expect(new Set(secrets).size).toBe(COUNT)
  })

  it('draws each of the 26 random positions uniformly from the 62 characters (chi-square, Bonferroni p > 0.001)', () => {
    const counts = Array.from({ length: RANDOM_LENGTH }, () => new Array<number>(62).fill(0))
    const index = new Map([...ALPHABET].map((ch, i) => [ch, i]))
    for (const secret of secrets)
      for (let p = 0; p < RANDOM_LENGTH; p++) counts[p][index.get(secret[PREFIX.length + p])!]++
    const expected = COUNT / 62
    const statistics = counts.map((row) => row.reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0))
    // 26 tests at a family-wise 0.001: each position against 0.001 / 26 (df = 61).
    const critical = chiSquareCritical(61, 0.001 / RANDOM_LENGTH)
    expect(critical).toBeGreaterThan(100.9)
    const over = statistics.map((chi2, position) => ({ position, chi2 })).filter(({ chi2 }) => chi2 >= critical)
    expect(over).toEqual([])
  })

  it('never uses a character outside the alphabet in any random position', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 20_000; i++) for (const ch of secrets[i].slice(PREFIX.length, PREFIX.length + RANDOM_LENGTH)) seen.add(ch)
    expect([...seen].sort().join('')).toBe([...ALPHABET].sort().join(''))
  })
})

describe('checkKeySecret', () => {
  const substitutions = ['0', 'z', 'Z', 'a', '9', '_', '-', ' ', 'é']

  it('refuses every single-character change of a valid secret, at all 36 positions, as checksum or malformed', () => {
    const failures: string[] = []
    for (let sample = 0; sample < 20; sample++) {
      const secret = generateKeySecret()
      for (let position = 0; position < secret.length; position++) {
        const changes = new Set([...substitutions, ALPHABET[(ALPHABET.indexOf(secret[position]) + 1) % 62]])
        for (const replacement of changes) {
          if (replacement === secret[position]) continue
          const changed = secret.slice(0, position) + replacement + secret.slice(position + 1)
          const problem = checkKeySecret(changed)
          if (problem !== 'checksum' && problem !== 'malformed') failures.push(`${changed}: ${String(problem)}`)
        }
      }
    }
    expect(failures).toEqual([])
  })

  it('reports a well-formed secret with a wrong checksum as "checksum"', () => {
    const secret = generateKeySecret()
    const last = secret.at(-1)!
    const changed = secret.slice(0, -1) + (last === 'a' ? 'b' : 'a')
    expect(checkKeySecret(changed)).toBe('checksum')
  })

  it('reports swapped adjacent characters in the random part as "checksum"', () => {
    let checked = 0
    for (let sample = 0; sample < 200; sample++) {
      const secret = generateKeySecret()
      for (let p = PREFIX.length; p < PREFIX.length + RANDOM_LENGTH - 1; p++) {
        if (secret[p] === secret[p + 1]) continue
        const swapped = secret.slice(0, p) + secret[p + 1] + secret[p] + secret.slice(p + 2)
        expect(checkKeySecret(swapped)).toBe('checksum')
        checked++
      }
    }
    expect(checked).toBeGreaterThan(4000)
  })

  it.each([
    ['empty', ''],
    ['prefix only', 'clw_'],
    ['one character short', 'clw_' + 'a'.repeat(31)],
    ['one character long', 'clw_' + 'a'.repeat(33)],
    ['upper-case prefix', 'CLW_' + 'a'.repeat(32)],
    ['other prefix', 'sk_a' + 'a'.repeat(32)],
    ['leading space', ' clw_' + 'a'.repeat(32)],
    ['trailing newline', 'clw_' + 'a'.repeat(32) + '\n'],
  ])('reports a %s secret as "malformed"', (_label, value) => {
    expect(checkKeySecret(value)).toBe('malformed')
  })

  it('accepts a secret the test builds itself from the published scheme', () => {
    expect(checkKeySecret(secretFrom('abcdefghijklmnopqrstuvwxyz'))).toBeNull()
    expect(checkKeySecret(secretFrom('00000000000000000000000000'))).toBeNull()
    expect(checkKeySecret(secretFrom('ZZZZZZZZZZZZZZZZZZZZZZZZZZ'))).toBeNull()
  })

  it('exports a KEY_PATTERN equal to the published regex', () => {
    expect(KEY_PATTERN.source).toBe('^clw_[0-9A-Za-z]{32}$')
    expect(KEY_PATTERN.flags).toBe('')
  })
})

describe('the checksum', () => {
  it('uses a CRC-32 that agrees with the standard check value (CRC-32 of "123456789" is CBF43926)', () => {
    expect(crc32ByHand('123456789')).toBe(0xcbf43926)
    expect(crc32('123456789')).toBe(0xcbf43926)
  })

  it('equals base62(crc32(the 26 random characters)) computed independently, for a known input', () => {
    const randomPart = 'a1b2c3d4e5f6g7h8i9j0KLMNOP'
    const crc = crc32ByHand(randomPart)
    expect(crc).toBe(crc32(randomPart))
    const expected = base62ByHand(crc, 6)
    expect(expected).toMatch(/^[0-9A-Za-z]{6}$/)
    expect(keyChecksum(randomPart)).toBe(expected)
  })

  it('is 000000 … only for a CRC of 0, and pads short base62 values with leading zeros', () => {
    expect(keyChecksum('')).toBe('000000') // crc32('') = 0
    expect(base62ByHand(61, 6)).toBe('00000z')
  })

  it('matches the last 6 characters of generated secrets, for 1,000 secrets', () => {
    for (let i = 0; i < 1000; i++) {
      const secret = generateKeySecret()
      const randomPart = secret.slice(PREFIX.length, PREFIX.length + RANDOM_LENGTH)
      expect(secret.slice(-6)).toBe(base62ByHand(crc32ByHand(randomPart), 6))
    }
  })

  it('encodes the largest CRC (0xFFFFFFFF) in 6 base62 digits', () => {
    expect(base62ByHand(0xffffffff, 6)).toBe('4gfFC3')
    expect(base62ByHand(0xffffffff, 6)).toHaveLength(6)
  })
})

describe('keyHint and hashKeySecret', () => {
  it('shows clw_ plus the first four and the last four characters, joined by an ellipsis', () => {
    const secret = secretFrom('abcdWXYZabcdWXYZabcdWXYZab')
    const hint = keyHint(secret)
    expect(hint).toBe(`clw_abcd…${secret.slice(-4)}`)
    expect(hint).toMatch(/^clw_[0-9A-Za-z]{4}…[0-9A-Za-z]{4}$/)
  })

  it('keeps the hint to 13 characters, so it never carries the secret', () => {
    for (let i = 0; i < 100; i++) {
      const secret = generateKeySecret()
      const hint = keyHint(secret)
      expect(hint).toHaveLength(13)
      expect(hint).toBe(`${secret.slice(0, 8)}…${secret.slice(-4)}`)
    }
  })

  it('hashes with SHA-256 hex of the UTF-8 secret', () => {
    const secret = generateKeySecret()
    expect(hashKeySecret(secret)).toBe(createHash('sha256').update(secret, 'utf8').digest('hex'))
    expect(hashKeySecret(secret)).toMatch(/^[0-9a-f]{64}$/)
  })
})
