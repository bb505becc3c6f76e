import { Badge, Group, Text, Tooltip } from '@mantine/core'
import type { Listing, Soul } from '../../../src-shared/marketplace'
import { formatUsdt } from '../../components/format'
import { StarIcon } from '../../components/icons'
import { PRICING_LABEL, SOUL_KIND_COLOR } from './labels'

/** Small pieces the marketplace's tables and drawers share. */

export function RatingCell({ listing }: { listing: Pick<Listing, 'rating' | 'reviewCount'> }) {
  if (listing.reviewCount === 0)
    return (
      <Text size="sm" c="dimmed">
        no reviews
      </Text>
    )
  return (
    <Group gap={4} wrap="nowrap" aria-label={`Rated ${listing.rating.toFixed(1)} of 5 from ${listing.reviewCount} reviews`}>
      <StarIcon size={14} style={{ color: 'var(--mantine-color-yellow-filled)', fill: 'var(--mantine-color-yellow-filled)' }} />
      <Text size="sm" fw={500}>
        {listing.rating.toFixed(1)}
      </Text>
      <Text size="xs" c="dimmed">
        ({listing.reviewCount.toLocaleString()})
      </Text>
    </Group>
  )
}

export function PricingBadge({ pricing }: { pricing: Listing['pricing'] }) {
  return (
    <Badge variant={pricing === 'subscription' ? 'light' : 'outline'} color={pricing === 'subscription' ? 'violet' : 'gray'} tt="none">
      {PRICING_LABEL[pricing]}
    </Badge>
  )
}

export function FeaturedBadge() {
  return (
    <Badge color="yellow" variant="light" tt="none">
      featured
    </Badge>
  )
}

/** An amount in USDT, in figures that line up. */
export function Usdt({ amount, testId, signed }: { amount: string; testId?: string; signed?: boolean }) {
  const color = signed ? (amount.startsWith('-') ? 'red' : 'teal') : undefined
  return (
    <Text size="sm" ff="monospace" c={color} style={{ whiteSpace: 'nowrap' }} data-testid={testId}>
      {signed && !amount.startsWith('-') ? '+' : ''}
      {formatUsdt(amount)}
    </Text>
  )
}

/** A soul by its name (the id in a tooltip), or its id while the souls are not known. */
export function SoulName({ id, souls }: { id: string; souls: ReadonlyMap<string, string> }) {
  const name = souls.get(id)
  return (
    <Tooltip label={id} withArrow disabled={!name}>
      <Text size="sm" ff={name ? undefined : 'monospace'} span>
        {name ?? id}
      </Text>
    </Tooltip>
  )
}

export function SoulKindBadge({ kind }: { kind: Soul['kind'] }) {
  return (
    <Badge variant="light" color={SOUL_KIND_COLOR[kind]} tt="none">
      {kind}
    </Badge>
  )
}
