import { expect } from 'vitest'
import type { MethodOutput } from '../../../src-shared/contract'
import type { TestServer } from '../../helpers/core'
import type { CasesOf, InvalidOf } from './case'

const runId = () => `run_${Math.random().toString(36).slice(2, 12)}`

// The playground.* methods' cases.
export const playgroundCases = (server: () => TestServer): CasesOf<'playground'> => ({
  'playground.openapi': {
    input: () => ({}),
    check: (output: MethodOutput<'playground.openapi'>) => expect(Object.keys(output.paths as object)).toContain('/api/v1/listings'),
  },
  'playground.send': {
    // With no key, so no key's last-used time changes after the case (test/api/playground.test.ts sends as keys).
    input: () => ({ method: 'GET' as const, path: '/api/v1/health', auth: { kind: 'none' as const }, runId: runId() }),
    check: (output: MethodOutput<'playground.send'>) => {
      expect(output.response?.status).toBe(200)
      expect(output.request.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/health$/)
      expect(output.auth).toEqual({ kind: 'none', keyId: null, hint: null, name: null })
    },
  },
  'playground.cancel': {
    input: () => ({ runId: runId() }),
    check: (output: MethodOutput<'playground.cancel'>) => expect(output.cancelled).toBe(false),
  },
  'playground.history': {
    input: async () => {
      await server().core.dispatch('playground.send', { method: 'GET', path: '/api/v1/health', auth: { kind: 'none' }, runId: runId() }, 'cli')
      return { search: 'health', limit: 5 }
    },
    check: (output: MethodOutput<'playground.history'>) => {
      expect(output.entries.length).toBeGreaterThan(0)
      for (const entry of output.entries) expect(entry.request.url).toContain('health')
    },
  },
  'playground.historyDelete': {
    input: async () => {
      const sent = await server().core.dispatch('playground.send', { method: 'GET', path: '/api/v1/health', auth: { kind: 'none' }, runId: runId() }, 'cli')
      if (!sent.ok) throw new Error(sent.error.message)
      return { id: (sent.value as MethodOutput<'playground.send'>).id }
    },
    check: (output: MethodOutput<'playground.historyDelete'>) => expect(output.deleted).toBe(1),
  },
  'playground.historyClear': {
    input: () => ({}),
    check: (output: MethodOutput<'playground.historyClear'>) => expect(output.deleted).toBeGreaterThanOrEqual(0),
  },
})

export const playgroundInvalid: InvalidOf<'playground'> = {
  'playground.openapi': [{ format: 'yaml' }],
  'playground.send': [
    {},
    { method: 'GET', path: '/api/v1/me', auth: { kind: 'none' } },
    { method: 'GET', path: '/api/v1/me', auth: { kind: 'none' }, runId: 'nope' },
    { method: 'TRACE', path: '/api/v1/me', auth: { kind: 'none' }, runId: 'run_abcdef' },
    { method: 'GET', path: '/admin/rpc/keys.list', auth: { kind: 'none' }, runId: 'run_abcdef' },
    { method: 'GET', path: '/api/v1/me?x=1', auth: { kind: 'none' }, runId: 'run_abcdef' },
    { method: 'GET', path: 'http://example.com/api/v1/me', auth: { kind: 'none' }, runId: 'run_abcdef' },
    { method: 'GET', path: '/api/v1/me', auth: { kind: 'key' }, runId: 'run_abcdef' },
    { method: 'GET', path: '/api/v1/me', auth: { kind: 'secret', secret: '' }, runId: 'run_abcdef' },
    { method: 'GET', path: '/api/v1/me', auth: { kind: 'root' }, runId: 'run_abcdef' },
    { method: 'POST', path: '/api/v1/chat', auth: { kind: 'none' }, runId: 'run_abcdef', body: 'x'.repeat(2 * 1024 * 1024 + 1) },
    { method: 'GET', path: '/api/v1/me', auth: { kind: 'none' }, runId: 'run_abcdef', headers: [['X-A']] },
  ],
  'playground.cancel': [{}, { runId: 'abc' }],
  'playground.history': [{ limit: 0 }, { limit: 201 }, { beforeSeq: 0 }, { search: 'x'.repeat(201) }],
  'playground.historyDelete': [{}, { id: '' }],
  'playground.historyClear': [{ all: true }],
}
