import { ActionIcon, CopyButton, Group, Paper, Stack, Tabs, Text, Tooltip } from '@mantine/core'
import { useMemo, useState } from 'react'
import { allSnippets, SNIPPET_LANGUAGES, type AnswerKind, type SnippetLanguage, type SnippetRequest } from '../../../src-shared/snippets'
import { CodeBlock } from '../../components/CodeBlock'
import { CheckIcon, CopyIcon } from '../../components/icons'

/** How to run each one after copying it. */
const RUN_WITH: Record<SnippetLanguage, string> = {
  curl: 'Paste into a shell.',
  javascript: 'Save as request.mjs and run node request.mjs (Node 18 or later).',
  python: 'Needs requests (pip install requests); run with python3.',
  go: 'Save as main.go and run go run main.go.',
}

/**
 * "Copy as" (SPEC §6): the request shown above as cURL, JavaScript, Python and Go, each reading the key
 * from $CLAWHQ_API_KEY, so a copied snippet never carries a secret.
 */
export function SnippetTabs({ request, answer }: { request: SnippetRequest | null; answer: AnswerKind | undefined }) {
  const [language, setLanguage] = useState<SnippetLanguage>('curl')
  const snippets = useMemo(() => (request ? allSnippets(request, { answer }) : null), [request, answer])

  return (
    <Paper withBorder p="md" radius="md" h="100%" component="section" aria-label="Copy as code" data-testid="snippets">
      <Stack gap="sm">
        <Group justify="space-between" gap="xs">
          <Text size="sm" fw={700} tt="uppercase" c="dimmed">
            Copy as
          </Text>
          <Text size="xs" c="dimmed">
            The key comes from <Text span ff="monospace" size="xs">$CLAWHQ_API_KEY</Text>
          </Text>
        </Group>
        {!snippets ? (
          <Text size="sm" c="dimmed">
            Send a request and it is written here as cURL, JavaScript, Python and Go, ready to paste into a terminal or a project.
          </Text>
        ) : (
          <Tabs value={language} onChange={(value) => value && setLanguage(value as SnippetLanguage)} keepMounted={false}>
            <Tabs.List>
              {SNIPPET_LANGUAGES.map((info) => (
                <Tabs.Tab key={info.id} value={info.id} data-testid={`snippet-tab-${info.id}`}>
                  {info.label}
                </Tabs.Tab>
              ))}
            </Tabs.List>
            {SNIPPET_LANGUAGES.map((info) => (
              <Tabs.Panel key={info.id} value={info.id} pt="sm">
                <Stack gap="xs">
                  <div style={{ position: 'relative' }}>
                    <CodeBlock code={snippets[info.id]} language={info.highlight} label={`The request as ${info.label}`} maxHeight={360} wrap gutterRight testId={`snippet-${info.id}`} />
                    <CopyButton value={snippets[info.id]} timeout={2000}>
                      {({ copied, copy }) => (
                        <Tooltip label={copied ? 'Copied' : `Copy as ${info.label}`} withArrow position="left">
                          <ActionIcon
                            variant={copied ? 'filled' : 'default'}
                            color={copied ? 'teal' : undefined}
                            onClick={copy}
                            aria-label={copied ? `${info.label} copied` : `Copy as ${info.label}`}
                            style={{ position: 'absolute', top: 6, right: 6 }}
                            data-testid={`copy-snippet-${info.id}`}
                          >
                            {copied ? <CheckIcon size={16} /> : <CopyIcon size={16} />}
                          </ActionIcon>
                        </Tooltip>
                      )}
                    </CopyButton>
                  </div>
                  <Text size="xs" c="dimmed">
                    {RUN_WITH[info.id]}
                  </Text>
                </Stack>
              </Tabs.Panel>
            ))}
          </Tabs>
        )}
      </Stack>
    </Paper>
  )
}
