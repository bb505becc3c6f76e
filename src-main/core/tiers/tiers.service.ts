import type { TierDto } from '../../../src-shared/dto'
import type { Clock } from '../clock'
import type { Store } from '../db/store'
import type { TierRow } from '../db/schema'
import { DomainError } from '../errors'
import { newId } from '../ids'
import type { AuditService, Actor } from '../audit/audit.service'
import { TiersRepository } from './tiers.repository'

export const DEFAULT_TIER_ID = 'rpm-60'

/** "1m", "1h", "90s", "2d": the short window form of the 429 details (seed 000). */
export function formatWindow(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400}d`
  if (seconds % 3600 === 0) return `${seconds / 3600}h`
  if (seconds % 60 === 0) return `${seconds / 60}m`
  return `${seconds}s`
}

export interface RateLimitTier {
  id: string
  limit: number
  windowMs: number
  window: string
  /** The draft-ietf-httpapi-ratelimit-headers `RateLimit-Policy` value, made once per tier. */
  policyHeader: string
}

const toDto = (row: TierRow, keyCount = 0): TierDto => ({
  id: row.id,
  name: row.name,
  limit: row.limit_count,
  windowSeconds: row.window_seconds,
  window: formatWindow(row.window_seconds),
  builtIn: row.built_in === 1,
  keyCount,
})

export class TiersService {
  private readonly repo: TiersRepository

  constructor(
    private readonly store: Store,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {
    this.repo = new TiersRepository(store)
  }

  list(): TierDto[] {
    return this.repo.list().map((row) => toDto(row, row.key_count ?? 0))
  }

  get(id: string): TierDto {
    const row = this.repo.find(id)
    if (!row) throw new DomainError('NOT_FOUND', `No rate-limit tier with id ${id}.`, { id })
    return toDto(row, this.repo.keysUsing(id))
  }

  /** The limiter's view of a tier; undefined when the tier is gone. */
  limiterTier(id: string): RateLimitTier | undefined {
    const row = this.repo.find(id)
    return (
      row && {
        id: row.id,
        limit: row.limit_count,
        windowMs: row.window_seconds * 1000,
        window: formatWindow(row.window_seconds),
        policyHeader: `"${row.id}";q=${row.limit_count};w=${row.window_seconds}`,
      }
    )
  }

  create(input: { name: string; limit: number; windowSeconds: number }, actor: Actor): TierDto {
    const row: TierRow = {
      id: newId('tier'),
      name: input.name,
      limit_count: input.limit,
      window_seconds: input.windowSeconds,
      built_in: 0,
      created_at: this.clock.now(),
    }
    const dto = toDto(row)
    this.store.transaction(() => {
      this.repo.insert(row)
      this.audit.record({ actor, action: 'tier.created', targetType: 'tier', targetId: row.id, after: dto })
    })
    return dto
  }

  update(input: { id: string; name?: string; limit?: number; windowSeconds?: number }, actor: Actor): TierDto {
    return this.store.transaction(() => {
      const before = this.get(input.id)
      if (before.builtIn) throw new DomainError('CONFLICT', `The built-in tier ${input.id} cannot be changed; create a custom tier.`)
      this.repo.update(input.id, {
        ...(input.name !== undefined && { name: input.name }),
        ...(input.limit !== undefined && { limit_count: input.limit }),
        ...(input.windowSeconds !== undefined && { window_seconds: input.windowSeconds }),
      })
      const after = this.get(input.id)
      this.audit.record({ actor, action: 'tier.updated', targetType: 'tier', targetId: input.id, before, after })
      return after
    })
  }

  delete(id: string, actor: Actor): void {
    this.store.transaction(() => {
      const before = this.get(id)
      if (before.builtIn) throw new DomainError('CONFLICT', `The built-in tier ${id} cannot be deleted.`)
      const inUse = this.repo.keysUsing(id)
      if (inUse > 0)
        throw new DomainError('CONFLICT', `Tier ${id} is used by ${inUse} key(s); move them to another tier first.`, { keys: inUse })
      this.repo.delete(id)
      this.audit.record({ actor, action: 'tier.deleted', targetType: 'tier', targetId: id, before })
    })
  }
}
