import { Alert, Button, Code, Group, Text } from '@mantine/core'
import { useState } from 'react'
import { INBOX_NAME } from '../../../src-shared/webhooks'
import { SecretModal, type SecretWording } from '../../components/SecretModal'
import { useAdmin } from '../../store'

export interface ShownSecret {
  secret: string
  title: string
  url: string
  /** After a rotation: until when the previous secret signs too. */
  rotatingUntil: string | null
}

/** An endpoint's signing secret, the one time it is shown: the API keys' SecretModal, worded for a webhook secret. */
export function SigningSecretModal({ shown, onClose }: { shown: ShownSecret | null; onClose: () => void }) {
  const apiBaseUrl = useAdmin((s) => s.serverStatus?.apiBaseUrl ?? null)
  const inbox = shown && apiBaseUrl ? builtInInboxOf(shown.url, apiBaseUrl) : null
  const wording: SecretWording = {
    label: (
      <>
        Signing secret for{' '}
        <Text span ff="monospace" style={{ wordBreak: 'break-all' }}>
          {shown?.url}
        </Text>
        :
      </>
    ),
    explanation: 'ClawHQ Local keeps the secret sealed and shows only its first characters from now on. If you lose it, rotate the secret.',
    usage: (
      <>
        Receivers check <Code>webhook-signature</Code> (Standard Webhooks) or <Code>X-Clawget-Signature</Code> (HMAC-SHA256 of the body) with it.
        {shown?.rotatingUntil && ' Until the overlap ends, each delivery carries a signature with the previous secret as well.'}
      </>
    ),
    testIds: { secret: 'webhook-secret', copy: 'copy-webhook-secret', done: 'webhook-secret-done' },
  }
  return (
    <SecretModal secret={shown?.secret ?? null} title={shown?.title ?? ''} onClose={onClose} wording={wording}>
      {shown && inbox && <InboxSecretHint key={shown.secret} inbox={inbox} secret={shown.secret} />}
    </SecretModal>
  )
}

/** The built-in inbox an endpoint URL points at (`<this server>/inbox/<name>`), or null. */
function builtInInboxOf(url: string, apiBaseUrl: string): string | null {
  try {
    const target = new URL(url)
    const name = /^\/inbox\/([^/]+)$/.exec(target.pathname)?.[1]
    return name && INBOX_NAME.test(name) && target.origin === new URL(apiBaseUrl).origin ? name : null
  } catch {
    return null
  }
}

/** An endpoint aimed at the built-in inbox: the inbox verifies with one secret, so offer it the new one. */
function InboxSecretHint({ inbox, secret }: { inbox: string; secret: string }) {
  const setInboxSecret = useAdmin((s) => s.setInboxSecret)
  const reportError = useAdmin((s) => s.reportError)
  const [state, setState] = useState<'idle' | 'busy' | 'done'>('idle')
  const apply = async () => {
    setState('busy')
    try {
      await setInboxSecret(inbox, secret)
      setState('done')
    } catch (error) {
      reportError(error, 'The inbox secret was not set')
      setState('idle')
    }
  }
  return (
    <Alert color="blue" variant="light" title={`This endpoint points at the built-in inbox “${inbox}”`}>
      <Group justify="space-between" wrap="nowrap" gap="sm">
        <Text size="sm">The inbox verifies signatures with one secret; give it this one so new deliveries verify there.</Text>
        <Button size="xs" variant={state === 'done' ? 'light' : 'filled'} color={state === 'done' ? 'teal' : undefined} loading={state === 'busy'} disabled={state === 'done'} onClick={() => void apply()} data-testid="webhook-secret-to-inbox">
          {state === 'done' ? 'Inbox verifies with it' : 'Use it in the inbox'}
        </Button>
      </Group>
    </Alert>
  )
}
