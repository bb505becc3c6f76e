import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

// Standalone (no vitest import): the Playwright specs use it too.
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/**
 * A real small disk for disk-full tests: a tmpfs of a few MB mounted in a private mount namespace
 * (`unshare --user --map-root-user --mount`, no privileges needed where user namespaces are allowed).
 * A holder process keeps the namespace alive; servers run inside it through `nsenter`, and the test
 * reaches the files from outside through `/proc/<holder>/root`.
 */
export interface SmallDisk {
  /** The mount point, as the processes inside see it. */
  dir: string
  /** The same folder as this test process reaches it. */
  hostDir: string
  /** Spawns a command inside the namespace, so it sees the small disk at `dir`. */
  spawn(command: string, args: string[], env?: NodeJS.ProcessEnv): ChildProcess
  /** Fills what is left with a file named `name`; returns its size in bytes. */
  fill(name: string): number
  close(): void
}

function tryUnshare(): string | null {
  const probe = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'true'], { encoding: 'utf8', timeout: 10_000 })
  if (probe.error) return `unshare is not available (${probe.error.message})`
  if (probe.status !== 0) return `unshare --user --mount is not allowed here (${probe.stderr.trim()})`
  const nsenter = spawnSync('nsenter', ['--version'], { encoding: 'utf8' })
  if (nsenter.error) return `nsenter is not available (${nsenter.error.message})`
  return null
}

/** Why small-disk tests cannot run on this machine, or null when they can. */
export const smallDiskUnavailable: string | null = process.platform === 'linux' ? tryUnshare() : 'small disks need Linux mount namespaces'

export async function mountSmallDisk(sizeBytes: number): Promise<SmallDisk> {
  const dir = mkdtempSync(join(tmpdir(), 'clawhq-small-disk-'))
  const holder = spawn('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', `mount -t tmpfs -o size=${sizeBytes} tmpfs "$0" && echo mounted && exec sleep 3600`, dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  await new Promise<void>((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => reject(new Error(`the small disk was not mounted: ${output}`)), 10_000)
    holder.stdout!.on('data', (d) => {
      output += d
      if (output.includes('mounted')) {
        clearTimeout(timer)
        resolve()
      }
    })
    holder.stderr!.on('data', (d) => (output += d))
    holder.on('exit', (code) => reject(new Error(`the small disk's holder exited with ${code}: ${output}`)))
  })
  const pid = holder.pid!
  const hostDir = `/proc/${pid}/root${dir}`
  return {
    dir,
    hostDir,
    spawn(command, args, env) {
      return spawn('nsenter', ['--target', String(pid), '--user', '--mount', '--preserve-credentials', `--wd=${REPO_ROOT}`, '--', command, ...args], {
        cwd: REPO_ROOT,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    },
    fill(name) {
      const fd = openSync(join(hostDir, name), 'w')
      let size = 0
      try {
        // Big blocks first, then small ones for the last few KiB: the disk ends up really full.
        for (const blockSize of [64 * 1024, 512]) {
          const block = Buffer.alloc(blockSize, 1)
          try {
            for (;;) size += writeSync(fd, block)
          } catch (error) {
            if ((error as { code?: string }).code !== 'ENOSPC') throw error
          }
        }
      } finally {
        closeSync(fd)
      }
      return size
    },
    close() {
      holder.kill('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
