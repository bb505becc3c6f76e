import { ActionIcon, Alert, Button, Code, CopyButton, Group, Modal, Stack, Text, Tooltip } from '@mantine/core'
import { CheckIcon, CopyIcon } from './icons'

export interface SecretModalProps {
  /** The secret, or null when there is nothing to show. It lives only in this modal's props. */
  secret: string | null
  title: string
  keyName: string
  onClose: () => void
}

/**
 * Shows a key's secret the one time it exists outside a hash. It closes only through its own
 * button, not by a stray click outside, so the operator doesn't lose it by accident.
 */
export function SecretModal({ secret, title, keyName, onClose }: SecretModalProps) {
  return (
    <Modal opened={secret !== null} onClose={onClose} title={title} centered size="lg" closeOnClickOutside={false}>
      {secret && (
        <Stack>
          <Alert color="yellow" title="Copy it now: it will not be shown again" variant="light">
            ClawHQ Local keeps only a hash of this key. If you lose the secret, roll the key to get a new one.
          </Alert>
          <Text size="sm">
            Secret for <b>{keyName}</b>:
          </Text>
          <Group gap="xs" wrap="nowrap" align="center">
            <Code
              block
              data-testid="new-key-secret"
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
                    data-testid="copy-secret"
                  >
                    {copied ? <CheckIcon /> : <CopyIcon />}
                  </ActionIcon>
                </Tooltip>
              )}
            </CopyButton>
          </Group>
          <Text size="xs" c="dimmed">
            Use it as <Code>Authorization: Bearer {'<secret>'}</Code>, or put it in <Code>$CLAWHQ_API_KEY</Code>.
          </Text>
          <Group justify="flex-end">
            <Button onClick={onClose} data-testid="secret-done">
              I have copied it
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  )
}
