import { describe, expect, it } from 'vitest'
import { HostPolicy } from '../../src-main/core/api/host-policy'
import { parseDuration } from '../../src-main/core/cli/duration'
import { assertSafeBind, defaultDataDir, isLoopbackHost } from '../../src-main/core/config'
import { formatWindow } from '../../src-main/core/tiers/tiers.service'
import { fromCents, priceToCents, toCents } from '../../src-main/core/money'

describe('bind safety', () => {
  it('allows plain HTTP on loopback only', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1']) expect(() => assertSafeBind(host, false)).not.toThrow()
    for (const host of ['0.0.0.0', '192.168.1.5', '::', 'example.com']) {
      expect(isLoopbackHost(host)).toBe(false)
      expect(() => assertSafeBind(host, false)).toThrow(/needs TLS/)
      expect(() => assertSafeBind(host, true)).not.toThrow()
    }
  })
})

describe('data directory', () => {
  it('uses $CLAWHQ_DATA_DIR, else ~/.clawhq-local', () => {
    expect(defaultDataDir({ CLAWHQ_DATA_DIR: '/srv/clawhq' })).toBe('/srv/clawhq')
    expect(defaultDataDir({ HOME: '/home/x' })).toMatch(/\.clawhq-local$/)
  })
})

describe('HostPolicy', () => {
  const policy = new HostPolicy('http')
  policy.update(7420, ['devbox.lan', 'other:9000'], ['https://app.example'])

  it("accepts this server's own names on its port and configured names", () => {
    for (const host of ['127.0.0.1:7420', 'localhost:7420', 'LOCALHOST:7420', '[::1]:7420', 'devbox.lan:7420', 'other:9000'])
      expect(policy.allowsHost(host)).toBe(true)
  })

  it('refuses rebinding names, other ports and a missing Host', () => {
    for (const host of [undefined, '', 'evil.com', 'evil.com:7420', '127.0.0.1', '127.0.0.1:80', 'localhost.evil.com:7420', '127.0.0.1:7420.evil'])
      expect(policy.allowsHost(host)).toBe(false)
  })

  it('accepts same-origin and configured CORS origins only', () => {
    expect(policy.allowsOrigin('http://127.0.0.1:7420')).toBe(true)
    expect(policy.allowsOrigin('https://app.example')).toBe(true)
    expect(policy.allowsOrigin('https://app.example.evil.com')).toBe(false)
    expect(policy.allowsOrigin('null')).toBe(false)
    expect(policy.isCorsOrigin('http://127.0.0.1:7420')).toBe(false)
  })
})

describe('small formats', () => {
  it('parses durations', () => {
    expect([parseDuration('90'), parseDuration('90s'), parseDuration('15m'), parseDuration('6h'), parseDuration('30d'), parseDuration('2w')]).toEqual([
      90, 90, 900, 21600, 2592000, 1209600,
    ])
    for (const bad of ['', 'soon', '1.5h', '-1m', '10y']) expect(() => parseDuration(bad)).toThrow(/not a duration/)
  })

  it('formats tier windows the way the 429 details name them', () => {
    expect([60, 3600, 86400, 90, 7200, 1].map(formatWindow)).toEqual(['1m', '1h', '1d', '90s', '2h', '1s'])
  })

  it('keeps money in integer cents and shows it with two places', () => {
    expect([toCents('25'), toCents('25.5'), toCents('25.05'), toCents('0.01')]).toEqual([2500, 2550, 2505, 1])
    expect([fromCents(2500), fromCents(2505), fromCents(1), fromCents(1050)]).toEqual(['25.00', '25.05', '0.01', '10.50'])
    expect([fromCents(-2500), fromCents(-1)]).toEqual(['-25.00', '-0.01'])
    expect([priceToCents(19.99), priceToCents('19.99'), priceToCents(0), priceToCents(12.5), priceToCents(0.001), priceToCents('1.234'), priceToCents(-1)]).toEqual([
      1999, 1999, 0, 1250, null, null, null,
    ])
  })
})
