import { InvalidArgumentError } from 'commander'
import { describe, expect, it } from 'vitest'
import { describeListenError, parsePort } from '../../src-main/core/cli/listen-errors'

const listenError = (code: string, address: string, port: number) => Object.assign(new Error(`listen ${code}: ${address}:${port}`), { code, address, port })

describe('listen errors', () => {
  it('names the port and address in use, and both ways to choose another', () => {
    const line = describeListenError(listenError('EADDRINUSE', '127.0.0.1', 7420), '127.0.0.1', 7420)
    expect(line).toMatch(/^Port 7420 on 127\.0\.0\.1 is already in use by another program/)
    expect(line).toContain('--port <port>')
    expect(line).toContain('CLAWHQ_PORT')
  })

  it('explains a privileged port refused to this user', () => {
    const line = describeListenError(listenError('EACCES', '0.0.0.0', 80), '0.0.0.0', 80)
    expect(line).toBe(
      'Port 80 on 0.0.0.0 needs rights this user does not have (ports below 1024 usually do). ' +
        'Choose a port from 1024 up with --port <port> or the CLAWHQ_PORT environment variable.',
    )
  })

  it('says when the address is not one of this machine', () => {
    expect(describeListenError(listenError('EADDRNOTAVAIL', '10.9.9.9', 7420), '10.9.9.9', 7420)).toMatch(/10\.9\.9\.9 is not an address of this machine.*--host/)
  })

  it('leaves other failures as they are', () => {
    expect(describeListenError(new Error('boom'), '127.0.0.1', 7420)).toBeNull()
  })
})

describe('parsePort', () => {
  it('takes 0 to 65535', () => {
    expect(parsePort('0')).toBe(0)
    expect(parsePort(' 7420 ')).toBe(7420)
    expect(parsePort('65535')).toBe(65535)
  })

  it('refuses anything else', () => {
    for (const text of ['', '-1', '65536', '7420x', '1e3', '80.5']) expect(() => parsePort(text)).toThrow(InvalidArgumentError)
  })
})
