import { BarChart } from '@mantine/charts'
import { Code, Group, Stack, Table, Text } from '@mantine/core'
import type { AnalyticsRevenue } from '../../../src-shared/analytics'
import { formatUsdt } from '../../components/format'
import { bucketLabel, ChartFigure, formatCount, KEY_HUES, perBucket, useChartColors } from './chart-kit'

/** Sellers drawn one by one; the rest are summed as "other sellers". */
const SELLERS_CHARTED = 5

const usdtFormatter = (value: number) => `${value.toFixed(2)} USDT`

/** What sellers earned per bucket (sales and renewals, marketplace time), stacked by seller, with the ranking beside it. */
export function RevenueChart({ revenue }: { revenue: AnalyticsRevenue }) {
  const colors = useChartColors()
  const charted = revenue.sellers.slice(0, SELLERS_CHARTED)
  const data = revenue.buckets.map((bucket, i) => {
    const row: Record<string, string | number> = { time: bucketLabel(revenue.range, bucket.start) }
    let listed = 0
    charted.forEach((seller, s) => {
      row[`s${s}`] = Number(seller.series[i])
      listed += Number(seller.series[i])
    })
    row.other = Math.max(0, Math.round((Number(bucket.revenue) - listed) * 100) / 100)
    return row
  })
  const series = charted.map((seller, s) => ({ name: `s${s}`, label: seller.name, color: colors.shade(KEY_HUES[s % KEY_HUES.length]) }))
  if (revenue.sellersWithSales > SELLERS_CHARTED) series.push({ name: 'other', label: 'Other sellers', color: colors.shade('gray') })
  const title = 'Seller revenue'
  return (
    <ChartFigure
      title={title}
      testId="analytics-revenue"
      summary={`${formatUsdt(revenue.revenue)} from ${formatCount(revenue.sales)} sales and renewals, ${perBucket(revenue.range)} of marketplace time, by seller`}
    >
      {revenue.sales === 0 ? (
        <Stack align="center" gap={6} py="lg" data-testid="analytics-revenue-empty">
          <Text size="sm" c="dimmed" ta="center" maw={560}>
            No sales in this range. Buy a listing through the API (<Code>POST /api/v1/listings/&lt;id&gt;/purchase</Code> with a key that has the{' '}
            <Code>purchases</Code> scope), or advance the simulation clock to renew subscriptions.
          </Text>
        </Stack>
      ) : (
        <Group align="flex-start" gap="lg" wrap="wrap">
          <div style={{ flex: '3 1 420px', minWidth: 0 }}>
            <BarChart
              h={240}
              data={data}
              dataKey="time"
              type="stacked"
              tickLine="y"
              gridAxis="y"
              withLegend
              valueFormatter={usdtFormatter}
              series={series}
              barChartProps={{ title, desc: `USDT earned by sellers ${perBucket(revenue.range)}, stacked by seller` }}
            />
          </div>
          <Table verticalSpacing={4} fz="sm" aria-label="Sellers by revenue" style={{ flex: '1 1 240px' }} data-testid="analytics-sellers">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Seller</Table.Th>
                <Table.Th ta="right">Revenue</Table.Th>
                <Table.Th ta="right">Sales</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {revenue.sellers.map((seller) => (
                <Table.Tr key={seller.sellerId} data-testid="analytics-seller" data-seller-id={seller.sellerId}>
                  <Table.Td>{seller.name}</Table.Td>
                  <Table.Td ta="right" ff="monospace">
                    {seller.revenue}
                  </Table.Td>
                  <Table.Td ta="right" ff="monospace">
                    {formatCount(seller.sales)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Group>
      )}
    </ChartFigure>
  )
}
