import { spawn, type ChildProcess } from 'node:child_process'
import { randomInt } from 'node:crypto'
import { REPO_ROOT } from './reliability'

/**
 * The kill -9 tests' runner (RELIABILITY §5): a writer script (test/helpers/*-writer.mjs) loads the built core,
 * prints "ready", waits for a line on stdin, then writes and acknowledges each committed write on its own
 * stdout line. `run()` lets it write and SIGKILLs it 50–400 ms after its first acknowledgement.
 */
export interface CrashRun {
  acknowledged: string[]
  signal: NodeJS.Signals | null
  code: number | null
  stderr: string
  delayMs: number
}

/**
 * A writer process, started ahead of time: it loads the bundle and prints "ready" while the previous run
 * is still being checked. `run()` lets it write, SIGKILLs it 50–400 ms after its first acknowledgement,
 * and resolves with the complete lines it printed after "ready".
 */
export class Writer {
  private readonly child: ChildProcess
  private stdout = ''
  private stderr = ''
  private readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>

  constructor(script: string, dataDir: string) {
    this.child = spawn(process.execPath, [script, dataDir], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] })
    this.child.stdout!.setEncoding('utf8')
    this.child.stdout!.on('data', (chunk: string) => (this.stdout += chunk))
    this.child.stderr!.on('data', (chunk) => (this.stderr += chunk))
    this.child.stdin!.on('error', () => undefined)
    // 'close' comes after the process exited and its pipes were drained
    this.closed = new Promise((resolve, reject) => {
      this.child.on('error', reject)
      this.child.on('close', (code, signal) => resolve({ code, signal }))
    })
  }

  private until(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (condition()) return resolve()
      const check = () => {
        if (!condition()) return
        cleanup()
        resolve()
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error(`the writer never ${what}: ${this.stderr}`))
      }, timeoutMs)
      const cleanup = () => {
        clearTimeout(timer)
        this.child.stdout!.off('data', check)
      }
      this.child.stdout!.on('data', check)
      void this.closed.then(() => {
        cleanup()
        if (condition()) resolve()
        else reject(new Error(`the writer exited before it ${what}: ${this.stderr}`))
      })
    })
  }

  async run(): Promise<CrashRun> {
    const delayMs = randomInt(50, 401)
    await this.until(() => this.stdout.startsWith('ready\n'), 'got ready', 20_000)
    this.child.stdin!.write('go\n')
    try {
      await this.until(() => this.stdout.slice('ready\n'.length).includes('\n'), 'acknowledged a write', 20_000)
      await new Promise((resolve) => setTimeout(resolve, delayMs))
    } finally {
      this.child.kill('SIGKILL')
    }
    const { code, signal } = await this.closed
    // only complete lines are acknowledgements; a line cut off by the kill is not
    const lines = this.stdout.slice('ready\n'.length).split('\n')
    lines.pop()
    return { acknowledged: lines, signal, code, stderr: this.stderr, delayMs }
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL')
  }
}

