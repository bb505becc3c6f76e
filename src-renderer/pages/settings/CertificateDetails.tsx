import { Badge, DataList, Group, Text } from '@mantine/core'
import type { CertificateInfo } from '../../../src-shared/server-config'
import { formatDateTime } from '../../components/format'
import { useNow } from '../../components/useNow'
import { CopyValue } from './CopyValue'

const DAY_MS = 86_400_000
/** Certificates closer than this to their end are flagged, so there is time to make or get another. */
const EXPIRES_SOON_DAYS = 30

function Expiry({ validTo }: { validTo: string }) {
  const now = useNow(60_000)
  const days = Math.floor((Date.parse(validTo) - now) / DAY_MS)
  if (days < 0)
    return (
      <Badge color="red" variant="light">
        Expired
      </Badge>
    )
  return (
    <Badge color={days < EXPIRES_SOON_DAYS ? 'yellow' : 'teal'} variant="light">
      {days === 0 ? 'Expires today' : `${days} days left`}
    </Badge>
  )
}

/** "DNS:localhost, IP Address:127.0.0.1" → one chip a name, each once. */
const altNamesOf = (altNames: string | null): string[] => [
  ...new Set(
    (altNames ?? '')
      .split(',')
      .map((name) => name.trim().replace(/^DNS:/, '').replace(/^IP Address:/, ''))
      .filter(Boolean),
  ),
]

/** What a client checks of the certificate: whom it names, until when, and the fingerprint to compare. */
export function CertificateDetails({ certificate, testId }: { certificate: CertificateInfo; testId: string }) {
  const names = altNamesOf(certificate.altNames)
  return (
    <DataList size="sm" labelWidth={150} gap="xs" data-testid={testId}>
      <DataList.Item>
        <DataList.ItemLabel>Subject</DataList.ItemLabel>
        <DataList.ItemValue>
          <Group gap="xs">
            <Text size="sm" data-testid={`${testId}-subject`}>
              {certificate.subject}
            </Text>
            {certificate.selfSigned && (
              <Badge variant="outline" color="gray" size="sm">
                Self-signed
              </Badge>
            )}
          </Group>
        </DataList.ItemValue>
      </DataList.Item>
      {!certificate.selfSigned && (
        <DataList.Item>
          <DataList.ItemLabel>Issuer</DataList.ItemLabel>
          <DataList.ItemValue>{certificate.issuer}</DataList.ItemValue>
        </DataList.Item>
      )}
      <DataList.Item>
        <DataList.ItemLabel>Names</DataList.ItemLabel>
        <DataList.ItemValue>
          {names.length === 0 ? (
            <Text size="sm" c="dimmed">
              none (clients will refuse it by name)
            </Text>
          ) : (
            <Group gap={6} data-testid={`${testId}-names`}>
              {names.map((name) => (
                <Badge key={name} variant="default" tt="none" fw={500} ff="monospace">
                  {name}
                </Badge>
              ))}
            </Group>
          )}
        </DataList.ItemValue>
      </DataList.Item>
      <DataList.Item>
        <DataList.ItemLabel>Valid</DataList.ItemLabel>
        <DataList.ItemValue>
          <Group gap="xs">
            <Text size="sm" data-testid={`${testId}-valid-to`}>
              {formatDateTime(certificate.validFrom)} to {formatDateTime(certificate.validTo)}
            </Text>
            <Expiry validTo={certificate.validTo} />
          </Group>
        </DataList.ItemValue>
      </DataList.Item>
      <DataList.Item>
        <DataList.ItemLabel>SHA-256 fingerprint</DataList.ItemLabel>
        <DataList.ItemValue>
          <CopyValue value={certificate.fingerprint256} what="fingerprint" testId={`${testId}-fingerprint`} />
        </DataList.ItemValue>
      </DataList.Item>
      <DataList.Item>
        <DataList.ItemLabel>File</DataList.ItemLabel>
        <DataList.ItemValue>
          <CopyValue value={certificate.certFile} what="certificate path" testId={`${testId}-file`} />
        </DataList.ItemValue>
      </DataList.Item>
    </DataList>
  )
}
