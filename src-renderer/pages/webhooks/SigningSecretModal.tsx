import { ActionIcon, Alert, Button, Code, CopyButton, Group, Modal, Stack, Text, Tooltip } from '@mantine/core'
import { CheckIcon, CopyIcon } from '../../components/icons'

export interface ShownSecret {
  secret: string
  title: string
  url: string
  /** After a rotation: until when the previous secret signs too. */
  rotatingUntil: string | null
}

/**
 * An endpoint's signing secret, the one time it is shown (the API keys' SecretModal, worded for a
 * webhook secret). It closes only through its own button, so a stray click does not lose it.
 */
export function SigningSecretModal({ shown, onClose }: { shown: ShownSecret | null; onClose: () => void }) {
  return (
    <Modal opened={shown !== null} onClose={onClose} title={shown?.title ?? ''} centered size="lg" closeOnClickOutside={false}>
      {shown && (
        <Stack>
          <Alert color="yellow" title="Copy it now: it will not be shown again" variant="light">
            ClawHQ Local keeps the secret sealed and shows only its first characters from now on. If you lose it, rotate the secret.
          </Alert>
          <Text size="sm">
            Signing secret for{' '}
            <Text span ff="monospace" style={{ wordBreak: 'break-all' }}>
              {shown.url}
            </Text>
            :
          </Text>
          <Group gap="xs" wrap="nowrap" align="center">
            <Code block data-testid="webhook-secret" style={{ flex: 1, fontSize: 'var(--mantine-font-size-md)', userSelect: 'all', wordBreak: 'break-all' }}>
              {shown.secret}
            </Code>
            <CopyButton value={shown.secret} timeout={2000}>
              {({ copied, copy }) => (
                <Tooltip label={copied ? 'Copied' : 'Copy'} withArrow>
                  <ActionIcon
                    size="xl"
                    variant={copied ? 'filled' : 'light'}
                    color={copied ? 'teal' : undefined}
                    onClick={copy}
                    aria-label={copied ? 'Secret copied' : 'Copy secret'}
                    data-testid="copy-webhook-secret"
                  >
                    {copied ? <CheckIcon /> : <CopyIcon />}
                  </ActionIcon>
                </Tooltip>
              )}
            </CopyButton>
          </Group>
          <Text size="xs" c="dimmed">
            Receivers check <Code>webhook-signature</Code> (Standard Webhooks) or <Code>X-Clawget-Signature</Code> (HMAC-SHA256 of the body) with it.
            {shown.rotatingUntil && ' Until the overlap ends, each delivery carries a signature with the previous secret as well.'}
          </Text>
          <Group justify="flex-end">
            <Button onClick={onClose} data-testid="webhook-secret-done">
              I have copied it
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  )
}
