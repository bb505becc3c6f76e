import {
  Alert,
  Badge,
  Box,
  Button,
  Divider,
  Drawer,
  Group,
  NumberInput,
  PasswordInput,
  SegmentedControl,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core'
import { useState, type FormEvent } from 'react'
import { AGENT_SLUG, type Agent, type AgentProvider, type ScriptedSettings, type UpstreamSettings } from '../../../src-shared/agents'
import type { MethodInput } from '../../../src-shared/contract'
import { FormActions } from '../../components/FormActions'
import { useAdmin } from '../../store'
import { PROVIDER_LABEL } from './labels'
import { MAX_RULES, newRuleKey, ruleErrors, RulesEditor, type RuleDraft } from './RulesEditor'

interface Props {
  /** The agent edited, 'new' for a new one, or null when the drawer is closed. */
  agent: Agent | 'new' | null
  onClose: () => void
}

/** Creates an agent or edits one, either provider. */
export function AgentDrawer({ agent, onClose }: Props) {
  const title = agent === 'new' ? 'New agent' : `Edit agent “${agent?.slug ?? ''}”`
  return (
    <Drawer opened={agent !== null} onClose={onClose} position="right" size="xl" title={<Text fw={600}>{title}</Text>} data-testid="agent-drawer">
      {/* Keyed so each opening starts from that agent's values. */}
      {agent !== null && <AgentForm key={agent === 'new' ? 'new' : agent.id} agent={agent === 'new' ? null : agent} onDone={onClose} />}
    </Drawer>
  )
}

/** Numbers as the inputs hold them: '' while the field is empty. */
type NumberDraft = number | string

interface Draft {
  slug: string
  /** The operator typed a slug: it no longer follows the name. */
  slugTouched: boolean
  name: string
  description: string
  provider: AgentProvider
  rules: RuleDraft[]
  defaultReply: string
  chunkChars: NumberDraft
  chunkDelayMs: NumberDraft
  baseUrl: string
  model: string
  systemPrompt: string
  temperature: NumberDraft
  timeoutSeconds: NumberDraft
  /** A new upstream API key typed in; '' keeps the stored one (or none). */
  apiKey: string
  /** The stored key goes on save. */
  removeApiKey: boolean
}

const DEFAULT_SCRIPT: ScriptedSettings = {
  rules: [],
  defaultReply: 'I am {agent}. I have no answer for that yet.',
  chunkChars: 16,
  chunkDelayMs: 40,
}
const DEFAULT_UPSTREAM: UpstreamSettings = {
  baseUrl: 'http://127.0.0.1:11434/v1',
  model: '',
  systemPrompt: '',
  temperature: null,
  timeoutSeconds: 120,
}

function draftOf(agent: Agent | null): Draft {
  const scripted = agent?.scripted ?? DEFAULT_SCRIPT
  const upstream = agent?.upstream ?? DEFAULT_UPSTREAM
  return {
    slug: agent?.slug ?? '',
    slugTouched: agent !== null,
    name: agent?.name ?? '',
    description: agent?.description ?? '',
    provider: agent?.provider ?? 'scripted',
    rules: scripted.rules.map((rule) => ({ key: newRuleKey(), match: rule.match, regex: rule.regex, reply: rule.reply })),
    defaultReply: scripted.defaultReply,
    chunkChars: scripted.chunkChars,
    chunkDelayMs: scripted.chunkDelayMs,
    baseUrl: upstream.baseUrl,
    model: upstream.model,
    systemPrompt: upstream.systemPrompt,
    temperature: upstream.temperature ?? '',
    timeoutSeconds: upstream.timeoutSeconds,
    apiKey: '',
    removeApiKey: false,
  }
}

/** "Billing Helper!" → "billing-helper": a slug that follows the name until the operator types one. */
export const slugFromName = (name: string): string =>
  name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '')

/** The whole-number settings' ranges: their inputs and their checks read the same. */
const RANGE = {
  chunkChars: { min: 1, max: 10_000 },
  chunkDelayMs: { min: 0, max: 10_000 },
  timeoutSeconds: { min: 1, max: 3600 },
} as const

const integerError = (value: NumberDraft, { min, max }: { min: number; max: number }, what: string): string | null => {
  if (value === '') return `${what}, please`
  const number = Number(value)
  return Number.isInteger(number) && number >= min && number <= max ? null : `A whole number from ${min.toLocaleString()} to ${max.toLocaleString()}`
}

/** A required text: `missing` while it is blank. */
const blankError = (text: string, missing: string): string | null => (text.trim() ? null : missing)
/** Text past its limit (the limit grouped as in the English around it: "1,000"). */
const lengthError = (text: string, max: number): string | null => (text.length > max ? `At most ${max.toLocaleString('en-US')} characters` : null)

function urlError(value: string): string | null {
  if (!value.trim()) return 'The model server’s URL, please'
  try {
    const url = new URL(value.trim())
    return url.protocol === 'http:' || url.protocol === 'https:' ? null : 'An http:// or https:// URL'
  } catch {
    return 'A URL such as http://127.0.0.1:11434/v1'
  }
}

function draftErrors(draft: Draft) {
  const scripted = draft.provider === 'scripted'
  const temperature = draft.temperature === '' ? null : Number(draft.temperature)
  return {
    slug: !draft.slug ? 'A slug, please' : !AGENT_SLUG.test(draft.slug) ? 'Lower-case letters, digits and dashes, starting with a letter or digit; at most 63' : null,
    name: blankError(draft.name, 'A name, please') ?? lengthError(draft.name.trim(), 100),
    description: lengthError(draft.description.trim(), 1000),
    rules: scripted && (draft.rules.length > MAX_RULES || draft.rules.some((rule) => Object.values(ruleErrors(rule)).some(Boolean))) ? 'Fix the rules' : null,
    defaultReply: scripted ? (blankError(draft.defaultReply, 'A default reply, please') ?? lengthError(draft.defaultReply, 20_000)) : null,
    chunkChars: scripted ? integerError(draft.chunkChars, RANGE.chunkChars, 'Characters per chunk') : null,
    chunkDelayMs: scripted ? integerError(draft.chunkDelayMs, RANGE.chunkDelayMs, 'A pause') : null,
    baseUrl: scripted ? null : urlError(draft.baseUrl),
    model: scripted ? null : (blankError(draft.model, 'A model name, please') ?? lengthError(draft.model.trim(), 200)),
    systemPrompt: scripted ? null : lengthError(draft.systemPrompt, 20_000),
    temperature: scripted || temperature === null ? null : temperature >= 0 && temperature <= 2 ? null : 'From 0 to 2, or empty for the model’s default',
    timeoutSeconds: scripted ? null : integerError(draft.timeoutSeconds, RANGE.timeoutSeconds, 'A timeout'),
    apiKey: lengthError(draft.apiKey, 500),
  }
}

const scriptedOf = (draft: Draft): ScriptedSettings => ({
  rules: draft.rules.map(({ match, regex, reply }) => ({ match, regex, reply })),
  defaultReply: draft.defaultReply,
  chunkChars: Number(draft.chunkChars),
  chunkDelayMs: Number(draft.chunkDelayMs),
})

const upstreamOf = (draft: Draft): UpstreamSettings => ({
  baseUrl: draft.baseUrl.trim(),
  model: draft.model.trim(),
  systemPrompt: draft.systemPrompt,
  temperature: draft.temperature === '' ? null : Number(draft.temperature),
  timeoutSeconds: Number(draft.timeoutSeconds),
})

/** The write-only key: a new one, null to remove the stored one, or absent to keep it. */
const apiKeyChange = (draft: Draft): { apiKey?: string | null } => (draft.removeApiKey ? { apiKey: null } : draft.apiKey ? { apiKey: draft.apiKey } : {})

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

function createInput(draft: Draft): MethodInput<'agents.create'> {
  return {
    slug: draft.slug,
    name: draft.name.trim(),
    description: draft.description.trim(),
    provider: draft.provider,
    ...(draft.provider === 'scripted' ? { scripted: scriptedOf(draft) } : { upstream: { ...upstreamOf(draft), ...apiKeyChange(draft) } }),
  }
}

/** Only what the operator changed goes to `agents.update`; the chosen provider's settings go whole. */
function changesOf(agent: Agent, draft: Draft): Omit<MethodInput<'agents.update'>, 'id'> {
  const before = draftOf(agent)
  const providerChanged = draft.provider !== agent.provider
  const keyChange = apiKeyChange(draft)
  const scripted = draft.provider === 'scripted' && (providerChanged || !same(scriptedOf(draft), scriptedOf(before)))
  const upstream = draft.provider === 'openai-compatible' && (providerChanged || !same(upstreamOf(draft), upstreamOf(before)) || 'apiKey' in keyChange)
  return {
    ...(draft.slug !== agent.slug && { slug: draft.slug }),
    ...(draft.name.trim() !== agent.name && { name: draft.name.trim() }),
    ...(draft.description.trim() !== agent.description && { description: draft.description.trim() }),
    ...(providerChanged && { provider: draft.provider }),
    ...(scripted && { scripted: scriptedOf(draft) }),
    ...(upstream && { upstream: { ...upstreamOf(draft), ...keyChange } }),
  }
}

function AgentForm({ agent, onDone }: { agent: Agent | null; onDone: () => void }) {
  const createAgent = useAdmin((s) => s.createAgent)
  const updateAgent = useAdmin((s) => s.updateAgent)
  const reportError = useAdmin((s) => s.reportError)
  const reportSuccess = useAdmin((s) => s.reportSuccess)
  const [draft, setDraft] = useState<Draft>(() => draftOf(agent))
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)
  const [triedToSave, setTriedToSave] = useState(false)
  const edit = (change: Partial<Draft>) => setDraft((current) => ({ ...current, ...change }))

  const errors = draftErrors(draft)
  const invalid = Object.values(errors).some(Boolean)
  const changes = agent ? changesOf(agent, draft) : null
  const changed = changes === null || Object.keys(changes).length > 0
  // Empty required fields say so once a save was tried; wrong values say so at once.
  const shown = (error: string | null, value: unknown) => (triedToSave || (value !== '' && value !== undefined) ? error : null)
  const hasStoredKey = agent?.provider === 'openai-compatible' && agent.upstream?.hasApiKey === true

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setTriedToSave(true)
    if (invalid || !changed) return
    setBusy(true)
    setFailure(null)
    try {
      if (agent && changes) {
        const updated = await updateAgent({ id: agent.id, ...changes })
        reportSuccess('Agent saved', `“${updated.slug}” answers with the new settings from the next question.`)
      } else {
        const created = await createAgent(createInput(draft))
        reportSuccess('Agent created', `Chat requests can name “${created.slug}” now.`)
      }
      onDone()
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error))
      reportError(error, agent ? `Agent “${agent.slug}” was not saved` : 'The agent was not created')
    } finally {
      setBusy(false)
    }
  }

  return (
    <form onSubmit={submit} aria-label={agent ? `Edit agent ${agent.slug}` : 'New agent'} noValidate>
      <Stack gap="md">
        {agent?.builtIn && (
          <Alert color="blue" variant="light" title="Built-in agent">
            The seed’s chat examples call <Text span ff="monospace">{agent.slug}</Text>. Edit it freely; it cannot be deleted.
          </Alert>
        )}
        <Group grow align="flex-start">
          <TextInput
            label="Name"
            required
            data-autofocus
            value={draft.name}
            error={shown(errors.name, draft.name)}
            onChange={(event) => {
              const name = event.currentTarget.value
              edit(draft.slugTouched ? { name } : { name, slug: slugFromName(name) })
            }}
            data-testid="agent-name-input"
          />
          <TextInput
            label="Slug"
            description={agent ? 'Callers name the agent by it: changing it breaks them' : 'What callers send as "agent"'}
            required
            value={draft.slug}
            error={shown(errors.slug, draft.slug)}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            onChange={(event) => edit({ slug: event.currentTarget.value.trim(), slugTouched: true })}
            data-testid="agent-slug-input"
          />
        </Group>
        <Textarea
          label="Description"
          description="Shown to keys that list the agents (GET /api/v1/agents)"
          autosize
          minRows={2}
          maxRows={5}
          value={draft.description}
          error={errors.description}
          onChange={(event) => edit({ description: event.currentTarget.value })}
          data-testid="agent-description-input"
        />

        <Stack gap={4}>
          <Text size="sm" fw={500} id="agent-provider-label">
            Provider
          </Text>
          <SegmentedControl
            aria-labelledby="agent-provider-label"
            data={(['scripted', 'openai-compatible'] as const).map((value) => ({ value, label: PROVIDER_LABEL[value] }))}
            value={draft.provider}
            onChange={(provider) => edit({ provider: provider as AgentProvider })}
            data-testid="agent-provider-input"
          />
          <Text size="xs" c="dimmed">
            {draft.provider === 'scripted'
              ? 'Answers offline from rules, streamed in chunks like a model would.'
              : 'Relays an OpenAI-compatible /chat/completions server (Ollama, llama.cpp, vLLM or a hosted model), streaming its tokens through.'}
          </Text>
        </Stack>

        <Divider label={draft.provider === 'scripted' ? 'Script' : 'Model server'} labelPosition="left" />
        {draft.provider === 'scripted' ? (
          <>
            <RulesEditor rules={draft.rules} onChange={(rules) => edit({ rules })} showErrors={triedToSave} />
            <Textarea
              label="Default reply"
              description="When no rule matches"
              required
              autosize
              minRows={2}
              maxRows={6}
              value={draft.defaultReply}
              error={shown(errors.defaultReply, draft.defaultReply)}
              onChange={(event) => edit({ defaultReply: event.currentTarget.value })}
              data-testid="agent-default-reply-input"
            />
            <Group grow align="flex-start">
              <NumberInput
                label="Characters per chunk"
                description="How a streamed answer is cut"
                {...RANGE.chunkChars}
                allowDecimal={false}
                value={draft.chunkChars}
                error={errors.chunkChars}
                onChange={(chunkChars) => edit({ chunkChars })}
                data-testid="agent-chunk-chars-input"
              />
              <NumberInput
                label="Pause between chunks"
                description="Milliseconds"
                {...RANGE.chunkDelayMs}
                allowDecimal={false}
                suffix=" ms"
                value={draft.chunkDelayMs}
                error={errors.chunkDelayMs}
                onChange={(chunkDelayMs) => edit({ chunkDelayMs })}
                data-testid="agent-chunk-delay-input"
              />
            </Group>
          </>
        ) : (
          <>
            <TextInput
              label="Base URL"
              description="/chat/completions is appended"
              required
              value={draft.baseUrl}
              error={shown(errors.baseUrl, draft.baseUrl)}
              onChange={(event) => edit({ baseUrl: event.currentTarget.value })}
              data-testid="agent-base-url-input"
            />
            <Group grow align="flex-start">
              <TextInput
                label="Model"
                placeholder="llama3.2"
                required
                value={draft.model}
                error={shown(errors.model, draft.model)}
                onChange={(event) => edit({ model: event.currentTarget.value })}
                data-testid="agent-model-input"
              />
              <NumberInput
                label="Temperature"
                description="Empty: the model’s default"
                min={0}
                max={2}
                step={0.1}
                decimalScale={2}
                value={draft.temperature}
                error={errors.temperature}
                onChange={(temperature) => edit({ temperature })}
                data-testid="agent-temperature-input"
              />
              <NumberInput
                label="Timeout"
                description="The whole exchange"
                {...RANGE.timeoutSeconds}
                allowDecimal={false}
                suffix=" s"
                value={draft.timeoutSeconds}
                error={errors.timeoutSeconds}
                onChange={(timeoutSeconds) => edit({ timeoutSeconds })}
                data-testid="agent-timeout-input"
              />
            </Group>
            <Textarea
              label="System prompt"
              autosize
              minRows={3}
              maxRows={10}
              value={draft.systemPrompt}
              error={errors.systemPrompt}
              onChange={(event) => edit({ systemPrompt: event.currentTarget.value })}
              data-testid="agent-system-prompt-input"
            />
            <ApiKeyField draft={draft} hasStoredKey={hasStoredKey} error={errors.apiKey} onChange={edit} />
          </>
        )}

        {failure && (
          <Alert color="red" title={agent ? 'Not saved' : 'Not created'}>
            {failure}
          </Alert>
        )}
        {/* The form is long: its buttons stay in view at the bottom of the drawer. */}
        <Box
          pos="sticky"
          bottom={0}
          py="sm"
          bg="var(--mantine-color-body)"
          style={{ borderTop: '1px solid var(--mantine-color-default-border)', zIndex: 2 }}
        >
          <FormActions
            label={agent ? 'Save agent' : 'Create agent'}
            busy={busy}
            disabled={(triedToSave && invalid) || !changed}
            testId="agent-submit"
            onCancel={onDone}
          />
        </Box>
      </Stack>
    </form>
  )
}

/** The upstream's API key: write-only, so the form says whether one is stored and offers to replace or remove it. */
function ApiKeyField({ draft, hasStoredKey, error, onChange }: { draft: Draft; hasStoredKey: boolean; error: string | null; onChange: (change: Partial<Draft>) => void }) {
  const stored = hasStoredKey && !draft.removeApiKey
  return (
    <Stack gap={6}>
      <PasswordInput
        label={
          <Group gap={6} component="span">
            API key
            {stored && !draft.apiKey && (
              <Badge size="xs" color="teal" variant="light" tt="none" component="span" data-testid="agent-api-key-stored">
                stored
              </Badge>
            )}
          </Group>
        }
        description={
          stored
            ? 'A key is stored; it is never shown. Type a new one to replace it.'
            : 'Sent to the model server as a bearer token; stored encrypted and never shown again. None for Ollama.'
        }
        placeholder={stored ? 'stored' : draft.removeApiKey ? 'removed on save' : 'none'}
        autoComplete="new-password"
        value={draft.apiKey}
        error={error}
        disabled={draft.removeApiKey}
        onChange={(event) => onChange({ apiKey: event.currentTarget.value })}
        data-testid="agent-api-key-input"
      />
      {hasStoredKey && (
        <Group gap="xs">
          {draft.removeApiKey ? (
            <>
              <Text size="xs" c="red">
                The stored key is removed when you save.
              </Text>
              <Button size="compact-xs" variant="subtle" onClick={() => onChange({ removeApiKey: false })} data-testid="agent-api-key-keep">
                Keep it
              </Button>
            </>
          ) : (
            <Button size="compact-xs" variant="subtle" color="red" onClick={() => onChange({ removeApiKey: true, apiKey: '' })} data-testid="agent-api-key-remove">
              Remove the stored key
            </Button>
          )}
        </Group>
      )}
    </Stack>
  )
}
