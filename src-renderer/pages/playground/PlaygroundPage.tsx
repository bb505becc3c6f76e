import { Alert, Grid, Group, Loader, Paper, SimpleGrid, Stack, Text } from '@mantine/core'
import { useEffect, useMemo, useRef, useState } from 'react'
import type { PlaygroundAuth } from '../../../src-shared/playground'
import { PageHeader } from '../../components/PageHeader'
import { useAdmin } from '../../store'
import type { PlaygroundDraft, PlaygroundHistoryRow, PlaygroundKeyChoice, PlaygroundOutgoing } from '../../store/playground'
import { EndpointPicker } from './EndpointPicker'
import { RequestPanel, ResponsePanel, type ShownRequest } from './ExchangeView'
import { HistoryPanel } from './HistoryPanel'
import { KeyPicker } from './KeyPicker'
import { answerKindOf, secretHint } from './labels'
import { checkBody, checkValue, exampleBody, fillPath, mainSchema, matchOperation, operationsOf, type BodyCheck, type Operation } from './openapi'
import { RateLimitPanel } from './RateLimitPanel'
import { RequestForm } from './RequestForm'
import { SnippetTabs } from './SnippetTabs'
import './playground.css'

/** What the page opens on: the seed's own first example. */
const DEFAULT_ENDPOINT = 'POST /api/v1/chat'
const NO_BODY_CHECK: BodyCheck = { error: null, missing: [], unknown: [] }

const sendsBody = (operation: Operation) => operation.body !== null && operation.method !== 'GET' && operation.method !== 'DELETE'

/** The request the form describes, as the playground sends it. */
function outgoingOf(operation: Operation, draft: PlaygroundDraft): PlaygroundOutgoing {
  return {
    method: operation.method,
    path: fillPath(operation.path, draft.pathParams),
    query: operation.queryParams.filter((parameter) => (draft.query[parameter.name] ?? '') !== '').map((parameter) => [parameter.name, draft.query[parameter.name]]),
    headers: [],
    body: sendsBody(operation) && draft.body.trim() !== '' ? draft.body : null,
  }
}

/** What the request will look like on the wire while it is on its way (the exchange then shows the exact one). */
function previewOf(outgoing: PlaygroundOutgoing, origin: string, hint: string | null): ShownRequest {
  const url = new URL(outgoing.path, origin)
  for (const [name, value] of outgoing.query) url.searchParams.append(name, value)
  const headers: Array<[string, string]> = [['Host', url.host]]
  if (hint) headers.push(['Authorization', `Bearer ${hint}`])
  if (outgoing.body !== null) headers.push(['Content-Type', 'application/json'])
  return { method: outgoing.method, url: url.toString(), headers, body: outgoing.body }
}

/** Blocking: what stops the request from being sent at all. Warnings: what the API will likely refuse. */
function problemsOf(operation: Operation | null, draft: PlaygroundDraft, bodyCheck: BodyCheck, choice: PlaygroundKeyChoice, secret: string) {
  const blocking: string[] = []
  const warnings: string[] = []
  if (!operation) return { blocking: ['Pick an endpoint.'], warnings }
  const emptyPath = operation.pathParams.filter((parameter) => (draft.pathParams[parameter.name] ?? '').trim() === '').map((parameter) => parameter.name)
  if (emptyPath.length > 0) blocking.push(`Fill in ${emptyPath.join(', ')} for the path.`)
  if (sendsBody(operation) && bodyCheck.error) blocking.push('The body is not valid JSON.')
  if (choice.kind === 'secret' && secret.trim() === '') blocking.push('Paste the secret to send as, or pick a key.')
  const broken = operation.queryParams
    .map((parameter) => [parameter.name, checkValue(parameter, draft.query[parameter.name] ?? '')] as const)
    .filter(([, message]) => message !== null)
    .map(([name, message]) => `${name}: ${message!.toLowerCase()}.`)
  if (broken.length > 0) warnings.push(`The API checks these too: ${broken.join(' ')}`)
  if (sendsBody(operation) && !bodyCheck.error && bodyCheck.missing.length > 0) warnings.push(`The body leaves out ${bodyCheck.missing.join(', ')}.`)
  return { blocking, warnings }
}

export function PlaygroundPage() {
  const spec = useAdmin((s) => s.playgroundSpec)
  const specError = useAdmin((s) => s.playgroundSpecError)
  const loadSpec = useAdmin((s) => s.loadPlaygroundSpec)
  const storedDraft = useAdmin((s) => s.playgroundDraft)
  const storeDraft = useAdmin((s) => s.updatePlaygroundDraft)
  const keys = useAdmin((s) => s.keys)
  const tiers = useAdmin((s) => s.tiers)
  const run = useAdmin((s) => s.playgroundRun)
  const exchange = useAdmin((s) => s.playgroundExchange)
  const failure = useAdmin((s) => s.playgroundFailure)
  const sendPlayground = useAdmin((s) => s.sendPlayground)
  const stopPlayground = useAdmin((s) => s.stopPlayground)
  const followPlayground = useAdmin((s) => s.followPlayground)
  const showEntry = useAdmin((s) => s.showPlaygroundEntry)
  const apiBaseUrl = useAdmin((s) => s.serverStatus?.apiBaseUrl ?? null)
  // A pasted secret lives only as long as the page: never in the store, the history or storage.
  const [secret, setSecret] = useState('')
  const [showErrors, setShowErrors] = useState(false)
  const exchangeRef = useRef<HTMLDivElement>(null)

  useEffect(() => followPlayground(), [followPlayground])
  useEffect(() => {
    if (!spec) void loadSpec()
    // Once per visit; the document does not change while the server runs.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  const operations = useMemo(() => operationsOf(spec), [spec])
  // Until the operator picks one, the form shows the default endpoint with its example body.
  const fallback = operations.find((candidate) => candidate.id === DEFAULT_ENDPOINT) ?? operations[0] ?? null
  const known = operations.some((candidate) => candidate.id === storedDraft.endpoint)
  const draft: PlaygroundDraft = known || !fallback ? storedDraft : { ...storedDraft, endpoint: fallback.id, pathParams: {}, query: {}, body: exampleBody(fallback) }
  const operation = operations.find((candidate) => candidate.id === draft.endpoint) ?? null
  const updateDraft = (change: Partial<PlaygroundDraft>) => storeDraft({ ...draft, ...change })

  const chooseEndpoint = (id: string) => {
    const next = operations.find((candidate) => candidate.id === id)
    if (!next) return
    // Path parameters of the same name carry over (GET → PATCH /listings/{id} keeps the id).
    const pathParams = Object.fromEntries(next.pathParams.map((parameter) => [parameter.name, draft.pathParams[parameter.name] ?? '']))
    updateDraft({ endpoint: id, pathParams, query: {}, body: exampleBody(next) })
    setShowErrors(false)
  }

  const usableKeys = keys.filter((key) => key.status !== 'revoked')
  const chosen = draft.key
  const keyChoice: PlaygroundKeyChoice =
    chosen && (chosen.kind !== 'key' || usableKeys.some((key) => key.id === chosen.keyId))
      ? chosen
      : usableKeys[0]
        ? { kind: 'key', keyId: usableKeys[0].id }
        : { kind: 'none' }
  const hint = keyChoice.kind === 'key' ? (keys.find((key) => key.id === keyChoice.keyId)?.hint ?? null) : keyChoice.kind === 'secret' && secret.trim() ? secretHint(secret.trim()) : null

  const bodyCheck = useMemo(
    () => (operation?.body && sendsBody(operation) ? checkBody(draft.body, mainSchema(operation.body.schema)) : NO_BODY_CHECK),
    [operation, draft.body],
  )
  const { blocking, warnings } = problemsOf(operation, draft, bodyCheck, keyChoice, secret)

  const authOf = (choice: PlaygroundKeyChoice): PlaygroundAuth =>
    choice.kind === 'key' ? { kind: 'key', keyId: choice.keyId } : choice.kind === 'secret' ? { kind: 'secret', secret: secret.trim() } : { kind: 'none' }

  const start = (outgoing: PlaygroundOutgoing, auth: PlaygroundAuth, shownHint: string | null) => {
    void sendPlayground(outgoing, auth, shownHint)
    // The exchange sits under the form: bring it into view as it starts.
    requestAnimationFrame(() => exchangeRef.current?.scrollIntoView({ block: 'nearest', behavior: window.matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' }))
  }

  const send = () => {
    if (!operation || run) return
    if (blocking.length > 0) {
      setShowErrors(true)
      return
    }
    setShowErrors(false)
    start(outgoingOf(operation, draft), authOf(keyChoice), hint)
  }

  // Ctrl+Enter (⌘+Enter on a Mac) sends from anywhere on the page, as in the agents' try-it box.
  const sendRef = useRef(send)
  useEffect(() => {
    sendRef.current = send
  })
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey) || event.defaultPrevented) return
      // Not from a dialog (the history's Clear confirmation) laid over the page.
      if (event.target instanceof Element && event.target.closest('[role="dialog"]')) return
      event.preventDefault()
      sendRef.current()
    }
    window.addEventListener('keydown', onKeyDown, true)
    return () => window.removeEventListener('keydown', onKeyDown, true)
  }, [])

  /** The entry's request back in the form, the key it went as chosen again. */
  const loadEntry = (entry: PlaygroundHistoryRow) => {
    showEntry(entry)
    const matched = matchOperation(operations, entry.form.method, entry.form.path)
    const key: PlaygroundKeyChoice =
      entry.auth.kind === 'key' && entry.auth.keyId && usableKeys.some((candidate) => candidate.id === entry.auth.keyId)
        ? { kind: 'key', keyId: entry.auth.keyId }
        : entry.auth.kind === 'secret'
          ? { kind: 'secret' }
          : entry.auth.kind === 'none'
            ? { kind: 'none' }
            : keyChoice
    if (!matched) {
      updateDraft({ key })
      return
    }
    updateDraft({
      endpoint: matched.operation.id,
      pathParams: matched.pathParams,
      query: Object.fromEntries(entry.form.query),
      body: entry.form.body ?? '',
      key,
    })
    setShowErrors(false)
  }

  /** Sends the entry's request again exactly as it went (its extra headers and query included), as the same key. */
  const rerun = (entry: PlaygroundHistoryRow) => {
    if (run) return
    loadEntry(entry)
    let auth: PlaygroundAuth
    let shownHint = entry.auth.hint
    if (entry.auth.kind === 'key' && entry.auth.keyId) auth = { kind: 'key', keyId: entry.auth.keyId }
    else if (entry.auth.kind === 'secret') {
      if (secret.trim() === '') {
        setShowErrors(true)
        return
      }
      auth = { kind: 'secret', secret: secret.trim() }
      shownHint = secretHint(secret.trim())
    } else auth = { kind: 'none' }
    const { method, path, query, headers, body } = entry.form
    start({ method, path, query, headers, body }, auth, shownHint)
  }

  const origin = apiBaseUrl ? new URL(apiBaseUrl).origin : window.location.origin
  const shownRequest: ShownRequest | null = run ? previewOf(run.outgoing, origin, run.hint) : (exchange?.request ?? null)
  const answerKind = !run && exchange ? answerKindOf(exchange) : undefined

  const pickers = (
    <Grid gap="sm" align="flex-start">
      <Grid.Col span={{ base: 12, md: 7 }}>
        <EndpointPicker operations={operations} value={draft.endpoint} onChange={chooseEndpoint} disabled={run !== null} />
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 5 }}>
        <KeyPicker
          keys={keys}
          tiers={tiers}
          choice={keyChoice}
          onChoose={(key) => updateDraft({ key })}
          secret={secret}
          onSecret={setSecret}
          disabled={run !== null}
        />
      </Grid.Col>
    </Grid>
  )

  return (
    <Stack gap="md">
      <PageHeader title="Playground" description="Send any API request as one of your keys and see the whole exchange: the request as it went, the answer as it came, live for a stream." />
      {specError && (
        <Alert color="red" variant="light" title="Could not read the API description" data-testid="playground-spec-error">
          {specError}
        </Alert>
      )}
      <Grid gap="md" align="stretch">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Paper withBorder p="md" radius="md" component="section" aria-label="Request form" data-testid="playground-form">
            {operation ? (
              <RequestForm
                operation={operation}
                draft={draft}
                onDraft={updateDraft}
                bodyCheck={bodyCheck}
                showErrors={showErrors}
                blocking={blocking}
                warnings={warnings}
                running={run !== null}
                stopping={run?.stopping ?? false}
                onSend={send}
                onStop={() => void stopPlayground()}
                pickers={pickers}
              />
            ) : (
              <Stack gap="sm">
                {pickers}
                {!specError && (
                  <Group gap="xs">
                    <Loader size="xs" aria-label="Loading" />
                    <Text size="sm" c="dimmed">
                      Reading the API description…
                    </Text>
                  </Group>
                )}
              </Stack>
            )}
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <HistoryPanel activeId={run ? null : (exchange?.id ?? null)} onLoad={loadEntry} onRerun={rerun} running={run !== null} />
        </Grid.Col>
      </Grid>
      {failure && (
        <Alert color="red" variant="light" title="The playground did not send it" data-testid="playground-failure">
          {failure}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md" ref={exchangeRef} style={{ scrollMarginTop: 72, alignItems: 'start' }} data-testid="exchange">
        <Stack gap="md" style={{ minWidth: 0 }}>
          <RequestPanel request={shownRequest} pending={run !== null} />
          <RateLimitPanel exchange={exchange} keys={keys} tiers={tiers} />
          <SnippetTabs request={shownRequest} answer={answerKind} />
        </Stack>
        <ResponsePanel exchange={exchange} run={run} />
      </SimpleGrid>
    </Stack>
  )
}
