import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/**
 * The container image's entry, run without a container: there is no container runtime on these machines, so
 * `docker build`/`docker run` are not exercised here. This parses the Dockerfile's last stage (ENV, ENTRYPOINT,
 * CMD, HEALTHCHECK) and runs that exact command under plain Node from the project directory (the image's
 * WORKDIR /app holds the same bin/ and out/), with the data volume moved to a temporary directory and any
 * free port. Needs a fresh build (`npm run build`).
 */

const PROJECT_DIR = fileURLToPath(new URL('../..', import.meta.url))
const NO_RUNTIME_NOTE = 'no container runtime here: the image is not built or run, its CMD runs under plain Node'
const ADMIN_TOKEN = 'docker-entry-test-token-0123456789'

/** Whether a container runtime answers: the docker client alone is not enough, its daemon must run. */
const dockerAvailable = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 10_000 }).status === 0
if (!dockerAvailable)
  console.log(`[docker] ${NO_RUNTIME_NOTE} (no docker daemon answers); the image build and run test is skipped, not run.`)

interface Stage {
  from: string
  name: string | null
  instructions: Array<{ keyword: string; args: string }>
}

/** Dockerfile instructions by stage: comments dropped, backslash continuations joined. */
function parseDockerfile(text: string): Stage[] {
  const logical: string[] = []
  let pending = ''
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd()
    if (pending === '' && /^\s*#/.test(line)) continue
    if (pending !== '' && /^\s*#/.test(line)) continue
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `
      continue
    }
    const whole = (pending + line).trim()
    pending = ''
    if (whole !== '') logical.push(whole)
  }
  const stages: Stage[] = []
  for (const line of logical) {
    const match = /^([A-Za-z]+)\s+([\s\S]*)$/.exec(line)
    if (!match) throw new Error(`not an instruction: ${line}`)
    const keyword = match[1].toUpperCase()
    const args = match[2].trim()
    if (keyword === 'FROM') {
      const [from, as, name] = args.split(/\s+/)
      stages.push({ from, name: as?.toUpperCase() === 'AS' ? name : null, instructions: [] })
    } else {
      stages.at(-1)?.instructions.push({ keyword, args })
    }
  }
  return stages
}

/** `ENV A=1 B="x y"` and the legacy `ENV A 1`. */
function parseEnv(args: string): Record<string, string> {
  const env: Record<string, string> = {}
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(args)) {
    const [name, ...rest] = args.split(/\s+/)
    env[name] = rest.join(' ')
    return env
  }
  for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("([^"\\]|\\.)*"|\S*)/g)) {
    const value = match[2]
    env[match[1]] = value.startsWith('"') ? (JSON.parse(value) as string) : value
  }
  return env
}

/** The exec (JSON array) form; the shell form would run under /bin/sh and is not what this image uses. */
function execForm(args: string, what: string): string[] {
  const parsed: unknown = JSON.parse(args)
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === 'string')) throw new Error(`${what} is not in exec form: ${args}`)
  return parsed
}

const dockerfileText = readFileSync(join(PROJECT_DIR, 'Dockerfile'), 'utf8')
const stages = parseDockerfile(dockerfileText)
const runtime = stages.at(-1)!
const build = stages[0]
const all = (stage: Stage, keyword: string) => stage.instructions.filter((instruction) => instruction.keyword === keyword).map((instruction) => instruction.args)
const last = (stage: Stage, keyword: string) => all(stage, keyword).at(-1) ?? null
const imageEnv: Record<string, string> = Object.assign({}, ...all(runtime, 'ENV').map(parseEnv))
const entrypoint = last(runtime, 'ENTRYPOINT')
const command = [...(entrypoint ? execForm(entrypoint, 'ENTRYPOINT') : []), ...execForm(last(runtime, 'CMD') ?? '[]', 'CMD')]
const healthcheck = (() => {
  const args = last(runtime, 'HEALTHCHECK') ?? ''
  const match = /^(?:--\S+\s+)*CMD\s+(\[.*\])$/.exec(args)
  if (!match) throw new Error(`HEALTHCHECK is not "[options] CMD [exec form]": ${args}`)
  return execForm(match[1], 'HEALTHCHECK')
})()

/** An image command's `node` is this Node; everything else is as written. */
const resolveNode = (argv: string[]) => (argv[0] === 'node' ? [process.execPath, ...argv.slice(1)] : argv)

describe(`the Dockerfile (${NO_RUNTIME_NOTE})`, () => {
  it('builds on node:20-bookworm-slim, with compilers for better-sqlite3 only in the build stage', () => {
    expect(stages.map((stage) => stage.from)).toEqual(['node:20-bookworm-slim', 'node:20-bookworm-slim'])
    const buildRuns = all(build, 'RUN').join('\n')
    for (const tool of ['python3', 'make', 'g++']) expect(buildRuns).toContain(tool)
    expect(all(runtime, 'RUN').join('\n')).not.toMatch(/apt-get|g\+\+/)
  })

  it('installs with npm ci from the lockfile and builds with npm run build', () => {
    const buildRuns = all(build, 'RUN')
    expect(buildRuns).toContain('npm ci')
    expect(buildRuns.some((run) => run.startsWith('npm run build'))).toBe(true)
    expect(all(build, 'COPY')[0]).toMatch(/package-lock\.json/)
  })

  it('keeps data on the /data volume and serves on the exposed port', () => {
    expect(imageEnv.CLAWHQ_DATA_DIR).toBe('/data')
    expect(all(runtime, 'VOLUME')).toEqual(['/data'])
    expect(all(runtime, 'EXPOSE')).toEqual([imageEnv.CLAWHQ_PORT])
    expect(imageEnv.CLAWHQ_PORT).toBe('7420')
  })

  it('runs headless on all interfaces over TLS, with no admin token baked in', () => {
    expect(command).toEqual(['node', 'bin/clawhq-local.js', 'serve', '--host', '0.0.0.0', '--tls'])
    expect(imageEnv).not.toHaveProperty('CLAWHQ_ADMIN_TOKEN')
    expect(dockerfileText).not.toMatch(/--admin-token/)
  })

  it('runs as an unprivileged user, and checks its health on /api/v1/health', () => {
    expect(last(runtime, 'USER')).toBe('node')
    expect(healthcheck[0]).toBe('node')
    expect(healthcheck.join(' ')).toContain('/api/v1/health')
  })

  it('.dockerignore keeps the host\'s node_modules and build output out of the image', () => {
    const ignored = readFileSync(join(PROJECT_DIR, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'))
    for (const entry of ['node_modules', 'out', 'build', '.git']) expect(ignored).toContain(entry)
  })
})

interface Running {
  child: ChildProcess
  output: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

function start(env: NodeJS.ProcessEnv): Running {
  const [executable, ...args] = resolveNode(command)
  const child = spawn(executable, args, { cwd: PROJECT_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
  return { child, output: () => output, exited }
}

async function waitFor<T>(what: string, probe: () => T | null, running: Running, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = probe()
    if (value !== null) return value
    if (running.child.exitCode !== null) throw new Error(`the server exited (${running.child.exitCode}) before ${what}:\n${running.output()}`)
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${running.output()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** HTTPS to the server's self-signed certificate: verification is off in this client only. */
function call(url: string, init: { method?: string; token?: string; body?: unknown; host?: string } = {}): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const body = init.body === undefined ? undefined : JSON.stringify(init.body)
    const req = request(
      url,
      {
        method: init.method ?? 'GET',
        rejectUnauthorized: false,
        headers: {
          ...(init.host ? { host: init.host } : {}),
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
          ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
        },
      },
      (response) => {
        let text = ''
        response.on('data', (chunk: Buffer) => (text += chunk.toString()))
        response.on('end', () => resolve({ status: response.statusCode ?? 0, json: text ? JSON.parse(text) : null }))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

function runHealthcheck(port: number): number | null {
  const [executable, ...args] = resolveNode(healthcheck)
  return spawnSync(executable, args, { cwd: PROJECT_DIR, env: { ...process.env, ...imageEnv, CLAWHQ_PORT: String(port) }, timeout: 10_000 }).status
}

describe(`the image's command, run under plain Node (${NO_RUNTIME_NOTE})`, () => {
  let dataDir: string
  let running: Running
  let origin: string
  let port: number

  beforeAll(async () => {
    expect(existsSync(join(PROJECT_DIR, 'out', 'main', 'cli.js')), 'build first: npm run build').toBe(true)
    dataDir = mkdtempSync(join(tmpdir(), 'clawhq-docker-entry-'))
    // The image's ENV, with the volume moved to a temporary directory and any free port instead of 7420.
    running = start({ ...process.env, ...imageEnv, CLAWHQ_DATA_DIR: dataDir, CLAWHQ_PORT: '0', CLAWHQ_ADMIN_TOKEN: ADMIN_TOKEN })
    const apiBaseUrl = await waitFor('the API line', () => /^API:\s+(\S+)$/m.exec(running.output())?.[1] ?? null, running)
    origin = new URL(apiBaseUrl).origin
    port = Number(new URL(apiBaseUrl).port)
  })

  afterAll(async () => {
    if (running && running.child.exitCode === null && running.child.signalCode === null) {
      running.child.kill('SIGKILL')
      await running.exited
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  it('serves HTTPS on the port it printed, with the certificate it made in the data directory', () => {
    expect(origin).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    expect(port).toBeGreaterThan(0)
    expect(readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8')).toContain('BEGIN CERTIFICATE')
    expect(existsSync(join(dataDir, 'clawhq.db'))).toBe(true)
  })

  it('answers /api/v1/health', async () => {
    const { status, json } = await call(`${origin}/api/v1/health`)
    expect(status).toBe(200)
    expect(json).toMatchObject({ success: true, data: { status: 'ok' } })
  })

  it('the HEALTHCHECK command passes against it', () => {
    expect(runHealthcheck(port)).toBe(0)
  })

  it('the admin RPC accepts the token from CLAWHQ_ADMIN_TOKEN', async () => {
    const { status, json } = await call(`${origin}/admin/rpc/server.status`, { method: 'POST', token: ADMIN_TOKEN, body: {} })
    expect(status).toBe(200)
    expect(json).toMatchObject({ ok: true, value: { mode: 'headless' } })
    expect(running.output()).toContain(`/admin/?token=${ADMIN_TOKEN}`)
  })

  it('the admin RPC refuses any other token, and no token', async () => {
    const wrong = await call(`${origin}/admin/rpc/server.status`, { method: 'POST', token: `${ADMIN_TOKEN}x`, body: {} })
    expect(wrong.status).toBe(401)
    expect(wrong.json).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
    const none = await call(`${origin}/admin/rpc/server.status`, { method: 'POST', body: {} })
    expect(none.status).toBe(401)
  })

  it('answers a CI service name once it is allowed with settings set, as `docker exec` would run it', async () => {
    const asService = () => call(`${origin}/api/v1/health`, { host: `clawhq:${port}` })
    expect((await asService()).status).toBe(403)
    const [executable, ...args] = resolveNode(['node', 'bin/clawhq-local.js', 'settings', 'set', '--allowed-hosts', 'clawhq'])
    const set = spawnSync(executable, args, { cwd: PROJECT_DIR, env: { ...process.env, ...imageEnv, CLAWHQ_DATA_DIR: dataDir }, encoding: 'utf8' })
    expect(set.status, set.stderr).toBe(0)
    expect((await asService()).status).toBe(200)
  })

  it('stops cleanly on SIGTERM (docker stop), and the HEALTHCHECK then fails', async () => {
    running.child.kill('SIGTERM')
    const exit = await Promise.race([
      running.exited,
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000)),
    ])
    expect(exit, running.output()).toEqual({ code: 0, signal: null })
    expect(running.output()).toMatch(/SIGTERM: stopping/)
    expect(runHealthcheck(port)).not.toBe(0)
  })
})

const IMAGE_TEST = dockerAvailable
  ? 'the image builds, serves /api/v1/health and the admin RPC with the env token, and stops cleanly'
  : 'building and running the image needs a container runtime: not run here'

describe('the image itself', () => {
  it.skipIf(!dockerAvailable)(IMAGE_TEST, { timeout: 1_800_000 }, async () => {
    const tag = `clawhq-local:test-${process.pid}`
    const name = `clawhq-local-test-${process.pid}`
    const volume = `clawhq-local-test-${process.pid}`
    const docker = (...args: string[]) => {
      const result = spawnSync('docker', args, { cwd: PROJECT_DIR, encoding: 'utf8', timeout: 1_500_000 })
      if (result.status !== 0) throw new Error(`docker ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`)
      return result.stdout.trim()
    }
    docker('build', '-t', tag, '.')
    try {
      docker('run', '-d', '--name', name, '-e', `CLAWHQ_ADMIN_TOKEN=${ADMIN_TOKEN}`, '-v', `${volume}:/data`, '-p', '127.0.0.1::7420', tag)
      const hostPort = Number(docker('port', name, '7420/tcp').split('\n')[0].split(':').at(-1))
      const origin = `https://127.0.0.1:${hostPort}`
      const deadline = Date.now() + 60_000
      for (;;) {
        const health = await call(`${origin}/api/v1/health`).catch(() => null)
        if (health?.status === 200) break
        if (Date.now() > deadline) throw new Error(docker('logs', name))
        await new Promise((resolve) => setTimeout(resolve, 500))
      }
      expect((await call(`${origin}/admin/rpc/server.status`, { method: 'POST', token: ADMIN_TOKEN, body: {} })).status).toBe(200)
      expect((await call(`${origin}/admin/rpc/server.status`, { method: 'POST', token: 'another', body: {} })).status).toBe(401)
      docker('stop', '-t', '20', name)
      expect(docker('inspect', '-f', '{{.State.ExitCode}}', name)).toBe('0')
    } finally {
      spawnSync('docker', ['rm', '-f', name])
      spawnSync('docker', ['volume', 'rm', '-f', volume])
      spawnSync('docker', ['image', 'rm', '-f', tag])
    }
  })
})
