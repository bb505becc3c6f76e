import { Stack, Tabs, Text } from '@mantine/core'
import { useEffect } from 'react'
import type { WebhookEndpoint } from '../../../src-shared/webhooks'
import { PageHeader } from '../../components/PageHeader'
import { useLoadOnArrival } from '../../components/useLoadOnArrival'
import { useSection } from '../../router'
import { useAdmin } from '../../store'
import { DeliveriesTab } from './DeliveriesTab'
import { DeliveryDrawer } from './DeliveryDrawer'
import { EndpointsTab } from './EndpointsTab'

const SECTIONS = ['endpoints', 'deliveries'] as const
type Section = (typeof SECTIONS)[number]

/** Webhooks (SPEC §5): the endpoints events go to, and every delivery with each attempt, to inspect and send again. */
export function WebhooksPage() {
  const [section, setSection] = useSection(SECTIONS, 'endpoints')
  const loadWebhooks = useAdmin((s) => s.loadWebhooks)
  const followDeliveries = useAdmin((s) => s.followDeliveries)
  const setDeliveryFilter = useAdmin((s) => s.setDeliveryFilter)
  const endpointCount = useAdmin((s) => s.webhookEndpoints.length)
  const endpointsLoaded = useAdmin((s) => s.webhookEndpointsLoaded)
  const deliveryTotal = useAdmin((s) => s.deliveries.total)
  const deliveriesLoaded = useAdmin((s) => s.deliveries.loaded)

  // Read each time the page opens: the API and the CLI change endpoints too.
  useLoadOnArrival(false, loadWebhooks)
  useEffect(() => followDeliveries(), [followDeliveries])

  const showDeliveries = (endpoint: WebhookEndpoint) => {
    setDeliveryFilter({ endpointId: endpoint.id })
    setSection('deliveries')
  }

  return (
    <Stack>
      <PageHeader
        title="Webhooks"
        description={
          <>
            Where marketplace events are sent, signed, retried and logged: every attempt&apos;s request and response, to inspect and send again.
            Endpoints are managed here and through <Text span ff="monospace">/api/v1/webhooks</Text>.
          </>
        }
      />
      <Tabs value={section} onChange={(value) => value && setSection(value as Section)} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="endpoints" data-testid="webhooks-tab-endpoints">
            Endpoints{endpointsLoaded && endpointCount > 0 ? ` (${endpointCount.toLocaleString()})` : ''}
          </Tabs.Tab>
          <Tabs.Tab value="deliveries" data-testid="webhooks-tab-deliveries">
            Deliveries{deliveriesLoaded && deliveryTotal > 0 ? ` (${deliveryTotal.toLocaleString()})` : ''}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="endpoints" pt="md">
          <EndpointsTab onShowDeliveries={showDeliveries} />
        </Tabs.Panel>
        <Tabs.Panel value="deliveries" pt="md">
          <DeliveriesTab />
        </Tabs.Panel>
      </Tabs>
      <DeliveryDrawer />
    </Stack>
  )
}
