import { describe, expect, it } from 'vitest'
import { redactKeys } from '../../src-main/core/api/redact'
import { generateKeySecret } from '../../src-main/core/keys/secret'

const secret = generateKeySecret()
const body = secret.slice(4)
const percent = (char: string) => `%${char.charCodeAt(0).toString(16).padStart(2, '0')}`

/** Decodes %XX repeatedly, as a reader of the log might, to check nothing key-shaped survives. */
function fullyDecoded(text: string): string {
  let current = text
  for (let i = 0; i < 6; i++) {
    const next = current.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    if (next === current) break
    current = next
  }
  return current
}

describe('redactKeys', () => {
  const spellings: Array<[string, string]> = [
    ['the literal key', `/api/v1/me?api_key=${secret}`],
    ['clw%5F…', `/api/v1/me?api_key=clw%5F${body}`],
    ['clw%5f… (lower-case hex)', `/api/v1/me?api_key=clw%5f${body}`],
    ['%63lw_…', `/api/v1/me?api_key=%63lw_${body}`],
    ['a percent-encoded last character', `/api/v1/me?k=clw_${body.slice(0, -1)}${percent(body.at(-1)!)}`],
    ['every character percent-encoded', `/x/${[...secret].map(percent).join('')}`],
    ['encoded twice (%2563…)', `/x?k=%2563lw_${body}`],
    ['in a path segment', `/api/v1/keys/${secret}/roll`],
    ['two keys in one URL', `/x?a=${secret}&b=clw%5F${body}`],
  ]
  it.each(spellings)('redacts %s', (_label, url) => {
    const redacted = redactKeys(url)
    expect(redacted).toContain('clw_[redacted]')
    expect(fullyDecoded(redacted)).not.toMatch(/clw_[0-9A-Za-z]{32}/)
    expect(fullyDecoded(redacted)).not.toContain(body)
  })

  it('keeps what is around the key as it was sent', () => {
    expect(redactKeys(`/api/v1/me?x=%20a&api_key=clw%5F${body}&y=%7E`)).toBe('/api/v1/me?x=%20a&api_key=clw_[redacted]&y=%7E')
  })

  it('leaves text without a key untouched, encoded or not', () => {
    for (const url of ['/api/v1/me', '/api/v1/me?q=%E2%9C%93&r=%zz', '/clw_short', `/x?k=clw_${body.slice(0, 31)}`]) expect(redactKeys(url)).toBe(url)
  })
})
