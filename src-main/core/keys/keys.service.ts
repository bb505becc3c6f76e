import { Faults } from '../../../src-shared/agents'
import type { KeyDto } from '../../../src-shared/dto'
import { DEFAULT_SCOPES, type Scope } from '../../../src-shared/scopes'
import type { AuditService, Actor } from '../audit/audit.service'
import { toIsoOrNull, toIso, type Clock } from '../clock'
import type { ApiKeyRow } from '../db/schema'
import type { Store } from '../db/store'
import { DomainError } from '../errors'
import { fromCents, toCents } from '../money'
import { newId } from '../ids'
import { DEFAULT_TIER_ID, type RateLimitTier, type TiersService } from '../tiers/tiers.service'
import { StoreCache } from '../db/store-cache'
import type { WebhookOutbox } from '../webhooks/outbox'
import { KeysRepository, type KeyChanges } from './keys.repository'
import { KeyPermissionError, scopesBeyond, tierNoMoreGenerous, withinCeiling } from './ownership'
import { checkKeySecret, generateKeySecret, hashKeySecret, KEY_PATTERN, keyHint } from './secret'

export interface SpendingLimitsInput {
  perPurchase?: string | null
  perDay?: string | null
}

export interface CreateKeyInput {
  name: string
  scopes?: Scope[]
  tierId?: string
  expiresAt?: string | null
  spendingLimits?: SpendingLimitsInput
  /** The soul the key acts as in the marketplace; null or absent: the operator's own soul. */
  soulId?: string | null
}

export interface UpdateKeyInput extends Partial<CreateKeyInput> {
  id: string
}

/** What the API pipeline knows about the caller once its key checks out. */
export interface AuthenticatedKey {
  id: string
  /** The first key of its roll chain: the rate limiter's subject, so the secrets of one roll share one window. */
  lineageId: string
  name: string
  scopes: ReadonlySet<Scope>
  tierId: string
  expiresAt: number | null
  /** The soul it acts as in the marketplace (the operator's own soul when the key names none). */
  soulId: string
  /** Fault injection on this key; null: none. */
  faults: Faults | null
}

/** The operator's own soul: what a key that names no soul acts as. */
export const OPERATOR_SOUL_ID = 'soul_operator'

export type AuthFailure = 'missing' | 'malformed' | 'checksum' | 'unknown' | 'revoked' | 'expired'
type AuthSuccess = { ok: true; key: AuthenticatedKey; row: ApiKeyRow }
export type AuthResult = AuthSuccess | { readonly ok: false; readonly reason: AuthFailure }

/** One object per reason: refusing a key allocates nothing. */
const AUTH_FAILURES = Object.fromEntries(
  (['missing', 'malformed', 'checksum', 'unknown', 'revoked', 'expired'] as const).map((reason) => [reason, Object.freeze({ ok: false as const, reason })]),
) as Record<AuthFailure, { readonly ok: false; readonly reason: AuthFailure }>

const centsOrNull = (money: string | null | undefined): number | null => (money == null ? null : toCents(money))
const moneyOrNull = (cents: number | null): string | null => (cents === null ? null : fromCents(cents))
const uniqueScopes = (scopes: readonly Scope[]): Scope[] => [...new Set(scopes)]
/** A stored fault configuration, or null when there is none or it no longer reads (never fatal). */
export function parseFaults(json: string | null): Faults | null {
  if (json === null) return null
  try {
    const parsed = Faults.safeParse(JSON.parse(json))
    return parsed.success ? Object.freeze(parsed.data) : null
  } catch {
    return null
  }
}

const tierView = (tier: RateLimitTier) => ({ tierId: tier.id, limit: tier.limit, window: tier.window })

/** A new key's fields once defaults are applied and checked. */
interface NewKey {
  name: string
  scopes: Scope[]
  tierId: string
  expiresAt: number | null
  spendPerPurchaseCents: number | null
  spendPerDayCents: number | null
  /** The creating key's lineage; null for the operator. */
  createdBy: string | null
  soulId: string | null
}

export function keyStatus(row: ApiKeyRow, now: number): KeyDto['status'] {
  if (row.revoked_at !== null) return 'revoked'
  if (row.expires_at !== null && now >= row.expires_at) return 'expired'
  if (row.rolled_to_id !== null) return 'grace'
  return 'active'
}

export class KeysService {
  private readonly repo: KeysRepository
  /** Authenticated keys by secret hash; emptied whenever any connection commits. */
  private readonly authCache: StoreCache<AuthSuccess>

  constructor(
    private readonly store: Store,
    private readonly tiers: TiersService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly outbox: WebhookOutbox,
  ) {
    this.repo = new KeysRepository(store)
    this.authCache = new StoreCache(store)
  }

  /** The row's DTO but for its status (which moves with the clock), kept per row object: rows are immutable. */
  private readonly dtoParts = new WeakMap<ApiKeyRow, Omit<KeyDto, 'status'>>()

  /** The row's status now (it moves with the clock: expiry, the end of a grace period). */
  statusOf(row: ApiKeyRow): KeyDto['status'] {
    return keyStatus(row, this.clock.now())
  }

  toDto(row: ApiKeyRow): KeyDto {
    let parts = this.dtoParts.get(row)
    if (!parts) {
      parts = {
        id: row.id,
        name: row.name,
        hint: row.hint,
        // Frozen: every DTO of this row shares them.
        scopes: Object.freeze(JSON.parse(row.scopes)) as Scope[],
        tierId: row.tier_id,
        expiresAt: toIsoOrNull(row.expires_at),
        createdAt: toIso(row.created_at),
        lastUsedAt: toIsoOrNull(row.last_used_at),
        revokedAt: toIsoOrNull(row.revoked_at),
        rolledToId: row.rolled_to_id,
        soulId: row.soul_id,
        spendingLimits: Object.freeze({
          perPurchase: moneyOrNull(row.spend_per_purchase_cents),
          perDay: moneyOrNull(row.spend_per_day_cents),
        }),
        faults: parseFaults(row.faults_json),
      }
      this.dtoParts.set(row, parts)
    }
    return { ...parts, status: keyStatus(row, this.clock.now()) }
  }

  list(includeRevoked = true): KeyDto[] {
    return this.repo.list(includeRevoked).map((row) => this.toDto(row))
  }

  get(id: string): KeyDto {
    return this.toDto(this.row(id))
  }

  private row(id: string): ApiKeyRow {
    const row = this.repo.find(id)
    if (!row) throw new DomainError('NOT_FOUND', `No API key with id ${id}.`, { id })
    return row
  }

  private requireTier(tierId: string): RateLimitTier {
    const tier = this.tiers.limiterTier(tierId)
    if (!tier) throw new DomainError('NOT_FOUND', `No rate-limit tier with id ${tierId}.`, { tierId })
    return tier
  }

  private parseExpiry(expiresAt: string | null | undefined): number | null {
    if (expiresAt == null) return null
    const ms = Date.parse(expiresAt)
    if (ms <= this.clock.now()) throw new DomainError('INVALID_INPUT', 'expiresAt must be in the future.', { expiresAt })
    return ms
  }

  /** Creates a key as the operator; the secret is returned here once and never stored. */
  create(input: CreateKeyInput, actor: Actor): { key: KeyDto; secret: string } {
    const tierId = input.tierId ?? DEFAULT_TIER_ID
    this.requireTier(tierId)
    return this.insertKey(
      {
        name: input.name,
        scopes: uniqueScopes(input.scopes ?? DEFAULT_SCOPES),
        tierId,
        expiresAt: this.parseExpiry(input.expiresAt),
        spendPerPurchaseCents: centsOrNull(input.spendingLimits?.perPurchase),
        spendPerDayCents: centsOrNull(input.spendingLimits?.perDay),
        createdBy: null,
        soulId: this.requireSoul(input.soulId ?? null),
      },
      actor,
    )
  }

  /** A soul id a key may name (null: the operator's own soul); an unknown one is refused. */
  private requireSoul(soulId: string | null): string | null {
    if (soulId === null || soulId === OPERATOR_SOUL_ID) return null
    if (!this.repo.soulExists(soulId)) throw new DomainError('NOT_FOUND', `No soul with id ${soulId}.`, { soulId })
    return soulId
  }

  /**
   * Creates a key on behalf of an API key, within that key's own rights: scopes a subset of its own, a
   * tier no more generous (see `tierNoMoreGenerous`), spending limits and expiry no looser than its own.
   * What the body leaves out comes from the caller: its tier, its spending limits, its expiry, and the
   * default scopes it holds (its own scopes when it holds none of them). Refusals change nothing.
   */
  createAsKey(caller: AuthenticatedKey, input: CreateKeyInput): { key: KeyDto; secret: string } {
    return this.store.transaction(() => {
      const own = this.row(caller.id)
      const ownScopes = new Set(JSON.parse(own.scopes) as Scope[])
      const tier = this.requireTier(input.tierId ?? own.tier_id)
      const expiresAt = input.expiresAt === undefined ? own.expires_at : this.parseExpiry(input.expiresAt)

      const defaults = DEFAULT_SCOPES.filter((scope) => ownScopes.has(scope))
      const scopes = uniqueScopes(input.scopes ?? (defaults.length > 0 ? defaults : [...ownScopes]))
      const excess = scopesBeyond(scopes, ownScopes)
      if (excess.length > 0)
        throw new KeyPermissionError(`This key cannot grant scopes it does not hold: ${excess.join(', ')}.`, {
          reason: 'scopes_exceed_own',
          requested: scopes,
          granted: [...ownScopes],
          excess,
        })

      const ownTier = this.requireTier(own.tier_id)
      if (!tierNoMoreGenerous(tier, ownTier))
        throw new KeyPermissionError(
          `This key cannot grant the tier ${tier.id} (${tier.limit} per ${tier.window}): it lets more requests through than its own tier ${ownTier.id} (${ownTier.limit} per ${ownTier.window}).`,
          { reason: 'tier_more_generous', requested: tierView(tier), granted: tierView(ownTier) },
        )

      const limits = input.spendingLimits
      const spendPerPurchaseCents = limits?.perPurchase === undefined ? own.spend_per_purchase_cents : centsOrNull(limits.perPurchase)
      const spendPerDayCents = limits?.perDay === undefined ? own.spend_per_day_cents : centsOrNull(limits.perDay)
      for (const [limit, requested, granted] of [
        ['perPurchase', spendPerPurchaseCents, own.spend_per_purchase_cents],
        ['perDay', spendPerDayCents, own.spend_per_day_cents],
      ] as const) {
        if (!withinCeiling(requested, granted))
          throw new KeyPermissionError(
            `This key cannot grant a ${limit === 'perDay' ? 'daily' : 'per-purchase'} spending limit above its own (${moneyOrNull(granted)}).`,
            { reason: 'spending_limit_exceeds_own', limit, requested: moneyOrNull(requested), granted: moneyOrNull(granted) },
          )
      }

      if (!withinCeiling(expiresAt, own.expires_at))
        throw new KeyPermissionError(`This key cannot create a key that outlives it (it expires at ${toIsoOrNull(own.expires_at)}).`, {
          reason: 'expiry_exceeds_own',
          requested: toIsoOrNull(expiresAt),
          granted: toIsoOrNull(own.expires_at),
        })

      // A key acts as its own soul, and so do the keys it makes.
      if (input.soulId != null && input.soulId !== caller.soulId)
        throw new KeyPermissionError(`This key cannot create a key acting as another soul than its own (${caller.soulId}).`, {
          reason: 'soul_not_own',
          requested: input.soulId,
          granted: caller.soulId,
        })

      return this.insertKey(
        { name: input.name, scopes, tierId: tier.id, expiresAt, spendPerPurchaseCents, spendPerDayCents, createdBy: caller.lineageId, soulId: own.soul_id },
        `api:${caller.id}`,
      )
    })
  }

  private insertKey(fields: NewKey, actor: Actor): { key: KeyDto; secret: string } {
    const secret = generateKeySecret()
    const id = newId('key')
    const row: ApiKeyRow = {
      id,
      name: fields.name,
      secret_hash: hashKeySecret(secret),
      hint: keyHint(secret),
      scopes: JSON.stringify(fields.scopes),
      tier_id: fields.tierId,
      expires_at: fields.expiresAt,
      created_at: this.clock.now(),
      last_used_at: null,
      revoked_at: null,
      rolled_to_id: null,
      spend_per_purchase_cents: fields.spendPerPurchaseCents,
      spend_per_day_cents: fields.spendPerDayCents,
      lineage_id: id,
      created_by: fields.createdBy,
      soul_id: fields.soulId,
      faults_json: null,
    }
    const key = this.toDto(row)
    this.store.transaction(() => {
      this.repo.insert(row)
      this.audit.record({ actor, action: 'key.created', targetType: 'key', targetId: row.id, after: key })
    })
    return { key, secret }
  }

  /** The keys an API key made, directly or through keys it made; a rolled creator keeps them. */
  listAsKey(caller: AuthenticatedKey, includeRevoked = true): KeyDto[] {
    return this.repo.descendants(caller.lineageId, includeRevoked).map((row) => this.toDto(row))
  }

  /** Refuses unless the key `id` descends from the calling key; an unknown id stays a 404. */
  private requireDescendant(caller: AuthenticatedKey, id: string): void {
    const target = this.row(id)
    if (!this.repo.descendsFrom(target.lineage_id, caller.lineageId))
      throw new KeyPermissionError(`Key ${id} was not created by this key or by a key it created.`, { reason: 'not_your_key', id })
  }

  revokeAsKey(caller: AuthenticatedKey, id: string): KeyDto {
    return this.store.transaction(() => {
      this.requireDescendant(caller, id)
      return this.revoke(id, `api:${caller.id}`)
    })
  }

  rollAsKey(caller: AuthenticatedKey, id: string, graceSeconds: number): { key: KeyDto; secret: string; previous: KeyDto } {
    return this.store.transaction(() => {
      this.requireDescendant(caller, id)
      return this.roll(id, graceSeconds, `api:${caller.id}`)
    })
  }

  update(input: UpdateKeyInput, actor: Actor): KeyDto {
    return this.store.transaction(() => {
      const current = this.row(input.id)
      if (current.revoked_at !== null) throw new DomainError('CONFLICT', `Key ${input.id} is revoked and cannot be changed.`)
      if (input.tierId !== undefined) this.requireTier(input.tierId)
      const changes: KeyChanges = {
        ...(input.name !== undefined && { name: input.name }),
        ...(input.scopes !== undefined && { scopes: JSON.stringify([...new Set(input.scopes)]) }),
        ...(input.tierId !== undefined && { tier_id: input.tierId }),
        ...(input.expiresAt !== undefined && { expires_at: this.parseExpiry(input.expiresAt) }),
        ...(input.spendingLimits?.perPurchase !== undefined && {
          spend_per_purchase_cents: centsOrNull(input.spendingLimits.perPurchase),
        }),
        ...(input.spendingLimits?.perDay !== undefined && { spend_per_day_cents: centsOrNull(input.spendingLimits.perDay) }),
        ...(input.soulId !== undefined && { soul_id: this.requireSoul(input.soulId) }),
      }
      const before = this.toDto(current)
      this.repo.update(input.id, changes)
      const after = this.get(input.id)
      const action = Object.keys(changes).length === 1 && changes.tier_id !== undefined ? 'key.tier_changed' : 'key.updated'
      this.audit.record({ actor, action, targetType: 'key', targetId: input.id, before, after })
      return after
    })
  }

  /** Revocation is final and takes effect on the very next request, in this process or any other. */
  revoke(id: string, actor: Actor): KeyDto {
    return this.store.transaction(() => {
      const current = this.row(id)
      if (current.revoked_at !== null) return this.toDto(current)
      this.repo.update(id, { revoked_at: this.clock.now() })
      const after = this.get(id)
      this.audit.record({ actor, action: 'key.revoked', targetType: 'key', targetId: id, before: this.toDto(current), after })
      const soulId = current.soul_id ?? OPERATOR_SOUL_ID
      this.outbox.emit('key.revoked', { keyId: id, name: current.name, hint: current.hint, soulId, revokedAt: after.revokedAt }, [soulId])
      return after
    })
  }

  /**
   * Issues a new secret with the same name, scopes, tier, expiry and limits, lineage and creator (so
   * both secrets share one rate-limit window and stay under the key that made them). The old secret
   * keeps working for `graceSeconds` (0 = not at all), never past its own expiry.
   */
  roll(id: string, graceSeconds: number, actor: Actor): { key: KeyDto; secret: string; previous: KeyDto } {
    return this.store.transaction(() => {
      const current = this.row(id)
      const status = keyStatus(current, this.clock.now())
      if (status !== 'active') throw new DomainError('CONFLICT', `Key ${id} is ${status}; only an active key can be rolled.`)
      const now = this.clock.now()
      const secret = generateKeySecret()
      const next: ApiKeyRow = {
        ...current,
        id: newId('key'),
        secret_hash: hashKeySecret(secret),
        hint: keyHint(secret),
        created_at: now,
        last_used_at: null,
      }
      this.repo.insert(next)
      const graceEnd = now + graceSeconds * 1000
      this.repo.update(id, {
        rolled_to_id: next.id,
        expires_at: current.expires_at === null ? graceEnd : Math.min(current.expires_at, graceEnd),
      })
      const key = this.toDto(next)
      const previous = this.get(id)
      this.audit.record({
        actor,
        action: 'key.rolled',
        targetType: 'key',
        targetId: id,
        before: this.toDto(current),
        after: { previous, next: key, graceSeconds },
      })
      return { key, secret, previous }
    })
  }

  countActive(): number {
    return this.repo.countActive(this.clock.now())
  }

  /** Hot path: format and checksum first (no store), then the key by hash from a cache kept fresh. */
  authenticate(secret: string | undefined): AuthResult {
    if (!secret) return AUTH_FAILURES.missing
    if (!KEY_PATTERN.test(secret)) return AUTH_FAILURES.malformed
    // A known key is found by its hash; the checksum is computed only before the store is asked, so a
    // mistyped key is refused without touching it, and a key in the cache costs no checksum.
    const found = this.authCache.get(hashKeySecret(secret), (hash) => (checkKeySecret(secret) === null ? this.loadAuthenticated(hash) : undefined))
    if (!found) return checkKeySecret(secret) === 'checksum' ? AUTH_FAILURES.checksum : AUTH_FAILURES.unknown
    const status = keyStatus(found.row, this.clock.now())
    if (status === 'revoked' || status === 'expired') return AUTH_FAILURES[status]
    return found
  }

  /**
   * The playground's way in (SPEC §5): a key by id, for a caller the gate has already vouched for with the
   * playground's internal credential. The same checks as a secret: unknown, revoked and expired keys are refused.
   */
  authenticateById(id: string): AuthResult {
    const row = this.repo.find(id)
    if (!row) return AUTH_FAILURES.unknown
    const status = keyStatus(row, this.clock.now())
    if (status === 'revoked' || status === 'expired') return AUTH_FAILURES[status]
    return this.authenticated(row)
  }

  private loadAuthenticated(hash: string): AuthSuccess | undefined {
    const row = this.repo.findByHash(hash)
    return row ? this.authenticated(row) : undefined
  }

  private authenticated(row: ApiKeyRow): AuthSuccess {
    return {
      ok: true,
      row,
      key: {
        id: row.id,
        lineageId: row.lineage_id,
        name: row.name,
        scopes: new Set(JSON.parse(row.scopes) as Scope[]),
        tierId: row.tier_id,
        expiresAt: row.expires_at,
        soulId: row.soul_id ?? OPERATOR_SOUL_ID,
        faults: parseFaults(row.faults_json),
      },
    }
  }

  /** Switches fault injection on this key on (with these settings) or off (null). Takes effect on the next request. */
  setFaults(id: string, faults: Faults | null, actor: Actor): KeyDto {
    return this.store.transaction(() => {
      const current = this.row(id)
      if (current.revoked_at !== null) throw new DomainError('CONFLICT', `Key ${id} is revoked and cannot be changed.`)
      const before = this.toDto(current)
      this.repo.update(id, { faults_json: faults === null ? null : JSON.stringify(Faults.parse(faults)) })
      const after = this.get(id)
      this.audit.record({ actor, action: faults === null ? 'key.faults_cleared' : 'key.faults_set', targetType: 'key', targetId: id, before, after })
      return after
    })
  }


  touch(id: string, at: number): void {
    this.repo.touch(id, at)
  }
}
