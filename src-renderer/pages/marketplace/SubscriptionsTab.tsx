import { Badge, Button, Stack, Text, Tooltip } from '@mantine/core'
import { useMemo, useState } from 'react'
import type { Subscription } from '../../../src-shared/marketplace'
import { ConfirmModal } from '../../components/ConfirmModal'
import { DataTable, type Column } from '../../components/DataTable'
import { EmptyState } from '../../components/EmptyState'
import { hrefFor } from '../../router'
import { formatDateTime } from '../../components/format'
import { useLoadOnArrival } from '../../components/useLoadOnArrival'
import { useAdmin } from '../../store'
import { SoulName, Usdt } from './cells'
import { SUBSCRIPTION_STATUS_COLOR } from './labels'

function StatusCell({ subscription }: { subscription: Subscription }) {
  const badge = (
    <Badge color={SUBSCRIPTION_STATUS_COLOR[subscription.status]} variant="light" data-testid={`subscription-status-${subscription.id}`}>
      {subscription.status}
    </Badge>
  )
  if (subscription.status === 'active') return badge
  return (
    <Stack gap={2}>
      {badge}
      <Text size="xs" c="dimmed" maw={260}>
        {subscription.endReason ?? 'ended'}
        {subscription.endedAt && `, ${formatDateTime(subscription.endedAt)}`}
      </Text>
    </Stack>
  )
}

function subscriptionColumns(souls: ReadonlyMap<string, string>, onCancel: (subscription: Subscription) => void): Column<Subscription>[] {
  return [
    {
      key: 'listing',
      header: 'Listing',
      cell: (subscription) => (
        <>
          <Text size="sm" fw={500}>
            {subscription.listingTitle}
          </Text>
          <Text size="xs" c="dimmed" ff="monospace">
            {subscription.id}
          </Text>
        </>
      ),
    },
    { key: 'buyer', header: 'Buyer', cell: (subscription) => <SoulName id={subscription.buyerId} souls={souls} /> },
    { key: 'price', header: 'Per month', align: 'right', cell: (subscription) => <Usdt amount={subscription.price} /> },
    { key: 'status', header: 'Status', cell: (subscription) => <StatusCell subscription={subscription} /> },
    {
      key: 'period',
      header: 'Paid until',
      nowrap: true,
      cell: (subscription) => (
        <Tooltip label={`Current period from ${formatDateTime(subscription.currentPeriodStart)}`} withArrow>
          <Text size="sm" span>
            {formatDateTime(subscription.currentPeriodEnd)}
          </Text>
        </Tooltip>
      ),
    },
    { key: 'renewals', header: 'Renewals', align: 'right', cell: (subscription) => <Text size="sm">{subscription.renewals}</Text> },
    { key: 'started', header: 'Started', nowrap: true, cell: (subscription) => <Text size="sm">{formatDateTime(subscription.createdAt)}</Text> },
    {
      key: 'actions',
      header: 'Actions',
      hideHeader: true,
      align: 'right',
      cell: (subscription) => (
        <Button
          size="xs"
          variant="light"
          color="red"
          disabled={subscription.status !== 'active'}
          onClick={() => onCancel(subscription)}
          aria-label={`Cancel the subscription ${subscription.id} to ${subscription.listingTitle}`}
          data-testid={`cancel-${subscription.id}`}
        >
          Cancel
        </Button>
      ),
    },
  ]
}

/** Every subscription, newest first: renewals fall due on the simulation clock. */
export function SubscriptionsTab() {
  const { rows, page, limit, total, loaded, loading } = useAdmin((s) => s.subscriptions)
  const souls = useAdmin((s) => s.souls)
  const loadSubscriptions = useAdmin((s) => s.loadSubscriptions)
  const setSubscriptionsPage = useAdmin((s) => s.setSubscriptionsPage)
  const cancelSubscription = useAdmin((s) => s.cancelSubscription)
  const reportError = useAdmin((s) => s.reportError)
  const reportSuccess = useAdmin((s) => s.reportSuccess)
  const [cancelling, setCancelling] = useState<Subscription | null>(null)
  useLoadOnArrival(false, loadSubscriptions)
  const names = useMemo(() => new Map(souls.map((soul) => [soul.id, soul.name])), [souls])

  const cancel = async () => {
    if (!cancelling) return
    try {
      await cancelSubscription(cancelling.id)
      reportSuccess('Subscription cancelled', `“${cancelling.listingTitle}” will not renew; it stays usable until ${formatDateTime(cancelling.currentPeriodEnd)}.`)
    } catch (error) {
      reportError(error, 'The subscription was not cancelled')
      throw error
    }
  }

  return (
    <Stack>
      <Text size="xs" c="dimmed">
        Monthly listings renew from the buyer’s wallet when their period ends on the simulation clock; one the wallet cannot pay lapses.
      </Text>
      <DataTable
        label="Subscriptions"
        testId="subscriptions-table"
        minWidth={1000}
        columns={subscriptionColumns(names, setCancelling)}
        rows={rows}
        rowKey={(subscription) => subscription.id}
        rowAttributes={(subscription) => ({ 'data-testid': 'subscription-row', 'data-subscription-id': subscription.id, 'data-status': subscription.status })}
        loading={!loaded || loading}
        empty={
          <EmptyState
            actions={
              <Button component="a" href={hrefFor('marketplace', 'listings')} size="xs" variant="default">
                See the listings
              </Button>
            }
          >
            No subscriptions yet. Buying a monthly listing starts one; it renews on the simulation clock.
          </EmptyState>
        }
        paging={{ page, limit, total, onChange: setSubscriptionsPage, testId: 'subscriptions-pager', noun: 'subscriptions' }}
      />
      <ConfirmModal
        opened={cancelling !== null}
        title="Cancel this subscription?"
        confirmLabel="Cancel subscription"
        danger
        onConfirm={cancel}
        onClose={() => setCancelling(null)}
        testId="confirm-cancel-subscription"
      >
        <Text size="sm">
          {cancelling && <SoulName id={cancelling.buyerId} souls={names} />}’s subscription to <b>{cancelling?.listingTitle}</b> will not renew.
          Its license stays usable until {formatDateTime(cancelling?.currentPeriodEnd ?? null)}. This cannot be undone.
        </Text>
      </ConfirmModal>
    </Stack>
  )
}
