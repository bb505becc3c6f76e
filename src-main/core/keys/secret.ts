import { hash, randomInt } from 'node:crypto'
import { crc32 } from 'node:zlib'

/**
 * API key secrets: `clw_` + 32 base62 characters, exactly the seed's visible format. The first 26
 * characters are random (CSPRNG, `randomInt` has no modulo bias: ~154 bits); the last 6 are the
 * base62 CRC32 of those 26, as in GitHub's token scheme, so a mistyped key is refused without a
 * store lookup and a secret scanner can confirm a find offline.
 */
export const KEY_PREFIX = 'clw_'
export const KEY_PATTERN = /^clw_[0-9A-Za-z]{32}$/
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const RANDOM_LENGTH = 26
const CHECKSUM_LENGTH = 6

export function base62(value: number, width: number): string {
  let out = ''
  for (let rest = value; rest > 0; rest = Math.floor(rest / 62)) out = ALPHABET[rest % 62] + out
  return out.padStart(width, '0')
}

export const keyChecksum = (randomPart: string): string => base62(crc32(randomPart), CHECKSUM_LENGTH)

export function generateKeySecret(): string {
  let randomPart = ''
  for (let i = 0; i < RANDOM_LENGTH; i++) randomPart += ALPHABET[randomInt(62)]
  return KEY_PREFIX + randomPart + keyChecksum(randomPart)
}

export type SecretProblem = 'malformed' | 'checksum'

/** Checks the shape and the checksum; says what is wrong, without touching the store. */
export function checkKeySecret(secret: string): SecretProblem | null {
  if (!KEY_PATTERN.test(secret)) return 'malformed'
  const body = secret.slice(KEY_PREFIX.length)
  return keyChecksum(body.slice(0, RANDOM_LENGTH)) === body.slice(RANDOM_LENGTH) ? null : 'checksum'
}

/** Only this hash is stored. A 154-bit random secret needs no slow KDF; lookups by hash leak no timing. */
export const hashKeySecret = (secret: string): string => hash('sha256', secret, 'hex')

export const keyHint = (secret: string): string => `${secret.slice(0, 8)}…${secret.slice(-4)}`
