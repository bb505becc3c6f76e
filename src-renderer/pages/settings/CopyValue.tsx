import { ActionIcon, Code, CopyButton, Group, Tooltip } from '@mantine/core'
import { CheckIcon, CopyIcon } from '../../components/icons'

/** A path, URL or fingerprint shown whole, in monospace, with a button that copies it. */
export function CopyValue({ value, what, testId }: { value: string; /** Names the button: "Copy <what>". */ what: string; testId: string }) {
  return (
    <Group gap={6} wrap="nowrap" align="center">
      <Code data-testid={testId} style={{ wordBreak: 'break-all', flex: '0 1 auto' }}>
        {value}
      </Code>
      <CopyButton value={value} timeout={2000}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : `Copy ${what}`} withArrow>
            <ActionIcon
              variant="subtle"
              color={copied ? 'teal' : 'gray'}
              onClick={copy}
              aria-label={copied ? `${what} copied` : `Copy ${what}`}
              data-testid={`${testId}-copy`}
            >
              {copied ? <CheckIcon size={16} /> : <CopyIcon size={16} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  )
}
