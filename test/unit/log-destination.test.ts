import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { ServerLogDestination } from '../../src-main/core/log-destination'
import { tempDir } from '../helpers/core'

const collector = () => {
  const lines: string[] = []
  return { lines, write: (text: string) => lines.push(text) }
}

describe('the server log destination', () => {
  it('writes lines to its file', () => {
    const file = join(tempDir(), 'logs', 'clawhq.log')
    const fallback = collector()
    const destination = new ServerLogDestination(file, fallback)
    destination.write('one\n')
    destination.write('two\n')
    destination.close()
    expect(readFileSync(file, 'utf8')).toBe('one\ntwo\n')
    expect(fallback.lines).toEqual([])
  })

  it.runIf(process.platform === 'linux')('falls back to stderr with one notice when every write fails for a full disk (/dev/full)', () => {
    const fallback = collector()
    const logger = pino({ level: 'info' }, new ServerLogDestination('/dev/full', fallback))
    expect(() => {
      logger.error({ err: new Error('first') }, 'first failure')
      logger.error('second failure')
    }).not.toThrow()
    const notices = fallback.lines.filter((line) => line.includes('cannot write the server log /dev/full'))
    expect(notices).toHaveLength(1)
    expect(notices[0]).toMatch(/ENOSPC/)
    expect(fallback.lines.filter((line) => line.includes('"msg":"first failure"'))).toHaveLength(1)
    expect(fallback.lines.filter((line) => line.includes('"msg":"second failure"'))).toHaveLength(1)
  })

  it('falls back when the file cannot even be opened', () => {
    const blocker = join(tempDir(), 'not-a-folder')
    new ServerLogDestination(blocker, collector()).write('make a file where a folder should be\n')
    const fallback = collector()
    const destination = new ServerLogDestination(join(blocker, 'clawhq.log'), fallback)
    destination.write('still logged\n')
    expect(fallback.lines.join('')).toMatch(/cannot write the server log \S+not-a-folder\/clawhq\.log \(E[A-Z]+: .*\nstill logged\n$/s)
  })
})
