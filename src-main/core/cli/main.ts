import { dirname, join, resolve } from 'node:path'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Command, InvalidArgumentError, Option } from 'commander'
import type { MethodInput, MethodName, MethodOutput } from '../../../src-shared/contract'
import { SCOPES, type Scope } from '../../../src-shared/scopes'
import { WEBHOOK_EVENTS } from '../../../src-shared/webhooks'
import { createDispatch } from '../admin/dispatch'
import { createHandlers } from '../admin/handlers'
import { createCore, openServices, version } from '../app'
import { toIso } from '../clock'
import { assertSafeBind, DATABASE_FILE, DEFAULT_HOST, DEFAULT_PORT, defaultDataDir, requestLogThread } from '../config'
import { restoreBackup, type RestoreResult } from '../db/restore'
import { fromCents, priceToCents } from '../money'
import { parseDuration } from './duration'
import { describeListenError, parsePort } from './listen-errors'
import { selfSignedTls } from './tls'

interface GlobalOptions {
  dataDir: string
  json?: boolean
}

class CliError extends Error {}

/** Runs one admin method on the data directory through the same dispatch as the GUI, as actor `cli`. */
async function admin<M extends MethodName>(options: GlobalOptions, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const services = await openServices(options.dataDir)
  try {
    const dispatch = createDispatch(
      createHandlers({
        ...services,
        market: services,
        apiOrigin: () => '',
        status: () => {
          throw new Error('server.status needs a running server')
        },
      }),
      (_method, error) => console.error(error),
    )
    const result = await dispatch(method, input, 'cli')
    if (!result.ok) throw new CliError(result.error.message)
    return result.value as MethodOutput<M>
  } finally {
    services.close()
  }
}

function print(options: GlobalOptions, json: unknown, text: string): void {
  console.log(options.json ? JSON.stringify(json, null, 2) : text)
}

function table(rows: Array<Record<string, unknown>>): string {
  if (rows.length === 0) return '(none)'
  const columns = Object.keys(rows[0])
  const cell = (value: unknown) => (value === null || value === undefined ? '-' : Array.isArray(value) ? value.join(',') : String(value))
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => cell(row[column]).length)))
  const line = (values: string[]) => values.map((value, i) => value.padEnd(widths[i])).join('  ').trimEnd()
  return [line(columns.map((c) => c.toUpperCase())), ...rows.map((row) => line(columns.map((c) => cell(row[c]))))].join('\n')
}

function parseScopes(text: string): Scope[] {
  const scopes = text.split(',').map((s) => s.trim()).filter(Boolean)
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s))
  if (unknown.length) throw new CliError(`Unknown scope(s): ${unknown.join(', ')}. Known: ${SCOPES.join(', ')}.`)
  return scopes as Scope[]
}

/** `--expires`: a duration from now, or "never" (null clears the expiry). */
function parseExpiry(text: string): string | null {
  return text.trim().toLowerCase() === 'never' ? null : toIso(Date.now() + parseDuration(text) * 1000)
}

function describeRestore({ backup, database, replaced, replacedFiles }: RestoreResult): string {
  const done = `Restored ${database} from ${backup.file} (${backup.keys} key${backup.keys === 1 ? '' : 's'}, schema ${backup.schemaVersion}).`
  if (replaced === null)
    return `${done}\nThere was no database to replace${replacedFiles.length ? `; the files found beside it are kept as ${replacedFiles.join(', ')}` : ''}.`
  const sideFiles = replacedFiles.filter((f) => f !== replaced).map((f) => f.slice(replaced.length))
  return `${done}\nThe database it replaced is kept as ${replaced}${sideFiles.length ? ` (with its ${sideFiles.join(', ')})` : ''}.`
}

const rendererDir = () => resolve(dirname(fileURLToPath(import.meta.url)), '../renderer')
/** The request-log writer's thread, built beside this file. */
const requestLogWorker = () => resolve(dirname(fileURLToPath(import.meta.url)), 'request-log-worker.js')


function formatSeconds(seconds: number): string {
  if (seconds === 0) return '0s'
  const days = Math.floor(seconds / 86_400)
  const hours = Math.floor((seconds % 86_400) / 3600)
  const minutes = Math.floor((seconds % 3600) / 60)
  return [days && `${days}d`, hours && `${hours}h`, minutes && `${minutes}m`, !days && !hours && !minutes && `${seconds}s`].filter(Boolean).join(' ')
}

/** An amount of USDT as typed ("25", "12.50"), checked and kept as the contract's decimal string. */
function parseMoney(text: string): string {
  const cents = priceToCents(text.trim())
  if (cents === null) throw new InvalidArgumentError('an amount of USDT with at most two decimals, e.g. 25 or 12.50')
  return fromCents(cents)
}
/** An amount, or "none" (no limit); commander turns a null from a parser into '', so "none" stays a word until keyMarketFields. */
const parseMoneyOrNone = (text: string): string => (text.trim() === 'none' ? 'none' : parseMoney(text))
const limitOrNone = (value: string | undefined) => (value === 'none' ? null : value)

interface KeyMarketOptions {
  soul?: string
  /** An amount, or 'none' to clear the limit (keys update). */
  spendPerPurchase?: string
  spendPerDay?: string
}

function keyMarketFields(o: KeyMarketOptions) {
  const limits = {
    ...(o.spendPerPurchase !== undefined && { perPurchase: limitOrNone(o.spendPerPurchase) }),
    ...(o.spendPerDay !== undefined && { perDay: limitOrNone(o.spendPerDay) }),
  }
  return {
    ...(o.soul !== undefined && { soulId: o.soul === 'operator' ? null : o.soul }),
    ...(Object.keys(limits).length > 0 && { spendingLimits: limits }),
  }
}

function describeFault(f: NonNullable<MethodOutput<'keys.setFaults'>['faults']>): string {
  if (f.kind === 'error_429') return `get 429 RATE_LIMIT_EXCEEDED (Retry-After ${f.retryAfterSeconds} s)`
  if (f.kind === 'error_500') return 'get 500 INTERNAL_ERROR'
  if (f.kind === 'latency') return `wait ${f.latencyMs} ms longer`
  return `are cut with stream_error after ${f.afterChunks} chunks (streams only)`
}

export function buildCli(): Command {
  const program = new Command('clawhq-local')
    .description('ClawHQ Local: the local API server for agent platforms, and its admin commands.')
    .version(version)
    .showHelpAfterError()
  const globals = (command: Command) =>
    command
      .addOption(new Option('--data-dir <dir>', 'data directory').default(defaultDataDir(), '$CLAWHQ_DATA_DIR or ~/.clawhq-local'))
      .option('--json', 'machine-readable output')
  const opts = (command: Command) => command.optsWithGlobals<GlobalOptions>()

  globals(program.command('serve'))
    .description('run the API server and the admin GUI headless')
    .option('--host <host>', 'bind address', DEFAULT_HOST)
    .addOption(new Option('--port <port>', 'port (0: any free port)').env('CLAWHQ_PORT').default(DEFAULT_PORT).argParser(parsePort))
    .addOption(new Option('--admin-token <token>', 'admin token (default: a new random one each start)').env('CLAWHQ_ADMIN_TOKEN'))
    .option('--tls', 'serve HTTPS with a self-signed certificate kept in the data directory')
    .option('--cert <file>', 'TLS certificate (PEM)')
    .option('--key <file>', 'TLS private key (PEM)')
    .action(async (_args, command: Command) => {
      const o = opts(command) as GlobalOptions & { host: string; port: number; adminToken?: string; tls?: boolean; cert?: string; key?: string }
      if ((o.cert === undefined) !== (o.key === undefined)) throw new CliError('--cert and --key go together.')
      const tls = o.cert && o.key ? { cert: readFileSync(o.cert, 'utf8'), key: readFileSync(o.key, 'utf8') } : o.tls ? await selfSignedTls(o.dataDir, o.host) : undefined
      // Flags given win; what is not given comes from Settings (the port, address and certificate saved there).
      const given = (name: string) => command.getOptionValueSource(name) !== 'default' && command.getOptionValueSource(name) !== undefined
      const host = given('host') || tls !== undefined ? o.host : undefined
      if (host !== undefined) assertSafeBind(host, tls !== undefined)
      const core = await createCore({
        dataDir: o.dataDir,
        mode: 'headless',
        host,
        port: given('port') ? o.port : undefined,
        adminToken: o.adminToken,
        tls,
        rendererDir: rendererDir(),
        requestLogWorker: requestLogThread() ? requestLogWorker() : undefined,
      })
      const { apiBaseUrl, adminUrl } = await core.listen().catch(async (error: unknown) => {
        // Release the data directory's lock and the database before saying why.
        await core.close()
        const { host: tried, port: triedPort } = core.running()
        const line = describeListenError(error, tried, triedPort)
        throw line ? new CliError(line) : error
      })
      print(o, { apiBaseUrl, adminUrl, dataDir: o.dataDir, version }, `ClawHQ Local ${version} (headless), data in ${o.dataDir}\nAPI:   ${apiBaseUrl}\nAdmin: ${adminUrl}`)
      let stopping = false
      const stop = (signal: string) => {
        if (stopping) return
        stopping = true
        console.error(`${signal}: stopping, flushing the request log…`)
        core.close().then(
          () => process.exit(0),
          (error: unknown) => {
            console.error(error)
            process.exit(1)
          },
        )
      }
      process.on('SIGINT', () => stop('SIGINT'))
      process.on('SIGTERM', () => stop('SIGTERM'))
    })

  const keys = program.command('keys').description('manage API keys')
  globals(keys.command('create'))
    .description('create a key; its secret is printed once')
    .requiredOption('--name <name>', 'what the key is for')
    .option('--tier <id>', 'rate-limit tier id (see "tiers list")', 'rpm-60')
    .option('--scopes <list>', `comma-separated scopes (${SCOPES.join(', ')})`)
    .option('--expires <duration>', 'expire after e.g. 30d, 12h (default: never)')
    .option('--soul <id>', 'the soul the key acts as in the marketplace (see "souls list"; default: the operator\'s own)')
    .option('--spend-per-purchase <usdt>', 'largest single purchase the key may make, e.g. 25', parseMoney)
    .option('--spend-per-day <usdt>', 'most the key may spend per day, e.g. 100', parseMoney)
    .action(async (_args, command: Command) => {
      const o = opts(command) as GlobalOptions & KeyMarketOptions & { name: string; tier: string; scopes?: string; expires?: string }
      const created = await admin(o, 'keys.create', {
        name: o.name,
        tierId: o.tier,
        ...(o.scopes !== undefined && { scopes: parseScopes(o.scopes) }),
        ...(o.expires !== undefined && { expiresAt: parseExpiry(o.expires) }),
        ...keyMarketFields(o),
      })
      const { key } = created
      print(
        o,
        { id: key.id, name: key.name, key: created.secret, hint: key.hint, tier: key.tierId, scopes: key.scopes, expiresAt: key.expiresAt, soulId: key.soulId, spendingLimits: key.spendingLimits },
        `Created ${key.id} (${key.name}), tier ${key.tierId}, scopes ${key.scopes.join(',')}\n\n  ${created.secret}\n\nCopy it now: it is not stored and will not be shown again.`,
      )
    })
  globals(keys.command('list'))
    .description('list keys')
    .action(async (_args, command: Command) => {
      const o = opts(command)
      const list = await admin(o, 'keys.list', {})
      print(o, list, table(list.map((k) => ({ id: k.id, name: k.name, hint: k.hint, tier: k.tierId, status: k.status, lastUsed: k.lastUsedAt, expires: k.expiresAt }))))
    })
  globals(keys.command('update <id>'))
    .description('change a key\'s name, tier, scopes or expiry; a running server applies it from the next request')
    .option('--name <name>', 'what the key is for')
    .option('--tier <id>', 'rate-limit tier id (see "tiers list")')
    .option('--scopes <list>', `comma-separated scopes (${SCOPES.join(', ')}), replacing the current ones`)
    .option('--expires <duration>', 'expire after e.g. 30d, 12h from now, or "never"')
    .option('--soul <id>', 'the soul the key acts as ("operator" for the operator\'s own)')
    .option('--spend-per-purchase <usdt>', 'largest single purchase, e.g. 25, or "none"', parseMoneyOrNone)
    .option('--spend-per-day <usdt>', 'most spent per day, e.g. 100, or "none"', parseMoneyOrNone)
    .action(async (id: string, _o, command: Command) => {
      const o = opts(command) as GlobalOptions & KeyMarketOptions & { name?: string; tier?: string; scopes?: string; expires?: string }
      const changes = {
        ...(o.name !== undefined && { name: o.name }),
        ...(o.tier !== undefined && { tierId: o.tier }),
        ...(o.scopes !== undefined && { scopes: parseScopes(o.scopes) }),
        ...(o.expires !== undefined && { expiresAt: parseExpiry(o.expires) }),
        ...keyMarketFields(o),
      }
      if (Object.keys(changes).length === 0)
        throw new CliError('Nothing to update: pass --name, --tier, --scopes, --expires, --soul, --spend-per-purchase or --spend-per-day.')
      const key = await admin(o, 'keys.update', { id, ...changes })
      print(o, key, `Updated ${key.id} (${key.name}): tier ${key.tierId}, scopes ${key.scopes.join(',')}, expires ${key.expiresAt ?? 'never'}.`)
    })
  globals(keys.command('revoke <id>'))
    .description('revoke a key, at once and for good')
    .action(async (id: string, _o, command: Command) => {
      const o = opts(command)
      const key = await admin(o, 'keys.revoke', { id })
      print(o, key, `Revoked ${key.id} (${key.name}).`)
    })
  globals(keys.command('roll <id>'))
    .description('issue a new secret; the old one keeps working for the grace period')
    .option('--grace <duration>', 'how long the old secret keeps working (e.g. 15m, 1h)', '0')
    .action(async (id: string, _o, command: Command) => {
      const o = opts(command) as GlobalOptions & { grace: string }
      const rolled = await admin(o, 'keys.roll', { id, graceSeconds: parseDuration(o.grace) })
      print(
        o,
        { id: rolled.key.id, key: rolled.secret, hint: rolled.key.hint, previous: rolled.previous },
        `Rolled ${id} → ${rolled.key.id}; the old secret works until ${rolled.previous.expiresAt}.\n\n  ${rolled.secret}\n\nCopy it now: it will not be shown again.`,
      )
    })

  globals(keys.command('faults <id>'))
    .description('make a share of this key\'s requests fail on purpose (to test retry logic), or switch that off with --off')
    .addOption(new Option('--fail <kind>', 'what happens to the requests hit').choices(['429', '500', 'latency', 'stream-cut']))
    .option('--percent <n>', 'share of requests hit, 1–100 (exact per 100 requests)', (v) => Number.parseInt(v, 10), 100)
    .option('--chat-only', 'only POST /api/v1/chat (default: every route)')
    .option('--latency <ms>', 'latency: the delay added', (v) => Number.parseInt(v, 10))
    .option('--after-chunks <n>', 'stream-cut: chunks sent before the stream_error', (v) => Number.parseInt(v, 10))
    .option('--retry-after <seconds>', '429: the Retry-After sent', (v) => Number.parseInt(v, 10))
    .option('--off', 'switch fault injection off')
    .action(async (id: string, _o, command: Command) => {
      const o = opts(command) as GlobalOptions & {
        fail?: '429' | '500' | 'latency' | 'stream-cut'
        percent: number
        chatOnly?: boolean
        latency?: number
        afterChunks?: number
        retryAfter?: number
        off?: boolean
      }
      if (Boolean(o.off) === (o.fail !== undefined)) throw new CliError('Pass either --fail <429|500|latency|stream-cut> or --off.')
      const kinds = { '429': 'error_429', '500': 'error_500', latency: 'latency', 'stream-cut': 'stream_cut' } as const
      const faults = o.off
        ? null
        : {
            kind: kinds[o.fail!],
            percent: o.percent,
            routes: o.chatOnly ? ('chat' as const) : ('all' as const),
            ...(o.latency !== undefined && { latencyMs: o.latency }),
            ...(o.afterChunks !== undefined && { afterChunks: o.afterChunks }),
            ...(o.retryAfter !== undefined && { retryAfterSeconds: o.retryAfter }),
          }
      const key = await admin(o, 'keys.setFaults', { id, faults })
      const f = key.faults
      print(
        o,
        key,
        f === null
          ? `Fault injection is off for ${key.id} (${key.name}).`
          : `${key.id} (${key.name}): ${f.percent} % of ${f.routes === 'chat' ? 'chat requests' : 'requests'} now ${describeFault(f)}. Switch off with: keys faults ${key.id} --off`,
      )
    })

  const tiers = program.command('tiers').description('manage rate-limit tiers')
  globals(tiers.command('list'))
    .description('list tiers')
    .action(async (_args, command: Command) => {
      const o = opts(command)
      const list = await admin(o, 'tiers.list', {})
      print(o, list, table(list.map((t) => ({ id: t.id, name: t.name, limit: t.limit, window: t.window, builtIn: t.builtIn, keys: t.keyCount }))))
    })
  globals(tiers.command('create'))
    .description('add a custom tier')
    .requiredOption('--name <name>', 'tier name')
    .requiredOption('--limit <n>', 'requests per window', (v) => Number.parseInt(v, 10))
    .requiredOption('--window <seconds>', 'window length in seconds (or 1m, 1h …)', (v) => parseDuration(v))
    .action(async (_args, command: Command) => {
      const o = opts(command) as GlobalOptions & { name: string; limit: number; window: number }
      const tier = await admin(o, 'tiers.create', { name: o.name, limit: o.limit, windowSeconds: o.window })
      print(o, tier, `Created tier ${tier.id}: ${tier.limit} requests per ${tier.window}.`)
    })

  const settings = program.command('settings').description('show or change the operator settings')
  globals(settings.command('show', { isDefault: true }))
    .description('show the settings')
    .action(async (_args, command: Command) => {
      const o = opts(command)
      const current = await admin(o, 'settings.get', {})
      print(o, current, Object.entries(current).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') || '(none)' : v}`).join('\n'))
    })
  const list = (text: string) => text.split(',').map((item) => item.trim()).filter(Boolean)
  const int = (text: string) => Number.parseInt(text, 10)
  globals(settings.command('set'))
    .description('change settings; the server picks them up at once')
    .option('--retention-days <n>', 'keep the request log this many days', (v) => Number.parseInt(v, 10))
    .option('--cors-origins <list>', 'comma-separated origins allowed to call the API from a browser ("" closes CORS)', list)
    .option('--allowed-hosts <list>', 'comma-separated extra Host names the server answers to', list)
    .option('--chat-max-message-chars <n>', 'longest chat message accepted', int)
    .option('--chat-max-streams-per-key <n>', 'chat streams one key may hold open at once', int)
    .option('--upstream-connect-timeout <seconds>', 'time a model server has to answer', int)
    .option('--upstream-idle-timeout <seconds>', 'longest silence of a model server mid-answer', int)
    .action(async (_args, command: Command) => {
      const o = opts(command) as GlobalOptions & {
        retentionDays?: number
        corsOrigins?: string[]
        allowedHosts?: string[]
        chatMaxMessageChars?: number
        chatMaxStreamsPerKey?: number
        upstreamConnectTimeout?: number
        upstreamIdleTimeout?: number
      }
      const changes = {
        ...(o.retentionDays !== undefined && { requestLogRetentionDays: o.retentionDays }),
        ...(o.corsOrigins !== undefined && { corsOrigins: o.corsOrigins }),
        ...(o.allowedHosts !== undefined && { allowedHosts: o.allowedHosts }),
        ...(o.chatMaxMessageChars !== undefined && { chatMaxMessageChars: o.chatMaxMessageChars }),
        ...(o.chatMaxStreamsPerKey !== undefined && { chatMaxStreamsPerKey: o.chatMaxStreamsPerKey }),
        ...(o.upstreamConnectTimeout !== undefined && { upstreamConnectTimeoutSeconds: o.upstreamConnectTimeout }),
        ...(o.upstreamIdleTimeout !== undefined && { upstreamIdleTimeoutSeconds: o.upstreamIdleTimeout }),
      }
      if (Object.keys(changes).length === 0)
        throw new CliError('Nothing to set: pass --retention-days, --cors-origins, --allowed-hosts or one of the chat limits (see --help).')
      const updated = await admin(o, 'settings.set', changes)
      print(o, updated, 'Settings saved.')
    })

  const souls = program.command('souls').description('the marketplace\'s souls (agents and creators) and their wallets')
  globals(souls.command('list', { isDefault: true }))
    .description('list souls with their balances')
    .action(async (_args, command: Command) => {
      const o = opts(command)
      const list = await admin(o, 'souls.list', {})
      print(o, list, table(list.map((soul) => ({ id: soul.id, name: soul.name, kind: soul.kind, balance: soul.balance, listings: soul.listingCount }))))
    })

  const wallet = program.command('wallet').description('souls\' wallets in USDT')
  globals(wallet.command('deposit <soul> <amount>'))
    .description('fund a soul\'s wallet (there is no real money here); a running server sees it at once')
    .action(async (soul: string, amount: string, _o, command: Command) => {
      const o = opts(command)
      const funded = await admin(o, 'wallet.deposit', { soulId: soul === 'operator' ? 'soul_operator' : soul, amount: parseMoney(amount) })
      print(o, funded, `Deposited ${parseMoney(amount)} USDT: ${funded.soulId} now holds ${funded.balance} USDT.`)
    })

  const demo = program.command('demo').description('the demo marketplace')
  globals(demo.command('reset'))
    .description('put the demo marketplace back as it was: every purchase, subscription, ledger entry and edit goes')
    .action(async (_args, command: Command) => {
      const o = opts(command)
      const counts = await admin(o, 'demo.reset', {})
      print(o, counts, `Reset the marketplace to the demo set: ${counts.souls} souls, ${counts.listings} listings.`)
    })

  const clock = program.command('clock').description('the marketplace\'s simulation clock (subscriptions renew on it)')
  const showClock = (o: GlobalOptions, state: MethodOutput<'clock.get'>) =>
    print(o, state, `Marketplace time ${state.now} (real time ${state.realNow}; ahead by ${formatSeconds(state.offsetSeconds)}).`)
  globals(clock.command('show', { isDefault: true }))
    .description('show marketplace time')
    .action(async (_args, command: Command) => {
      const o = opts(command)
      showClock(o, await admin(o, 'clock.get', {}))
    })
  globals(clock.command('advance <duration>'))
    .description('move marketplace time forward, e.g. 31d or 12h; renewals due by then are charged')
    .action(async (duration: string, _o, command: Command) => {
      const o = opts(command)
      showClock(o, await admin(o, 'clock.advance', { seconds: parseDuration(duration) }))
    })
  globals(clock.command('reset'))
    .description('back to real time')
    .action(async (_args, command: Command) => {
      const o = opts(command)
      showClock(o, await admin(o, 'clock.reset', {}))
    })

  const agents = program.command('agents').description('chat agents: scripted (offline) or an OpenAI-compatible model server')
  globals(agents.command('list', { isDefault: true }))
    .description('list agents')
    .action(async (_args, command: Command) => {
      const o = opts(command)
      const list = await admin(o, 'agents.list', {})
      print(
        o,
        list,
        table(list.map((a) => ({ id: a.id, slug: a.slug, name: a.name, provider: a.provider, model: a.upstream ? `${a.upstream.model} @ ${a.upstream.baseUrl}` : null }))),
      )
    })
  const agentOptions = (command: Command) =>
    command
      .option('--description <text>', 'what the agent is for')
      .option('--base-url <url>', 'openai-compatible: the server\'s base URL, e.g. http://127.0.0.1:11434/v1 (Ollama)')
      .option('--model <name>', 'openai-compatible: the model')
      .option('--api-key <key>', 'openai-compatible: the server\'s API key (stored sealed, never shown; "none" removes it)')
      .option('--system-prompt <text>', 'openai-compatible: the system prompt')
      .option('--temperature <t>', 'openai-compatible: 0–2', Number.parseFloat)
      .option('--timeout <seconds>', 'openai-compatible: longest exchange', (v) => Number.parseInt(v, 10))
      .option('--reply <text>', 'scripted: the default reply ({agent} and {message} are filled in)')
      .option('--chunk-delay <ms>', 'scripted: pause between streamed chunks', (v) => Number.parseInt(v, 10))
  type AgentOptions = GlobalOptions & {
    slug?: string
    name?: string
    provider?: 'scripted' | 'openai-compatible'
    description?: string
    baseUrl?: string
    model?: string
    apiKey?: string
    systemPrompt?: string
    temperature?: number
    timeout?: number
    reply?: string
    chunkDelay?: number
  }
  const upstreamOf = (o: AgentOptions, current: MethodOutput<'agents.list'>[number]['upstream'] | null) => {
    const baseUrl = o.baseUrl ?? current?.baseUrl
    const model = o.model ?? current?.model
    if (baseUrl === undefined || model === undefined) throw new CliError('An openai-compatible agent needs --base-url and --model.')
    return {
      baseUrl,
      model,
      ...((o.systemPrompt ?? current?.systemPrompt) !== undefined && { systemPrompt: o.systemPrompt ?? current!.systemPrompt }),
      ...((o.temperature ?? current?.temperature) !== undefined && { temperature: o.temperature ?? current!.temperature }),
      ...((o.timeout ?? current?.timeoutSeconds) !== undefined && { timeoutSeconds: o.timeout ?? current!.timeoutSeconds }),
      ...(o.apiKey !== undefined && { apiKey: o.apiKey === 'none' ? null : o.apiKey }),
    }
  }
  const scriptOf = (o: AgentOptions, current: MethodOutput<'agents.list'>[number]['scripted'] | null) => {
    const defaultReply = o.reply ?? current?.defaultReply
    if (defaultReply === undefined) throw new CliError('A scripted agent needs --reply (its default reply); add rules in the GUI.')
    return { ...(current ?? {}), defaultReply, ...(o.chunkDelay !== undefined && { chunkDelayMs: o.chunkDelay }) }
  }
  const showAgent = (o: GlobalOptions, verb: string, agent: MethodOutput<'agents.create'>) =>
    print(o, agent, `${verb} agent ${agent.slug} (${agent.id}): ${agent.provider}${agent.upstream ? `, ${agent.upstream.model} at ${agent.upstream.baseUrl}${agent.upstream.hasApiKey ? ', API key stored' : ''}` : ''}.`)
  agentOptions(globals(agents.command('create')))
    .description('add an agent')
    .requiredOption('--slug <slug>', 'what callers name it: "agent" in POST /api/v1/chat')
    .requiredOption('--name <name>', 'display name')
    .addOption(new Option('--provider <provider>', 'where answers come from').choices(['scripted', 'openai-compatible']).default('scripted'))
    .action(async (_args, command: Command) => {
      const o = opts(command) as AgentOptions
      const agent = await admin(o, 'agents.create', {
        slug: o.slug!,
        name: o.name!,
        ...(o.description !== undefined && { description: o.description }),
        provider: o.provider!,
        ...(o.provider === 'openai-compatible' ? { upstream: upstreamOf(o, null) } : { scripted: scriptOf(o, null) }),
      })
      showAgent(o, 'Created', agent)
    })
  agentOptions(globals(agents.command('update <id>')))
    .description('change an agent (by id or slug); a running server uses it from the next chat')
    .option('--slug <slug>', 'new slug')
    .option('--name <name>', 'new display name')
    .addOption(new Option('--provider <provider>', 'switch provider').choices(['scripted', 'openai-compatible']))
    .action(async (idOrSlug: string, _o, command: Command) => {
      const o = opts(command) as AgentOptions
      const current = (await admin(o, 'agents.list', {})).find((a) => a.id === idOrSlug || a.slug === idOrSlug)
      if (!current) throw new CliError(`No agent ${idOrSlug} (see "agents list").`)
      const provider = o.provider ?? current.provider
      const touchesUpstream = [o.baseUrl, o.model, o.apiKey, o.systemPrompt, o.temperature, o.timeout].some((v) => v !== undefined)
      const touchesScript = o.reply !== undefined || o.chunkDelay !== undefined
      const agent = await admin(o, 'agents.update', {
        id: current.id,
        ...(o.slug !== undefined && { slug: o.slug }),
        ...(o.name !== undefined && { name: o.name }),
        ...(o.description !== undefined && { description: o.description }),
        ...(o.provider !== undefined && { provider }),
        ...(provider === 'openai-compatible' && (touchesUpstream || o.provider !== undefined) && { upstream: upstreamOf(o, current.upstream) }),
        ...(provider === 'scripted' && (touchesScript || o.provider !== undefined) && { scripted: scriptOf(o, current.scripted) }),
      })
      showAgent(o, 'Updated', agent)
    })
  globals(agents.command('delete <id>'))
    .description('delete an agent (by id or slug); the built-in support-bot stays')
    .action(async (idOrSlug: string, _o, command: Command) => {
      const o = opts(command)
      const current = (await admin(o, 'agents.list', {})).find((a) => a.id === idOrSlug || a.slug === idOrSlug)
      if (!current) throw new CliError(`No agent ${idOrSlug} (see "agents list").`)
      const deleted = await admin(o, 'agents.delete', { id: current.id })
      print(o, deleted, `Deleted agent ${current.slug} (${current.id}).`)
    })

  const webhooks = program.command('webhooks').description('webhook endpoints: where events are POSTed, signed')
  globals(webhooks.command('list', { isDefault: true }))
    .description('list endpoints')
    .action(async (_args, command: Command) => {
      const o = opts(command)
      const page = await admin(o, 'webhooks.list', { limit: 200 })
      print(
        o,
        page.data,
        table(page.data.map((w) => ({ id: w.id, url: w.url, events: w.events, enabled: w.enabled ? 'yes' : `no: ${w.disabledReason}`, secret: w.secretHint }))),
      )
    })
  globals(webhooks.command('create <url>'))
    .description('add an endpoint (https://, or http:// to this machine); prints its secret once')
    .option('--events <list>', `comma-separated events, or * for all (${WEBHOOK_EVENTS.join(', ')})`, '*')
    .option('--secret <secret>', 'use this secret instead of a generated whsec_ one')
    .option('--description <text>', 'what it is for')
    .action(async (url: string, _o, command: Command) => {
      const o = opts(command) as GlobalOptions & { events: string; secret?: string; description?: string }
      const events = o.events.split(',').map((e) => e.trim()).filter(Boolean) as Array<'*'>
      const { endpoint, secret } = await admin(o, 'webhooks.create', {
        url,
        events,
        ...(o.secret !== undefined && { secret: o.secret }),
        ...(o.description !== undefined && { description: o.description }),
      })
      print(o, { ...endpoint, secret }, `Created ${endpoint.id} → ${endpoint.url} (${endpoint.events.join(', ')}).\n\n  ${secret}\n\nThe signing secret: copy it now, it will not be shown again.`)
    })
  globals(webhooks.command('delete <id>'))
    .description('remove an endpoint and its deliveries')
    .action(async (id: string, _o, command: Command) => {
      const o = opts(command)
      const endpoint = await admin(o, 'webhooks.delete', { id })
      print(o, endpoint, `Deleted ${endpoint.id} (${endpoint.url}).`)
    })
  globals(webhooks.command('ping <id>'))
    .description('send a ping event to the endpoint (a running server delivers it at once)')
    .action(async (id: string, _o, command: Command) => {
      const o = opts(command)
      const delivery = await admin(o, 'webhooks.ping', { id })
      print(o, delivery, `Queued ping ${delivery.eventId} as delivery ${delivery.id}; see it with: deliveries list`)
    })

  const deliveries = program.command('deliveries').description('webhook deliveries and their attempts')
  globals(deliveries.command('list', { isDefault: true }))
    .description('newest first')
    .option('--failed', 'only deliveries that gave up')
    .option('--endpoint <id>', 'only this endpoint\'s')
    .option('--limit <n>', 'how many', (v) => Number.parseInt(v, 10), 50)
    .action(async (_args, command: Command) => {
      const o = opts(command) as GlobalOptions & { failed?: boolean; endpoint?: string; limit: number }
      const page = await admin(o, 'deliveries.list', { limit: o.limit, ...(o.failed && { status: 'failed' as const }), ...(o.endpoint && { endpointId: o.endpoint }) })
      print(
        o,
        page.data,
        table(page.data.map((d) => ({ id: d.id, event: d.event, endpoint: d.endpointId, status: d.status, attempts: d.attempts, last: d.lastStatus ?? d.lastError, at: d.createdAt }))),
      )
    })
  globals(deliveries.command('redeliver <id>'))
    .description('send a delivery again (same event, same webhook-id)')
    .action(async (id: string, _o, command: Command) => {
      const o = opts(command)
      const delivery = await admin(o, 'deliveries.redeliver', { id })
      print(o, delivery, `Delivery ${delivery.id} (${delivery.event}) goes out again; a running server sends it at once.`)
    })

  globals(program.command('audit'))
    .description('show the audit log, newest first')
    .option('--limit <n>', 'entries', (v) => Number.parseInt(v, 10), 50)
    .option('--action <action>', 'only this action, e.g. key.revoked')
    .action(async (_args, command: Command) => {
      const o = opts(command) as GlobalOptions & { limit: number; action?: string }
      const { entries } = await admin(o, 'audit.list', { limit: o.limit, ...(o.action && { action: o.action }) })
      print(o, entries, table(entries.map((e) => ({ id: e.id, at: e.at, actor: e.actor, action: e.action, target: e.targetId }))))
    })

  globals(program.command('backup <file>'))
    .description('online backup of the database, safe while the server runs')
    .action(async (file: string, _o, command: Command) => {
      const o = opts(command)
      const services = await openServices(o.dataDir)
      try {
        await services.store.backup(resolve(file))
      } finally {
        services.close()
      }
      print(o, { file: resolve(file) }, `Backed up ${join(o.dataDir, DATABASE_FILE)} to ${resolve(file)}.`)
    })

  globals(program.command('restore <file>'))
    .description('replace the database with a backup, checked first; the server must be stopped; the replaced file is kept')
    .action(async (file: string, _o, command: Command) => {
      const o = opts(command)
      const restored = await restoreBackup({ dataDir: o.dataDir, backupFile: file })
      print(o, restored, describeRestore(restored))
    })

  return program
}

export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv)
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
  }
}

/** For tools and tests that drive the store directly through the built bundle (the crash test's writer). */
export { openServices }
