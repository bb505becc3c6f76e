/**
 * Whether the build (out/) is older than its sources, and the build itself: shared by `npm start`
 * and the test setup, so neither runs a stale bundle.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(dirname(fileURLToPath(import.meta.url)))

/** What has to exist for the app to start; the desktop entry, the CLI, the preload and the GUI; and the SDK (clawhq-local/sdk). */
const OUTPUTS = ['out/main/index.js', 'out/main/cli.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'out/sdk/index.js']
/** What a build is made from, besides every src-* folder (src-sdk among them). */
const BUILD_INPUTS = ['package.json', 'electron.vite.config.ts', 'tsconfig.json', 'tsconfig.sdk.json']

export function newestMtime(path) {
  let stat
  try {
    stat = statSync(path)
  } catch {
    return 0
  }
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)))
  return newest
}

export function buildReason() {
  const outputTimes = []
  for (const output of OUTPUTS) {
    if (!existsSync(join(root, output))) return `${output} is missing`
    outputTimes.push(statSync(join(root, output)).mtimeMs)
  }
  const oldestOutput = Math.min(...outputTimes)
  const sources = readdirSync(root).filter((name) => name.startsWith('src-')).concat(BUILD_INPUTS)
  const stale = sources.find((source) => newestMtime(join(root, source)) > oldestOutput)
  return stale ? `${stale} changed since the last build` : null
}

/** `npm run build` without going through npm (no shell, so no .cmd trouble on Windows). */
export function build() {
  const steps = [
    [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.sdk.json'],
  ]
  for (const args of steps) {
    const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', shell: false })
    if (result.status !== 0) {
      console.error(`The build failed (${args.map((a) => a.replace(root, '.')).join(' ')}); fix the error above and run npm start again.`)
      process.exit(result.status ?? 1)
    }
  }
}

