import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FileSecretBox, KeychainSecretBox, SECRET_KEY_FILE, type Keychain } from '../../src-main/core/agents/secret-box'
import { tempDir } from '../helpers/core'

/**
 * Stands in for Electron's safeStorage, which needs the Electron binary: a real AES-256-GCM cipher
 * under a key held in memory, like an OS keychain holds it outside the data directory.
 */
function memoryKeychain(available = true): Keychain & { sealed: number } {
  const key = randomBytes(32)
  const chain = {
    sealed: 0,
    isAsyncEncryptionAvailable: async () => available,
    async encryptStringAsync(plain: string) {
      chain.sealed++
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return Buffer.concat([iv, cipher.getAuthTag(), body])
    },
    async decryptStringAsync(encrypted: Buffer) {
      const decipher = createDecipheriv('aes-256-gcm', key, encrypted.subarray(0, 12))
      decipher.setAuthTag(encrypted.subarray(12, 28))
      return { result: Buffer.concat([decipher.update(encrypted.subarray(28)), decipher.final()]).toString('utf8') }
    },
  }
  return chain
}

describe('FileSecretBox (headless)', () => {
  it('seals with a key in its own 0600 file: no plain text, a fresh IV each time, opens what it sealed', async () => {
    const dir = tempDir()
    const box = new FileSecretBox(dir)
    const a = await box.seal('sk-live-123')
    const b = await box.seal('sk-live-123')
    expect(a).not.toContain('sk-live-123')
    expect(a).not.toBe(b)
    expect(await box.open(a)).toBe('sk-live-123')
    expect(statSync(join(dir, SECRET_KEY_FILE)).mode & 0o777).toBe(0o600)
    expect(await new FileSecretBox(dir).open(b)).toBe('sk-live-123') // the key outlives the process
  })

  it('refuses a tampered secret, one sealed under another key, and one the desktop keychain sealed', async () => {
    const box = new FileSecretBox(tempDir())
    const sealed = await box.seal('secret')
    const parts = sealed.split('.')
    parts[3] = Buffer.from('tampered').toString('base64url')
    await expect(box.open(parts.join('.'))).rejects.toThrow()
    await expect(new FileSecretBox(tempDir()).open(sealed)).rejects.toThrow()
    await expect(box.open('ss1.AAAA')).rejects.toThrow(/desktop app's OS keychain/)
    await expect(box.open('garbage')).rejects.toThrow(/not a sealed secret/)
  })

  it('refuses a key file that does not hold 256 bits', async () => {
    const dir = tempDir()
    const box = new FileSecretBox(dir)
    await box.seal('x')
    const { writeFileSync } = await import('node:fs')
    writeFileSync(join(dir, SECRET_KEY_FILE), 'c2hvcnQ=')
    await expect(new FileSecretBox(dir).seal('x')).rejects.toThrow(/256-bit key/)
    expect(readFileSync(join(dir, SECRET_KEY_FILE), 'utf8')).toBe('c2hvcnQ=')
  })
})

describe('KeychainSecretBox (desktop)', () => {
  it('seals with the keychain and opens both its own and the file key\'s secrets', async () => {
    const dir = tempDir()
    const keychain = memoryKeychain()
    const file = new FileSecretBox(dir)
    const box = new KeychainSecretBox(keychain, file)
    const sealed = await box.seal('sk-desktop')
    expect(sealed.startsWith('ss1.')).toBe(true)
    expect(keychain.sealed).toBe(1)
    expect(await box.open(sealed)).toBe('sk-desktop')
    expect(await box.open(await file.seal('sk-from-cli'))).toBe('sk-from-cli')
  })

  it('falls back to the file key where no keychain is available', async () => {
    const keychain = memoryKeychain(false)
    const box = new KeychainSecretBox(keychain, new FileSecretBox(tempDir()))
    const sealed = await box.seal('sk-fallback')
    expect(sealed.startsWith('v1.')).toBe(true)
    expect(keychain.sealed).toBe(0)
    expect(await box.open(sealed)).toBe('sk-fallback')
  })
})
