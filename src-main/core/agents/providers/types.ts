/** One turn of a conversation as a provider sees it. */
export interface ChatTurn {
  role: 'system' | 'user' | 'assistant'
  content: string
}

/** Token counts a model server reported for one exchange. */
export interface ReportedUsage {
  promptTokens: number
  completionTokens: number
}

/** What a provider yields: text as it is produced, and (from an upstream that reports it) the usage. */
export type ProviderEvent = { type: 'text'; text: string } | { type: 'usage'; usage: ReportedUsage }

export interface ProviderRequest {
  /** The whole conversation so far, the new user message last. */
  turns: ChatTurn[]
  /** Aborted when the client goes away or a limit is hit: the provider stops and releases what it holds. */
  signal: AbortSignal
  /** false when the caller waits for the whole answer: a scripted agent then skips its pauses. */
  streaming?: boolean
}

/**
 * A source of answers. `stream` yields text as it is produced; it throws UpstreamError when the model
 * server refuses or fails (before or after the first text), and stops quietly when the signal aborts.
 */
export interface ChatProvider {
  stream(request: ProviderRequest): AsyncIterable<ProviderEvent>
}

export type UpstreamFailure = 'unreachable' | 'timeout' | 'refused' | 'failed' | 'idle' | 'malformed'

/** A model server did not answer as it should. `status` is the upstream's HTTP status, when it sent one. */
export class UpstreamError extends Error {
  constructor(
    readonly failure: UpstreamFailure,
    message: string,
    readonly status?: number,
  ) {
    super(message)
    this.name = 'UpstreamError'
  }
}
