import type { CustomScheme } from 'electron'
import { readFile, realpath } from 'node:fs/promises'
import { extname, resolve, sep } from 'node:path'
import { APP_HOST, APP_SCHEME, CONTENT_SECURITY_POLICY } from './window'

/**
 * The `app://clawhq/` protocol that serves `out/renderer` (checklist item 18). Pure Node: the handler takes a
 * Fetch `Request` and returns a `Response`, so it runs under vitest; `src-main/index.ts` only registers it.
 */

/**
 * Registered before `ready`. Standard + secure make `app://clawhq` a real, secure origin (relative URLs,
 * storage, async clipboard); supportFetchAPI lets the bundle's module scripts load. corsEnabled stays unset,
 * which keeps the scheme unreadable cross-origin, and bypassCSP stays unset, so the CSP applies.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
}

export function contentTypeFor(filePath: string): string {
  return CONTENT_TYPES[extname(filePath).toLowerCase()] ?? 'application/octet-stream'
}

/** Headers on every response of the protocol, errors included. */
export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  }
}

/**
 * A path segment a bundle asset can have: no dot segments, separators, drive letters or control characters,
 * and no `%` left after decoding (a double-encoded `%252e%252e` must not become `..` in a later decode).
 */
function isSafeSegment(segment: string): boolean {
  return (
    segment !== '' &&
    segment !== '.' &&
    segment !== '..' &&
    // eslint-disable-next-line no-control-regex
    !/[/\\:%\u0000-\u001f\u007f]/.test(segment)
  )
}

/**
 * Maps `app://clawhq/<path>` to a file under `rootDir`, or null (→ 404). Works on the raw URL text rather than
 * on `new URL().pathname`, because the URL parser silently resolves `..` and `%2e%2e`; anything that is not a
 * plain relative path (dot segments, encoded or not, backslashes, empty segments, absolute or drive paths,
 * NUL or other control bytes, a foreign host) is refused instead of being normalised into something else.
 */
export function resolveAssetPath(rootDir: string, requestUrl: string): string | null {
  const prefix = `${APP_SCHEME}://${APP_HOST}`
  if (typeof requestUrl !== 'string' || !requestUrl.toLowerCase().startsWith(prefix)) return null
  const rest = requestUrl.slice(prefix.length)
  // After the host comes the path, a query or a fragment; anything else (a port, `.evil`, `@evil`) is another origin.
  if (rest !== '' && !'/?#'.includes(rest[0])) return null
  const rawPath = rest.split(/[?#]/, 1)[0]

  const encodedSegments = rawPath === '' || rawPath === '/' ? ['index.html'] : rawPath.slice(1).split('/')
  const segments: string[] = []
  for (const encoded of encodedSegments) {
    let segment: string
    try {
      segment = decodeURIComponent(encoded)
    } catch {
      return null
    }
    if (!isSafeSegment(segment)) return null
    segments.push(segment)
  }

  const root = resolve(rootDir)
  const filePath = resolve(root, ...segments)
  return filePath.startsWith(root + sep) ? filePath : null
}

export interface AppProtocolHandlerOptions {
  /** The built renderer, `out/renderer`. */
  rootDir: string
  /** Injected for tests; defaults to node:fs. */
  readFile?: (path: string) => Promise<Uint8Array>
  realpath?: (path: string) => Promise<string>
}

/** The handler given to `protocol.handle('app', …)`: GET/HEAD of files inside rootDir, with the CSP header. */
export function createAppProtocolHandler(options: AppProtocolHandlerOptions): (request: Request) => Promise<Response> {
  const read = options.readFile ?? readFile
  const real = options.realpath ?? realpath
  const root = resolve(options.rootDir)
  let realRoot: Promise<string> | null = null

  const respond = (status: number, body: BodyInit | null, headers: Record<string, string> = {}) =>
    new Response(body, { status, headers: { ...securityHeaders(), ...headers } })
  const notFound = () => respond(404, 'Not found', { 'Content-Type': 'text/plain; charset=utf-8' })

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return respond(405, 'Method not allowed', { 'Content-Type': 'text/plain; charset=utf-8', Allow: 'GET, HEAD' })
    }
    const filePath = resolveAssetPath(root, request.url)
    if (filePath === null) return notFound()
    try {
      // A symlink inside the bundle must not lead outside it.
      realRoot ??= real(root)
      const [rootReal, fileReal] = await Promise.all([realRoot, real(filePath)])
      if (!fileReal.startsWith(rootReal + sep)) return notFound()
      const body = await read(fileReal)
      return respond(200, request.method === 'HEAD' ? null : new Uint8Array(body), {
        'Content-Type': contentTypeFor(filePath),
        'Content-Length': String(body.byteLength),
      })
    } catch {
      // Missing files and directories alike: the renderer has no use for either.
      realRoot = null
      return notFound()
    }
  }
}
