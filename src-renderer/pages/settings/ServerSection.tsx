import {
  Alert,
  Anchor,
  Autocomplete,
  Badge,
  Button,
  Center,
  Group,
  Input,
  Loader,
  NumberInput,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core'
import { useEffect, useId, useState, type FormEvent } from 'react'
import type { CertificateInfo, ServerConfig, ServerConfigView } from '../../../src-shared/server-config'
import { isAdminError } from '../../api'
import { FormActions } from '../../components/FormActions'
import { useAdmin } from '../../store'
import type { NextServer } from '../../store/settings'
import { ALLOWED_HOSTS_FIELD_ID } from './AccessSection'
import { followUrl, isLoopbackHost } from './address'
import { CertificateDetails } from './CertificateDetails'
import { CopyValue } from './CopyValue'
import { pathInputStyles, Section } from './Section'

type TlsMode = ServerConfig['tls']['mode']

/** What the form edits; null in the section means "not edited": it shows where the server is. */
interface Draft {
  host: string
  port: number | string
  mode: TlsMode
  certFile: string
  keyFile: string
}

const TLS_MODES: { value: TlsMode; label: string }[] = [
  { value: 'off', label: 'Off' },
  { value: 'self-signed', label: 'Self-signed' },
  { value: 'files', label: 'Certificate files' },
]

const HOST_SUGGESTIONS = ['127.0.0.1', '0.0.0.0', '::1', '::']
const HOST_PATTERN = /^[A-Za-z0-9.:[\]-]+$/

/**
 * The fields as the server runs now: its address and port (a command-line flag may have set them), and
 * the saved certificate mode, unless the server runs otherwise (started with --tls, say).
 */
function draftOf({ saved, running }: ServerConfigView): Draft {
  const savedTls = saved.tls.mode !== 'off'
  return {
    host: running.host,
    port: running.port,
    mode: savedTls === running.tls ? saved.tls.mode : running.tls ? 'self-signed' : 'off',
    certFile: saved.tls.certFile ?? '',
    keyFile: saved.tls.keyFile ?? '',
  }
}

const sameDraft = (a: Draft, b: Draft) =>
  a.host.trim() === b.host.trim() &&
  Number(a.port) === Number(b.port) &&
  a.mode === b.mode &&
  (a.mode !== 'files' || (a.certFile.trim() === b.certFile.trim() && a.keyFile.trim() === b.keyFile.trim()))

/** The whole configuration the form shows, as `config.set` takes it: what is saved then is exactly what is on screen. */
function configOf(draft: Draft): ServerConfig {
  const file = (path: string) => path.trim() || null
  return { host: draft.host.trim(), port: Number(draft.port), tls: { mode: draft.mode, certFile: file(draft.certFile), keyFile: file(draft.keyFile) } }
}

/** Saved differs from running: flags on the command line won at start. */
const startedOtherwise = ({ saved, running }: ServerConfigView) =>
  saved.host !== running.host || (saved.port !== 0 && saved.port !== running.port) || (saved.tls.mode !== 'off') !== running.tls

const tlsLabel = (mode: TlsMode) => TLS_MODES.find((m) => m.value === mode)!.label.toLowerCase()

function focusAllowedHosts() {
  const field = document.getElementById(ALLOWED_HOSTS_FIELD_ID)
  field?.scrollIntoView({ block: 'center' })
  field?.focus()
}

/** Where the API listens (SPEC §7: plain HTTP only on loopback), with what certificate; applied at once, the page following. */
export function ServerSection() {
  const view = useAdmin((s) => s.serverConfig)
  const loadServerConfig = useAdmin((s) => s.loadServerConfig)
  const applyServerConfig = useAdmin((s) => s.applyServerConfig)
  const awaitServerMove = useAdmin((s) => s.awaitServerMove)
  const generateCertificate = useAdmin((s) => s.generateCertificate)
  const reportError = useAdmin((s) => s.reportError)
  const reportSuccess = useAdmin((s) => s.reportSuccess)

  const [draft, setDraft] = useState<Draft | null>(null)
  const [applying, setApplying] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)
  const [moving, setMoving] = useState<NextServer | null>(null)
  const [extraNames, setExtraNames] = useState<string[]>([])
  const [pendingName, setPendingName] = useState('')
  const [generating, setGenerating] = useState(false)
  const [generated, setGenerated] = useState<CertificateInfo | null>(null)
  const tlsLabelId = useId()

  // Read again on every visit: the address may have changed from the CLI or another tab meanwhile.
  useEffect(() => {
    void loadServerConfig()
  }, [loadServerConfig])

  if (!view) {
    return (
      <Section title="Server address" description="Where the API listens and with what certificate." testId="settings-server">
        <Center py="md">
          <Loader size="sm" aria-label="Loading the server address" />
        </Center>
      </Section>
    )
  }

  const base = draftOf(view)
  const shown = draft ?? base
  const edit = (change: Partial<Draft>) => {
    setDraft({ ...shown, ...change })
    setFailure(null)
  }
  const host = shown.host.trim()
  const port = Number(shown.port)
  const hostError = host === '' ? 'Enter an address' : HOST_PATTERN.test(host) ? null : 'An IP address or a host name, e.g. 127.0.0.1 or 0.0.0.0'
  const portError = shown.port === '' || !Number.isInteger(port) || port < 1 || port > 65_535 ? 'A port from 1 to 65535' : null
  const certError = shown.mode === 'files' && shown.certFile.trim() === '' ? 'The certificate file is needed' : null
  const keyError = shown.mode === 'files' && shown.keyFile.trim() === '' ? 'The private key file is needed' : null
  // SPEC §7. The server checks it too, but only after probing the port, which on its own port it finds taken.
  const plainBeyondLoopback = shown.mode === 'off' && host !== '' && !isLoopbackHost(host)
  const invalid = !!(hostError || portError || certError || keyError || plainBeyondLoopback)
  const changed = !sameDraft(shown, base)
  const exposing = host !== '' && !isLoopbackHost(host)
  const busy = applying || moving !== null

  /** Waits for the move; a headless page follows the server to its new address. Runs in the background. */
  const follow = async (next: NextServer) => {
    setMoving(next)
    const target = followUrl(next, window.location)
    // Another origin (or a certificate the browser must accept first) cannot be polled from this page: its CSP allows only its own origin.
    const leavesOrigin = target !== null && (new URL(target).origin !== window.location.origin || next.tls)
    const outcome = await awaitServerMove(next, { leavesOrigin })
    if (outcome === 'left' && target) {
      window.location.href = target
      return
    }
    setMoving(null)
    setGenerated(null)
    if (outcome === 'moved') reportSuccess('Server moved', `The API now answers at ${next.apiBaseUrl}.`)
    else
      reportError(
        new Error(`The server could not listen at ${next.apiBaseUrl} and went on where it was; the server log says why. The new address stays saved for the next start.`),
        'The server did not move',
      )
  }

  const apply = async (config: ServerConfig) => {
    setApplying(true)
    setFailure(null)
    try {
      const answer = await applyServerConfig(config)
      setDraft(null)
      if (answer.restarting) void follow(answer.next)
      else reportSuccess('Server settings saved', `The server already listens at ${answer.running.apiBaseUrl}; this is also where it starts next time.`)
    } catch (error) {
      // The server's checks (TLS beyond loopback, a port in use, unreadable or mismatched files): shown by the form, nothing changed.
      if (isAdminError(error) && (error.code === 'INVALID_INPUT' || error.code === 'CONFLICT')) setFailure(error.message)
      else reportError(error, 'The server settings were not applied')
    } finally {
      setApplying(false)
    }
  }

  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (!changed || invalid || busy) return
    void apply(configOf(shown))
  }

  const generate = async () => {
    const pending = pendingName.trim()
    const names = pending && !extraNames.includes(pending) ? [...extraNames, pending] : extraNames
    setGenerating(true)
    try {
      const certificate = await generateCertificate(names)
      setGenerated(certificate)
      setExtraNames(names)
      setPendingName('')
      reportSuccess('Certificate made', `A new self-signed certificate for ${certificate.altNames ?? 'this machine'}.`)
    } catch (error) {
      reportError(error, 'No certificate was made')
    } finally {
      setGenerating(false)
    }
  }

  const servingSelfSigned = view.running.tls && view.saved.tls.mode === 'self-signed'
  // The one configured (when TLS is on), else one just made for a switch to Self-signed.
  const certificate = view.certificate ?? (shown.mode === 'self-signed' ? generated : null)

  return (
    <Section
      title="Server address"
      description="Where the API listens and with what certificate. Applying moves the server at once: nothing else restarts, keys and data stay."
      aside={
        <Group gap={6}>
          <Badge variant="light" color={view.running.tls ? 'teal' : 'gray'} data-testid="server-scheme">
            {view.running.tls ? 'HTTPS' : 'HTTP'}
          </Badge>
          <Badge variant="light" color={view.exposed ? 'red' : 'teal'} data-testid="server-exposure">
            {view.exposed ? 'Reachable from the network' : 'This machine only'}
          </Badge>
        </Group>
      }
      testId="settings-server"
    >
      <Stack gap={4}>
        <Group gap="xs" wrap="nowrap">
          <Text size="sm" fw={500} style={{ flexShrink: 0 }}>
            Listening at
          </Text>
          <CopyValue value={view.running.apiBaseUrl} what="API base URL" testId="server-api-base-url" />
        </Group>
        {startedOtherwise(view) && (
          <Text size="xs" c="dimmed" data-testid="server-flags-note">
            This run’s address came from the command line, which wins at start. Saved for a start without flags: {view.saved.host}, port{' '}
            {view.saved.port === 0 ? 'any free one' : view.saved.port}, TLS {tlsLabel(view.saved.tls.mode)}. Apply saves what the fields show.
          </Text>
        )}
      </Stack>

      {(view.exposed || exposing) && (
        <Alert
          color="red"
          variant="light"
          title={view.exposed ? 'Other machines on your network can reach the API' : 'Other machines on your network will be able to reach the API'}
          data-testid="server-exposed-warning"
        >
          <Text size="sm">
            {view.exposed ? `It listens on ${view.running.host}, port ${view.running.port}` : `Once applied, it listens on ${host}`}: anyone who can reach this
            machine can call the API with a key, and open the admin page of a headless server (its token still needed). Give keys the fewest scopes, and prefer
            one interface’s address to 0.0.0.0. Clients must use a host name this server answers to: add the names and addresses they use for this machine
            under{' '}
            <Anchor component="button" type="button" size="sm" onClick={focusAllowedHosts} data-testid="server-go-allowed-hosts">
              Extra allowed host names
            </Anchor>{' '}
            below.
          </Text>
        </Alert>
      )}

      <form onSubmit={submit} aria-label="Server address" data-testid="server-form">
        <Stack gap="md">
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
            <Autocomplete
              label="Bind address"
              description="127.0.0.1: this machine only. 0.0.0.0: every network interface (needs TLS)."
              data={HOST_SUGGESTIONS}
              value={shown.host}
              onChange={(value) => edit({ host: value })}
              error={hostError}
              disabled={busy}
              spellCheck={false}
              autoComplete="off"
              data-testid="server-host"
            />
            <NumberInput
              label="Port"
              description="1 to 65535; a port in use is refused."
              min={1}
              max={65_535}
              allowDecimal={false}
              allowNegative={false}
              value={shown.port}
              onChange={(value) => edit({ port: value })}
              error={portError}
              disabled={busy}
              data-testid="server-port"
            />
          </SimpleGrid>

          <Input.Wrapper
            label="TLS"
            labelElement="div"
            labelProps={{ id: tlsLabelId }}
            description="Plain HTTP only on loopback; any other address needs a certificate."
            error={
              plainBeyondLoopback
                ? `Plain HTTP is refused on ${host}: an address other than loopback needs TLS. Choose Self-signed or Certificate files.`
                : undefined
            }
            errorProps={{ 'data-testid': 'server-tls-rule' }}
          >
            <SegmentedControl
              data={TLS_MODES}
              value={shown.mode}
              onChange={(mode) => edit({ mode })}
              disabled={busy}
              aria-labelledby={tlsLabelId}
              mt={6}
              data-testid="server-tls"
            />
          </Input.Wrapper>

          {shown.mode === 'files' && (
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
              <TextInput
                label="Certificate file (PEM)"
                description="A path on the server’s machine, e.g. /etc/ssl/clawhq/cert.pem; with its chain, if any."
                placeholder="/path/to/cert.pem"
                value={shown.certFile}
                onChange={(event) => edit({ certFile: event.currentTarget.value })}
                error={certError}
                disabled={busy}
                spellCheck={false}
                styles={pathInputStyles}
                data-testid="server-cert-file"
              />
              <TextInput
                label="Private key file (PEM)"
                description="The certificate’s own key; checked to match before anything is saved."
                placeholder="/path/to/key.pem"
                value={shown.keyFile}
                onChange={(event) => edit({ keyFile: event.currentTarget.value })}
                error={keyError}
                disabled={busy}
                spellCheck={false}
                styles={pathInputStyles}
                data-testid="server-key-file"
              />
            </SimpleGrid>
          )}

          {failure && (
            <Alert color="red" title="Not applied: nothing changed" data-testid="server-error">
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {failure}
              </Text>
            </Alert>
          )}

          {moving && (
            <Alert color="blue" variant="light" data-testid="server-moving">
              <Group gap="sm" wrap="nowrap">
                <Loader size="xs" aria-hidden />
                <Text size="sm" role="status">
                  Moving to {moving.apiBaseUrl}…
                  {moving.adminUrl !== null && ' This page follows it.'}
                  {moving.adminUrl !== null && moving.tls && ' Your browser will ask you to accept the certificate.'}
                </Text>
              </Group>
            </Alert>
          )}

          <FormActions
            label="Apply"
            busy={busy}
            disabled={!changed || invalid}
            testId="server-apply"
            onCancel={() => {
              setDraft(null)
              setFailure(null)
            }}
            cancelLabel="Discard changes"
            cancelDisabled={busy || (!changed && !failure)}
            cancelTestId="server-discard"
          />
        </Stack>
      </form>

      {shown.mode === 'self-signed' && (
        <Paper withBorder radius="md" p="md" bg="var(--mantine-color-default-hover)">
          <Stack gap="sm">
            <TagsInput
              label="Extra names for a new certificate"
              description="It always names localhost, 127.0.0.1, this machine’s name and the saved bind address. Add the names and addresses clients use, then generate; the new certificate is served once the server moves to it."
              placeholder={extraNames.length === 0 ? 'e.g. my-laptop.local or 192.168.1.20' : undefined}
              value={extraNames}
              onChange={setExtraNames}
              searchValue={pendingName}
              onSearchChange={setPendingName}
              splitChars={[',', ' ']}
              maxTags={20}
              clearable
              data-testid="server-cert-names"
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => void generate()} loading={generating} data-testid="server-generate-cert">
                Generate new certificate
              </Button>
            </Group>
          </Stack>
        </Paper>
      )}

      {generated && servingSelfSigned && !moving && (
        <Alert color="blue" variant="light" title="The server still serves the previous certificate" data-testid="server-cert-pending">
          <Group justify="space-between" gap="sm">
            <Text size="sm">It changes to the new one when it next moves or starts.</Text>
            <Button size="xs" onClick={() => void apply({ ...configOf(base), tls: view.saved.tls })} loading={applying} data-testid="server-serve-new-cert">
              Serve it now
            </Button>
          </Group>
        </Alert>
      )}

      {certificate && (
        <Stack gap="xs">
          <Text size="sm" fw={500}>
            {view.certificate ? 'Certificate' : 'New certificate (served once you apply Self-signed)'}
          </Text>
          <CertificateDetails certificate={certificate} testId="server-certificate" />
        </Stack>
      )}
    </Section>
  )
}
