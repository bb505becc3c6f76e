import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Seals secrets kept in the store (an upstream model server's API key) so that no plain text of them is
 * anywhere in the data directory. The desktop app seals with Electron's safeStorage (the OS keychain);
 * headless mode with AES-256-GCM under a key kept in its own 0600 file beside the database.
 */
export interface SecretBox {
  /** What seals: "safeStorage" or "aes-256-gcm file key". */
  readonly kind: string
  seal(plain: string): Promise<string>
  open(sealed: string): Promise<string>
}

export const SECRET_KEY_FILE = 'secret.key'
const VERSION = 'v1'

/** AES-256-GCM under a random key in `<dataDir>/secret.key` (0600), made on first use. Sealed form: `v1.<iv>.<tag>.<ciphertext>` in base64url. */
export class FileSecretBox implements SecretBox {
  readonly kind = 'aes-256-gcm file key'
  private key: Buffer | undefined

  constructor(private readonly dataDir: string) {}

  private loadKey(): Buffer {
    if (this.key) return this.key
    const file = join(this.dataDir, SECRET_KEY_FILE)
    if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' })
    chmodSync(file, 0o600)
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')
    if (key.length !== 32) throw new Error(`${file} does not hold a 256-bit key; move it away to make a new one (sealed secrets are then lost).`)
    return (this.key = key)
  }

  async seal(plain: string): Promise<string> {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.loadKey(), iv)
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.')
  }

  async open(sealed: string): Promise<string> {
    if (sealed.startsWith('ss1.'))
      throw new Error("This secret was sealed by the desktop app's OS keychain and cannot be opened headless; enter the API key again here.")
    const [version, iv, tag, body] = sealed.split('.')
    if (version !== VERSION || iv === undefined || tag === undefined || body === undefined) throw new Error('not a sealed secret')
    const decipher = createDecipheriv('aes-256-gcm', this.loadKey(), Buffer.from(iv, 'base64url'))
    decipher.setAuthTag(Buffer.from(tag, 'base64url'))
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8')
  }
}

/** The part of Electron's safeStorage the desktop app seals with (its asynchronous API). */
export interface Keychain {
  isAsyncEncryptionAvailable(): Promise<boolean>
  encryptStringAsync(plain: string): Promise<Buffer>
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string }>
}

const KEYCHAIN_PREFIX = 'ss1.'

/**
 * The desktop app's box: seals with the OS keychain through Electron's safeStorage (`ss1.<base64>`), and
 * still opens what the headless file key sealed (a key set with the CLI on the same data directory).
 * Where the keychain is unavailable (Linux without a secret service) it seals with the file key instead.
 */
export class KeychainSecretBox implements SecretBox {
  constructor(
    private readonly keychain: Keychain,
    private readonly fallback: FileSecretBox,
  ) {}

  get kind(): string {
    return 'safeStorage'
  }

  async seal(plain: string): Promise<string> {
    if (!(await this.keychain.isAsyncEncryptionAvailable())) return this.fallback.seal(plain)
    return KEYCHAIN_PREFIX + (await this.keychain.encryptStringAsync(plain)).toString('base64')
  }

  async open(sealed: string): Promise<string> {
    if (!sealed.startsWith(KEYCHAIN_PREFIX)) return this.fallback.open(sealed)
    return (await this.keychain.decryptStringAsync(Buffer.from(sealed.slice(KEYCHAIN_PREFIX.length), 'base64'))).result
  }
}
