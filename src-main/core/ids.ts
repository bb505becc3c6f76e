import { randomBytes, randomUUID } from 'node:crypto'

export type IdPrefix = 'key' | 'tier' | 'req' | 'listing' | 'soul' | 'purch' | 'lic' | 'sub' | 'agent' | 'conv' | 'whk' | 'evt' | 'dlv' | 'pg'

/** Prefixed ids (SPEC §3): `key_3f9c…`, 24 hex characters (96 random bits) after the prefix. */
export const newId = (prefix: IdPrefix): string => `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 24)}`

/**
 * Request ids, one per request on the hot path: the same shape as `newId('req')` (24 hex characters),
 * made of 48 random bits drawn once per process and a 48-bit counter, so they are unique across
 * restarts and processes without a UUID per request. They name requests; they are not secrets.
 */
const REQUEST_ID_PREFIX = `req_${randomBytes(6).toString('hex')}`
let requestCounter = 0
export const newRequestId = (): string => REQUEST_ID_PREFIX + (++requestCounter).toString(16).padStart(12, '0')
