import { Agent, AgentChanges, AgentInput, ScriptedSettings, UpstreamSettings } from '../../../src-shared/agents'
import type { AuditService, Actor } from '../audit/audit.service'
import { toIso, type Clock } from '../clock'
import type { AgentRow } from '../db/schema'
import type { Store } from '../db/store'
import { StoreCache } from '../db/store-cache'
import { DomainError } from '../errors'
import { newId } from '../ids'
import { openAiCompatibleProvider } from './providers/openai-compatible'
import { ruleError, scriptedProvider } from './providers/scripted'
import type { ChatProvider } from './providers/types'
import type { SecretBox } from './secret-box'
import { SUPPORT_BOT, SUPPORT_BOT_SCRIPT } from './support-bot'

/** How long a provider may wait on a model server, from the settings. */
export interface UpstreamLimits {
  connectTimeoutMs: number
  idleTimeoutMs: number
}

/** An agent as a chat exchange needs it: its DTO and how to reach its answers. */
export interface ResolvedAgent {
  agent: Agent
  provider(limits: UpstreamLimits): Promise<ChatProvider>
}

const SEEDED_SETTING = 'agents_seeded'

/**
 * Chat agents (SPEC §4 Chat): scripted ones that answer offline, and ones that stream from an
 * OpenAI-compatible model server. An upstream's API key is sealed by the SecretBox before it is stored
 * and is never read back out of this service but into the provider that sends it.
 */
export class AgentsService {
  private readonly bySlugCache: StoreCache<ResolvedAgent>
  /** Opened upstream keys, per agent row version (id + updated_at). */
  private readonly openedKeys = new Map<string, string | null>()

  constructor(
    private readonly store: Store,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly secrets: SecretBox,
  ) {
    this.bySlugCache = new StoreCache(store, 1000)
  }

  /** support-bot, on first start (and only then: an operator's later edits stay). */
  seedIfNew(): void {
    const seeded = () => this.store.first(this.store.db.selectFrom('settings').select('key').where('key', '=', SEEDED_SETTING)) !== undefined
    if (seeded()) return
    this.store.transaction(() => {
      if (seeded()) return
      const now = this.clock.now()
      this.store.run(
        this.store.db
          .insertInto('agents')
          .values({
            id: 'agent_support_bot',
            ...SUPPORT_BOT,
            provider: 'scripted',
            scripted_json: JSON.stringify(SUPPORT_BOT_SCRIPT),
            upstream_json: null,
            upstream_key_sealed: null,
            built_in: 1,
            created_at: now,
            updated_at: now,
          })
          .onConflict((oc) => oc.doNothing()),
      )
      this.store.run(this.store.db.insertInto('settings').values({ key: SEEDED_SETTING, value: 'true' }))
    })
  }

  toDto(row: AgentRow): Agent {
    const upstream = row.upstream_json === null ? null : (JSON.parse(row.upstream_json) as UpstreamSettings)
    return {
      id: row.id,
      slug: row.slug,
      name: row.name,
      description: row.description,
      provider: row.provider,
      scripted: row.scripted_json === null ? null : (JSON.parse(row.scripted_json) as ScriptedSettings),
      upstream: upstream === null ? null : { ...upstream, hasApiKey: row.upstream_key_sealed !== null },
      builtIn: row.built_in === 1,
      createdAt: toIso(row.created_at),
      updatedAt: toIso(row.updated_at),
    }
  }

  list(): Agent[] {
    return this.store.all(this.store.db.selectFrom('agents').selectAll().orderBy('built_in', 'desc').orderBy('slug')).map((row) => this.toDto(row))
  }

  get(id: string): Agent {
    return this.toDto(this.row(id))
  }

  /** The agent a chat names, read through a cache kept fresh like the key cache; undefined when there is none. */
  resolve(slug: string): ResolvedAgent | undefined {
    return this.bySlugCache.get(slug, (wanted) => {
      const row = this.store.first(this.store.db.selectFrom('agents').selectAll().where('slug', '=', wanted))
      return row && this.resolved(row)
    })
  }

  private resolved(row: AgentRow): ResolvedAgent {
    const agent = this.toDto(row)
    return {
      agent,
      provider: async (limits) => {
        if (agent.provider === 'scripted') return scriptedProvider(agent.scripted!, agent.name)
        const upstream = agent.upstream!
        return openAiCompatibleProvider({
          baseUrl: upstream.baseUrl,
          model: upstream.model,
          apiKey: await this.upstreamKey(row),
          systemPrompt: upstream.systemPrompt,
          temperature: upstream.temperature,
          timeoutMs: upstream.timeoutSeconds * 1000,
          connectTimeoutMs: limits.connectTimeoutMs,
          idleTimeoutMs: limits.idleTimeoutMs,
        })
      },
    }
  }

  private async upstreamKey(row: AgentRow): Promise<string | null> {
    if (row.upstream_key_sealed === null) return null
    const version = `${row.id}@${row.updated_at}`
    let key = this.openedKeys.get(version)
    if (key === undefined) {
      key = await this.secrets.open(row.upstream_key_sealed)
      if (this.openedKeys.size > 1000) this.openedKeys.clear()
      this.openedKeys.set(version, key)
    }
    return key
  }

  async create(input: AgentInput, actor: Actor): Promise<Agent> {
    const parsed = AgentInput.parse(input)
    const settings = this.settingsFor(parsed.provider, parsed.scripted, parsed.upstream)
    const sealed = parsed.upstream?.apiKey ? await this.secrets.seal(parsed.upstream.apiKey) : null
    return this.store.transaction(() => {
      this.requireFreeSlug(parsed.slug)
      const now = this.clock.now()
      const row: AgentRow = {
        id: newId('agent'),
        slug: parsed.slug,
        name: parsed.name,
        description: parsed.description,
        provider: parsed.provider,
        ...settings,
        upstream_key_sealed: sealed,
        built_in: 0,
        created_at: now,
        updated_at: now,
      }
      this.store.run(this.store.db.insertInto('agents').values(row))
      const agent = this.toDto(row)
      this.audit.record({ actor, action: 'agent.created', targetType: 'agent', targetId: row.id, after: agent })
      return agent
    })
  }

  async update(input: AgentChanges, actor: Actor): Promise<Agent> {
    const parsed = AgentChanges.parse(input)
    const apiKey = parsed.upstream?.apiKey
    const sealed = apiKey ? await this.secrets.seal(apiKey) : apiKey
    return this.store.transaction(() => {
      const current = this.row(parsed.id)
      const before = this.toDto(current)
      if (parsed.slug !== undefined && parsed.slug !== current.slug) {
        if (current.built_in === 1) throw new DomainError('CONFLICT', `The built-in agent ${current.slug} keeps its slug: the seed's examples name it.`)
        this.requireFreeSlug(parsed.slug)
      }
      const provider = parsed.provider ?? current.provider
      const settings = this.settingsFor(
        provider,
        parsed.scripted ?? before.scripted ?? undefined,
        parsed.upstream ?? (before.upstream === null ? undefined : before.upstream),
      )
      const changes = {
        ...(parsed.slug !== undefined && { slug: parsed.slug }),
        ...(parsed.name !== undefined && { name: parsed.name }),
        ...(parsed.description !== undefined && { description: parsed.description }),
        provider,
        ...settings,
        // undefined keeps the stored key, null removes it, a string replaces it (sealed above).
        ...(sealed !== undefined && { upstream_key_sealed: sealed }),
        ...(provider === 'scripted' && { upstream_key_sealed: null }),
        updated_at: Math.max(this.clock.now(), current.updated_at + 1),
      }
      this.store.run(this.store.db.updateTable('agents').set(changes).where('id', '=', parsed.id))
      const after = this.get(parsed.id)
      this.audit.record({ actor, action: 'agent.updated', targetType: 'agent', targetId: parsed.id, before, after })
      return after
    })
  }

  delete(id: string, actor: Actor): void {
    this.store.transaction(() => {
      const current = this.row(id)
      if (current.built_in === 1) throw new DomainError('CONFLICT', `The built-in agent ${current.slug} cannot be deleted: the seed's examples name it. Edit it instead.`)
      this.store.run(this.store.db.deleteFrom('agents').where('id', '=', id))
      this.audit.record({ actor, action: 'agent.deleted', targetType: 'agent', targetId: id, before: this.toDto(current) })
    })
  }

  slugs(): string[] {
    return this.store.all(this.store.db.selectFrom('agents').select('slug').orderBy('slug')).map((row) => row.slug)
  }

  private row(id: string): AgentRow {
    const row = this.store.first(this.store.db.selectFrom('agents').selectAll().where('id', '=', id))
    if (!row) throw new DomainError('NOT_FOUND', `No agent ${id}.`)
    return row
  }

  private requireFreeSlug(slug: string): void {
    if (this.store.first(this.store.db.selectFrom('agents').select('id').where('slug', '=', slug)))
      throw new DomainError('CONFLICT', `An agent with the slug "${slug}" exists already.`, { slug })
  }

  /** The provider's settings as stored; the provider named must have its settings. */
  private settingsFor(
    provider: AgentRow['provider'],
    scripted: ScriptedSettings | undefined,
    upstream: (UpstreamSettings & { apiKey?: string | null; hasApiKey?: boolean }) | undefined,
  ): Pick<AgentRow, 'scripted_json' | 'upstream_json'> {
    if (provider === 'scripted') {
      if (!scripted) throw new DomainError('INVALID_INPUT', 'A scripted agent needs its script: rules and a default reply.', { field: 'scripted' })
      const checked = ScriptedSettings.parse(scripted)
      checked.rules.forEach((rule, index) => {
        const problem = rule.regex ? ruleError(rule.match) : null
        if (problem) throw new DomainError('INVALID_INPUT', `Rule ${index + 1}: the regular expression does not compile: ${problem}`, { rule: index })
      })
      return { scripted_json: JSON.stringify(checked), upstream_json: null }
    }
    if (!upstream) throw new DomainError('INVALID_INPUT', 'An openai-compatible agent needs its upstream: base URL and model.', { field: 'upstream' })
    const { apiKey: _key, hasApiKey: _has, ...settings } = upstream
    return { scripted_json: null, upstream_json: JSON.stringify(UpstreamSettings.parse(settings)) }
  }
}
