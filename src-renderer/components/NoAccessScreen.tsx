import { Alert, Center, Code, Paper, Stack, Text, Title } from '@mantine/core'

/** What a browser sees without a valid admin token: how to get one, and nothing else. */
export function NoAccessScreen({ reason }: { reason: 'no-token' | 'unauthorized' }) {
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder p="xl" radius="md" maw={560} data-testid="no-access">
        <Stack>
          <Title order={1} size="h3">
            ClawHQ Local admin
          </Title>
          {reason === 'unauthorized' && (
            <Alert color="red" title="The admin token was refused">
              The server no longer accepts this tab’s token, for instance because it was restarted with a new one.
            </Alert>
          )}
          <Text>
            Open the admin URL printed by <Code>clawhq-local serve</Code>. It looks like
          </Text>
          <Code block>{`${window.location.origin}/admin/?token=…`}</Code>
          <Text size="sm" c="dimmed">
            The token is kept for this browser tab only and removed from the address bar.
          </Text>
        </Stack>
      </Paper>
    </Center>
  )
}
