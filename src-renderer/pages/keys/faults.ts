import type { FaultKind, Faults } from '../../../src-shared/agents'

/** How the GUI names injected faults: on the keys table, in the dialog and in the request log. */

export const FAULT_KINDS: readonly FaultKind[] = ['error_429', 'error_500', 'latency', 'stream_cut']

/** The dialog's choices. */
export const FAULT_KIND_LABEL: Record<FaultKind, string> = {
  error_429: '429 Too Many Requests',
  error_500: '500 Internal error',
  latency: 'Added latency',
  stream_cut: 'Cut chat streams',
}

/** Badge-sized: "429", "+1000 ms", "stream cut". */
export function faultShortLabel(faults: Pick<Faults, 'kind'> & Partial<Faults>): string {
  switch (faults.kind) {
    case 'error_429':
      return '429'
    case 'error_500':
      return '500'
    case 'latency':
      return faults.latencyMs ? `+${faults.latencyMs.toLocaleString()} ms` : 'latency'
    case 'stream_cut':
      return 'stream cut'
  }
}

/** "faults: 429 · 50 %", "faults: +1000 ms · 100 % · chat only": the keys table's reminder that a key fails on purpose. */
export const faultsBadge = (faults: Faults): string =>
  ['faults: ' + faultShortLabel(faults), `${faults.percent} %`, ...(faults.routes === 'chat' ? ['chat only'] : [])].join(' · ')

/** What an operator's clients see while the faults are on, in a sentence. */
export function faultsEffect(faults: Faults): string {
  const every = faults.percent === 100
  const streams = faults.kind === 'stream_cut'
  const noun = streams ? 'chat stream' : faults.routes === 'chat' ? 'chat request' : 'request'
  const subject = every ? `Every ${noun} with this key` : `${faults.percent} of every 100 ${noun}s with this key, at random,`
  const verb = (one: string, many: string) => (every ? one : many)
  switch (faults.kind) {
    case 'error_429':
      return `${subject} ${verb('gets', 'get')} 429 RATE_LIMIT_EXCEEDED with Retry-After: ${faults.retryAfterSeconds}.`
    case 'error_500':
      return `${subject} ${verb('gets', 'get')} 500 INTERNAL_ERROR.`
    case 'latency':
      return `${subject} ${verb('is', 'are')} answered ${faults.latencyMs.toLocaleString()} ms late.`
    case 'stream_cut':
      return `${subject} ${verb('is', 'are')} cut after ${faults.afterChunks} chunk${faults.afterChunks === 1 ? '' : 's'}: a stream_error event, then [DONE].`
  }
}

const KNOWN = new Set<string>(FAULT_KINDS)

/** A request-log row's `fault` ("error_429") as its badge says it ("injected 429"); an unknown name as it is. */
export const injectedLabel = (fault: string): string => `injected ${KNOWN.has(fault) ? faultShortLabel({ kind: fault as FaultKind }) : fault}`
