import { z } from 'zod'
import { method, nothing } from './contract-kit'

/**
 * The server's own configuration (SPEC §6 settings, §7 security): where the API listens and with what
 * certificate, and the data's backups. Changes to where it listens apply at once: the HTTP server is rebuilt
 * on the new address while the store and everything else keep running.
 */

export const TlsMode = z.enum(['off', 'self-signed', 'files'])

const path = z.string().trim().min(1).max(4_096)

export const ServerConfig = z.object({
  host: z
    .string()
    .trim()
    .min(1)
    .max(253)
    .regex(/^[A-Za-z0-9.:[\]-]+$/, 'an IP address or a host name, e.g. 127.0.0.1 or 0.0.0.0')
    .describe('bind address; anything but loopback needs TLS'),
  port: z.number().int().min(0).max(65_535).describe('0: any free port'),
  tls: z.object({
    mode: TlsMode.describe('off: plain HTTP (loopback only); self-signed: a certificate the app makes; files: PEM files you choose'),
    certFile: path.nullable(),
    keyFile: path.nullable(),
  }),
})
export type ServerConfig = z.infer<typeof ServerConfig>

export const CertificateInfo = z.object({
  subject: z.string(),
  issuer: z.string(),
  altNames: z.string().nullable(),
  validFrom: z.iso.datetime({ offset: true }),
  validTo: z.iso.datetime({ offset: true }),
  fingerprint256: z.string(),
  selfSigned: z.boolean(),
  certFile: z.string(),
})
export type CertificateInfo = z.infer<typeof CertificateInfo>

export const RunningServer = z.object({
  host: z.string(),
  port: z.number().int(),
  tls: z.boolean(),
  apiBaseUrl: z.string(),
  adminUrl: z.string().nullable().describe('headless: the admin GUI with its token'),
})

export const ServerConfigView = z.object({
  saved: ServerConfig.describe('what the server starts with (command-line flags win at start)'),
  running: RunningServer,
  exposed: z.boolean().describe('bound beyond loopback: other machines can reach the API'),
  certificate: CertificateInfo.nullable().describe('the certificate in use or configured'),
  dataDir: z.string(),
  backupDir: z.string(),
})
export type ServerConfigView = z.infer<typeof ServerConfigView>

export const BackupFile = z.object({ file: z.string(), bytes: z.number().int(), at: z.iso.datetime({ offset: true }) })
export type BackupFile = z.infer<typeof BackupFile>

export const serverMethods = {
  'config.get': method(nothing, ServerConfigView),
  'config.set': method(
    z
      .object({ host: ServerConfig.shape.host.optional(), port: ServerConfig.shape.port.optional(), tls: ServerConfig.shape.tls.optional() })
      .strict(),
    ServerConfigView.extend({
      restarting: z.boolean().describe('the server moves to the new address right after this answer'),
      next: RunningServer.describe('where it will answer'),
    }),
  ),
  'config.generateCertificate': method(
    z.object({ hosts: z.array(z.string().trim().min(1).max(253)).max(20).default([]).describe('extra names and addresses for the certificate') }).strict(),
    CertificateInfo,
  ),
  'backup.create': method(
    z.object({ file: path.optional().describe('default: <data dir>/backups/clawhq-<time>.db') }).strict(),
    BackupFile,
  ),
  'backup.list': method(nothing, z.array(BackupFile)),
  'backup.restore': method(
    z.object({ file: path }).strict(),
    z.object({
      restoredFrom: z.string(),
      schemaVersion: z.string(),
      keys: z.number().int(),
      safetyCopy: BackupFile.describe('the data as it was just before, kept in the backup folder'),
    }),
  ),
} as const
