import type { Faults } from '../../src-shared/agents'
import type { MethodInput, MethodOutput } from '../../src-shared/contract'
import type { KeyDto } from '../../src-shared/dto'
import type { SliceCreator } from './types'

export interface KeysSlice {
  keys: KeyDto[]
  keysLoaded: boolean
  loadKeys(): Promise<void>
  /** Resolves to the new key and its secret, which exists nowhere else: show it once. Throws on failure. */
  createKey(input: MethodInput<'keys.create'>): Promise<MethodOutput<'keys.create'>>
  updateKey(input: MethodInput<'keys.update'>): Promise<KeyDto>
  revokeKey(id: string): Promise<KeyDto>
  rollKey(id: string, graceSeconds: number): Promise<MethodOutput<'keys.roll'>>
  /** Sets or (with null) switches off a key's fault injection; the keys table shows it at once. Throws on failure. */
  setKeyFaults(keyId: string, faults: Faults | null): Promise<KeyDto>
  /** A live request-log row says the key was just used. */
  noteKeyUsed(keyId: string, at: string): void
}

const upsert = (keys: KeyDto[], ...changed: KeyDto[]): KeyDto[] => {
  const byId = new Map(changed.map((key) => [key.id, key]))
  const kept = keys.map((key) => byId.get(key.id) ?? key)
  const added = changed.filter((key) => !keys.some((existing) => existing.id === key.id))
  return [...added, ...kept]
}

export const createKeysSlice: SliceCreator<KeysSlice> = ({ client }) => (set, get) => ({
  keys: [],
  keysLoaded: false,

  async loadKeys() {
    try {
      const keys = await client.invoke('keys.list', { includeRevoked: true })
      set({ keys, keysLoaded: true })
    } catch (error) {
      get().reportError(error, 'Could not load the keys')
    }
  },

  async createKey(input) {
    const created = await client.invoke('keys.create', input)
    set({ keys: upsert(get().keys, created.key) })
    void get().loadTiers()
    return created
  },

  async updateKey(input) {
    const updated = await client.invoke('keys.update', input)
    set({ keys: upsert(get().keys, updated) })
    void get().loadTiers()
    return updated
  },

  async revokeKey(id) {
    const revoked = await client.invoke('keys.revoke', { id })
    set({ keys: upsert(get().keys, revoked) })
    void get().loadTiers()
    return revoked
  },

  async rollKey(id, graceSeconds) {
    const rolled = await client.invoke('keys.roll', { id, graceSeconds })
    set({ keys: upsert(get().keys, rolled.key, rolled.previous) })
    void get().loadTiers()
    return rolled
  },

  async setKeyFaults(keyId, faults) {
    const key = await client.invoke('keys.setFaults', { id: keyId, faults })
    set({ keys: get().keys.map((candidate) => (candidate.id === key.id ? key : candidate)) })
    return key
  },

  noteKeyUsed(keyId, at) {
    const key = get().keys.find((candidate) => candidate.id === keyId)
    if (!key || (key.lastUsedAt && key.lastUsedAt >= at)) return
    set({ keys: upsert(get().keys, { ...key, lastUsedAt: at }) })
  },
})
