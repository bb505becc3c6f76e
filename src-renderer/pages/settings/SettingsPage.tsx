import { Stack } from '@mantine/core'
import { useEffect, type CSSProperties } from 'react'
import { PageHeader } from '../../components/PageHeader'
import { dropHashParam, paramsFromHash } from '../../router'
import { useAdmin } from '../../store'
import { AccessSection } from './AccessSection'
import { BackupSection } from './BackupSection'
import { DataSection } from './DataSection'
import { ServerSection } from './ServerSection'

/**
 * A field's error text readable on the page (WCAG AA, 4.5:1): Mantine's defaults (red.6 on white, red.8 on
 * dark grey) are about 3.3:1, and this page shows its rules as field errors.
 */
const readableErrors = (scheme: 'light' | 'dark') =>
  ({ '--mantine-color-error': scheme === 'dark' ? 'var(--mantine-color-red-4)' : 'var(--mantine-color-red-9)' }) as CSSProperties

/** The server's own settings: where it listens, whom it answers, its data and backups (SPEC §6, §7). */
export function SettingsPage() {
  const reportSuccess = useAdmin((s) => s.reportSuccess)
  const colorScheme = useAdmin((s) => s.colorScheme)

  // A headless page that followed the server to its new address arrives with ?moved=1: say so once.
  useEffect(() => {
    if (paramsFromHash(window.location.hash).get('moved') !== '1') return
    dropHashParam('moved')
    reportSuccess('Server moved', `This page now reaches the server at ${window.location.origin}.`)
  }, [reportSuccess])

  return (
    <Stack maw={880} gap="lg" style={readableErrors(colorScheme)}>
      <PageHeader title="Settings" description="Where the server listens, whom it answers, how long it keeps its log, and its data and backups." />
      <ServerSection />
      <AccessSection />
      <BackupSection />
      <DataSection />
    </Stack>
  )
}
