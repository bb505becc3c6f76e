import { Alert, Badge, Code, DataList, Drawer, Group, Paper, ScrollArea, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core'
import type { InboxMessage, InboxVerification } from '../../../src-shared/webhooks'
import { formatDateTime } from '../../components/format'
import { CheckIcon } from '../../components/icons'
import { useAdmin } from '../../store'
import { HttpMessage } from '../webhooks/HttpMessage'
import { messageTitle, SCHEME_HEADERS, SCHEME_LABEL, verdictOf } from './labels'

/** What each scheme's HMAC is over. */
const SIGNED_STRING: Record<InboxVerification['scheme'], string> = {
  'standard-webhooks': 'id.timestamp.body',
  clawget: 'the body’s exact bytes',
}

/** A signature beside the other one: green where both agree, red where they differ. */
function Signature({ value, matches, testId }: { value: string | null; matches: boolean | null; testId: string }) {
  if (value === null)
    return (
      <Text size="xs" c="dimmed" data-testid={testId}>
        none
      </Text>
    )
  return (
    <Code
      block
      data-testid={testId}
      style={{
        whiteSpace: 'pre-wrap',
        wordBreak: 'break-all',
        borderLeft: matches === null ? undefined : `3px solid var(--mantine-color-${matches ? 'teal' : 'red'}-filled)`,
      }}
    >
      {value}
    </Code>
  )
}

/** Whether any of the received signatures is the expected one (Standard Webhooks sends one per signing secret, space-separated). */
const signatureMatches = (verification: InboxVerification): boolean | null => {
  const { expectedSignature, receivedSignature } = verification
  if (expectedSignature === null || receivedSignature === null) return null
  const expected = expectedSignature.split(' ')
  return receivedSignature.split(' ').some((signature) => expected.includes(signature))
}

/** One scheme's verdict and everything needed to see why: the signed string, both signatures, the timestamp. */
export function VerificationCard({ verification }: { verification: InboxVerification }) {
  const verdict = verdictOf(verification)
  const matches = signatureMatches(verification)
  const fresh = verification.timestampVerdict.startsWith('fresh')
  return (
    <Paper withBorder p="sm" radius="md" data-testid={`verification-${verification.scheme}`} data-verified={verification.verified} style={{ minWidth: 0 }}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <div>
            <Text fw={600} size="sm">
              {SCHEME_LABEL[verification.scheme]}
            </Text>
            <Text size="xs" c="dimmed" ff="monospace">
              {SCHEME_HEADERS[verification.scheme].join(', ')}
            </Text>
          </div>
          <Badge
            color={verdict.color}
            variant={verification.verified ? 'filled' : 'light'}
            tt="none"
            miw="max-content"
            leftSection={verification.verified ? <CheckIcon size={12} /> : undefined}
            data-testid={`verdict-${verification.scheme}`}
          >
            {verdict.label}
          </Badge>
        </Group>
        {/* Verified says it all in the badge; otherwise the reason is the first thing to read. */}
        {!verification.verified && (
          <Text size="sm" c={verification.present ? 'red' : 'dimmed'} data-testid={`reason-${verification.scheme}`}>
            {verification.reason}
          </Text>
        )}
        {verification.present && (
          <DataList size="xs" orientation="vertical" gap={8}>
            <DataList.Item>
              <DataList.ItemLabel>Signed string ({SIGNED_STRING[verification.scheme]})</DataList.ItemLabel>
              <DataList.ItemValue>
                {verification.signedString === null ? (
                  <Text size="xs" c="dimmed">
                    cannot be formed (a header is missing)
                  </Text>
                ) : (
                  <ScrollArea.Autosize mah={120} type="auto" offsetScrollbars>
                    <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }} data-testid={`signed-string-${verification.scheme}`}>
                      {verification.signedString}
                    </Code>
                  </ScrollArea.Autosize>
                )}
              </DataList.ItemValue>
            </DataList.Item>
            <DataList.Item>
              <DataList.ItemLabel>Expected signature (with the inbox’s secret)</DataList.ItemLabel>
              <DataList.ItemValue>
                <Signature value={verification.expectedSignature} matches={matches} testId={`expected-${verification.scheme}`} />
              </DataList.ItemValue>
            </DataList.Item>
            <DataList.Item>
              <DataList.ItemLabel>Received signature</DataList.ItemLabel>
              <DataList.ItemValue>
                <Signature value={verification.receivedSignature} matches={matches} testId={`received-${verification.scheme}`} />
              </DataList.ItemValue>
            </DataList.Item>
            <DataList.Item>
              <DataList.ItemLabel>Timestamp</DataList.ItemLabel>
              <DataList.ItemValue>
                <Text size="xs" ff="monospace">
                  {verification.timestamp ? formatDateTime(verification.timestamp) : 'none'}
                </Text>
                <Text size="xs" c={fresh ? 'teal' : 'red'} data-testid={`timestamp-${verification.scheme}`}>
                  {verification.timestampVerdict}
                </Text>
              </DataList.ItemValue>
            </DataList.Item>
          </DataList>
        )}
      </Stack>
    </Paper>
  )
}

function MessageDetail({ message }: { message: InboxMessage }) {
  return (
    <Stack gap="lg">
      <div>
        <Title order={3} size="h4" ff="monospace" data-testid="inbox-message-title">
          {messageTitle(message)}
        </Title>
        <Text size="sm" c="dimmed">
          {message.method} /inbox/{message.inbox} · received {formatDateTime(message.receivedAt)} · #{message.id}
        </Text>
      </div>
      <Stack gap="xs">
        <Title order={4} size="h5">
          Signatures
        </Title>
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
          {message.verifications.map((verification) => (
            <VerificationCard key={verification.scheme} verification={verification} />
          ))}
        </SimpleGrid>
      </Stack>
      <HttpMessage
        title="Request as received"
        summary={
          <Text size="xs" ff="monospace">
            {message.method} /inbox/{message.inbox}
          </Text>
        }
        headers={message.headers}
        body={message.body}
        testId="inbox-message-request"
      />
    </Stack>
  )
}

/** One received message: each scheme's verdict with its workings, then the headers and body as they came. */
export function MessageDrawer() {
  const open = useAdmin((s) => s.openInboxMessage)
  const hideInboxMessage = useAdmin((s) => s.hideInboxMessage)
  return (
    <Drawer
      opened={open !== null}
      onClose={hideInboxMessage}
      position="right"
      size="min(1080px, 100vw)"
      title={<Text fw={600}>Received message</Text>}
      data-testid="inbox-message-drawer"
    >
      {open?.error && (
        <Alert color="red" title="Could not load the message" mb="md">
          {open.error}
        </Alert>
      )}
      {open?.message ? (
        <MessageDetail message={open.message} />
      ) : (
        open?.loading && (
          <Stack>
            <Skeleton h={28} w="50%" />
            <Skeleton h={200} />
            <Skeleton h={240} />
          </Stack>
        )
      )}
    </Drawer>
  )
}
