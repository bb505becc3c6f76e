import { X509Certificate } from 'node:crypto'
import { createSecureContext } from 'node:tls'
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ServerConfig, type BackupFile, type CertificateInfo } from '../../../src-shared/server-config'
import type { AuditService, Actor } from '../audit/audit.service'
import { toIso } from '../clock'
import { selfSignedFiles, selfSignedTls } from '../cli/tls'
import { DEFAULT_HOST, DEFAULT_PORT, isLoopbackHost } from '../config'
import type { Store } from '../db/store'
import { DomainError } from '../errors'

export const DEFAULT_SERVER_CONFIG: ServerConfig = { host: DEFAULT_HOST, port: DEFAULT_PORT, tls: { mode: 'off', certFile: null, keyFile: null } }

/** A configuration's own rules (SPEC §7), before any file or port is looked at. */
export function checkServerConfig(candidate: unknown): ServerConfig {
  const config = ServerConfig.parse(candidate)
  if (config.tls.mode === 'files' && (config.tls.certFile === null || config.tls.keyFile === null))
    throw new DomainError('INVALID_INPUT', 'Choose both files: the certificate and its private key (PEM).')
  if (config.tls.mode === 'off' && !isLoopbackHost(config.host))
    throw new DomainError('INVALID_INPUT', `Serving plain HTTP on ${config.host} is refused: an address other than loopback needs TLS (self-signed or your own certificate).`, {
      host: config.host,
    })
  return config
}

/** The settings row the server configuration is kept in (beside the operator settings, one JSON value). */
const ROW = 'server'

export type TlsPair = { cert: string; key: string }

/**
 * Where the server listens and with what certificate (SPEC §7), kept in the store so the next start uses it.
 * Every change is checked before it is saved: a non-loopback address needs TLS, chosen files must be a
 * readable certificate and its matching key.
 */
export class ServerConfigStore {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditService,
    private readonly dataDir: string,
  ) {}

  get(): ServerConfig {
    const row = this.store.sqlite.prepare('select value from settings where key = ?').pluck().get(ROW) as string | undefined
    const parsed = row === undefined ? null : ServerConfig.safeParse(JSON.parse(row))
    return parsed?.success ? parsed.data : DEFAULT_SERVER_CONFIG
  }

  /** Checks and saves; returns the saved configuration and its certificate pair (loaded or made). */
  async set(changes: Partial<ServerConfig>, actor: Actor): Promise<{ config: ServerConfig; tls: TlsPair | undefined }> {
    const before = this.get()
    const config = checkServerConfig({ ...before, ...changes })
    const tls = await this.tlsOf(config)
    this.store.transaction(() => {
      const json = JSON.stringify(config)
      this.store.sqlite.prepare('insert into settings (key, value) values (?, ?) on conflict (key) do update set value = excluded.value').run(ROW, json)
      this.audit.record({ actor, action: 'server.configured', targetType: 'server', targetId: null, before, after: config })
    })
    return { config, tls }
  }

  /** The certificate pair a configuration serves with: the self-signed one (made on first use) or the chosen files, checked. */
  async tlsOf(config: ServerConfig): Promise<TlsPair | undefined> {
    if (config.tls.mode === 'off') return undefined
    if (config.tls.mode === 'self-signed') return selfSignedTls(this.dataDir, config.host)
    const read = (file: string, what: string) => {
      try {
        return readFileSync(file, 'utf8')
      } catch (error) {
        throw new DomainError('INVALID_INPUT', `The ${what} ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`, { file })
      }
    }
    const pair = { cert: read(config.tls.certFile!, 'certificate'), key: read(config.tls.keyFile!, 'private key') }
    try {
      createSecureContext(pair)
    } catch (error) {
      throw new DomainError('INVALID_INPUT', `The certificate and key cannot serve TLS together: ${(error as Error).message}.`)
    }
    return pair
  }

  /** A new self-signed certificate for the configured host and any extra names; used from the next (re)start. */
  async generateCertificate(host: string, extraHosts: string[], actor: Actor): Promise<CertificateInfo> {
    const { cert } = await selfSignedTls(this.dataDir, host, { renew: true, extraHosts })
    this.audit.record({ actor, action: 'server.certificate_generated', targetType: 'server', targetId: null, before: null, after: { host, extraHosts } })
    return certificateInfo(cert, selfSignedFiles(this.dataDir).certFile)
  }

  /** The configured certificate, described; null with TLS off or when it cannot be read. */
  certificate(config: ServerConfig): CertificateInfo | null {
    if (config.tls.mode === 'off') return null
    const file = config.tls.mode === 'self-signed' ? selfSignedFiles(this.dataDir).certFile : config.tls.certFile!
    try {
      return certificateInfo(readFileSync(file, 'utf8'), file)
    } catch {
      return null
    }
  }
}

export function certificateInfo(pem: string, file: string): CertificateInfo {
  const x509 = new X509Certificate(pem)
  return {
    subject: x509.subject.replaceAll('\n', ', '),
    issuer: x509.issuer.replaceAll('\n', ', '),
    altNames: x509.subjectAltName ?? null,
    validFrom: toIso(Date.parse(x509.validFrom)),
    validTo: toIso(Date.parse(x509.validTo)),
    fingerprint256: x509.fingerprint256,
    selfSigned: x509.checkIssued(x509),
    certFile: file,
  }
}

/** The data directory's backup folder, and what is in it (newest first). */
export class BackupFolder {
  readonly dir: string

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'backups')
  }

  /** A file name for a new backup: `<label>-2026-12-04T10-45-46Z.db`, never one that exists. */
  newFile(label: string, now: number): string {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 })
    const stamp = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z').replaceAll(':', '-')
    let file = join(this.dir, `${label}-${stamp}.db`)
    for (let n = 2; exists(file); n++) file = join(this.dir, `${label}-${stamp}-${n}.db`)
    return file
  }

  describe(file: string): BackupFile {
    const stats = statSync(file)
    return { file: resolve(file), bytes: stats.size, at: toIso(stats.mtimeMs) }
  }

  list(): BackupFile[] {
    let names: string[]
    try {
      names = readdirSync(this.dir)
    } catch {
      return []
    }
    return names
      .filter((name) => name.endsWith('.db'))
      .map((name) => this.describe(join(this.dir, name)))
      .sort((a, b) => b.at.localeCompare(a.at) || b.file.localeCompare(a.file))
  }
}

const exists = (file: string) => {
  try {
    statSync(file)
    return true
  } catch {
    return false
  }
}
