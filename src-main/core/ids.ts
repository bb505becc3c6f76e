import { randomUUID } from 'node:crypto'

export type IdPrefix = 'key' | 'tier' | 'req'

/** Prefixed ids (SPEC §3): `key_3f9c…`, 24 hex characters (96 random bits) after the prefix. */
export const newId = (prefix: IdPrefix): string => `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 24)}`
