import { Button, List, Stack, Tabs, Text } from '@mantine/core'
import { useState } from 'react'
import { ConfirmModal } from '../../components/ConfirmModal'
import { PageHeader } from '../../components/PageHeader'
import { useSection } from '../../router'
import { useAdmin } from '../../store'
import { ListingsTab } from './ListingsTab'
import { PurchasesTab } from './PurchasesTab'
import { SoulsTab } from './SoulsTab'
import { SubscriptionsTab } from './SubscriptionsTab'

const SECTIONS = ['listings', 'souls', 'purchases', 'subscriptions'] as const
type Section = (typeof SECTIONS)[number]
const LABELS: Record<Section, string> = { listings: 'Listings', souls: 'Souls', purchases: 'Purchases', subscriptions: 'Subscriptions' }

/** The demo marketplace the API's keys buy from, as the operator runs it. */
export function MarketplacePage() {
  const [section, setSection] = useSection(SECTIONS, 'listings')
  const resetDemo = useAdmin((s) => s.resetDemo)
  const reportError = useAdmin((s) => s.reportError)
  const reportSuccess = useAdmin((s) => s.reportSuccess)
  const [confirmingReset, setConfirmingReset] = useState(false)

  const reset = async () => {
    try {
      const counts = await resetDemo()
      reportSuccess('Demo data reset', `${counts.souls} souls and ${counts.listings} listings, as first seeded.`)
    } catch (error) {
      reportError(error, 'The demo data was not reset')
      throw error
    }
  }

  return (
    <Stack>
      <PageHeader
        title="Marketplace"
        description="The demo marketplace your keys buy from: listings, souls and their wallets, purchases and subscriptions."
        actions={
          <Button variant="light" color="red" onClick={() => setConfirmingReset(true)} data-testid="reset-demo">
            Reset demo data
          </Button>
        }
      />
      <Tabs value={section} onChange={(value) => value && setSection(value as Section)} keepMounted={false}>
        <Tabs.List>
          {SECTIONS.map((name) => (
            <Tabs.Tab key={name} value={name} data-testid={`marketplace-tab-${name}`}>
              {LABELS[name]}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="listings" pt="md">
          <ListingsTab onResetDemo={() => setConfirmingReset(true)} />
        </Tabs.Panel>
        <Tabs.Panel value="souls" pt="md">
          <SoulsTab onResetDemo={() => setConfirmingReset(true)} />
        </Tabs.Panel>
        <Tabs.Panel value="purchases" pt="md">
          <PurchasesTab />
        </Tabs.Panel>
        <Tabs.Panel value="subscriptions" pt="md">
          <SubscriptionsTab />
        </Tabs.Panel>
      </Tabs>

      <ConfirmModal
        opened={confirmingReset}
        title="Reset the demo data?"
        confirmLabel="Reset demo data"
        danger
        onConfirm={reset}
        onClose={() => setConfirmingReset(false)}
        testId="confirm-reset-demo"
      >
        <Text size="sm">The marketplace goes back to its demo set as first seeded (same souls, listings and ids). Lost for good:</Text>
        <List size="sm" mt="xs" spacing={2}>
          <List.Item>every purchase, license and subscription;</List.Item>
          <List.Item>every deposit and the wallets’ ledgers: balances return to their demo amounts (your own soul to 500.00 USDT);</List.Item>
          <List.Item>the souls’ activity;</List.Item>
          <List.Item>listing edits and deletions, and listings created through the API.</List.Item>
        </List>
        <Text size="sm" mt="xs">
          Keys, tiers, the request log and the audit log stay. A key acting as a soul the demo set lacks goes back to your own soul. The
          simulation clock is not moved.
        </Text>
      </ConfirmModal>
    </Stack>
  )
}
