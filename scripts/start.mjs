#!/usr/bin/env node
/**
 * `npm start`: build when the sources are newer than the build, then run the desktop app, or, where Electron's
 * binary cannot run (it is downloaded on first use, which fails offline), say so in one line and run headless
 * mode instead (SPEC §1). Every step either finishes, times out or fails loudly: this script never hangs.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, buildReason } from './build-state.mjs'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const NATIVE_ELECTRON_BINDING = 'build/native/electron/better_sqlite3.node'
const ELECTRON_CHECK_TIMEOUT_MS = 60_000
const ELECTRON_VERSION_TIMEOUT_MS = 30_000

/**
 * Runs a process with a deadline and collects its output. Detached on POSIX so that a timeout kills the whole
 * group: `require('electron')` spawns its own downloader, which would otherwise keep the pipes open.
 */
function run(command, args, { timeoutMs, env = process.env }) {
  return new Promise((resolve) => {
    let stdout = ''
    let stderr = ''
    let timedOut = false
    let child
    try {
      child = spawn(command, args, { cwd: root, env, shell: false, detached: process.platform !== 'win32', windowsHide: true })
    } catch (error) {
      resolve({ status: null, stdout, stderr, timedOut, error })
      return
    }
    const killGroup = () => {
      try {
        if (process.platform === 'win32') child.kill('SIGKILL')
        else process.kill(-child.pid, 'SIGKILL')
      } catch {
        // Already gone.
      }
    }
    const timer = setTimeout(() => {
      timedOut = true
      killGroup()
    }, timeoutMs)
    // A detached group does not get the terminal's Ctrl-C: take it down with us.
    const onSignal = () => {
      killGroup()
      process.exit(130)
    }
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    const finish = (result) => {
      clearTimeout(timer)
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
      resolve({ stdout, stderr, timedOut, ...result })
    }
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', (error) => finish({ status: null, error }))
    // 'exit', not 'close': a grandchild still holding the pipes must not keep us waiting.
    child.on('exit', (status) => finish({ status, error: null }))
  })
}

/** The most telling line of a failure, short enough for the one-line notice. */
function shortReason(text, fallback) {
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean)
  const known = lines.find((line) => /fetch failed|ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|certificate|proxy/i.test(line))
  const chosen = known ?? lines.find((line) => /error/i.test(line)) ?? fallback
  const reason = chosen.replace(/^(Error|TypeError|RequestError|HTTPError):\s*/, '')
  return reason.length > 120 ? `${reason.slice(0, 117)}...` : reason
}

/** { path, version } when Electron's binary can run here, otherwise { reason }. */
async function findElectron() {
  // require('electron') resolves the binary and downloads it on first use; print the path after a marker,
  // because the downloader writes its own progress to stdout.
  const marker = 'CLAWHQ_ELECTRON_PATH='
  const located = await run(process.execPath, ['-e', `process.stdout.write('\\n${marker}' + require('electron'))`], {
    timeoutMs: ELECTRON_CHECK_TIMEOUT_MS,
  })
  if (located.timedOut) return { reason: `looking for it took longer than ${ELECTRON_CHECK_TIMEOUT_MS / 1000} s` }
  if (located.error) return { reason: located.error.message }
  const path = located.stdout.split('\n').find((line) => line.startsWith(marker))?.slice(marker.length).trim()
  if (located.status !== 0 || !path) return { reason: shortReason(located.stderr, 'its download failed') }
  if (!existsSync(path)) return { reason: `${path} does not exist` }

  // The file can exist and still not run (missing system libraries on a server): ask it for its version.
  const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1' }
  const probe = await run(path, ['-e', 'process.stdout.write(process.versions.electron)'], { timeoutMs: ELECTRON_VERSION_TIMEOUT_MS, env })
  if (probe.timedOut) return { reason: `it did not answer within ${ELECTRON_VERSION_TIMEOUT_MS / 1000} s` }
  if (probe.error) return { reason: probe.error.message }
  if (probe.status !== 0) return { reason: shortReason(probe.stderr, `it exited with code ${probe.status}`) }
  return { path, version: probe.stdout.trim() }
}

/** Runs a long-lived child with inherited stdio, forwards Ctrl-C and termination, and exits with its code. */
function runForeground(command, args, env = process.env) {
  const child = spawn(command, args, { cwd: root, env, stdio: 'inherit', shell: false })
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
  }
  process.on('SIGINT', () => forward('SIGINT'))
  process.on('SIGTERM', () => forward('SIGTERM'))
  child.on('error', (error) => {
    console.error(`Could not start ${command}: ${error.message}`)
    process.exit(1)
  })
  child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1)))
}

/** The one line that says why, then the same core under plain Node (it prints the API and admin URLs). */
function startHeadless(notice) {
  console.log(`${notice}; starting headless mode instead.`)
  runForeground(process.execPath, [join(root, 'bin', 'clawhq-local.js'), 'serve', ...process.argv.slice(2)])
}

const reason = buildReason()
if (reason) {
  console.log(`Building ClawHQ Local (${reason})...`)
  build()
}

if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  // Checked before the binary, so a server without a screen never downloads a 100 MB runtime it cannot show.
  startHeadless('There is no display here (neither DISPLAY nor WAYLAND_DISPLAY is set)')
} else {
  const electron = await findElectron()
  if (!electron.path) {
    startHeadless(`Electron's binary isn't available on this machine (${electron.reason})`)
  } else if (!existsSync(join(root, NATIVE_ELECTRON_BINDING))) {
    // The better-sqlite3 in node_modules is built for Node; Electron needs its own copy.
    startHeadless(
      `Electron ${electron.version} is here but better-sqlite3 is not built for it yet (run "npm run native:electron" once, with network)`,
    )
  } else {
    const env = { ...process.env }
    // Set by some tools; it would make Electron act as plain Node and ignore the app.
    delete env.ELECTRON_RUN_AS_NODE
    runForeground(electron.path, [root], env)
  }
}
