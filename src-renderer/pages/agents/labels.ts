import type { AgentProvider, ChatUsage } from '../../../src-shared/agents'

/** How the Agents page names things, in one place. */

export const PROVIDER_LABEL: Record<AgentProvider, string> = {
  scripted: 'Scripted',
  'openai-compatible': 'OpenAI-compatible',
}

export const PROVIDER_COLOR: Record<AgentProvider, string> = {
  scripted: 'grape',
  'openai-compatible': 'cyan',
}

/** "12 in · 48 out · 60 tokens", with "estimated" when the server counted them itself. */
export function usageSummary(usage: ChatUsage): string {
  const counts = `${usage.prompt_tokens.toLocaleString()} in · ${usage.completion_tokens.toLocaleString()} out · ${usage.total_tokens.toLocaleString()} tokens`
  return usage.estimated ? `${counts} (estimated)` : counts
}

/** A conversation has a question and its answer per exchange; an unanswered last question still counts. */
export const questionCount = (messageCount: number): number => Math.ceil(messageCount / 2)

/** Who held the conversation: a key's name, or the try-it box (no key). */
export const TRY_IT_LABEL = 'try-it box'
