import { Alert, Center, Divider, Loader, NumberInput, Stack, TagsInput, Text, Textarea } from '@mantine/core'
import { useState, type FormEvent } from 'react'
import { Settings } from '../../../src-shared/dto'
import { isAdminError } from '../../api'
import { FormActions } from '../../components/FormActions'
import { useLoadOnArrival } from '../../components/useLoadOnArrival'
import { useAdmin } from '../../store'
import { Section } from './Section'

/** The allowed-hosts field's id, so the server section can point at it. */
export const ALLOWED_HOSTS_FIELD_ID = 'settings-allowed-hosts'

const MIN_DAYS = 1
const MAX_DAYS = 3650

type ChatLimit = 'chatMaxMessageChars' | 'chatMaxStreamsPerKey' | 'upstreamConnectTimeoutSeconds' | 'upstreamIdleTimeoutSeconds'

/** The chat gateway's limits, each with what it limits and what a caller gets past it. */
const CHAT_LIMITS: { field: ChatLimit; label: string; description: string; testId: string }[] = [
  {
    field: 'chatMaxMessageChars',
    label: 'Longest message (characters)',
    description: 'A chat message longer than this is refused with 413 PAYLOAD_TOO_LARGE, its length and the limit in details.',
    testId: 'settings-chat-max-message-chars',
  },
  {
    field: 'chatMaxStreamsPerKey',
    label: 'Open streams per key',
    description: 'Chat streams one key may hold open at once; one more gets 429 CONCURRENT_STREAMS_EXCEEDED with Retry-After: 1.',
    testId: 'settings-chat-max-streams',
  },
  {
    field: 'upstreamConnectTimeoutSeconds',
    label: 'Model server connect timeout (seconds)',
    description: 'Time an agent’s model server has to connect and send its first byte; slower, the caller gets 504 UPSTREAM_TIMEOUT.',
    testId: 'settings-upstream-connect-timeout',
  },
  {
    field: 'upstreamIdleTimeoutSeconds',
    label: 'Model server idle timeout (seconds)',
    description: 'Longest silence of a model server mid-answer; a stream then ends with stream_error, a whole answer with 504 UPSTREAM_TIMEOUT.',
    testId: 'settings-upstream-idle-timeout',
  },
]

/** The bounds the contract sets, so the form refuses exactly what the server would. */
const chatBounds = (field: ChatLimit) => {
  const schema = Settings.shape[field]
  return { min: schema.minValue ?? 1, max: schema.maxValue ?? Number.MAX_SAFE_INTEGER }
}

/** What the form edits; null in the page means "not edited": the form shows the stored settings. */
interface Draft {
  retention: number | string
  /** One origin a line. */
  cors: string
  hosts: string[]
  chat: Record<ChatLimit, number | string>
}

type Field = 'requestLogRetentionDays' | 'corsOrigins' | 'allowedHosts' | ChatLimit

const draftOf = (settings: Settings): Draft => ({
  retention: settings.requestLogRetentionDays,
  cors: settings.corsOrigins.join('\n'),
  hosts: settings.allowedHosts,
  chat: {
    chatMaxMessageChars: settings.chatMaxMessageChars,
    chatMaxStreamsPerKey: settings.chatMaxStreamsPerKey,
    upstreamConnectTimeoutSeconds: settings.upstreamConnectTimeoutSeconds,
    upstreamIdleTimeoutSeconds: settings.upstreamIdleTimeoutSeconds,
  },
})

const chatLimitError = (field: ChatLimit, value: number | string): string | null => {
  const { min, max } = chatBounds(field)
  const number = Number(value)
  return value === '' || !Number.isInteger(number) || number < min || number > max
    ? `A whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}`
    : null
}

const lines = (text: string) => text.split('\n').map((line) => line.trim()).filter(Boolean)
const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((item, i) => item === b[i])

/** The fields that differ from what is stored, as `settings.set` takes them. */
export function settingsChanges(draft: Draft, pendingHost: string, stored: Settings): Partial<Settings> {
  const changes: Partial<Settings> = {}
  const retention = Number(draft.retention)
  if (draft.retention !== '' && retention !== stored.requestLogRetentionDays) changes.requestLogRetentionDays = retention
  const cors = lines(draft.cors)
  if (!sameList(cors, stored.corsOrigins)) changes.corsOrigins = cors
  // A host name typed but not yet turned into a tag counts: Save takes it too.
  const pending = pendingHost.trim()
  const hosts = pending && !draft.hosts.includes(pending) ? [...draft.hosts, pending] : draft.hosts
  if (!sameList(hosts, stored.allowedHosts)) changes.allowedHosts = hosts
  for (const { field } of CHAT_LIMITS) {
    const value = Number(draft.chat[field])
    if (draft.chat[field] !== '' && value !== stored[field]) changes[field] = value
  }
  return changes
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`

/** The server's reasons, by field, from an INVALID_INPUT error's issues. */
function fieldErrors(details: unknown): Partial<Record<Field, string>> {
  const issues = (details as { issues?: { path?: string[]; message?: string }[] } | null)?.issues ?? []
  const errors: Partial<Record<Field, string>> = {}
  for (const issue of issues) {
    const field = issue.path?.[0] as Field | undefined
    if (field && !errors[field]) errors[field] = issue.message ?? 'Invalid'
  }
  return errors
}

/** The operator settings (`settings.get/set`): request-log retention, CORS, extra host names, the chat gateway's limits. */
export function AccessSection() {
  const settings = useAdmin((s) => s.settings)
  const loaded = useAdmin((s) => s.settingsLoaded)
  const loadSettings = useAdmin((s) => s.loadSettings)
  const saveSettings = useAdmin((s) => s.saveSettings)
  const reportError = useAdmin((s) => s.reportError)
  const reportSuccess = useAdmin((s) => s.reportSuccess)

  const [draft, setDraft] = useState<Draft | null>(null)
  const [pendingHost, setPendingHost] = useState('')
  const [saving, setSaving] = useState(false)
  const [failure, setFailure] = useState<{ message: string; fields: Partial<Record<Field, string>> } | null>(null)

  useLoadOnArrival(loaded, loadSettings)

  if (!settings) {
    return (
      <Section title="Requests and access" description="How long the request log is kept, whom the API answers and how far its chat goes." testId="settings-access">
        <Center py="md">
          <Loader size="sm" aria-label="Loading the settings" />
        </Center>
      </Section>
    )
  }

  const shown = draft ?? draftOf(settings)
  const edit = (change: Partial<Draft>) => {
    setDraft({ ...shown, ...change })
    setFailure(null)
  }
  const changes = settingsChanges(shown, pendingHost, settings)
  const changed = Object.keys(changes).length > 0
  const retention = Number(shown.retention)
  const retentionError =
    shown.retention === '' || !Number.isInteger(retention) || retention < MIN_DAYS || retention > MAX_DAYS
      ? `A whole number of days from ${MIN_DAYS} to ${MAX_DAYS}`
      : null
  const chatErrors = Object.fromEntries(CHAT_LIMITS.map(({ field }) => [field, chatLimitError(field, shown.chat[field])])) as Record<ChatLimit, string | null>
  const invalid = !!retentionError || Object.values(chatErrors).some(Boolean)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (!changed || saving || invalid) return
    setSaving(true)
    setFailure(null)
    try {
      const saved = await saveSettings(changes)
      setDraft(null)
      setPendingHost('')
      reportSuccess(
        'Settings saved',
        `Request log kept ${plural(saved.requestLogRetentionDays, 'day', 'days')}; ${plural(saved.corsOrigins.length, 'CORS origin', 'CORS origins')}; ${plural(saved.allowedHosts.length, 'extra host name', 'extra host names')}; ` +
          `chat messages up to ${plural(saved.chatMaxMessageChars, 'character', 'characters')}, ${plural(saved.chatMaxStreamsPerKey, 'open stream', 'open streams')} a key.`,
      )
    } catch (error) {
      if (isAdminError(error) && error.code === 'INVALID_INPUT') setFailure({ message: error.message, fields: fieldErrors(error.details) })
      else reportError(error, 'The settings were not saved')
    } finally {
      setSaving(false)
    }
  }

  const discard = () => {
    setDraft(null)
    setPendingHost('')
    setFailure(null)
  }

  return (
    <Section
      title="Requests and access"
      description="How long the request log is kept, whom the API answers and how far its chat goes. Changes apply from the next request."
      testId="settings-access"
    >
      <form onSubmit={submit} aria-label="Requests and access" data-testid="settings-form">
        <Stack gap="md">
          <NumberInput
            label="Request-log retention (days)"
            description="Request-log rows older than this are deleted; the server checks every hour."
            min={MIN_DAYS}
            max={MAX_DAYS}
            allowDecimal={false}
            allowNegative={false}
            value={shown.retention}
            onChange={(value) => edit({ retention: value })}
            error={retentionError ?? failure?.fields.requestLogRetentionDays}
            maw={420}
            data-testid="settings-retention"
          />
          <Textarea
            label="CORS origins"
            description="Browser pages on these origins may call the API; empty = CORS closed. One origin a line, e.g. http://localhost:5173"
            placeholder="http://localhost:5173"
            autosize
            minRows={3}
            maxRows={10}
            value={shown.cors}
            onChange={(event) => edit({ cors: event.currentTarget.value })}
            error={failure?.fields.corsOrigins}
            spellCheck={false}
            data-testid="settings-cors"
          />
          <TagsInput
            id={ALLOWED_HOSTS_FIELD_ID}
            label="Extra allowed host names"
            description="Extra Host names this server answers to, e.g. a LAN name; 127.0.0.1 and localhost always work. Press Enter after each."
            placeholder={shown.hosts.length === 0 ? 'my-laptop.local' : undefined}
            value={shown.hosts}
            onChange={(hosts) => edit({ hosts })}
            searchValue={pendingHost}
            onSearchChange={(value) => {
              setPendingHost(value)
              setFailure(null)
            }}
            splitChars={[',', ' ']}
            clearable
            error={failure?.fields.allowedHosts}
            data-testid="settings-hosts"
          />
          <Divider label="Chat" labelPosition="left" mt="xs" />
          {CHAT_LIMITS.map(({ field, label, description, testId }) => {
            const { min, max } = chatBounds(field)
            return (
              <NumberInput
                key={field}
                label={label}
                description={description}
                min={min}
                max={max}
                allowDecimal={false}
                allowNegative={false}
                thousandSeparator=","
                value={shown.chat[field]}
                onChange={(value) => edit({ chat: { ...shown.chat, [field]: value } })}
                error={chatErrors[field] ?? failure?.fields[field]}
                // The help text takes the form's width; the field itself stays as narrow as the retention's.
                styles={{ wrapper: { maxWidth: 420 } }}
                data-testid={testId}
              />
            )
          })}
          {failure && (
            <Alert color="red" title="Not saved" data-testid="settings-error">
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {failure.message}
              </Text>
            </Alert>
          )}
          <FormActions
            label="Save"
            busy={saving}
            disabled={!changed || invalid}
            testId="settings-save"
            onCancel={discard}
            cancelLabel="Discard changes"
            cancelDisabled={saving || (!changed && !failure)}
            cancelTestId="settings-discard"
          />
        </Stack>
      </form>
    </Section>
  )
}
