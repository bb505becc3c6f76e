import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import { version } from '../../package.json'
import type { ServerStatus } from '../../src-shared/dto'
import { createDispatch, type Dispatch } from './admin/dispatch'
import { createHandlers } from './admin/handlers'
import { registerHttpTransport } from './admin/transports/http'
import { buildApiServer, API_PREFIX } from './api/server'
import { HostPolicy } from './api/host-policy'
import { AuditService } from './audit/audit.service'
import { systemClock, toIso, type Clock } from './clock'
import { assertSafeBind, DATABASE_FILE, isLoopbackHost } from './config'
import { Store } from './db/store'
import { EventBus } from './events'
import { ActivityService } from './activity/activity.service'
import { DemoService } from './demo/demo.service'
import { KeysService } from './keys/keys.service'
import { AgentsService } from './agents/agents.service'
import { FileSecretBox, type SecretBox } from './agents/secret-box'
import { ChatService } from './chat/chat.service'
import { ListingsService } from './listings/listings.service'
import { MarketClock } from './marketplace/market-clock'
import type { MarketplaceServices } from './marketplace/services'
import { PurchasesService } from './purchases/purchases.service'
import { SoulsService } from './souls/souls.service'
import { WalletService } from './wallet/wallet.service'
import { ServerLogDestination } from './log-destination'
import { RateLimitService } from './ratelimit/ratelimit.service'
import { ServerLock } from './server-lock'
import { SettingsService } from './settings/settings.service'
import { TiersService } from './tiers/tiers.service'
import { RequestLog } from './usage/request-log'
import { WorkerSink } from './usage/request-log-sink'
import { WebhookOutbox } from './webhooks/outbox'
import { WebhookDispatcher } from './webhooks/dispatcher'
import { WebhooksService } from './webhooks/webhooks.service'
import { InboxService } from './webhooks/inbox.service'
import { BackupFolder, ServerConfigStore } from './server/server-config'
import { PlaygroundCredential } from './playground/credential'
import { PlaygroundService } from './playground/playground.service'

export { version }

export interface CoreOptions {
  dataDir: string
  mode: 'desktop' | 'headless'
  host?: string
  port?: number
  /** Headless: the admin token; generated when absent. */
  adminToken?: string
  tls?: { cert: string; key: string }
  nativeBinding?: string
  /** Headless: the built GUI served under /admin/. */
  rendererDir?: string
  clock?: Clock
  /** Where the server log goes; default `<dataDir>/logs/clawhq.log`; false for none. */
  logFile?: string | false
  requestLogFlushMs?: number
  /**
   * The built request-log writer (out/main/request-log-worker.js): batches are written on that thread.
   * Without it they are written inline, on the store's connection (tests, one-shot commands).
   */
  requestLogWorker?: string
  /** Open connections the server takes at once (default CONNECTION_LIMITS.maxConnections). */
  maxConnections?: number
  /** Seals secrets kept in the store (upstream API keys): safeStorage in the desktop app; a 0600 key file by default. */
  secretBox?: SecretBox
  /** SSE comment heartbeat interval (default 15 s). */
  sseHeartbeatMs?: number
  /** Webhook delivery: a receiver's time to answer (default 15 s) and how often due retries are looked for (default 0.5 s). */
  webhookTimeoutMs?: number
  webhookPollMs?: number
}

/** The services, opened on one data directory; what the CLI's one-shot commands use. */
export interface Services extends MarketplaceServices {
  store: Store
  clock: Clock
  events: EventBus
  audit: AuditService
  tiers: TiersService
  keys: KeysService
  settings: SettingsService
  requestLog: RequestLog
  rateLimits: RateLimitService
  agents: AgentsService
  chat: ChatService
  webhooks: WebhooksService
  inbox: InboxService
  close(): void
}

export async function openServices(
  dataDir: string,
  options: Pick<CoreOptions, 'clock' | 'nativeBinding' | 'requestLogFlushMs' | 'requestLogWorker' | 'secretBox'> = {},
): Promise<Services> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const store = await Store.open({ file: join(dataDir, DATABASE_FILE), nativeBinding: options.nativeBinding })
  const clock = options.clock ?? systemClock
  const events = new EventBus()
  const audit = new AuditService(store, events, clock)
  const tiers = new TiersService(store, audit, clock)
  const marketClock = new MarketClock(store, clock, audit)
  const outbox = new WebhookOutbox(store, marketClock)
  const keys = new KeysService(store, tiers, audit, clock, outbox)
  const settings = new SettingsService(store, audit)
  const sink = options.requestLogWorker
    ? new WorkerSink({ workerFile: options.requestLogWorker, databaseFile: store.file, nativeBinding: options.nativeBinding })
    : undefined
  const requestLog = new RequestLog(store, keys, events, clock, { flushEveryMs: options.requestLogFlushMs, sink })
  const rateLimits = new RateLimitService(store, tiers, clock)
  const souls = new SoulsService(store)
  const wallets = new WalletService(store, audit, marketClock)
  const listings = new ListingsService(store, audit, marketClock, outbox)
  const purchases = new PurchasesService(store, listings, wallets, audit, marketClock, outbox)
  const activity = new ActivityService(store, listings, marketClock, clock)
  const demo = new DemoService(store, audit)
  demo.seedIfNew()
  const secretBox = options.secretBox ?? new FileSecretBox(dataDir)
  const agents = new AgentsService(store, audit, clock, secretBox)
  const webhooks = new WebhooksService(store, audit, marketClock, secretBox, outbox)
  const inbox = new InboxService(store, audit, clock, secretBox, events)
  agents.seedIfNew()
  const chat = new ChatService(store, agents, settings, clock)
  return {
    agents,
    chat,
    webhooks,
    inbox,
    store,
    clock,
    events,
    audit,
    tiers,
    keys,
    settings,
    requestLog,
    rateLimits,
    marketClock,
    souls,
    wallets,
    listings,
    purchases,
    activity,
    demo,
    close() {
      requestLog.close()
      store.close()
    },
  }
}

export interface Core {
  readonly services: Services
  readonly events: EventBus
  readonly api: FastifyInstance
  readonly adminToken: string | null
  dispatch: Dispatch
  listen(): Promise<{ apiBaseUrl: string; adminUrl: string | null }>
  /**
   * Moves the HTTP server to another address, port or certificate: the old one closes (its connections
   * and streams end), a new one listens; the store, the limiter's windows and the dispatcher keep running.
   * If the new address cannot be listened on, the old one is listened on again and the error is thrown.
   */
  reconfigure(next: ListenConfig): Promise<{ apiBaseUrl: string; adminUrl: string | null }>
  /** Where the server listens now. */
  running(): ListenConfig & { apiBaseUrl: string; adminUrl: string | null }
  close(): Promise<void>
}

export interface ListenConfig {
  host: string
  port: number
  tls: { cert: string; key: string } | undefined
}

/** Opens the store, builds the API and admin transports around one set of services. Does not listen yet. */
export async function createCore(options: CoreOptions): Promise<Core> {
  if (options.host !== undefined) assertSafeBind(options.host, options.tls !== undefined)
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 })
  // One server per data directory: a second one would keep its own limiter and double every limit.
  const lock = ServerLock.acquire(options.dataDir, options.mode, options.nativeBinding)
  let services: Services | undefined
  try {
    services = await openServices(options.dataDir, options)
    // Where to listen: what the options say, else what Settings saved (SPEC §7 holds either way).
    const serverConfig = new ServerConfigStore(services.store, services.audit, options.dataDir)
    const saved = serverConfig.get()
    const listen: ListenConfig = {
      host: options.host ?? saved.host,
      port: options.port ?? saved.port,
      tls: options.tls ?? (options.host === undefined ? await serverConfig.tlsOf(saved) : undefined),
    }
    assertSafeBind(listen.host, listen.tls !== undefined)
    return await assembleCore(options, services, serverConfig, listen, lock)
  } catch (error) {
    services?.close()
    lock.release()
    throw error
  }
}

async function assembleCore(options: CoreOptions, services: Services, serverConfig: ServerConfigStore, initial: ListenConfig, lock: ServerLock): Promise<Core> {
  const { store, clock, events, keys, tiers, audit, settings, requestLog, rateLimits } = services
  let { host, port, tls } = initial
  const logDestination = options.logFile === false ? null : new ServerLogDestination(options.logFile ?? join(options.dataDir, 'logs', 'clawhq.log'))
  const logger =
    logDestination === null
      ? false
      : pino(
          {
            level: 'info',
            redact: { paths: ['req.headers.authorization', '*.secret', 'secret', '*.adminToken'], censor: '[redacted]' },
          },
          logDestination,
        )
  const logError = (error: unknown, message: string, fields: Record<string, unknown> = {}) =>
    logger ? logger.error({ err: error, ...fields }, message) : console.error(message, error)
  store.onCallbackError = (error) => logError(error, 'after-commit callback failed')
  events.onListenerError = (error, name) => logError(error, 'event listener failed', { event: name })
  requestLog.onWriteError = (error, recovered) =>
    recovered
      ? logger && logger.info('request log: writing again')
      : logError(error, 'request log: the store refused a batch; it is kept and retried')
  // Housekeeping must never take the server down: a full disk only postpones it.
  const prune = () => {
    try {
      const days = settings.get().requestLogRetentionDays
      // The webhook delivery log follows the request log's retention.
      services.webhooks.prune(services.marketClock.now() - days * 86_400_000)
      requestLog.prune(days).catch((error: unknown) => logError(error, 'request log: pruning failed; retried in an hour'))
    } catch (error) {
      logError(error, 'request log: pruning failed; retried in an hour')
    }
  }
  const startedAt = clock.now()
  let apiBaseUrl = ''
  let adminUrl: string | null = null

  const status = (): ServerStatus => ({
    version,
    mode: options.mode,
    apiBaseUrl,
    dataDir: options.dataDir,
    startedAt: toIso(startedAt),
    schemaVersion: store.schemaVersion(),
    sqliteVersion: store.sqlite.prepare('select sqlite_version()').pluck().get() as string,
    runtime: {
      node: process.versions.node,
      v8: process.versions.v8,
      electron: process.versions.electron ?? null,
      chrome: process.versions.chrome ?? null,
      platform: process.platform,
      arch: process.arch,
    },
    activeKeys: keys.countActive(),
    requestLog: requestLog.health(),
  })
  const credential = new PlaygroundCredential()
  const apiOrigin = () => (apiBaseUrl ? new URL(apiBaseUrl).origin : '')
  const playground = new PlaygroundService({ store, clock, keys, events, credential, origin: apiOrigin, userAgent: `ClawHQ-Local-Playground/${version}` })
  const adminToken = options.mode === 'headless' ? (options.adminToken ?? randomBytes(24).toString('base64url')) : null
  const openapi = () => ({ ...api.swagger(), servers: [{ url: apiOrigin() }] }) as Record<string, unknown>
  const core: Core = {
    services,
    events,
    get api() {
      return api
    },
    adminToken,
    dispatch: undefined as unknown as Dispatch,
    listen,
    reconfigure,
    running: () => ({ host, port, tls, apiBaseUrl, adminUrl }),
    close,
  }
  const dispatch: Dispatch = createDispatch(
    createHandlers({
      keys,
      tiers,
      requestLog,
      audit,
      settings,
      status,
      store,
      clock,
      playground: { service: playground, openapi },
      server: { core, config: serverConfig, backups: new BackupFolder(options.dataDir), dataDir: options.dataDir, nativeBinding: options.nativeBinding, logError },
      market: services,
      agents: services.agents,
      chat: services.chat,
      webhooks: services.webhooks,
      inbox: services.inbox,
      apiOrigin,
    }),
    (method, error) => (logger ? logger.error({ err: error, method }, 'admin method failed') : undefined),
  )
  core.dispatch = dispatch

  /** The HTTP server for one address and certificate: the API, and (headless) the admin transport and GUI. */
  async function buildHttp(certificate: ListenConfig['tls']): Promise<FastifyInstance> {
    const hostPolicy = new HostPolicy(certificate ? 'https' : 'http')
    // Settings changed here or by another process (the CLI) apply from the next request on.
    hostPolicy.followSettings(
      () => store.freshnessStamp(),
      () => port,
      () => {
        const current = settings.get()
        // A specific bind address is a name the server answers to; 0.0.0.0 and :: are not names.
        const bound = isLoopbackHost(host) || host === '0.0.0.0' || host === '::' ? [] : [host.includes(':') ? `[${host}]` : host]
        return { port, extraHosts: [...current.allowedHosts, ...bound], corsOrigins: current.corsOrigins }
      },
    )
    const instance = await buildApiServer({
      playground: credential,
      keys,
      market: services,
      agents: services.agents,
      chat: services.chat,
      webhooks: services.webhooks,
      inbox: services.inbox,
      sseHeartbeatMs: options.sseHeartbeatMs,
      rateLimits,
      requestLog,
      hostPolicy,
      clock,
      version,
      logger,
      https: certificate,
      maxConnections: options.maxConnections,
    })
    if (adminToken !== null) await registerHttpTransport(instance, { dispatch, events, adminToken, rendererDir: options.rendererDir })
    return instance
  }
  let api = await buildHttp(tls)

  async function listen() {
    await api.listen({ host, port })
    return announce()
  }

  /** Takes the port actually listened on and the URLs that follow from it. */
  function announce() {
    const address = api.server.address()
    if (address && typeof address === 'object') port = address.port
    lock.setPort(port)
    const scheme = tls ? 'https' : 'http'
    const shownHost = isLoopbackHost(host) || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
    const origin = `${scheme}://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`
    apiBaseUrl = `${origin}${API_PREFIX}`
    adminUrl = adminToken === null ? null : `${origin}/admin/?token=${adminToken}`
    return { apiBaseUrl, adminUrl }
  }

  async function reconfigure(next: ListenConfig) {
    assertSafeBind(next.host, next.tls !== undefined)
    if (next.port !== port) {
      // Another port: the new server listens first and the old one closes after, so there is no gap, and a
      // failure to listen leaves the old one as it was.
      const fresh = await buildHttp(next.tls)
      try {
        await fresh.listen({ host: next.host, port: next.port })
      } catch (error) {
        await fresh.close()
        throw error
      }
      const old = api
      ;({ host, port, tls } = next)
      api = fresh
      const urls = announce()
      await old.close()
      return urls
    }
    // The same port: it must be let go before it can be listened on again.
    const previous = { host, port, tls }
    await api.close()
    try {
      ;({ host, port, tls } = next)
      api = await buildHttp(tls)
      return await listen()
    } catch (error) {
      logError(error, 'server: the new address could not be listened on; back on the old one')
      ;({ host, port, tls } = previous)
      api = await buildHttp(tls)
      await listen()
      throw error
    }
  }

  const retention = setInterval(prune, 3_600_000)
  retention.unref()
  prune()
  // Subscriptions renew on marketplace time, which the operator (or the CLI, from another process) can move:
  // due renewals are charged within a second. Only a read when nothing is due.
  const renewals = setInterval(() => {
    try {
      services.purchases.renewDue()
    } catch (error) {
      logError(error, 'subscriptions: renewing failed; retried in a second')
    }
  }, 1_000)
  renewals.unref()
  // The outbox is delivered while the server runs (one-shot CLI commands only write to it).
  const dispatcher = new WebhookDispatcher(store, services.webhooks, services.marketClock, {
    userAgent: `ClawHQ-Local-Webhooks/${version}`,
    timeoutMs: options.webhookTimeoutMs,
    pollMs: options.webhookPollMs,
  })
  dispatcher.onError = (error) => logError(error, 'webhooks: the dispatcher failed; it tries again')
  dispatcher.start()

  return core

  async function close() {
    playground.close()
    clearInterval(retention)
    clearInterval(renewals)
    dispatcher.stop()
    try {
      await api.close()
      const { dropped } = requestLog.health()
      services.close()
      const lost = requestLog.health().dropped - dropped
      if (lost > 0) logError(null, `request log: ${lost} rows could not be written before closing`)
    } finally {
      logDestination?.close()
      lock.release()
    }
  }
}
