import { createServer } from 'node:net'
import { resolve } from 'node:path'
import type { ServerConfigView } from '../../../src-shared/server-config'
import type { HandlerDeps, HandlersOf } from '../admin/handlers'
import type { Core } from '../app'
import { isLoopbackHost } from '../config'
import { inspectBackup, RestoreRefusedError } from '../db/restore'
import { DomainError } from '../errors'
import { checkServerConfig, type BackupFolder, type ServerConfigStore } from './server-config'

/** What the config.* and backup.* methods need from a running server; absent in one-shot CLI commands. */
export interface ServerHost {
  core: Pick<Core, 'running' | 'reconfigure'>
  config: ServerConfigStore
  backups: BackupFolder
  dataDir: string
  nativeBinding?: string
  logError: (error: unknown, message: string) => void
}

/** The answer goes out before the server moves: the caller (perhaps over this very server) reads it first. */
const MOVE_AFTER_MS = 150

const needsServer = (): never => {
  throw new DomainError('CONFLICT', 'This needs the running server (the desktop app or `clawhq-local serve`).')
}

/** The config.* and backup.* methods: where the server listens (SPEC §7), its certificate, backups and restore. */
export function serverHandlers(deps: HandlerDeps): HandlersOf<'config' | 'backup'> {
  const host = () => deps.server ?? needsServer()

  const view = (): ServerConfigView => {
    const { core, config, backups, dataDir } = host()
    const running = core.running()
    const saved = config.get()
    return {
      saved,
      running: { host: running.host, port: running.port, tls: running.tls !== undefined, apiBaseUrl: running.apiBaseUrl, adminUrl: running.adminUrl },
      exposed: !isLoopbackHost(running.host),
      certificate: running.tls ? config.certificate(saved) : null,
      dataDir,
      backupDir: backups.dir,
    }
  }

  return {
    'config.get': () => view(),
    'config.set': async (input, { actor }) => {
      const server = host()
      const running = server.core.running()
      // What is not given stays as it runs now (flags may have overridden the saved address at start).
      const base = { ...server.config.get(), host: running.host, port: running.port }
      const merged = checkServerConfig({ ...base, ...input })
      const sameAddress = merged.host === running.host && (merged.port === running.port || merged.port === 0)
      // The port it listens on now is freed before the move (and taken back if the move fails): only another port is probed.
      if (!sameAddress && merged.port !== 0 && merged.port !== running.port) await assertFree(merged.host, merged.port)
      const { config, tls } = await server.config.set({ host: merged.host, port: merged.port, tls: merged.tls }, actor)
      const moving = !sameAddress || (tls?.cert ?? null) !== (running.tls?.cert ?? null) || (tls?.key ?? null) !== (running.tls?.key ?? null)
      if (moving) {
        setTimeout(() => {
          server.core.reconfigure({ host: config.host, port: config.port, tls }).catch((error: unknown) => server.logError(error, 'server: moving to the new address failed'))
        }, MOVE_AFTER_MS).unref()
      }
      const scheme = tls ? 'https' : 'http'
      const shown = isLoopbackHost(config.host) || config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
      const nextPort = config.port === 0 ? running.port : config.port
      const origin = `${scheme}://${shown.includes(':') ? `[${shown}]` : shown}:${nextPort}`
      const adminToken = running.adminUrl === null ? null : new URL(running.adminUrl).searchParams.get('token')
      return {
        ...view(),
        restarting: moving,
        next: {
          host: config.host,
          port: nextPort,
          tls: tls !== undefined,
          apiBaseUrl: `${origin}/api/v1`,
          adminUrl: adminToken === null ? null : `${origin}/admin/?token=${adminToken}`,
        },
      }
    },
    'config.generateCertificate': (input, { actor }) => host().config.generateCertificate(host().config.get().host, input.hosts, actor),
    'backup.create': async (input) => {
      const server = host()
      const file = input.file ? resolve(input.file) : server.backups.newFile('clawhq', Date.now())
      try {
        await deps.store.backup(file)
      } catch (error) {
        throw new DomainError('INVALID_INPUT', `Cannot write the backup to ${file}: ${(error as Error).message}.`, { file })
      }
      return server.backups.describe(file)
    },
    'backup.list': () => host().backups.list(),
    'backup.restore': async (input, { actor }) => {
      const server = host()
      const file = resolve(input.file)
      // Checked all the way through before anything is replaced: a bad file changes nothing.
      let summary
      try {
        summary = await inspectBackup(file, server.nativeBinding)
      } catch (error) {
        if (error instanceof RestoreRefusedError) throw new DomainError('INVALID_INPUT', error.message, { file })
        throw error
      }
      const safety = server.backups.newFile('before-restore', Date.now())
      await deps.store.backup(safety)
      await deps.store.restoreFrom(file, server.nativeBinding)
      deps.audit.record({ actor, action: 'backup.restored', targetType: 'server', targetId: null, before: { safetyCopy: safety }, after: { restoredFrom: file, schemaVersion: summary.schemaVersion } })
      return { restoredFrom: file, schemaVersion: summary.schemaVersion, keys: summary.keys, safetyCopy: server.backups.describe(safety) }
    },
  }
}

/** Refuses a port something else listens on, before anything is saved or closed. */
function assertFree(hostName: string, port: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const probe = createServer()
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new DomainError(
          'CONFLICT',
          error.code === 'EADDRINUSE'
            ? `Port ${port} is in use on ${hostName}: choose another.`
            : `Cannot listen on ${hostName}:${port} (${error.code ?? error.message}).`,
          { host: hostName, port },
        ),
      ),
    )
    probe.listen({ host: hostName, port, exclusive: true }, () => probe.close(() => resolvePromise()))
  })
}
