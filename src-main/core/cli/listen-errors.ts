import { InvalidArgumentError } from 'commander'

/** `--port` and `$CLAWHQ_PORT`: a whole number from 0 (any free port) to 65535. */
export function parsePort(text: string): number {
  const trimmed = text.trim()
  if (!/^\d{1,5}$/.test(trimmed) || Number(trimmed) > 65535) throw new InvalidArgumentError('A port is a whole number from 0 to 65535 (0: any free port).')
  return Number(trimmed)
}

const WAYS_TO_CHOOSE = 'with --port <port> or the CLAWHQ_PORT environment variable'

/**
 * The one line to print when the server cannot listen, saying what to do; null for failures it does not know,
 * which are reported as they are.
 */
export function describeListenError(error: unknown, host: string, port: number): string | null {
  const { code, address, port: failedPort } = (error ?? {}) as { code?: string; address?: string; port?: number }
  const where = `Port ${failedPort ?? port} on ${address ?? host}`
  switch (code) {
    case 'EADDRINUSE':
      return `${where} is already in use by another program (perhaps another clawhq-local serve). Stop it, or choose another port ${WAYS_TO_CHOOSE}.`
    case 'EACCES':
      return `${where} needs rights this user does not have (ports below 1024 usually do). Choose a port from 1024 up ${WAYS_TO_CHOOSE}.`
    case 'EADDRNOTAVAIL':
      return `${where} cannot be opened: ${address ?? host} is not an address of this machine. Choose another address with --host <host>.`
    default:
      return null
  }
}
