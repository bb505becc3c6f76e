import { ActionIcon, Alert, Button, Code, CopyButton, Group, Modal, Stack, Text, Tooltip } from '@mantine/core'
import type { ReactNode } from 'react'
import { CheckIcon, CopyIcon } from './icons'

/** What a secret modal says about its secret; the browser tests find its parts by the test ids. */
export interface SecretWording {
  /** The line above the secret: whose it is. */
  label: ReactNode
  /** The warning's text: what is kept of the secret, and what to do once it is lost. */
  explanation: ReactNode
  /** The line below the secret: how it is used. */
  usage: ReactNode
  testIds: { secret: string; copy: string; done: string }
}

export type SecretModalProps = {
  /** The secret, or null when there is nothing to show. It lives only in this modal's props. */
  secret: string | null
  title: string
  onClose: () => void
  /** Shown under the usage line (an offer to put the secret to use, say). */
  children?: ReactNode
} & ({ /** An API key's secret, worded for one. */ keyName: string } | { wording: SecretWording })

const apiKeyWording = (keyName: string): SecretWording => ({
  label: (
    <>
      Secret for <b>{keyName}</b>:
    </>
  ),
  explanation: 'ClawHQ Local keeps only a hash of this key. If you lose the secret, roll the key to get a new one.',
  usage: (
    <>
      Use it as <Code>Authorization: Bearer {'<secret>'}</Code>, or put it in <Code>$CLAWHQ_API_KEY</Code>.
    </>
  ),
  testIds: { secret: 'new-key-secret', copy: 'copy-secret', done: 'secret-done' },
})

/**
 * Shows a secret (an API key's, a webhook endpoint's signing secret) the one time it is shown whole. It
 * closes only through its own button, not by a stray click outside, so the operator doesn't lose it by accident.
 */
export function SecretModal(props: SecretModalProps) {
  const { secret, title, onClose, children } = props
  const { label, explanation, usage, testIds } = 'keyName' in props ? apiKeyWording(props.keyName) : props.wording
  return (
    <Modal opened={secret !== null} onClose={onClose} title={title} centered size="lg" closeOnClickOutside={false}>
      {secret && (
        <Stack>
          <Alert color="yellow" title="Copy it now: it will not be shown again" variant="light">
            {explanation}
          </Alert>
          <Text size="sm">{label}</Text>
          <Group gap="xs" wrap="nowrap" align="center">
            <Code
              block
              data-testid={testIds.secret}
              style={{ flex: 1, fontSize: 'var(--mantine-font-size-md)', userSelect: 'all', wordBreak: 'break-all' }}
            >
              {secret}
            </Code>
            <CopyButton value={secret} timeout={2000}>
              {({ copied, copy }) => (
                <Tooltip label={copied ? 'Copied' : 'Copy'} withArrow>
                  <ActionIcon
                    size="xl"
                    variant={copied ? 'filled' : 'light'}
                    color={copied ? 'teal' : undefined}
                    onClick={copy}
                    aria-label={copied ? 'Secret copied' : 'Copy secret'}
                    data-testid={testIds.copy}
                  >
                    {copied ? <CheckIcon /> : <CopyIcon />}
                  </ActionIcon>
                </Tooltip>
              )}
            </CopyButton>
          </Group>
          <Text size="xs" c="dimmed">
            {usage}
          </Text>
          {children}
          <Group justify="flex-end">
            <Button onClick={onClose} data-testid={testIds.done}>
              I have copied it
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  )
}
