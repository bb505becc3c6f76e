import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { listPackage } from '@electron/asar'
import type { Configuration } from 'app-builder-lib'
import { getFileMatchers } from 'app-builder-lib/out/fileMatcher.js'
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/**
 * The installers' configuration (electron-builder.yml), checked with electron-builder's own loader, schema
 * validation and file matcher, offline. Building the installers themselves needs Electron's zips and headers
 * from the network; that last test runs only where they can be had, and is reported as skipped, never passed.
 */

const PROJECT_DIR = fileURLToPath(new URL('../..', import.meta.url))
const CONFIG_FILE = 'electron-builder.yml'
const BETTER_SQLITE3_NODE = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'
const packageJson = JSON.parse(readFileSync(join(PROJECT_DIR, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string> }
const silentDebugLogger = { isEnabled: false, add: () => undefined } as unknown as Parameters<typeof validateConfiguration>[1]

let config: Configuration
beforeAll(async () => {
  config = await getConfig(PROJECT_DIR, join(PROJECT_DIR, CONFIG_FILE), null)
})

/** Whether electron-builder would take a project file (relative path) for the app, by its own matcher. */
function matches(name: 'files' | 'asarUnpack', relativePath: string): boolean {
  const matchers = getFileMatchers(config, name, '/app', {
    macroExpander: (pattern) => pattern,
    customBuildOptions: {},
    globalOutDir: join(PROJECT_DIR, 'out', 'installers'),
    defaultSrc: PROJECT_DIR,
  })
  if (!matchers) return false
  const file = { isDirectory: () => false } as Parameters<ReturnType<(typeof matchers)[0]['createFilter']>>[1]
  return matchers.some((matcher) => matcher.createFilter()(join(PROJECT_DIR, relativePath), file))
}

function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file)
  expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a')
  expect(bytes.subarray(12, 16).toString('ascii')).toBe('IHDR')
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
}

describe('electron-builder.yml', () => {
  it('passes electron-builder 26\'s own schema validation', async () => {
    await expect(validateConfiguration(config, silentDebugLogger)).resolves.toBeUndefined()
  })

  it('the same validation rejects a misspelled option, so the check above is live', async () => {
    await expect(validateConfiguration({ ...config, asarUnpak: ['x'] } as Configuration, silentDebugLogger)).rejects.toThrow(/unknown property 'asarUnpak'/)
  })

  it('names the app', () => {
    expect(config.appId).toBe('tech.clawhq.local')
    expect(config.productName).toBe('ClawHQ Local')
  })

  it('builds an AppImage and a deb on Linux, a dmg on macOS, an NSIS installer on Windows', () => {
    expect(config.linux?.target).toEqual(['AppImage', 'deb'])
    expect(config.mac?.target).toEqual(['dmg'])
    expect(config.win?.target).toEqual(['nsis'])
  })

  it('points every platform at the 512×512 icon in resources/', () => {
    for (const icon of [config.icon, config.linux?.icon, config.mac?.icon, config.win?.icon]) expect(icon).toBe('resources/icon.png')
    expect(pngSize(join(PROJECT_DIR, 'resources', 'icon.png'))).toEqual({ width: 512, height: 512 })
    expect(readFileSync(join(PROJECT_DIR, 'resources', 'icon.svg'), 'utf8')).toMatch(/<svg [^>]*viewBox="0 0 512 512"/)
  })

  it('the icon script reproduces the committed icons byte for byte', () => {
    const outDir = mkdtempSync(join(tmpdir(), 'clawhq-icon-'))
    try {
      const run = spawnSync(process.execPath, [join(PROJECT_DIR, 'scripts', 'make-icon.mjs'), '--out', outDir], { encoding: 'utf8' })
      expect(run.status, run.stderr).toBe(0)
      for (const name of ['icon.png', 'icon.svg']) expect(readFileSync(join(outDir, name)).equals(readFileSync(join(PROJECT_DIR, 'resources', name))), name).toBe(true)
    } finally {
      rmSync(outDir, { recursive: true, force: true })
    }
  })

  it('packs the built main, preload and renderer, the package.json and the tray icon', () => {
    expect(packageJson.main).toBe('out/main/index.js')
    for (const file of ['package.json', 'out/main/index.js', 'out/main/cli.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'resources/icon.png'])
      expect(matches('files', file), file).toBe(true)
  })

  it('leaves sources, the SDK build, source maps and earlier installers out', () => {
    for (const file of ['src-main/index.ts', 'test/unit/distribution.test.ts', 'out/sdk/index.js', 'out/main/index.js.map', 'out/installers/ClawHQ Local-0.1.0-x86_64.AppImage', CONFIG_FILE])
      expect(matches('files', file), file).toBe(false)
  })

  it('keeps better-sqlite3\'s native module out of the asar archive', () => {
    expect(config.asar).toBe(true)
    expect(matches('asarUnpack', BETTER_SQLITE3_NODE)).toBe(true)
    expect(matches('asarUnpack', 'out/main/index.js')).toBe(false)
    // The file the pattern is for exists where the pattern looks (the Node build, until `dist` rebuilds it).
    expect(existsSync(join(PROJECT_DIR, BETTER_SQLITE3_NODE))).toBe(true)
  })

  it('rebuilds native dependencies for Electron\'s ABI, from source', () => {
    expect(config.npmRebuild).toBe(true)
    expect(config.buildDependenciesFromSource).toBe(true)
  })

  it('npm run dist builds first, uses this file, and gives node_modules the Node build of better-sqlite3 back', () => {
    for (const name of ['dist', 'dist:linux', 'dist:mac', 'dist:win']) {
      const script = packageJson.scripts[name]
      expect(script, name).toMatch(/^npm run build && electron-builder --config electron-builder\.yml( --(linux|mac|win))? && npm rebuild better-sqlite3$/)
    }
  })
})

/** Where Electron's binary is, if it was downloaded already; electron-builder can pack from it offline. */
function localElectronDist(): string | null {
  const dist = join(PROJECT_DIR, 'node_modules', 'electron', 'dist')
  return existsSync(join(PROJECT_DIR, 'node_modules', 'electron', 'path.txt')) && existsSync(dist) ? dist : null
}

async function electronDownloadsReachable(): Promise<boolean> {
  const { version } = JSON.parse(readFileSync(join(PROJECT_DIR, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }
  try {
    const response = await fetch(`https://github.com/electron/electron/releases/download/v${version}/SHASUMS256.txt`, { method: 'HEAD', signal: AbortSignal.timeout(5_000) })
    return response.ok
  } catch {
    return false
  }
}

const electronDist = localElectronDist()
const canPackage = electronDist !== null || (await electronDownloadsReachable())
const PACKAGE_TEST = canPackage
  ? 'electron-builder packs the app for this platform: the asar holds the build, better-sqlite3\'s .node lies beside it'
  : "building installers needs Electron's downloads: not run here"
if (!canPackage)
  console.log(
    "[distribution] building installers needs Electron's downloads (its zips and headers from github.com), which this machine cannot reach, " +
      'and no local Electron binary is installed: the packaging test is skipped, not run.',
  )

describe('packaging', () => {
  let outDir: string
  afterAll(() => {
    if (outDir) rmSync(outDir, { recursive: true, force: true })
  })

  it.skipIf(!canPackage)(PACKAGE_TEST, { timeout: 600_000 }, () => {
    expect(existsSync(join(PROJECT_DIR, 'out', 'main', 'index.js')), 'build first: npm run build').toBe(true)
    outDir = mkdtempSync(join(tmpdir(), 'clawhq-dist-'))
    const platform = { linux: '--linux', darwin: '--mac', win32: '--win' }[process.platform as 'linux' | 'darwin' | 'win32']
    // `dir` target and no rebuild: the shape of the app without touching the shared node_modules' native build.
    const args = ['electron-builder', '--config', CONFIG_FILE, platform, 'dir', '-c.npmRebuild=false', `-c.directories.output=${outDir}`]
    if (electronDist) args.push(`-c.electronDist=${electronDist}`)
    const run = spawnSync('npx', args, { cwd: PROJECT_DIR, encoding: 'utf8', env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' } })
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0)

    const resourcesDir = {
      linux: join(outDir, 'linux-unpacked', 'resources'),
      darwin: join(outDir, process.arch === 'arm64' ? 'mac-arm64' : 'mac', 'ClawHQ Local.app', 'Contents', 'Resources'),
      win32: join(outDir, 'win-unpacked', 'resources'),
    }[process.platform as 'linux' | 'darwin' | 'win32']
    const asar = join(resourcesDir, 'app.asar')
    const entries = listPackage(asar, { isPack: false }).map((entry) => entry.replaceAll('\\', '/'))
    for (const file of ['/package.json', '/out/main/index.js', '/out/preload/index.cjs', '/out/renderer/index.html', '/resources/icon.png']) expect(entries).toContain(file)
    expect(entries.some((entry) => entry.startsWith('/src-main') || entry.startsWith('/out/sdk'))).toBe(false)
    expect(statSync(join(`${asar}.unpacked`, BETTER_SQLITE3_NODE)).size).toBeGreaterThan(0)
  })
})
