import { Alert, Button, Group, Modal, NumberInput, SegmentedControl, Slider, Stack, Text } from '@mantine/core'
import { useState, type FormEvent, type ReactNode } from 'react'
import type { FaultKind, Faults } from '../../../src-shared/agents'
import type { KeyDto } from '../../../src-shared/dto'
import { useAdmin } from '../../store'
import { FAULT_KIND_LABEL, FAULT_KINDS, faultsEffect } from './faults'

interface Props {
  target: KeyDto | null
  onClose: () => void
}

/** Makes a share of a key's requests fail on purpose, or switches that off. */
export function FaultsModal({ target, onClose }: Props) {
  return (
    <Modal opened={target !== null} onClose={onClose} title={`Fault injection for “${target?.name ?? ''}”`} size="lg" centered>
      {/* Keyed so each opening starts from the key's current faults. */}
      {target && <FaultsForm key={target.id} target={target} onClose={onClose} />}
    </Modal>
  )
}

type NumberDraft = number | string

interface Draft {
  kind: FaultKind
  percent: NumberDraft
  routes: Faults['routes']
  latencyMs: NumberDraft
  afterChunks: NumberDraft
  retryAfterSeconds: NumberDraft
}

const DEFAULTS: Draft = { kind: 'error_429', percent: 50, routes: 'all', latencyMs: 1000, afterChunks: 3, retryAfterSeconds: 1 }

/** The share of requests that fail, in percent. */
const PERCENT = { min: 1, max: 100 }

/** The one setting a kind has besides the share and the routes: its input and its check both read the range here. */
interface KindSetting {
  field: 'retryAfterSeconds' | 'latencyMs' | 'afterChunks'
  label: string
  description: string
  min: number
  max: number
  step?: number
  thousandSeparator?: string
  suffix: string
  testId: string
}

const KIND_SETTING: Record<FaultKind, KindSetting | null> = {
  error_429: { field: 'retryAfterSeconds', label: 'Retry-After', description: 'Seconds, as the header says', min: 1, max: 3600, suffix: ' s', testId: 'faults-retry-after' },
  error_500: null,
  latency: {
    field: 'latencyMs',
    label: 'Added latency',
    description: 'Before the answer starts',
    min: 1,
    max: 60_000,
    step: 100,
    thousandSeparator: ',',
    suffix: ' ms',
    testId: 'faults-latency',
  },
  stream_cut: { field: 'afterChunks', label: 'Cut after', description: 'Chunks sent before the cut', min: 0, max: 10_000, suffix: ' chunks', testId: 'faults-after-chunks' },
}

const draftOf = (faults: Faults | null): Draft => (faults ? { ...faults } : DEFAULTS)

const inRange = (value: NumberDraft, min: number, max: number) => value !== '' && Number.isInteger(Number(value)) && Number(value) >= min && Number(value) <= max
const rangeError = (value: NumberDraft, min: number, max: number) =>
  inRange(value, min, max) ? null : `A whole number from ${min.toLocaleString()} to ${max.toLocaleString()}`

const faultsOf = (draft: Draft): Faults => ({
  kind: draft.kind,
  percent: Number(draft.percent),
  // A stream can only be cut on the chat route.
  routes: draft.kind === 'stream_cut' ? 'chat' : draft.routes,
  latencyMs: Number(draft.latencyMs),
  afterChunks: Number(draft.afterChunks),
  retryAfterSeconds: Number(draft.retryAfterSeconds),
})

function FaultsForm({ target, onClose }: { target: KeyDto; onClose: () => void }) {
  const setKeyFaults = useAdmin((s) => s.setKeyFaults)
  const reportError = useAdmin((s) => s.reportError)
  const reportSuccess = useAdmin((s) => s.reportSuccess)
  const [draft, setDraft] = useState<Draft>(() => draftOf(target.faults))
  const [busy, setBusy] = useState<'save' | 'off' | null>(null)
  const edit = (change: Partial<Draft>) => setDraft((current) => ({ ...current, ...change }))
  const on = target.faults !== null

  const setting = KIND_SETTING[draft.kind]
  const errors = {
    percent: rangeError(draft.percent, PERCENT.min, PERCENT.max),
    setting: setting && rangeError(draft[setting.field], setting.min, setting.max),
  }
  const invalid = Object.values(errors).some(Boolean)

  const apply = async (faults: Faults | null) => {
    setBusy(faults ? 'save' : 'off')
    try {
      await setKeyFaults(target.id, faults)
      reportSuccess(
        faults ? 'Fault injection on' : 'Fault injection off',
        faults ? faultsEffect(faults) : `Requests with “${target.name}” are answered normally again.`,
      )
      onClose()
    } catch (error) {
      reportError(error, faults ? `Faults were not set on “${target.name}”` : `Faults on “${target.name}” were not switched off`)
    } finally {
      setBusy(null)
    }
  }

  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (!invalid) void apply(faultsOf(draft))
  }

  return (
    <form onSubmit={submit} aria-label={`Fault injection for key ${target.name}`}>
      <Stack>
        <Text size="sm" c="dimmed">
          A share of this key’s requests fails on purpose, so you can watch a client’s retries and timeouts cope. The share is exact over
          every 100 requests, at random positions. Other keys are not affected.
        </Text>

        <Labelled label="Fault" id="faults-kind-label">
          <SegmentedControl
            aria-labelledby="faults-kind-label"
            fullWidth
            data={FAULT_KINDS.map((kind) => ({ value: kind, label: FAULT_KIND_LABEL[kind] }))}
            value={draft.kind}
            onChange={(kind) => edit({ kind: kind as FaultKind })}
            data-testid="faults-kind"
          />
        </Labelled>

        <Labelled label="Share of requests" id="faults-percent-label">
          <Group align="center" wrap="nowrap">
            <Slider
              aria-labelledby="faults-percent-label"
              min={PERCENT.min}
              max={PERCENT.max}
              value={inRange(draft.percent, PERCENT.min, PERCENT.max) ? Number(draft.percent) : PERCENT.min}
              onChange={(percent) => edit({ percent })}
              marks={[{ value: 10 }, { value: 25 }, { value: 50 }, { value: 75 }, { value: 100 }]}
              label={(value) => `${value} %`}
              style={{ flex: 1 }}
            />
            <NumberInput
              aria-label="Percent of requests"
              min={PERCENT.min}
              max={PERCENT.max}
              allowDecimal={false}
              suffix=" %"
              w={96}
              value={draft.percent}
              error={errors.percent}
              onChange={(percent) => edit({ percent })}
              data-testid="faults-percent"
            />
          </Group>
        </Labelled>

        <Group grow align="flex-start">
          {draft.kind === 'stream_cut' ? (
            <Labelled label="Routes">
              <Text size="sm" c="dimmed">
                Chat streams only (POST /api/v1/chat with stream: true).
              </Text>
            </Labelled>
          ) : (
            <Labelled label="Routes" id="faults-routes-label">
              <SegmentedControl
                aria-labelledby="faults-routes-label"
                data={[
                  { value: 'all', label: 'All routes' },
                  { value: 'chat', label: 'Chat only' },
                ]}
                value={draft.routes}
                onChange={(routes) => edit({ routes: routes as Faults['routes'] })}
                data-testid="faults-routes"
              />
            </Labelled>
          )}
          {setting ? (
            <NumberInput
              // Keyed: another kind's setting gets a fresh input, not the last kind's.
              key={setting.field}
              label={setting.label}
              description={setting.description}
              min={setting.min}
              max={setting.max}
              step={setting.step}
              allowDecimal={false}
              thousandSeparator={setting.thousandSeparator}
              suffix={setting.suffix}
              value={draft[setting.field]}
              error={errors.setting}
              onChange={(value) => edit({ [setting.field]: value })}
              data-testid={setting.testId}
            />
          ) : (
            <div />
          )}
        </Group>

        {!invalid && (
          <Alert color="orange" variant="light" title={on ? 'While on' : 'Once switched on'} data-testid="faults-effect">
            {faultsEffect(faultsOf(draft))} The request log marks each one as injected.
          </Alert>
        )}

        <Group justify="space-between">
          {on ? (
            <Button variant="light" color="red" onClick={() => void apply(null)} loading={busy === 'off'} disabled={busy !== null} data-testid="faults-off">
              Switch off
            </Button>
          ) : (
            <span />
          )}
          <Group>
            <Button variant="default" onClick={onClose} disabled={busy !== null}>
              Cancel
            </Button>
            <Button type="submit" color="orange" loading={busy === 'save'} disabled={invalid || busy !== null} data-testid="faults-submit">
              {on ? 'Save faults' : 'Switch on'}
            </Button>
          </Group>
        </Group>
      </Stack>
    </form>
  )
}

/** A control under its label, as Mantine's inputs show theirs (a SegmentedControl or a slider has none of its own). */
function Labelled({ label, id, children }: { label: string; id?: string; children: ReactNode }) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500} id={id}>
        {label}
      </Text>
      {children}
    </Stack>
  )
}
