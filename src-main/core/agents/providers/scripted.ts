import { setTimeout as sleep } from 'node:timers/promises'
import type { ScriptedSettings } from '../../../../src-shared/agents'
import type { ChatProvider, ProviderEvent, ProviderRequest } from './types'

/** The reply a scripted agent gives to `message`: the first rule that matches, else the default. */
export function scriptedReply(settings: ScriptedSettings, agentName: string, message: string): string {
  for (const rule of settings.rules) {
    const groups = matchRule(rule.match, rule.regex, message)
    if (groups) return fill(rule.reply, agentName, message, groups)
  }
  return fill(settings.defaultReply, agentName, message, [])
}

function matchRule(pattern: string, regex: boolean, message: string): string[] | null {
  if (!regex) return message.toLowerCase().includes(pattern.toLowerCase()) ? [] : null
  const found = new RegExp(pattern, 'i').exec(message)
  return found ? found.slice(1).map((group) => group ?? '') : null
}

/** `{agent}`, `{message}` and `{1}`…`{9}` (the matched groups) in a reply template. */
function fill(template: string, agentName: string, message: string, groups: string[]): string {
  return template.replace(/\{(agent|message|[1-9])\}/g, (_, name: string) =>
    name === 'agent' ? agentName : name === 'message' ? message : (groups[Number(name) - 1] ?? ''),
  )
}

/**
 * Cuts a reply into chunks of about `size` characters, each ending after a space where one is near
 * (as a model's tokens arrive: "Webhooks are ", "HTTP callbacks ", …). Joined, they are the reply.
 */
export function chunkText(text: string, size: number): string[] {
  const chunks: string[] = []
  let start = 0
  while (start < text.length) {
    let end = Math.min(text.length, start + size)
    if (end < text.length) {
      const space = text.lastIndexOf(' ', end)
      if (space >= start + Math.ceil(size / 2)) end = space + 1
      else {
        const next = text.indexOf(' ', end)
        if (next !== -1 && next - start < size * 2) end = next + 1
      }
    }
    chunks.push(text.slice(start, end))
    start = end
  }
  return chunks
}

/** Checks a regular expression rule compiles, for the service's validation. */
export function ruleError(pattern: string): string | null {
  try {
    new RegExp(pattern, 'i')
    return null
  } catch (error) {
    return (error as Error).message
  }
}

/** An offline agent: pattern → reply rules, streamed in chunks with a pause between them, so streaming looks real. */
export function scriptedProvider(settings: ScriptedSettings, agentName: string): ChatProvider {
  return {
    async *stream({ turns, signal, streaming = true }: ProviderRequest): AsyncIterable<ProviderEvent> {
      const message = turns.at(-1)?.content ?? ''
      const chunks = chunkText(scriptedReply(settings, agentName, message), settings.chunkChars)
      for (let i = 0; i < chunks.length; i++) {
        if (signal.aborted) return
        if (i > 0 && streaming && settings.chunkDelayMs > 0) {
          try {
            await sleep(settings.chunkDelayMs, undefined, { signal })
          } catch {
            return // aborted while waiting
          }
        }
        yield { type: 'text', text: chunks[i]! }
      }
    },
  }
}
