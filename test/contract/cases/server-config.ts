import { join } from 'node:path'
import { expect } from 'vitest'
import type { MethodOutput } from '../../../src-shared/contract'
import type { TestServer } from '../../helpers/core'
import type { CasesOf, InvalidOf } from './case'

// The config.* and backup.* methods' cases (test/api/server-config.test.ts moves the server and restores data).
export const serverConfigCases = (server: () => TestServer): CasesOf<'config' | 'backup'> => ({
  'config.get': {
    input: () => ({}),
    check: (output: MethodOutput<'config.get'>) => {
      expect(output.running).toMatchObject({ host: '127.0.0.1', tls: false, apiBaseUrl: server().apiBaseUrl })
      expect(output.exposed).toBe(false)
      expect(output.dataDir).toBe(server().dataDir)
    },
  },
  'config.set': {
    // The address it already has: saved, nothing moves (moving it mid-suite would cut the other cases off).
    input: () => ({ port: server().core.running().port }),
    check: (output: MethodOutput<'config.set'>) => {
      expect(output.restarting).toBe(false)
      expect(output.saved.port).toBe(server().core.running().port)
    },
  },
  'config.generateCertificate': {
    input: () => ({ hosts: ['clawhq.test'] }),
    check: (output: MethodOutput<'config.generateCertificate'>) => {
      expect(output.selfSigned).toBe(true)
      expect(output.altNames).toContain('DNS:clawhq.test')
      expect(Date.parse(output.validTo)).toBeGreaterThan(Date.now() + 365 * 86_400_000)
    },
  },
  'backup.create': {
    input: () => ({}),
    check: (output: MethodOutput<'backup.create'>) => {
      expect(output.file.startsWith(join(server().dataDir, 'backups'))).toBe(true)
      expect(output.bytes).toBeGreaterThan(4096)
    },
  },
  'backup.list': {
    input: async () => {
      await server().core.dispatch('backup.create', {}, 'cli')
      return {}
    },
    check: (output: MethodOutput<'backup.list'>) => expect(output.length).toBeGreaterThan(0),
  },
  'backup.restore': {
    input: async () => {
      const made = await server().core.dispatch('backup.create', {}, 'cli')
      if (!made.ok) throw new Error(made.error.message)
      return { file: (made.value as MethodOutput<'backup.create'>).file }
    },
    check: (output: MethodOutput<'backup.restore'>, input: { file: string }) => {
      expect(output.restoredFrom).toBe(input.file)
      expect(output.safetyCopy.file).toContain('before-restore')
    },
  },
})

export const serverConfigInvalid: InvalidOf<'config' | 'backup'> = {
  'config.get': [{ verbose: true }],
  'config.set': [{ port: -1 }, { port: 70000 }, { port: '7420' }, { host: '' }, { host: 'bad host!' }, { tls: { mode: 'maybe', certFile: null, keyFile: null } }, { tls: { mode: 'off' } }],
  'config.generateCertificate': [{ hosts: 'example.com' }, { hosts: [''] }],
  'backup.create': [{ file: '' }, { file: 42 }],
  'backup.list': [{ all: true }],
  'backup.restore': [{}, { file: '' }],
}
