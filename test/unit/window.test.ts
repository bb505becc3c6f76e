import { describe, expect, it, vi } from 'vitest'
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  BACKGROUND_DARK,
  BACKGROUND_LIGHT,
  CONTENT_SECURITY_POLICY,
  DEFAULT_DESKTOP_PORT,
  denyWindowOpen,
  describeStartupError,
  desktopOverrides,
  hardenWebContents,
  isAppUrl,
  isNavigationAllowed,
  isPermissionGranted,
  isRequestAllowed,
  isTrustedSender,
  permissionCheckHandler,
  permissionRequestHandler,
  windowOptions,
  type HardenableContents,
  type PermissionName,
} from '../../src-main/window'

/** Every permission Electron 45 names; a Record so that a name added to Electron's types fails to compile here. */
const EVERY_PERMISSION: Record<PermissionName, true> = {
  ar: true,
  'automatic-fullscreen': true,
  'background-fetch': true,
  'background-sync': true,
  'captured-surface-control': true,
  'clipboard-read': true,
  'clipboard-sanitized-write': true,
  'deprecated-sync-clipboard-read': true,
  'display-capture': true,
  fileSystem: true,
  fullscreen: true,
  geolocation: true,
  'geolocation-approximate': true,
  'hand-tracking': true,
  hid: true,
  'idle-detection': true,
  keyboardLock: true,
  'local-fonts': true,
  'local-network': true,
  'local-network-access': true,
  'loopback-network': true,
  media: true,
  mediaKeySystem: true,
  midi: true,
  midiSysex: true,
  nfc: true,
  notifications: true,
  openExternal: true,
  'payment-handler': true,
  'periodic-background-sync': true,
  'persistent-storage': true,
  pointerLock: true,
  'screen-wake-lock': true,
  sensors: true,
  serial: true,
  'smart-card': true,
  'speaker-selection': true,
  'storage-access': true,
  'system-wake-lock': true,
  'top-level-storage-access': true,
  usb: true,
  vr: true,
  'web-app-installation': true,
  'web-printing': true,
  'window-management': true,
  unknown: true,
}
const PERMISSIONS = Object.keys(EVERY_PERMISSION) as PermissionName[]
const DENIED_EVEN_FOR_THE_APP = PERMISSIONS.filter((name) => name !== 'clipboard-sanitized-write')

const FOREIGN_URLS = [
  'file:///work/main/out/renderer/index.html',
  'http://127.0.0.1:7420/admin/',
  'http://localhost:5173/',
  'https://example.com/',
  'https://example.com.attacker.com/',
  'app://evil/index.html',
  'app://clawhq.evil/index.html',
  'app://clawhq@evil/index.html',
  'app://evil@clawhq:1/index.html',
  'app://clawhq:8080/index.html',
  'app://user:pass@clawhq/index.html',
  'apps://clawhq/index.html',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'about:blank',
  'chrome://settings',
  '',
  'clawhq',
]

describe('windowOptions', () => {
  const options = windowOptions({ preloadPath: '/app/out/preload/index.cjs' })
  const prefs = options.webPreferences ?? {}

  it('isolates the page context', () => expect(prefs.contextIsolation).toBe(true))
  it('sandboxes the renderer', () => expect(prefs.sandbox).toBe(true))
  it('gives the page no Node integration', () => expect(prefs.nodeIntegration).toBe(false))
  it('gives workers no Node integration', () => expect(prefs.nodeIntegrationInWorker).toBe(false))
  it('gives sub-frames no Node integration', () => expect(prefs.nodeIntegrationInSubFrames).toBe(false))
  it('keeps web security on', () => expect(prefs.webSecurity).toBe(true))
  it('refuses insecure content', () => expect(prefs.allowRunningInsecureContent).toBe(false))
  it('turns experimental features off', () => expect(prefs.experimentalFeatures).toBe(false))
  it('enables no Blink features', () => expect(prefs.enableBlinkFeatures).toBeUndefined())
  it('disables the <webview> tag', () => expect(prefs.webviewTag).toBe(false))
  it('disables middle-click new windows', () => expect(prefs.disableBlinkFeatures).toBe('Auxclick'))
  it('does not navigate on a dropped file', () => expect(prefs.navigateOnDragDrop).toBe(false))
  it('does not download spell-check dictionaries', () => expect(prefs.spellcheck).toBe(false))
  it('loads the given preload', () => expect(prefs.preload).toBe('/app/out/preload/index.cjs'))
  it('is titled ClawHQ Local', () => expect(options.title).toBe('ClawHQ Local'))
  it('paints the theme background before the first frame', () => {
    expect(options.backgroundColor).toBe(BACKGROUND_LIGHT)
    expect(windowOptions({ preloadPath: '/p', dark: true }).backgroundColor).toBe(BACKGROUND_DARK)
  })
  it('returns a fresh object each time, so a caller cannot weaken the next window', () => {
    const first = windowOptions({ preloadPath: '/p' })
    first.webPreferences!.sandbox = false
    expect(windowOptions({ preloadPath: '/p' }).webPreferences?.sandbox).toBe(true)
  })
})

describe('CONTENT_SECURITY_POLICY', () => {
  const directives = new Map(
    CONTENT_SECURITY_POLICY.split(';').map((part) => {
      const [name, ...values] = part.trim().split(/\s+/)
      return [name, values] as const
    }),
  )

  it("allows scripts from 'self' only", () => expect(directives.get('script-src')).toEqual(["'self'"]))
  it('allows neither eval nor inline scripts', () => {
    const scripts = directives.get('script-src') ?? []
    expect(scripts).not.toContain("'unsafe-eval'")
    expect(scripts).not.toContain("'unsafe-inline'")
    expect(scripts).not.toContain("'wasm-unsafe-eval'")
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval')
  })
  it("defaults to 'none'", () => expect(directives.get('default-src')).toEqual(["'none'"]))
  it('loads no remote content anywhere', () => expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:|\*/))
  it('allows no plugins, frames, base changes or form posts', () => {
    expect(directives.get('object-src')).toEqual(["'none'"])
    expect(directives.get('frame-src')).toEqual(["'none'"])
    expect(directives.get('frame-ancestors')).toEqual(["'none'"])
    expect(directives.get('base-uri')).toEqual(["'none'"])
    expect(directives.get('form-action')).toEqual(["'none'"])
  })
})

describe('isTrustedSender', () => {
  it('rejects a null frame (it navigated away or was destroyed)', () => expect(isTrustedSender(null)).toBe(false))
  it('rejects an undefined frame', () => expect(isTrustedSender(undefined)).toBe(false))
  it.each(FOREIGN_URLS)('rejects a frame on %j', (url) => expect(isTrustedSender({ url })).toBe(false))
  it.each([APP_ENTRY_URL, `${APP_ORIGIN}/`, `${APP_ORIGIN}/index.html#/keys`, `${APP_ORIGIN}/index.html?x=1`])(
    'accepts a frame on %s',
    (url) => expect(isTrustedSender({ url })).toBe(true),
  )
})

describe('isNavigationAllowed', () => {
  it.each(FOREIGN_URLS)('refuses to navigate to %j', (url) => expect(isNavigationAllowed(url)).toBe(false))
  it('allows moving within the app origin', () => {
    expect(isNavigationAllowed(APP_ENTRY_URL)).toBe(true)
    expect(isNavigationAllowed(`${APP_ORIGIN}/index.html#/webhooks`)).toBe(true)
  })
})

describe('isAppUrl', () => {
  it('rejects values that are not strings', () => {
    expect(isAppUrl(null)).toBe(false)
    expect(isAppUrl(undefined)).toBe(false)
    expect(isAppUrl(42 as unknown as string)).toBe(false)
  })
  it('accepts the bare origin (the form permission checks report)', () => expect(isAppUrl(APP_ORIGIN)).toBe(true))
})

describe('denyWindowOpen', () => {
  it('denies every new window', () => expect(denyWindowOpen()).toEqual({ action: 'deny' }))
})

describe('permission handlers', () => {
  const contents = {} as never
  const ORIGINS = [APP_ORIGIN, APP_ENTRY_URL, 'https://example.com', 'file:///', '']

  it.each(DENIED_EVEN_FOR_THE_APP)('the request handler denies %s for every origin', (permission) => {
    for (const requestingUrl of ORIGINS) {
      const callback = vi.fn()
      permissionRequestHandler(contents, permission, callback, { requestingUrl } as never)
      expect(callback).toHaveBeenCalledExactlyOnceWith(false)
    }
  })

  it.each(DENIED_EVEN_FOR_THE_APP)('the check handler denies %s for every origin', (permission) => {
    for (const origin of ORIGINS) expect(permissionCheckHandler(contents, permission, origin, {} as never)).toBe(false)
  })

  it('denies permission names Electron does not know yet', () => {
    expect(isPermissionGranted('some-future-permission', APP_ORIGIN)).toBe(false)
    const callback = vi.fn()
    permissionRequestHandler(contents, 'brand-new' as PermissionName, callback, { requestingUrl: APP_ENTRY_URL } as never)
    expect(callback).toHaveBeenCalledWith(false)
  })

  it('allows the async clipboard write only to the app itself (the copy-secret button)', () => {
    expect(permissionCheckHandler(contents, 'clipboard-sanitized-write', APP_ORIGIN, {} as never)).toBe(true)
    const callback = vi.fn()
    permissionRequestHandler(contents, 'clipboard-sanitized-write', callback, { requestingUrl: APP_ENTRY_URL } as never)
    expect(callback).toHaveBeenCalledWith(true)
    for (const url of FOREIGN_URLS) expect(isPermissionGranted('clipboard-sanitized-write', url)).toBe(false)
  })

  it('denies the clipboard write when the request carries no origin', () => {
    const callback = vi.fn()
    permissionRequestHandler(contents, 'clipboard-sanitized-write', callback, undefined as never)
    expect(callback).toHaveBeenCalledWith(false)
  })
})

describe('hardenWebContents', () => {
  type Listener = (event: { url?: string; preventDefault(): void }) => void
  function fakeContents() {
    const listeners = new Map<string, Listener>()
    let openHandler: (() => unknown) | null = null
    const contents = {
      on: (name: string, listener: Listener) => {
        listeners.set(name, listener)
        return contents
      },
      setWindowOpenHandler: (handler: () => unknown) => {
        openHandler = handler
      },
    }
    hardenWebContents(contents as unknown as HardenableContents)
    const fire = (name: string, url?: string) => {
      const event = { url, preventDefault: vi.fn() }
      listeners.get(name)!(event)
      return event.preventDefault.mock.calls.length > 0
    }
    return { listeners, fire, openHandler: () => openHandler }
  }

  it.each(['will-navigate', 'will-frame-navigate', 'will-redirect'])('%s is prevented off the app origin', (name) => {
    const { fire } = fakeContents()
    for (const url of FOREIGN_URLS) expect(fire(name, url)).toBe(true)
  })

  it.each(['will-navigate', 'will-frame-navigate', 'will-redirect'])('%s within the app origin goes ahead', (name) => {
    expect(fakeContents().fire(name, `${APP_ORIGIN}/index.html#/keys`)).toBe(false)
  })

  it('prevents every <webview> from attaching', () => {
    expect(fakeContents().fire('will-attach-webview')).toBe(true)
  })

  it('denies window.open', () => {
    expect(fakeContents().openHandler()?.()).toEqual({ action: 'deny' })
  })
})

describe('isRequestAllowed', () => {
  it.each(['http://127.0.0.1:7420/api/v1/keys', 'https://example.com/x.js', 'ws://localhost/', 'file:///etc/passwd', 'app://evil/x.js'])(
    'cancels %s',
    (url) => expect(isRequestAllowed(url)).toBe(false),
  )
  it.each([`${APP_ORIGIN}/assets/index.js`, 'data:image/png;base64,AAAA', 'blob:app://clawhq/1234', 'devtools://devtools/bundled/x.js'])(
    'lets %s through',
    (url) => expect(isRequestAllowed(url)).toBe(true),
  )
})

describe('desktopOverrides', () => {
  it('defaults to port 7420 and the OS data folder', () => {
    expect(desktopOverrides({})).toEqual({ dataDir: null, port: DEFAULT_DESKTOP_PORT })
  })
  it('takes CLAWHQ_DATA_DIR and CLAWHQ_PORT', () => {
    expect(desktopOverrides({ CLAWHQ_DATA_DIR: '/tmp/x', CLAWHQ_PORT: '0' })).toEqual({ dataDir: '/tmp/x', port: 0 })
  })
  it.each(['abc', '-1', '70000', '80.5', ''])('ignores the port %j', (port) => {
    expect(desktopOverrides({ CLAWHQ_PORT: port }).port).toBe(DEFAULT_DESKTOP_PORT)
  })
})

describe('describeStartupError', () => {
  it('says how to fix a better-sqlite3 built for Node', () => {
    const error = new Error('The module was compiled against a different Node.js version using NODE_MODULE_VERSION 115.')
    expect(describeStartupError(error)).toContain('npm run native:electron')
  })
  it('says what to do when the API port is taken', () => {
    expect(describeStartupError(new Error('listen EADDRINUSE: address already in use 127.0.0.1:7420'))).toContain('CLAWHQ_PORT')
  })
  it('passes other messages through', () => expect(describeStartupError(new Error('disk full'))).toBe('disk full'))
  it('describes values that are not errors', () => expect(describeStartupError('boom')).toBe('boom'))
})
