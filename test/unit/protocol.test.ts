import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, sep } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  APP_SCHEME_PRIVILEGES,
  contentTypeFor,
  createAppProtocolHandler,
  resolveAssetPath,
} from '../../src-main/protocol'
import { CONTENT_SECURITY_POLICY } from '../../src-main/window'

const ROOT = join(sep, 'srv', 'clawhq', 'out', 'renderer')

describe('resolveAssetPath', () => {
  it.each([
    ['app://clawhq', 'index.html'],
    ['app://clawhq/', 'index.html'],
    ['app://clawhq/index.html', 'index.html'],
    ['app://clawhq/index.html#/keys', 'index.html'],
    ['app://clawhq/index.html?v=1', 'index.html'],
    ['app://clawhq/assets/x.js', join('assets', 'x.js')],
    ['app://clawhq/assets/index-Bx9_a.css', join('assets', 'index-Bx9_a.css')],
    ['app://clawhq/assets/font%20name.woff2', join('assets', 'font name.woff2')],
  ])('resolves %s inside the root', (url, relative) => {
    expect(resolveAssetPath(ROOT, url)).toBe(join(ROOT, relative))
  })

  it.each([
    'app://clawhq/../etc/passwd',
    'app://clawhq/assets/../../etc/passwd',
    'app://clawhq/assets/..',
    'app://clawhq/./index.html',
    'app://clawhq/%2e%2e/etc/passwd',
    'app://clawhq/%2E%2E/etc/passwd',
    'app://clawhq/.%2e/etc/passwd',
    'app://clawhq/assets/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    'app://clawhq/%252e%252e/etc/passwd',
    'app://clawhq/..%5c..%5cetc%5cpasswd',
    'app://clawhq/assets\\..\\..\\etc\\passwd',
    'app://clawhq/%5cetc%5cpasswd',
    'app://clawhq//etc/passwd',
    'app://clawhq/%2fetc%2fpasswd',
    'app://clawhq/C:/Windows/win.ini',
    'app://clawhq/C%3a%5cWindows%5cwin.ini',
    'app://clawhq/index.html%00.png',
    'app://clawhq/index.html\u0000.png',
    'app://clawhq/assets/',
    'app://clawhq/%E0%A4%A',
    'app://evil/index.html',
    'app://clawhq.evil/index.html',
    'app://clawhq@evil/index.html',
    'app://clawhq:8080/index.html',
    'file:///etc/passwd',
    'http://clawhq/index.html',
    '/etc/passwd',
    '',
  ])('refuses %j', (url) => {
    expect(resolveAssetPath(ROOT, url)).toBeNull()
  })
})

describe('contentTypeFor', () => {
  it.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['assets/a.js', 'text/javascript; charset=utf-8'],
    ['assets/a.CSS', 'text/css; charset=utf-8'],
    ['assets/logo.svg', 'image/svg+xml'],
    ['assets/f.woff2', 'font/woff2'],
    ['whatever.bin', 'application/octet-stream'],
  ])('%s is served as %s', (file, type) => expect(contentTypeFor(file)).toBe(type))
})

describe('APP_SCHEME_PRIVILEGES', () => {
  const privileges = APP_SCHEME_PRIVILEGES.privileges ?? {}
  it('registers app:// as a standard, secure scheme', () => {
    expect(APP_SCHEME_PRIVILEGES.scheme).toBe('app')
    expect(privileges.standard).toBe(true)
    expect(privileges.secure).toBe(true)
  })
  it('neither bypasses the CSP nor opens the scheme to cross-origin reads', () => {
    expect(privileges.bypassCSP).toBeFalsy()
    expect(privileges.corsEnabled).toBeFalsy()
    expect(privileges.allowServiceWorkers).toBeFalsy()
  })
})

describe('createAppProtocolHandler', () => {
  let base: string
  let root: string
  let handler: (request: Request) => Promise<Response>

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'clawhq-protocol-'))
    root = join(base, 'renderer')
    mkdirSync(join(root, 'assets'), { recursive: true })
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>ClawHQ Local</title>')
    writeFileSync(join(root, 'assets', 'x.js'), 'console.log(1)')
    writeFileSync(join(base, 'secret.txt'), 'outside the root')
    symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'link.txt'))
    handler = createAppProtocolHandler({ rootDir: root })
  })
  afterAll(() => rmSync(base, { recursive: true, force: true }))

  const get = (url: string, method = 'GET') => handler(new Request(url, { method }))

  it('serves index.html for the bare origin, with the CSP', async () => {
    const response = await get('app://clawhq/')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await response.text()).toContain('<title>ClawHQ Local</title>')
  })

  it('serves a bundle asset with its type', async () => {
    const response = await get('app://clawhq/assets/x.js')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await response.text()).toBe('console.log(1)')
  })

  it('answers HEAD without a body', async () => {
    const response = await get('app://clawhq/assets/x.js', 'HEAD')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-length')).toBe(String('console.log(1)'.length))
    expect(await response.text()).toBe('')
  })

  it('returns 404 with the CSP for a missing file', async () => {
    const response = await get('app://clawhq/assets/missing.js')
    expect(response.status).toBe(404)
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
  })

  it('returns 404 for a directory', async () => expect((await get('app://clawhq/assets')).status).toBe(404))

  it('returns 404 for a traversal attempt', async () => {
    expect((await get('app://clawhq/assets/%2e%2e/%2e%2e/secret.txt')).status).toBe(404)
  })

  it('returns 404 for a symlink that leads outside the root', async () => {
    expect((await get('app://clawhq/assets/link.txt')).status).toBe(404)
  })

  it('refuses methods other than GET and HEAD', async () => {
    const response = await get('app://clawhq/index.html', 'POST')
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('GET, HEAD')
  })
})
