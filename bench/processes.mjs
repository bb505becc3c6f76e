// What the benchmarks share: the CLI on a bench data directory, servers each in its own process (ClawHQ
// Local under `node --cpu-prof` with --profile), and the CPU time a process has used.
import { spawn, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { once } from 'node:events'

export const PROFILE = process.argv.includes('--profile')
export const PROFILE_DIR = 'bench/profiles'

/** The CLI on `dataDir`: `cli('keys', 'create', …)` runs it with --json and returns what it printed, parsed; throws with its stderr when it fails. */
export const cliOn =
  (dataDir) =>
  (...args) => {
    const result = spawnSync(process.execPath, ['bin/clawhq-local.js', ...args, '--data-dir', dataDir, '--json'], { encoding: 'utf8' })
    if (result.status !== 0) throw new Error(result.stderr)
    return JSON.parse(result.stdout)
  }

// The servers go when this process goes, however it ends.
const children = []
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')))

/** `node …args` as its own process, once its stdout matches `ready`; rejects if it exits first. */
export function start(args, ready) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  children.push(child)
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
      if (ready.test(out)) resolve(child)
    })
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)))
  })
}

/** The server under test: `clawhq-local serve` on `dataDir` and `port`, under `node --cpu-prof` with --profile. */
export function startSubject(dataDir, port, ...serveArgs) {
  return start(
    [
      ...(PROFILE ? ['--cpu-prof', '--cpu-prof-interval=100', `--cpu-prof-dir=${PROFILE_DIR}`] : []),
      'bin/clawhq-local.js',
      'serve',
      '--data-dir',
      dataDir,
      '--port',
      String(port),
      ...serveArgs,
    ],
    /Admin:/,
  )
}

/** Stops the server under test and waits for it; with --profile by SIGINT, on which node writes the profile. */
export async function stopSubject(subject) {
  subject.kill(PROFILE ? 'SIGINT' : 'SIGTERM')
  await once(subject, 'exit')
}

/** CPU seconds a process has used (user + system), from /proc on Linux; null elsewhere. */
export function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100 // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return null
  }
}
