#!/usr/bin/env node
/**
 * `npm run native:electron` (dev and release machines only; needs the network).
 *
 * better-sqlite3 in node_modules is built for Node's ABI, which tests, CI and headless mode use. Electron has
 * its own ABI, so this builds a second copy against Electron's headers into
 * build/native/electron/better_sqlite3.node, which src-main/index.ts passes to the store as `nativeBinding`
 * (STACK.md, "better-sqlite3 and the Electron ABI"). node_modules is never touched: the build runs in a
 * temporary copy of the package.
 *
 * First tries better-sqlite3's published Electron prebuild (prebuild-install, no compiler needed), then compiles
 * with node-gyp against https://electronjs.org/headers. Options: --arch <arch> (default: this machine's),
 * --from-source (skip the prebuild).
 */
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const HEADERS_URL = 'https://electronjs.org/headers'
const OUT_DIR = join(root, 'build', 'native', 'electron')
const OUT_FILE = join(OUT_DIR, 'better_sqlite3.node')

const args = process.argv.slice(2)
const arch = args.includes('--arch') ? args[args.indexOf('--arch') + 1] : process.arch
const fromSource = args.includes('--from-source')

class Failure extends Error {}
/** Throws, so the temporary copy is still removed on the way out. */
function fail(message) {
  throw new Failure(message)
}

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'))
const packageDir = (name) => join(root, 'node_modules', name)

/** What is being built for; read from the installed packages. */
function targets() {
  if (!existsSync(packageDir('electron'))) fail('node_modules/electron is missing: run "npm install" first.')
  if (!existsSync(packageDir('better-sqlite3'))) fail('node_modules/better-sqlite3 is missing: run "npm install" first.')
  const abiFile = join(packageDir('electron'), 'abi_version')
  return {
    electronVersion: readJson(join(packageDir('electron'), 'package.json')).version,
    sqliteVersion: readJson(join(packageDir('better-sqlite3'), 'package.json')).version,
    abi: existsSync(abiFile) ? readFileSync(abiFile, 'utf8').trim() : 'unknown',
  }
}

/**
 * The environment for the build. npm exports its config as npm_config_*; a `nodedir` there (set on machines
 * that build offline against the local Node headers) would make node-gyp compile for Node again, silently.
 */
function buildEnv() {
  const env = { ...process.env }
  for (const name of Object.keys(env)) {
    if (/^npm_config_(nodedir|target|runtime|disturl|dist_url|arch|target_arch)$/i.test(name)) delete env[name]
  }
  return env
}

function run(label, command, commandArgs, cwd) {
  console.log(`native:electron: ${label}`)
  const result = spawnSync(command, commandArgs, { cwd, env: buildEnv(), stdio: 'inherit', shell: false })
  if (result.error) console.error(`native:electron: ${result.error.message}`)
  return result.status === 0
}

/** npm's own node-gyp (npm exports its path to scripts), else the one shipped next to this Node. */
function nodeGypScript() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ]
  return candidates.find((candidate) => candidate && existsSync(candidate)) ?? null
}

/** Loads the result in Electron acting as Node, when Electron's binary is already here (never downloads it). */
function verifyWithElectron(file, electronVersion) {
  const pathFile = join(packageDir('electron'), 'path.txt')
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  const relativeExe = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron'
  const exe = override ? join(override, relativeExe) : existsSync(pathFile) ? join(packageDir('electron'), 'dist', relativeExe) : null
  if (!exe || !existsSync(exe)) {
    console.log("native:electron: Electron's binary is not installed here, so the result was not test-loaded.")
    return
  }
  const script = `const Database = require(${JSON.stringify(join(packageDir('better-sqlite3'), 'lib', 'index.js'))});` +
    `const db = new Database(':memory:', { nativeBinding: ${JSON.stringify(file)} });` +
    `process.stdout.write(db.prepare('select sqlite_version() as v').get().v)`
  const result = spawnSync(exe, ['-e', script], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, encoding: 'utf8', timeout: 60_000 })
  if (result.status !== 0) fail(`the built module does not load in Electron ${electronVersion}:\n${result.stderr || result.error?.message}`)
  console.log(`native:electron: loads in Electron ${electronVersion} (SQLite ${result.stdout.trim()}).`)
}

function main() {
  const { electronVersion, sqliteVersion, abi } = targets()
  console.log(`native:electron: better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (ABI ${abi}, ${process.platform}-${arch})`)

  const work = mkdtempSync(join(tmpdir(), 'clawhq-native-electron-'))
  const copy = join(work, 'better-sqlite3')
  try {
    // The package without its Node build, so nothing of Node's ABI can end up in the result.
    const source = packageDir('better-sqlite3')
    cpSync(source, copy, {
      recursive: true,
      filter: (path) => {
        const rel = relative(source, path)
        return rel !== 'build' && !rel.startsWith(`build${sep}`)
      },
    })

    const built = join(copy, 'build', 'Release', 'better_sqlite3.node')
    let method = null

    const prebuildInstall = join(packageDir('prebuild-install'), 'bin.js')
    if (!fromSource && existsSync(prebuildInstall)) {
      const ok = run(
        'trying the published Electron prebuild (prebuild-install)...',
        process.execPath,
        [prebuildInstall, '--runtime=electron', `--target=${electronVersion}`, `--arch=${arch}`, '--verbose'],
        copy,
      )
      if (ok && existsSync(built)) method = 'prebuild-install'
      else console.log('native:electron: no usable prebuild; compiling from source instead.')
    }

    if (!method) {
      const nodeGyp = nodeGypScript()
      const [command, gypArgs] = nodeGyp ? [process.execPath, [nodeGyp]] : ['npx', ['--yes', 'node-gyp']]
      const ok = run(
        `compiling against Electron's headers (${HEADERS_URL}); this takes a minute or two...`,
        command,
        [...gypArgs, 'rebuild', '--release', `--target=${electronVersion}`, `--arch=${arch}`, `--dist-url=${HEADERS_URL}`],
        copy,
      )
      if (!ok || !existsSync(built)) {
        fail(
          'the build failed (see above). It needs the network (Electron headers from electronjs.org), Python 3 and a C++ toolchain ' +
            '(build-essential on Debian, Xcode command line tools on macOS, Visual Studio Build Tools on Windows).',
        )
      }
      method = 'node-gyp'
    }

    // Test-load before installing it, so a broken result never replaces a working one.
    verifyWithElectron(built, electronVersion)
    mkdirSync(OUT_DIR, { recursive: true })
    cpSync(built, OUT_FILE)
    writeFileSync(
      join(OUT_DIR, 'build-info.json'),
      `${JSON.stringify({ electron: electronVersion, abi, platform: process.platform, arch, betterSqlite3: sqliteVersion, method, builtAt: new Date().toISOString() }, null, 2)}\n`,
    )
    console.log(`native:electron: wrote ${relative(root, OUT_FILE)} (${method}).`)
    console.log('native:electron: done; "npm start" now runs the desktop app. Run this again after upgrading electron or better-sqlite3.')
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

try {
  main()
} catch (error) {
  console.error(`native:electron: ${error instanceof Failure ? error.message : (error?.stack ?? error)}`)
  process.exitCode = 1
}
