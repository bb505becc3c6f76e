import { Alert, Modal, MultiSelect, PasswordInput, Stack, Switch, Textarea, TextInput } from '@mantine/core'
import { useState, type FormEvent } from 'react'
import type { MethodOutput } from '../../../src-shared/contract'
import type { WebhookEndpoint } from '../../../src-shared/webhooks'
import { FormActions } from '../../components/FormActions'
import { useAdmin } from '../../store'
import { ALL_EVENTS, EVENT_CHOICES, normalizeEvents, type EventChoice } from './labels'

/** Where an endpoint may point, as the core checks it; said up front so the form rarely fails. */
const URL_HELP = 'https:// anywhere, or http:// to this machine (127.0.0.1, localhost) for local development'

/** What the URL field says before the core is asked. */
function urlProblem(text: string): string | null {
  if (!text.trim()) return null
  try {
    const url = new URL(text.trim())
    return url.protocol === 'https:' || url.protocol === 'http:' ? null : 'An http:// or https:// URL'
  } catch {
    return 'Not a URL'
  }
}

interface Draft {
  url: string
  events: EventChoice[]
  secret: string
  description: string
  enabled: boolean
}

const draftOf = (endpoint: WebhookEndpoint | null): Draft => ({
  url: endpoint?.url ?? '',
  events: endpoint ? [...endpoint.events] : [ALL_EVENTS],
  secret: '',
  description: endpoint?.description ?? '',
  enabled: endpoint?.enabled ?? true,
})

interface Props {
  /** 'new' to create one, an endpoint to edit, null when closed. */
  target: WebhookEndpoint | 'new' | null
  onClose: () => void
  onCreated: (created: MethodOutput<'webhooks.create'>) => void
}

/** Creates an endpoint (the secret is shown once afterwards) or edits one: URL, events, description, enabled. */
export function EndpointModal({ target, onClose, onCreated }: Props) {
  const editing = target !== null && target !== 'new' ? target : null
  return (
    <Modal opened={target !== null} onClose={onClose} title={editing ? 'Edit endpoint' : 'New webhook endpoint'} size="lg" centered>
      {/* Keyed by the target, so the form starts from it each time it opens. */}
      {target !== null && <EndpointForm key={editing?.id ?? 'new'} endpoint={editing} onClose={onClose} onCreated={onCreated} />}
    </Modal>
  )
}

function EndpointForm({ endpoint, onClose, onCreated }: { endpoint: WebhookEndpoint | null; onClose: () => void; onCreated: Props['onCreated'] }) {
  const createWebhook = useAdmin((s) => s.createWebhook)
  const updateWebhook = useAdmin((s) => s.updateWebhook)
  const reportError = useAdmin((s) => s.reportError)
  const reportSuccess = useAdmin((s) => s.reportSuccess)
  const [draft, setDraft] = useState<Draft>(() => draftOf(endpoint))
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)
  const change = (patch: Partial<Draft>) => setDraft((current) => ({ ...current, ...patch }))

  const urlError = urlProblem(draft.url)
  const secretError = draft.secret && draft.secret.length < 8 ? 'At least 8 characters' : draft.secret.length > 200 ? 'At most 200 characters' : null
  const invalid = !draft.url.trim() || !!urlError || draft.events.length === 0 || !!secretError || draft.description.length > 500

  const close = () => {
    if (!busy) onClose()
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (invalid) return
    setBusy(true)
    setFailure(null)
    try {
      if (endpoint) {
        await updateWebhook({
          id: endpoint.id,
          url: draft.url.trim(),
          events: draft.events,
          description: draft.description.trim(),
          ...(draft.enabled !== endpoint.enabled && { enabled: draft.enabled }),
        })
        reportSuccess('Endpoint saved', draft.url.trim())
        onClose()
      } else {
        const created = await createWebhook({
          url: draft.url.trim(),
          events: draft.events,
          ...(draft.secret && { secret: draft.secret }),
          ...(draft.description.trim() && { description: draft.description.trim() }),
        })
        onCreated(created)
      }
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error))
      reportError(error, endpoint ? 'The endpoint was not saved' : 'The endpoint was not created')
    } finally {
      setBusy(false)
    }
  }

  return (
    <form onSubmit={submit} aria-label={endpoint ? 'Edit endpoint' : 'New webhook endpoint'}>
      <Stack>
        <TextInput
          label="URL"
          description={URL_HELP}
          placeholder="https://example.com/webhooks/clawget"
          required
          data-autofocus
          value={draft.url}
          error={urlError}
          onChange={(event) => change({ url: event.currentTarget.value })}
          data-testid="webhook-url-input"
        />
        <MultiSelect
          label="Events"
          description="What it receives; “All events” includes those added later. Ping can be sent to any endpoint."
          data={EVENT_CHOICES}
          searchable
          value={draft.events}
          onChange={(events) => change({ events: normalizeEvents(draft.events, events) })}
          error={draft.events.length === 0 ? 'Choose at least one' : null}
          comboboxProps={{ withinPortal: true }}
          data-testid="webhook-events-input"
        />
        {!endpoint && (
          <PasswordInput
            label="Signing secret"
            description="Leave empty to have one generated (whsec_…). Paste one to keep a receiver’s existing secret."
            placeholder="generated"
            value={draft.secret}
            error={secretError}
            onChange={(event) => change({ secret: event.currentTarget.value })}
            autoComplete="off"
            data-testid="webhook-secret-input"
          />
        )}
        <Textarea
          label="Description"
          placeholder="What receives these events"
          autosize
          minRows={2}
          maxRows={5}
          value={draft.description}
          error={draft.description.length > 500 ? 'At most 500 characters' : null}
          onChange={(event) => change({ description: event.currentTarget.value })}
          data-testid="webhook-description-input"
        />
        {endpoint && (
          <Switch
            label="Enabled"
            description={
              endpoint.enabled
                ? 'Off: nothing is sent until it is enabled again; deliveries due meanwhile fail.'
                : `Disabled: ${endpoint.disabledReason ?? 'by hand'}. On: deliveries resume and the failure count starts over.`
            }
            checked={draft.enabled}
            onChange={(event) => change({ enabled: event.currentTarget.checked })}
            data-testid="webhook-enabled-input"
          />
        )}
        {failure && (
          <Alert color="red" title={endpoint ? 'Not saved' : 'Not created'}>
            {failure}
          </Alert>
        )}
        <FormActions label={endpoint ? 'Save' : 'Create endpoint'} busy={busy} disabled={invalid} testId="webhook-submit" onCancel={close} />
      </Stack>
    </form>
  )
}
