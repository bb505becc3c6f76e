import { Button, Code, Group, Loader, SegmentedControl, Select, Stack, Text, TextInput, Tooltip } from '@mantine/core'
import { useDebouncedCallback } from '@mantine/hooks'
import { useState } from 'react'
import { LISTING_SORTS, type Listing, type ListingSort } from '../../../src-shared/marketplace'
import { DataTable, type Column } from '../../components/DataTable'
import { EmptyState } from '../../components/EmptyState'
import { SearchIcon } from '../../components/icons'
import { Thumbnail } from '../../components/Thumbnail'
import { useLoadOnArrival } from '../../components/useLoadOnArrival'
import { useAdmin } from '../../store'
import { ListingDrawer } from './ListingDrawer'
import { FeaturedBadge, PricingBadge, RatingCell, Usdt } from './cells'

const SEARCH_DEBOUNCE_MS = 300

const SORT_LABEL: Record<ListingSort, string> = {
  relevance: 'Best match',
  newest: 'Newest',
  price_asc: 'Price: low to high',
  price_desc: 'Price: high to low',
  rating: 'Rating',
  popular: 'Most reviewed',
}

const FEATURED_CHOICES = [
  { value: 'all', label: 'All' },
  { value: 'featured', label: 'Featured' },
  { value: 'other', label: 'Not featured' },
]
const featuredChoice = (featured: boolean | null) => (featured === null ? 'all' : featured ? 'featured' : 'other')

const LISTING_COLUMNS: Column<Listing>[] = [
  {
    key: 'title',
    header: 'Listing',
    cell: (listing) => (
      <Group gap="sm" wrap="nowrap">
        <Thumbnail url={listing.thumbnailUrl} width={64} label="" />
        <div style={{ minWidth: 0 }}>
          <Text size="sm" fw={500} lineClamp={1} data-testid="listing-title">
            {listing.title}
          </Text>
          <Text size="xs" c="dimmed" ff="monospace">
            {listing.id}
          </Text>
        </div>
      </Group>
    ),
  },
  { key: 'price', header: 'Price', align: 'right', nowrap: true, cell: (listing) => <Usdt amount={listing.price} /> },
  {
    key: 'pricing',
    header: 'Pricing',
    nowrap: true,
    cell: (listing) => <PricingBadge pricing={listing.pricing} />,
  },
  { key: 'category', header: 'Category', cell: (listing) => <Text size="sm">{listing.category}</Text> },
  { key: 'rating', header: 'Rating', nowrap: true, cell: (listing) => <RatingCell listing={listing} /> },
  {
    key: 'featured',
    header: 'Featured',
    cell: (listing) => (listing.featured ? <FeaturedBadge /> : null),
  },
  {
    key: 'seller',
    header: 'Seller',
    cell: (listing) => (
      <Tooltip label={listing.sellerId} withArrow>
        <Text size="sm" span>
          {listing.sellerName}
        </Text>
      </Tooltip>
    ),
  },
]

/** `onResetDemo` asks to reset the demo data (with confirmation): what brings deleted listings back. */
export function ListingsTab({ onResetDemo }: { onResetDemo: () => void }) {
  const { rows, page, limit, total, loaded, loading, filter } = useAdmin((s) => s.listings)
  const categories = useAdmin((s) => s.listingCategories)
  const loadListings = useAdmin((s) => s.loadListings)
  const setListingFilter = useAdmin((s) => s.setListingFilter)
  const setListingsPage = useAdmin((s) => s.setListingsPage)
  const [search, setSearch] = useState(filter.query)
  const [open, setOpen] = useState<Listing | null>(null)

  useLoadOnArrival(loaded, loadListings)
  const searchFor = useDebouncedCallback((query: string) => setListingFilter({ query }), SEARCH_DEBOUNCE_MS)

  const searching = filter.query.trim() !== ''
  const sort = filter.sort ?? (searching ? 'relevance' : 'newest')
  const sortChoices = LISTING_SORTS.map((value) => ({
    value,
    label: value === 'relevance' && !searching ? `${SORT_LABEL[value]} (with a search)` : SORT_LABEL[value],
    disabled: value === 'relevance' && !searching,
  }))
  const categoryChoices = [...new Set([...categories, ...(filter.category ? [filter.category] : [])])].sort()
  const filtered = searching || filter.category !== null || filter.featured !== null

  return (
    <Stack>
      <Group align="flex-end" gap="sm">
        <TextInput
          label="Search"
          placeholder="Titles, tags, categories, descriptions"
          leftSection={<SearchIcon size={16} />}
          rightSection={loading && loaded ? <Loader size="xs" aria-label="Searching" /> : null}
          value={search}
          onChange={(event) => {
            setSearch(event.currentTarget.value)
            searchFor(event.currentTarget.value)
          }}
          onKeyDown={(event) => {
            // Enter searches now, without waiting for the pause.
            if (event.key === 'Enter') {
              searchFor.cancel()
              setListingFilter({ query: search })
            }
          }}
          style={{ flex: 1, minWidth: 240 }}
          data-testid="listings-search"
        />
        <Select
          label="Category"
          placeholder="All categories"
          clearable
          searchable
          data={categoryChoices}
          value={filter.category}
          onChange={(category) => setListingFilter({ category })}
          w={180}
          data-testid="listings-category"
        />
        <Stack gap={4}>
          <Text size="sm" fw={500} id="listings-featured-label">
            Featured
          </Text>
          <SegmentedControl
            aria-labelledby="listings-featured-label"
            data={FEATURED_CHOICES}
            value={featuredChoice(filter.featured)}
            onChange={(choice) => setListingFilter({ featured: choice === 'all' ? null : choice === 'featured' })}
            data-testid="listings-featured"
          />
        </Stack>
        <Select
          label="Sort"
          data={sortChoices}
          value={sort}
          allowDeselect={false}
          onChange={(value) => value && setListingFilter({ sort: value as ListingSort })}
          w={190}
          data-testid="listings-sort"
        />
      </Group>

      <DataTable
        label="Listings"
        testId="listings-table"
        minWidth={980}
        columns={LISTING_COLUMNS}
        rows={rows}
        rowKey={(listing) => listing.id}
        rowAttributes={(listing) => ({ 'data-testid': 'listing-row', 'data-listing-id': listing.id })}
        loading={!loaded || loading}
        empty={
          filtered ? (
            <EmptyState
              actions={
                <Button
                  size="xs"
                  variant="default"
                  onClick={() => {
                    searchFor.cancel()
                    setSearch('')
                    setListingFilter({ query: '', category: null, featured: null })
                  }}
                  data-testid="listings-clear-filters"
                >
                  Clear the filters
                </Button>
              }
            >
              No listing matches these filters.
            </EmptyState>
          ) : (
            <EmptyState
              actions={
                <Button size="xs" variant="light" color="red" onClick={onResetDemo}>
                  Reset demo data
                </Button>
              }
            >
              No listings in the marketplace. Agents list theirs with <Code>POST /api/v1/listings</Code>; resetting the demo data brings the
              demo set back.
            </EmptyState>
          )
        }
        onRowActivate={setOpen}
        paging={{ page, limit, total, onChange: setListingsPage, testId: 'listings-pager', noun: searching ? 'found' : 'listings' }}
      />

      <ListingDrawer listing={open ? (rows.find((row) => row.id === open.id) ?? open) : null} onClose={() => setOpen(null)} />
    </Stack>
  )
}
