import { INBOX_NAME, type InboxMessage, type InboxVerification } from '../../../src-shared/webhooks'

/** How the Inbox page names things, in one place. */

export const SCHEME_LABEL: Record<InboxVerification['scheme'], string> = {
  'standard-webhooks': 'Standard Webhooks',
  clawget: 'X-Clawget-Signature',
}

/** The headers each scheme reads, in the order a reader checks them. */
export const SCHEME_HEADERS: Record<InboxVerification['scheme'], string[]> = {
  'standard-webhooks': ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
  clawget: ['x-clawget-signature', 'x-clawget-timestamp'],
}

/** A scheme's verdict in one word and a colour: verified, failed, or not used by the sender. */
export function verdictOf(verification: InboxVerification): { label: string; color: string } {
  if (verification.verified) return { label: 'verified', color: 'teal' }
  if (!verification.present) return { label: 'not sent', color: 'gray' }
  return { label: 'not verified', color: 'red' }
}

/** What a message is, for its row: the webhook's event, or the request's content type. */
export const messageTitle = (message: InboxMessage): string => message.event ?? message.headers['content-type'] ?? 'no content type'

/** A name the inbox may take (the core's rule): lower-case letters, digits and dashes. */
export function inboxNameProblem(name: string): string | null {
  if (!name) return null
  return INBOX_NAME.test(name) ? null : 'Lower-case letters, digits and dashes (at most 64), starting with a letter or digit'
}

/** The first of "default", "default-2" … that no inbox has yet. */
export function freeInboxName(taken: readonly string[]): string {
  if (!taken.includes('default')) return 'default'
  for (let n = 2; ; n++) if (!taken.includes(`default-${n}`)) return `default-${n}`
}
