import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import selfsigned from 'selfsigned'

/** Where the self-signed certificate of a data directory is kept. */
export const selfSignedFiles = (dataDir: string) => ({ certFile: join(dataDir, 'tls', 'cert.pem'), keyFile: join(dataDir, 'tls', 'key.pem') })

/**
 * A self-signed certificate for LAN mode, made once per data directory and reused; `renew` makes a new
 * one (for more names, or before the old one expires).
 */
export async function selfSignedTls(dataDir: string, host: string, options: { renew?: boolean; extraHosts?: string[] } = {}): Promise<{ cert: string; key: string }> {
  const dir = join(dataDir, 'tls')
  const { certFile, keyFile } = selfSignedFiles(dataDir)
  if (options.renew || !existsSync(certFile) || !existsSync(keyFile)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    const notAfter = new Date()
    notAfter.setFullYear(notAfter.getFullYear() + 2)
    const isIp = /^[\d.]+$|:/.test(host)
    const pems = await selfsigned.generate([{ name: 'commonName', value: 'ClawHQ Local' }], {
      keySize: 2048,
      algorithm: 'sha256',
      notAfterDate: notAfter,
      extensions: [
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2 as const, value: 'localhost' },
            { type: 2 as const, value: hostname() },
            { type: 7 as const, ip: '127.0.0.1' },
            // 0.0.0.0 and :: are bind-everywhere addresses, not names a client connects to.
            ...(host === '0.0.0.0' || host === '::' ? [] : isIp ? [{ type: 7 as const, ip: host }] : [{ type: 2 as const, value: host }]),
            ...(options.extraHosts ?? []).map((name) => (/^[\d.]+$|:/.test(name) ? { type: 7 as const, ip: name } : { type: 2 as const, value: name })),
          ],
        },
      ],
    })
    writeFileSync(certFile, pems.cert, { mode: 0o600 })
    writeFileSync(keyFile, pems.private, { mode: 0o600 })
  }
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') }
}
