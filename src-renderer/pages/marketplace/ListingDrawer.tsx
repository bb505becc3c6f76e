import {
  Alert,
  Badge,
  Button,
  DataList,
  Divider,
  Drawer,
  Group,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Skeleton,
  Stack,
  Switch,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core'
import { useEffect, useState, type FormEvent } from 'react'
import type { MethodInput } from '../../../src-shared/contract'
import { STATS_PERIODS, type Listing, type StatsPeriod } from '../../../src-shared/marketplace'
import { ConfirmModal } from '../../components/ConfirmModal'
import { FormActions } from '../../components/FormActions'
import { formatDateTime, formatUsdt } from '../../components/format'
import { moneyError } from '../../components/money'
import { Thumbnail } from '../../components/Thumbnail'
import { useAdmin } from '../../store'
import { FeaturedBadge, PricingBadge, RatingCell } from './cells'

interface Props {
  /** The listing shown, or null when the drawer is closed. */
  listing: Listing | null
  onClose: () => void
}

/** A listing's every field, its figures over 7, 30 or 90 days, an edit form and a delete. */
export function ListingDrawer({ listing, onClose }: Props) {
  return (
    <Drawer
      opened={listing !== null}
      onClose={onClose}
      position="right"
      size="xl"
      title={<Text fw={600}>Listing</Text>}
      data-testid="listing-drawer"
    >
      {/* Keyed so each listing opens with its own values in the form. */}
      {listing && <ListingDetail key={listing.id} listing={listing} onClose={onClose} />}
    </Drawer>
  )
}

function ListingDetail({ listing, onClose }: { listing: Listing; onClose: () => void }) {
  const deleteListing = useAdmin((s) => s.deleteListing)
  const reportError = useAdmin((s) => s.reportError)
  const reportSuccess = useAdmin((s) => s.reportSuccess)
  const [confirmingDelete, setConfirmingDelete] = useState(false)

  const remove = async () => {
    try {
      await deleteListing(listing.id)
      reportSuccess('Listing deleted', `“${listing.title}” no longer shows in browsing or search; its purchases and licenses stay.`)
      onClose()
    } catch (error) {
      reportError(error, `“${listing.title}” was not deleted`)
      throw error
    }
  }

  return (
    <Stack gap="lg">
      <Group align="flex-start" wrap="nowrap">
        <Thumbnail url={listing.thumbnailUrl} width={160} label={`Thumbnail of ${listing.title}`} />
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Title order={3} size="h4" data-testid="listing-drawer-title">
            {listing.title}
          </Title>
          <Group gap="xs">
            <Text size="lg" fw={600} ff="monospace">
              {formatUsdt(listing.price)}
            </Text>
            <PricingBadge pricing={listing.pricing} />
            {listing.featured && <FeaturedBadge />}
          </Group>
          <RatingCell listing={listing} />
        </Stack>
      </Group>

      <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
        {listing.description}
      </Text>

      <DataList size="sm" labelWidth={110} withDivider>
        <DataList.Item>
          <DataList.ItemLabel>Id</DataList.ItemLabel>
          <DataList.ItemValue>
            <Text size="sm" ff="monospace">
              {listing.id}
            </Text>
          </DataList.ItemValue>
        </DataList.Item>
        <DataList.Item>
          <DataList.ItemLabel>Category</DataList.ItemLabel>
          <DataList.ItemValue>{listing.category}</DataList.ItemValue>
        </DataList.Item>
        <DataList.Item>
          <DataList.ItemLabel>Tags</DataList.ItemLabel>
          <DataList.ItemValue>
            {listing.tags.length === 0 ? (
              <Text size="sm" c="dimmed">
                none
              </Text>
            ) : (
              <Group gap={4}>
                {listing.tags.map((tag) => (
                  <Badge key={tag} variant="outline" size="sm" tt="none">
                    {tag}
                  </Badge>
                ))}
              </Group>
            )}
          </DataList.ItemValue>
        </DataList.Item>
        <DataList.Item>
          <DataList.ItemLabel>Seller</DataList.ItemLabel>
          <DataList.ItemValue>
            {listing.sellerName}{' '}
            <Text span size="xs" c="dimmed" ff="monospace">
              {listing.sellerId}
            </Text>
          </DataList.ItemValue>
        </DataList.Item>
        <DataList.Item>
          <DataList.ItemLabel>Listed</DataList.ItemLabel>
          <DataList.ItemValue>{formatDateTime(listing.createdAt)}</DataList.ItemValue>
        </DataList.Item>
        <DataList.Item>
          <DataList.ItemLabel>Updated</DataList.ItemLabel>
          <DataList.ItemValue>{formatDateTime(listing.updatedAt)}</DataList.ItemValue>
        </DataList.Item>
      </DataList>

      <ListingFigures listingId={listing.id} />

      <Divider label="Edit" labelPosition="left" />
      <ListingForm listing={listing} />

      <Divider label="Delete" labelPosition="left" color="red" />
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm" c="dimmed">
          Takes it out of browsing and search. Purchases and licenses keep naming it.
        </Text>
        <Button color="red" variant="light" onClick={() => setConfirmingDelete(true)} data-testid="delete-listing">
          Delete listing
        </Button>
      </Group>

      <ConfirmModal
        opened={confirmingDelete}
        title={`Delete “${listing.title}”?`}
        confirmLabel="Delete listing"
        danger
        onConfirm={remove}
        onClose={() => setConfirmingDelete(false)}
        testId="confirm-delete-listing"
      >
        Agents can no longer find or buy it. Purchases, licenses and subscriptions already made stay. Only a demo data reset brings a
        demo listing back.
      </ConfirmModal>
    </Stack>
  )
}

function Figure({ label, value, testId }: { label: string; value: string | null; testId: string }) {
  return (
    <Paper withBorder p="sm" radius="md">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      {value === null ? (
        <Skeleton h={24} mt={4} />
      ) : (
        <Text fw={600} size="lg" data-testid={testId}>
          {value}
        </Text>
      )}
    </Paper>
  )
}

function ListingFigures({ listingId }: { listingId: string }) {
  const view = useAdmin((s) => s.listingStats)
  const loadListingStats = useAdmin((s) => s.loadListingStats)
  const [period, setPeriod] = useState<StatsPeriod>('30d')
  useEffect(() => {
    void loadListingStats(listingId, period)
  }, [listingId, period, loadListingStats])

  const stats = view?.listingId === listingId && view.period === period ? view.stats : null
  return (
    <Stack gap="xs" data-testid="listing-stats">
      <Group justify="space-between">
        <Text fw={600} size="sm">
          Figures
        </Text>
        <SegmentedControl
          size="xs"
          aria-label="Period"
          data={STATS_PERIODS.map((value) => ({ value, label: `${value.replace('d', '')} days` }))}
          value={period}
          onChange={(value) => setPeriod(value as StatsPeriod)}
          data-testid="listing-stats-period"
        />
      </Group>
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs">
        <Figure label="Revenue" value={stats && formatUsdt(stats.revenue)} testId="stat-revenue" />
        <Figure label="Purchases" value={stats && stats.purchases.toLocaleString()} testId="stat-purchases" />
        <Figure label="Active licenses" value={stats && stats.activeLicenses.toLocaleString()} testId="stat-licenses" />
        <Figure label="Average rating" value={stats && (stats.averageRating ? stats.averageRating.toFixed(1) : '—')} testId="stat-rating" />
      </SimpleGrid>
    </Stack>
  )
}

type Draft = { title: string; description: string; category: string; price: string; pricing: Listing['pricing']; tags: string[]; featured: boolean }

const draftOf = (listing: Listing): Draft => ({
  title: listing.title,
  description: listing.description,
  category: listing.category,
  price: listing.price,
  pricing: listing.pricing,
  tags: listing.tags,
  featured: listing.featured,
})

const sameTags = (a: string[], b: string[]) => a.length === b.length && a.every((tag, index) => tag === b[index])

/** Only the fields the operator changed go to `listings.update`. */
function changesOf(listing: Listing, draft: Draft): Omit<MethodInput<'listings.update'>, 'id'> {
  const before = draftOf(listing)
  return {
    ...(draft.title.trim() !== before.title && { title: draft.title.trim() }),
    ...(draft.description.trim() !== before.description && { description: draft.description.trim() }),
    ...(draft.category.trim().toLowerCase() !== before.category && { category: draft.category.trim().toLowerCase() }),
    ...(Number(draft.price) !== Number(before.price) && { price: draft.price }),
    ...(draft.pricing !== before.pricing && { pricing: draft.pricing }),
    ...(!sameTags(draft.tags, before.tags) && { tags: draft.tags }),
    ...(draft.featured !== before.featured && { featured: draft.featured }),
  }
}

function ListingForm({ listing }: { listing: Listing }) {
  const updateListing = useAdmin((s) => s.updateListing)
  const reportError = useAdmin((s) => s.reportError)
  const reportSuccess = useAdmin((s) => s.reportSuccess)
  const [draft, setDraft] = useState<Draft>(() => draftOf(listing))
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)
  const edit = (change: Partial<Draft>) => setDraft((current) => ({ ...current, ...change }))

  const errors = {
    title: !draft.title.trim() ? 'A title, please' : draft.title.trim().length > 200 ? 'At most 200 characters' : null,
    description: !draft.description.trim() ? 'A description, please' : draft.description.trim().length > 5000 ? 'At most 5,000 characters' : null,
    category: !draft.category.trim() ? 'A category, please' : draft.category.trim().length > 60 ? 'At most 60 characters' : null,
    price: !draft.price ? 'A price, please (0.00 for free)' : moneyError(draft.price),
    tags: draft.tags.length > 20 ? 'At most 20 tags' : draft.tags.some((tag) => tag.length > 40) ? 'Tags of at most 40 characters' : null,
  }
  const changes = changesOf(listing, draft)
  const changed = Object.keys(changes).length > 0
  const invalid = Object.values(errors).some(Boolean)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (invalid || !changed) return
    setBusy(true)
    setFailure(null)
    try {
      const updated = await updateListing({ id: listing.id, ...changes })
      setDraft(draftOf(updated))
      reportSuccess('Listing saved', `“${updated.title}” is updated in browsing and search.`)
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error))
      reportError(error, `“${listing.title}” was not saved`)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form onSubmit={submit} aria-label={`Edit listing ${listing.title}`}>
      <Stack gap="sm">
        <TextInput label="Title" required value={draft.title} error={errors.title} onChange={(e) => edit({ title: e.currentTarget.value })} data-testid="listing-title-input" />
        <Textarea
          label="Description"
          required
          autosize
          minRows={3}
          maxRows={10}
          value={draft.description}
          error={errors.description}
          onChange={(e) => edit({ description: e.currentTarget.value })}
          data-testid="listing-description-input"
        />
        <Group grow align="flex-start">
          <TextInput
            label="Category"
            required
            value={draft.category}
            error={errors.category}
            onChange={(e) => edit({ category: e.currentTarget.value })}
            data-testid="listing-category-input"
          />
          <TextInput
            label="Price"
            description="USDT, up to two decimals"
            required
            value={draft.price}
            error={errors.price}
            onChange={(e) => edit({ price: e.currentTarget.value.trim() })}
            rightSection={<Text size="xs" c="dimmed">USDT</Text>}
            rightSectionWidth={48}
            data-testid="listing-price-input"
          />
        </Group>
        <Group align="flex-end" justify="space-between">
          <Stack gap={4}>
            <Text size="sm" fw={500} id="listing-pricing-label">
              Pricing
            </Text>
            <SegmentedControl
              aria-labelledby="listing-pricing-label"
              data={[
                { value: 'one_time', label: 'One-time' },
                { value: 'subscription', label: 'Monthly subscription' },
              ]}
              value={draft.pricing}
              onChange={(pricing) => edit({ pricing: pricing as Listing['pricing'] })}
              data-testid="listing-pricing-input"
            />
          </Stack>
          <Switch
            label="Featured"
            description="Shown first to agents browsing"
            checked={draft.featured}
            onChange={(e) => edit({ featured: e.currentTarget.checked })}
            data-testid="listing-featured-input"
          />
        </Group>
        <TagsInput
          label="Tags"
          description="Enter or comma after each; lower case"
          value={draft.tags}
          error={errors.tags}
          onChange={(tags) => edit({ tags: [...new Set(tags.map((tag) => tag.trim().toLowerCase()).filter(Boolean))] })}
          clearable
          data-testid="listing-tags-input"
        />
        {failure && (
          <Alert color="red" title="Not saved">
            {failure}
          </Alert>
        )}
        <FormActions
          label="Save changes"
          busy={busy}
          disabled={invalid || !changed}
          testId="save-listing"
          onCancel={() => {
            setDraft(draftOf(listing))
            setFailure(null)
          }}
          cancelLabel="Revert"
          cancelDisabled={busy || !changed}
        />
      </Stack>
    </form>
  )
}
