import { Badge, Box, Button, Code, Fieldset, Grid, Group, Kbd, NumberInput, Select, SimpleGrid, Stack, Switch, Text, Textarea, TextInput } from '@mantine/core'
import type { ReactNode } from 'react'
import { SendIcon, StopIcon } from '../../components/icons'
import type { PlaygroundDraft } from '../../store/playground'
import { MethodBadge } from './EndpointPicker'
import { checkValue, fieldKind, mainSchema, schemaHint, typeLabel, exampleBody, type BodyCheck, type Operation, type Parameter } from './openapi'

/** Ctrl on Windows and Linux, ⌘ on a Mac. */
export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform)

/** A description from the API document, its `backticked` parts as code. */
function Described({ text }: { text: string }) {
  return (
    <>
      {text.split(/`([^`]+)`/).map((part, index) =>
        index % 2 === 1 ? (
          <Code key={index} fz="inherit">
            {part}
          </Code>
        ) : (
          part
        ),
      )}
    </>
  )
}

function ParamField({ parameter, value, onChange, showError, disabled }: { parameter: Parameter; value: string; onChange(value: string): void; showError: boolean; disabled: boolean }) {
  const kind = fieldKind(parameter.schema)
  const main = mainSchema(parameter.schema)
  const error = (showError || value !== '') && checkValue(parameter, value)
  const description = [parameter.description, schemaHint(parameter.schema)].filter(Boolean).join(' · ') || undefined
  const placeholder = main.default !== undefined ? `${String(main.default)} (default)` : parameter.required ? undefined : 'not sent'
  const common = {
    label: <Text span ff="monospace" size="sm" fw={500}>{parameter.name}</Text>,
    description,
    required: parameter.required,
    error: error || undefined,
    disabled,
    // Under the input, so the inputs of a row line up whatever their descriptions' lengths.
    inputWrapperOrder: ['label', 'input', 'description', 'error'] as ('label' | 'input' | 'description' | 'error')[],
    'data-testid': `param-${parameter.name}`,
  }
  switch (kind) {
    case 'enum':
      return (
        <Select
          {...common}
          data={main.enum!.map(String)}
          value={value || null}
          onChange={(next) => onChange(next ?? '')}
          clearable={!parameter.required}
          placeholder={placeholder}
          comboboxProps={{ withinPortal: true }}
        />
      )
    case 'boolean':
      return (
        <Switch
          label={common.label}
          description={[description, parameter.required ? null : 'Off: not sent'].filter(Boolean).join(' · ')}
          checked={value === 'true'}
          onChange={(event) => onChange(event.currentTarget.checked ? 'true' : parameter.required ? 'false' : '')}
          error={common.error}
          disabled={disabled}
          mt="xs"
          data-testid={common['data-testid']}
        />
      )
    case 'integer':
    case 'number':
      return (
        <NumberInput
          {...common}
          value={value}
          onChange={(next) => onChange(String(next))}
          allowDecimal={kind === 'number'}
          clampBehavior="none"
          placeholder={placeholder}
        />
      )
    default:
      return <TextInput {...common} value={value} onChange={(event) => onChange(event.currentTarget.value)} placeholder={placeholder} spellCheck={false} />
  }
}

function ParamsFieldset({ legend, parameters, values, onChange, showErrors, disabled, testId }: {
  legend: string
  parameters: Parameter[]
  values: Record<string, string>
  onChange(values: Record<string, string>): void
  showErrors: boolean
  disabled: boolean
  testId: string
}) {
  if (parameters.length === 0) return null
  return (
    <Fieldset legend={legend} variant="filled" radius="md" data-testid={testId}>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm" verticalSpacing="xs">
        {parameters.map((parameter) => (
          <ParamField
            key={parameter.name}
            parameter={parameter}
            value={values[parameter.name] ?? ''}
            onChange={(value) => onChange({ ...values, [parameter.name]: value })}
            showError={showErrors}
            disabled={disabled}
          />
        ))}
      </SimpleGrid>
    </Fieldset>
  )
}

function BodyEditor({ operation, body, onBody, check, disabled }: { operation: Operation; body: string; onBody(body: string): void; check: BodyCheck; disabled: boolean }) {
  const schema = mainSchema(operation.body!.schema)
  const required = new Set(schema.required ?? [])
  const properties = Object.entries(schema.properties ?? {})
  const format = () => {
    try {
      onBody(JSON.stringify(JSON.parse(body), null, 2))
    } catch {
      // Not JSON: the editor says so already.
    }
  }
  const notes: ReactNode[] = []
  if (check.missing.length > 0) notes.push(`Leaves out ${check.missing.join(', ')}, which the API requires.`)
  if (check.unknown.length > 0) notes.push(`The API takes no ${check.unknown.join(', ')}.`)
  return (
    <Fieldset legend="Body (JSON)" variant="filled" radius="md" data-testid="body-fieldset">
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: properties.length > 0 ? 7 : 12 }}>
          <Textarea
            aria-label="Request body, JSON"
            value={body}
            onChange={(event) => onBody(event.currentTarget.value)}
            autosize
            minRows={5}
            maxRows={18}
            spellCheck={false}
            autoComplete="off"
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 'var(--mantine-font-size-xs)' } }}
            error={check.error ? `Not valid JSON: ${check.error}` : undefined}
            disabled={disabled}
            data-testid="body-editor"
          />
          {notes.length > 0 && (
            <Text size="xs" mt={4} data-testid="body-notes" className="pg-warning">
              {notes.join(' ')}
            </Text>
          )}
          <Group gap="xs" mt="xs">
            <Button size="compact-xs" variant="default" onClick={format} disabled={disabled || check.error !== null} data-testid="body-format">
              Format
            </Button>
            <Button size="compact-xs" variant="default" onClick={() => onBody(exampleBody(operation))} disabled={disabled} data-testid="body-example">
              Reset to the example
            </Button>
          </Group>
        </Grid.Col>
        {properties.length > 0 && (
          <Grid.Col span={{ base: 12, md: 5 }}>
            <Text size="xs" fw={700} tt="uppercase" c="dimmed" mb={4}>
              Fields
            </Text>
            <Stack gap={6} data-testid="body-fields">
              {properties.map(([name, property]) => (
                <div key={name} data-field={name}>
                  <Group gap={6} wrap="nowrap" align="baseline">
                    <Code fz="xs">{name}</Code>
                    {required.has(name) ? (
                      <Badge size="xs" variant="light" color="red" data-testid="body-field-required">
                        required
                      </Badge>
                    ) : null}
                    <Text size="xs" c="dimmed" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                      {typeLabel(property)}
                    </Text>
                  </Group>
                  {(property.description || mainSchema(property).description) && (
                    <Text size="xs" c="dimmed">
                      <Described text={property.description ?? mainSchema(property).description ?? ''} />
                    </Text>
                  )}
                </div>
              ))}
            </Stack>
          </Grid.Col>
        )}
      </Grid>
    </Fieldset>
  )
}

export interface RequestFormProps {
  operation: Operation
  draft: PlaygroundDraft
  onDraft(change: Partial<PlaygroundDraft>): void
  bodyCheck: BodyCheck
  /** Set after a send was refused: every field shows what it lacks. */
  showErrors: boolean
  /** What keeps the request from going (an empty path parameter, a body that is not JSON). */
  blocking: string[]
  /** What the API will likely refuse, sent anyway so its answer can be seen. */
  warnings: string[]
  running: boolean
  stopping: boolean
  onSend(): void
  onStop(): void
  /** The endpoint and key pickers, above the fields. */
  pickers: ReactNode
}

/** The request as a form generated from the operation's schema, and the Send / Stop button. */
export function RequestForm(props: RequestFormProps) {
  const { operation, draft, onDraft, bodyCheck, showErrors, blocking, warnings, running, stopping, onSend, onStop, pickers } = props
  const sendsBody = operation.body !== null && operation.method !== 'GET' && operation.method !== 'DELETE'
  return (
    <Stack gap="sm">
      {pickers}
      <Box>
        <Group gap="xs" wrap="nowrap" align="center">
          <MethodBadge method={operation.method} />
          <Text ff="monospace" size="sm" fw={600} style={{ overflowWrap: 'anywhere' }} data-testid="operation-path">
            {operation.path}
          </Text>
          {!operation.secured && (
            <Badge size="xs" variant="outline" color="gray">
              no key needed
            </Badge>
          )}
        </Group>
        {operation.summary && (
          <Text size="sm" mt={4} data-testid="operation-summary">
            {operation.summary}
          </Text>
        )}
        {operation.description && operation.description !== operation.summary && (
          <Text size="xs" c="dimmed" mt={2}>
            <Described text={operation.description} />
          </Text>
        )}
      </Box>
      <ParamsFieldset
        legend="Path parameters"
        parameters={operation.pathParams}
        values={draft.pathParams}
        onChange={(pathParams) => onDraft({ pathParams })}
        showErrors={showErrors}
        disabled={running}
        testId="path-params"
      />
      <ParamsFieldset
        legend="Query parameters"
        parameters={operation.queryParams}
        values={draft.query}
        onChange={(query) => onDraft({ query })}
        showErrors={showErrors}
        disabled={running}
        testId="query-params"
      />
      {sendsBody && <BodyEditor operation={operation} body={draft.body} onBody={(body) => onDraft({ body })} check={bodyCheck} disabled={running} />}
      <Group justify="space-between" align="center" wrap="nowrap" gap="md">
        <Box style={{ minWidth: 0 }} aria-live="polite">
          {showErrors && blocking.length > 0 ? (
            <Text size="sm" className="pg-error" data-testid="send-blocked">
              {blocking.join(' ')}
            </Text>
          ) : warnings.length > 0 ? (
            <Text size="xs" className="pg-warning" data-testid="send-warnings">
              {warnings.join(' ')} It is sent anyway, so you see the API&apos;s answer.
            </Text>
          ) : null}
        </Box>
        <Group gap="sm" wrap="nowrap" style={{ flexShrink: 0 }}>
          <Text size="xs" c="dimmed" visibleFrom="sm">
            <Kbd size="xs">{isMac ? '⌘' : 'Ctrl'}</Kbd> + <Kbd size="xs">Enter</Kbd> sends
          </Text>
          {running ? (
            <Button color="red" variant="light" leftSection={<StopIcon size={16} />} onClick={onStop} loading={stopping} data-testid="stop-button">
              Stop
            </Button>
          ) : (
            <Button leftSection={<SendIcon size={16} />} onClick={onSend} data-testid="send-button">
              Send
            </Button>
          )}
        </Group>
      </Group>
    </Stack>
  )
}
