import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'

const RETRY_FILE_AFTER_MS = 30_000

/**
 * Where the server log goes: its file, written synchronously (the log holds errors and lifecycle lines
 * only, and an error line must not be lost to a crash that follows it). A file that cannot be opened or
 * written (a full disk, a read-only folder) never stops the server: the lines go to stderr instead, with
 * one notice saying why, and the file is tried again now and then.
 */
export class ServerLogDestination {
  private fd: number | null = null
  private fileFailedAt = -Infinity
  private noticeShown = false

  constructor(
    readonly file: string,
    private readonly fallback: { write(text: string): unknown } = process.stderr,
  ) {}

  write(line: string): void {
    if (this.fd === null && Date.now() - this.fileFailedAt >= RETRY_FILE_AFTER_MS) this.open()
    if (this.fd !== null) {
      try {
        const bytes = Buffer.from(line)
        let written = 0
        while (written < bytes.length) written += writeSync(this.fd, bytes, written)
        return
      } catch (error) {
        this.fail(error)
      }
    }
    this.fallback.write(line)
  }

  private open(): void {
    try {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 })
      this.fd = openSync(this.file, 'a', 0o600)
      this.noticeShown = false
    } catch (error) {
      this.fail(error)
    }
  }

  private fail(error: unknown): void {
    if (this.fd !== null) {
      try {
        closeSync(this.fd)
      } catch {
        // Already unusable.
      }
    }
    this.fd = null
    this.fileFailedAt = Date.now()
    if (!this.noticeShown) {
      this.noticeShown = true
      const reason = error instanceof Error ? error.message : String(error)
      this.fallback.write(`clawhq-local: cannot write the server log ${this.file} (${reason}); logging to stderr until it can.\n`)
    }
  }

  close(): void {
    if (this.fd === null) return
    try {
      closeSync(this.fd)
    } catch {
      // Nothing left to do.
    }
    this.fd = null
  }
}
