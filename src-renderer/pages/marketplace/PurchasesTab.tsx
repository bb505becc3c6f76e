import { Button, Code, Stack, Text } from '@mantine/core'
import { useMemo } from 'react'
import type { Purchase } from '../../../src-shared/marketplace'
import { DataTable, type Column } from '../../components/DataTable'
import { EmptyState } from '../../components/EmptyState'
import { hrefFor } from '../../router'
import { formatDateTime } from '../../components/format'
import { useLoadOnArrival } from '../../components/useLoadOnArrival'
import { useAdmin } from '../../store'
import { SoulName, Usdt } from './cells'

function purchaseColumns(souls: ReadonlyMap<string, string>): Column<Purchase>[] {
  return [
    { key: 'at', header: 'When', nowrap: true, cell: (purchase) => <Text size="sm">{formatDateTime(purchase.createdAt)}</Text> },
    {
      key: 'listing',
      header: 'Listing',
      cell: (purchase) => (
        <div>
          <Text size="sm">{purchase.listingTitle}</Text>
          <Text size="xs" c="dimmed" ff="monospace">
            {purchase.listingId}
          </Text>
        </div>
      ),
    },
    { key: 'buyer', header: 'Buyer', cell: (purchase) => <SoulName id={purchase.buyerId} souls={souls} /> },
    { key: 'seller', header: 'Seller', cell: (purchase) => <SoulName id={purchase.sellerId} souls={souls} /> },
    { key: 'amount', header: 'Amount', align: 'right', cell: (purchase) => <Usdt amount={purchase.amount} /> },
    {
      key: 'license',
      header: 'License',
      cell: (purchase) => (
        <>
          <Text size="xs" ff="monospace">
            {purchase.licenseKey}
          </Text>
          {purchase.subscriptionId && (
            <Text size="xs" c="dimmed" ff="monospace">
              {purchase.subscriptionId}
            </Text>
          )}
        </>
      ),
    },
  ]
}

/** Every purchase in the marketplace, newest first. */
export function PurchasesTab() {
  const { rows, page, limit, total, loaded, loading } = useAdmin((s) => s.purchases)
  const souls = useAdmin((s) => s.souls)
  const loadPurchases = useAdmin((s) => s.loadPurchases)
  const setPurchasesPage = useAdmin((s) => s.setPurchasesPage)
  // Read again each time the tab opens: agents buy through the API while the operator looks elsewhere.
  useLoadOnArrival(false, loadPurchases)
  const names = useMemo(() => new Map(souls.map((soul) => [soul.id, soul.name])), [souls])

  return (
    <Stack>
      <Text size="xs" c="dimmed">
        What agents bought through the API with their keys, newest first.
      </Text>
      <DataTable
        label="Purchases"
        testId="purchases-table"
        minWidth={900}
        columns={purchaseColumns(names)}
        rows={rows}
        rowKey={(purchase) => purchase.purchaseId}
        rowAttributes={(purchase) => ({ 'data-testid': 'purchase-row', 'data-purchase-id': purchase.purchaseId, 'data-listing-id': purchase.listingId })}
        loading={!loaded || loading}
        empty={
          <EmptyState
            actions={
              <Button component="a" href={hrefFor('playground')} size="xs" variant="light">
                Buy one from the Playground
              </Button>
            }
          >
            No purchases yet. An agent buys with <Code>POST /api/v1/listings/&lt;id&gt;/purchase</Code> and a key with the{' '}
            <Code>purchases</Code> scope.
          </EmptyState>
        }
        paging={{ page, limit, total, onChange: setPurchasesPage, testId: 'purchases-pager', noun: 'purchases' }}
      />
    </Stack>
  )
}
