import { ActionIcon, Button, Center, Collapse, Group, Loader, Pagination, Table, Text, VisuallyHidden } from '@mantine/core'
import { defaultRangeExtractor, useWindowVirtualizer, type Range } from '@tanstack/react-virtual'
import { useCallback, useEffect, useRef, useState, type CSSProperties, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react'
import classes from './DataTable.module.css'
import { ChevronDownIcon, ChevronRightIcon } from './icons'

export interface Column<Row> {
  /** Tells the column from its siblings (React's key), never shown. */
  key: string
  header: string
  /** The header is for screen readers only, as over a column of row buttons. */
  hideHeader?: boolean
  cell: (row: Row) => ReactNode
  width?: number
  align?: 'left' | 'center' | 'right'
  /** Times and figures stay on one line. */
  nowrap?: boolean
  /** Text style for each body cell of the column, where the cell is plain text. */
  cellProps?: { fw?: number; ff?: 'monospace' }
}

/** `data-*` attributes for a row: test ids and what a test or a style selects rows by. */
export type RowAttributes = { [name: `data-${string}`]: string | number | undefined }

export interface DataTableProps<Row> {
  /** The table's accessible name. */
  label: string
  testId: string
  columns: readonly Column<Row>[]
  rows: readonly Row[]
  rowKey: (row: Row) => string | number
  rowAttributes?: (row: Row) => RowAttributes
  /** With no rows: a spinner while this is true, else `empty`. */
  loading: boolean
  empty: ReactNode
  /** Below this width the table scrolls sideways instead of squeezing its columns. */
  minWidth: number
  /** Tighter rows, for logs. */
  dense?: boolean
  /**
   * Columns keep the widths given (those without one share what is left) and cells cut their text
   * rather than widen the table. A virtualized table is always laid out so, as the rows drawn change
   * while it scrolls; a table that can grow that long looks the same before it does with this.
   */
  fixedLayout?: boolean
  /** Rows that open a detail under them, through a chevron button in a first column. */
  expand?: {
    detail: (row: Row) => ReactNode
    toggleLabel: (row: Row, open: boolean) => string
    toggleTestId: (row: Row) => string
  }
  /**
   * Rows that open something: they take focus, and Enter, Space or a click (outside the row's own
   * buttons and links) calls this.
   */
  onRowActivate?: (row: Row) => void
  /**
   * A newest-first log that has older rows to fetch: they are fetched as the operator scrolls near the
   * end (infinite scroll), and a "Load older" button under the table does the same from the keyboard.
   */
  older?: { total: number; loading: boolean; onLoad: () => void; testId: string }
  /**
   * The key of a row to bring into view, focus and mark (a link such as `#/keys?key=…` names it).
   * It is brought into view once it is among the rows, and again whenever it changes.
   */
  highlight?: string | number | null
  /** A list read one numbered page at a time: "26–50 of 150" and a pager under the table. */
  paging?: Paging
}

export interface Paging {
  page: number
  limit: number
  total: number
  onChange: (page: number) => void
  testId: string
  /** What the rows are, for "26–50 of 150 listings". */
  noun: string
}

function Pager({ page, limit, total, onChange, testId, noun }: Paging) {
  if (total === 0) return null
  const pages = Math.max(1, Math.ceil(total / limit))
  const first = (page - 1) * limit + 1
  const last = Math.min(total, page * limit)
  return (
    <Group justify="space-between" data-testid={testId}>
      <Text size="sm" c="dimmed" data-testid={`${testId}-range`}>
        {first.toLocaleString()}–{last.toLocaleString()} of {total.toLocaleString()} {noun}
      </Text>
      <Pagination
        size="sm"
        total={pages}
        value={Math.min(page, pages)}
        onChange={onChange}
        hideWithOnePage
        aria-label={`Pages of ${noun}`}
        getItemProps={(item) => ({ 'aria-label': `Page ${item}` })}
        getControlProps={(control) => ({ 'aria-label': control === 'next' ? 'Next page' : control === 'previous' ? 'Previous page' : control })}
      />
    </Group>
  )
}

/** A control inside the row handles its own clicks and keys; the row reacts to the rest. */
function fromRowItself(event: MouseEvent<HTMLElement> | KeyboardEvent<HTMLElement>): boolean {
  const control = (event.target as HTMLElement).closest('button, a, input, select, textarea, [role="button"]')
  return !control || !event.currentTarget.contains(control)
}

/**
 * Above this many rows only the rows in and near the window are in the page (virtualized); at or
 * below it every row is, so the browser's find-in-page and a screen reader's table navigation see them all.
 */
export const VIRTUALIZE_ABOVE = 300
/** Rows drawn beyond each edge of the window while virtualized: enough for keyboard scrolling, few enough to lay out fast. */
const OVERSCAN = 4
/** How near the end of the rows (in pixels below the window) older rows are fetched. */
const FETCH_AHEAD_PX = 2_500

interface Geometry {
  /** Where the table's first row starts, from the top of the document: the window virtualizer measures from there. */
  scrollMargin: number
  /** The height of a (closed) row as drawn; rows of a virtualized table are taken to be this tall. */
  rowHeight: number
}

function useGeometry(table: React.RefObject<HTMLTableElement | null>, head: React.RefObject<HTMLTableSectionElement | null>, dense: boolean): Geometry {
  const [geometry, setGeometry] = useState<Geometry>({ scrollMargin: 0, rowHeight: dense ? 37 : 53 })
  useEffect(() => {
    const measure = () => {
      if (!table.current || !head.current) return
      const scrollMargin = Math.round(table.current.getBoundingClientRect().top + window.scrollY + head.current.offsetHeight)
      const row = table.current.querySelector<HTMLElement>('tbody[data-index] > tr')
      const height = row ? row.getBoundingClientRect().height : 0
      setGeometry((current) => {
        const rowHeight = height > 0 && Math.abs(height - current.rowHeight) >= 0.5 ? height : current.rowHeight
        return Math.abs(current.scrollMargin - scrollMargin) >= 1 || rowHeight !== current.rowHeight ? { scrollMargin, rowHeight } : current
      })
    }
    // What is above the table (filters wrapping, an alert) moves it; rows arriving, a theme or a narrower window resize it.
    const observer = new ResizeObserver(measure)
    observer.observe(document.body)
    if (table.current) observer.observe(table.current)
    return () => observer.disconnect()
  }, [table, head])
  return geometry
}

/** A column's classes (and the rare style) for its body cells, drawn as plain elements. */
function cellLook<Row>(column: Column<Row>): { className: string; style?: CSSProperties } {
  const names = [Table.classes.td]
  if (column.align === 'right') names.push(classes.right)
  if (column.align === 'center') names.push(classes.center)
  if (column.nowrap) names.push(classes.nowrap)
  if (column.cellProps?.ff === 'monospace') names.push(classes.mono)
  const fontWeight = column.cellProps?.fw as CSSProperties['fontWeight'] | undefined
  return { className: names.join(' '), ...(fontWeight !== undefined && { style: { fontWeight } }) }
}

/** Declare the columns once; the table draws the header, the rows, the empty or loading row and the paging footer. */
export function DataTable<Row>(props: DataTableProps<Row>) {
  const { label, testId, columns, rows, rowKey, rowAttributes, loading, empty, minWidth, dense, fixedLayout, expand, onRowActivate, older, paging, highlight } = props
  const [expanded, setExpanded] = useState<ReadonlySet<string | number>>(new Set())
  const span = columns.length + (expand ? 1 : 0)

  const tableRef = useRef<HTMLTableElement>(null)
  const headRef = useRef<HTMLTableSectionElement>(null)
  const { scrollMargin, rowHeight } = useGeometry(tableRef, headRef, !!dense)
  const virtual = rows.length > VIRTUALIZE_ABOVE
  // The focused row stays drawn while it is scrolled away, so focus is not lost with it.
  const focusedIndex = useRef<number | null>(null)
  const rangeExtractor = useCallback((range: Range) => {
    const indexes = defaultRangeExtractor(range)
    const focused = focusedIndex.current
    if (focused !== null && focused < range.count && !indexes.includes(focused)) indexes.push(focused)
    return indexes.sort((a, b) => a - b)
  }, [])
  // Stable between renders: the virtualizer recomputes every row's place (all 100,000) when these change.
  const rowKeyRef = useRef(rowKey)
  useEffect(() => {
    rowKeyRef.current = rowKey
  })
  const getItemKey = useCallback((index: number) => rowKeyRef.current(rows[index]), [rows])
  const estimateSize = useCallback(() => rowHeight, [rowHeight])
  const virtualizer = useWindowVirtualizer<HTMLTableSectionElement>({
    count: virtual ? rows.length : 0,
    estimateSize,
    overscan: OVERSCAN,
    scrollMargin,
    getItemKey,
    rangeExtractor,
    enabled: virtual,
  })
  // A new row height (first drawn, another theme) re-places every row; an opened detail is measured as drawn.
  useEffect(() => {
    if (virtual) virtualizer.measure()
  }, [virtual, virtualizer, rowHeight])

  const toggle = (key: string | number, index: number) => {
    const closing = expanded.has(key)
    setExpanded((current) => {
      const next = new Set(current)
      if (!next.delete(key)) next.add(key)
      return next
    })
    // A closed row is one row tall again (its detail was measured while open).
    if (closing && virtual) virtualizer.resizeItem(index, rowHeight)
  }

  const indexOfKey = (key: string | number | null | undefined) => (key === null || key === undefined ? -1 : rows.findIndex((row) => rowKey(row) === key))
  const rowElement = (index: number) => tableRef.current?.querySelector<HTMLElement>(`tbody[data-index="${index}"] > tr`) ?? null

  /** Scrolls row `index` into view, then focuses it (it exists once drawn). */
  const bringIntoView = (index: number, align: 'auto' | 'center') => {
    if (virtual) virtualizer.scrollToIndex(index, { align })
    const focus = (tries: number) => {
      const element = rowElement(index)
      if (element) {
        if (!virtual) element.scrollIntoView({ block: align === 'center' ? 'center' : 'nearest' })
        element.focus({ preventScroll: true })
      } else if (tries > 0) requestAnimationFrame(() => focus(tries - 1))
    }
    focus(10)
  }

  // A highlighted row comes into view and takes focus when it first appears among the rows.
  const highlightIndex = indexOfKey(highlight)
  const shownHighlight = useRef<string | number | null>(null)
  useEffect(() => {
    if (highlight === null || highlight === undefined) shownHighlight.current = null
    else if (highlightIndex >= 0 && shownHighlight.current !== highlight) {
      shownHighlight.current = highlight
      bringIntoView(highlightIndex, 'center')
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [highlight, highlightIndex])

  // Infinite scroll: the sentinel under the table comes near the window, and older rows are fetched;
  // after each page, again while it is still near (a short page may not fill the window).
  const sentinelRef = useRef<HTMLDivElement>(null)
  const [nearEnd, setNearEnd] = useState(false)
  const hasOlder = !!older && rows.length > 0 && rows.length < older.total
  useEffect(() => {
    const sentinel = sentinelRef.current
    if (!sentinel || !hasOlder) return
    const observer = new IntersectionObserver((entries) => setNearEnd(entries.some((entry) => entry.isIntersecting)), { rootMargin: `0px 0px ${FETCH_AHEAD_PX}px 0px` })
    observer.observe(sentinel)
    return () => observer.disconnect()
  }, [hasOlder])
  const olderLoading = older?.loading ?? false
  const onLoadOlder = older?.onLoad
  useEffect(() => {
    if (nearEnd && hasOlder && !olderLoading) onLoadOlder?.()
  }, [nearEnd, hasOlder, olderLoading, rows.length, onLoadOlder])

  const rowKeys = (index: number) => (event: KeyboardEvent<HTMLElement>) => {
    if (!fromRowItself(event)) return
    if ((event.key === 'Enter' || event.key === ' ') && onRowActivate) {
      event.preventDefault()
      onRowActivate(rows[index])
      return
    }
    // Rows off screen are not in the page while virtualized: arrows, Home and End reach them.
    const target = event.key === 'ArrowDown' ? index + 1 : event.key === 'ArrowUp' ? index - 1 : event.key === 'Home' ? 0 : event.key === 'End' ? rows.length - 1 : null
    if (target === null || target < 0 || target >= rows.length) return
    event.preventDefault()
    bringIntoView(target, 'auto')
  }

  const items = virtual ? virtualizer.getVirtualItems() : rows.map((_, index) => ({ index, start: 0, end: 0 }))
  const first = items[0]
  const last = items[items.length - 1]
  const padTop = virtual && first ? first.start - scrollMargin : 0
  const padBottom = virtual && last ? Math.max(0, virtualizer.getTotalSize() - (last.end - scrollMargin)) : 0
  const spacer = (height: number, key: string) =>
    height > 0 && (
      <tbody key={key} aria-hidden="true">
        <tr style={{ height }} />
      </tbody>
    )
  const cellLooks = columns.map(cellLook)

  return (
    <>
      <Table.ScrollContainer minWidth={minWidth}>
        <Table
          ref={tableRef}
          verticalSpacing={dense ? 6 : 'sm'}
          // Virtualized, the columns keep the widths of the header, not of whichever rows are drawn.
          layout={virtual || fixedLayout ? 'fixed' : undefined}
          aria-label={label}
          aria-rowcount={virtual ? rows.length + 1 : undefined}
          data-testid={testId}
          data-virtual={virtual || undefined}
        >
          <Table.Thead ref={headRef}>
            <Table.Tr aria-rowindex={virtual ? 1 : undefined}>
              {expand && <Table.Th w={40} />}
              {columns.map((column) => (
                <Table.Th key={column.key} w={column.width} ta={column.align}>
                  {column.hideHeader ? <VisuallyHidden>{column.header}</VisuallyHidden> : column.header}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          {rows.length === 0 && (
            <Table.Tbody>
              <Table.Tr>
                <Table.Td colSpan={span}>
                  <Center py="lg">
                    {loading ? (
                      <Loader size="sm" aria-label="Loading" />
                    ) : (
                      <Text size="sm" c="dimmed" component="div" ta="center">
                        {empty}
                      </Text>
                    )}
                  </Center>
                </Table.Td>
              </Table.Tr>
            </Table.Tbody>
          )}
          {spacer(padTop, 'pad-top')}
          {/*
            One row group per row (with its detail): valid HTML, and what an opened detail is measured by.
            Body rows and cells are plain elements with the Table's classes: a fast scroll draws dozens a frame.
          */}
          {items.map(({ index }) => {
            const row = rows[index]
            const key = rowKey(row)
            const open = expanded.has(key)
            const highlighted = highlight !== null && highlight !== undefined && key === highlight
            // Stripes by the row's index, not its place among the rows drawn; none where details open under rows.
            const rowClass = [Table.classes.tr, classes.row, !expand && index % 2 === 0 && classes.stripe, highlighted && classes.highlighted, onRowActivate && classes.activatable]
              .filter(Boolean)
              .join(' ')
            return (
              <tbody key={key} data-index={index} ref={virtual && open ? virtualizer.measureElement : undefined}>
                <tr
                  className={rowClass}
                  data-with-row-border
                  data-hover={!expand || undefined}
                  {...rowAttributes?.(row)}
                  data-highlighted={highlighted || undefined}
                  aria-current={highlighted || undefined}
                  aria-rowindex={virtual ? index + 2 : undefined}
                  tabIndex={onRowActivate ? 0 : highlighted ? -1 : undefined}
                  onClick={onRowActivate ? (event: MouseEvent<HTMLElement>) => fromRowItself(event) && onRowActivate(row) : undefined}
                  onKeyDown={onRowActivate ? rowKeys(index) : undefined}
                  onFocus={() => (focusedIndex.current = index)}
                  onBlur={() => (focusedIndex.current = null)}
                >
                  {expand && (
                    <td className={Table.classes.td}>
                      <ActionIcon
                        variant="subtle"
                        color="gray"
                        onClick={() => toggle(key, index)}
                        aria-expanded={open}
                        aria-label={expand.toggleLabel(row, open)}
                        data-testid={expand.toggleTestId(row)}
                      >
                        {open ? <ChevronDownIcon /> : <ChevronRightIcon />}
                      </ActionIcon>
                    </td>
                  )}
                  {columns.map((column, at) => (
                    <td key={column.key} {...cellLooks[at]}>
                      {column.cell(row)}
                    </td>
                  ))}
                </tr>
                {expand && open && (
                  <tr className={Table.classes.tr} data-with-row-border>
                    <td className={`${Table.classes.td} ${classes.detail}`} colSpan={span}>
                      <Collapse expanded>{expand.detail(row)}</Collapse>
                    </td>
                  </tr>
                )}
              </tbody>
            )
          })}
          {spacer(padBottom, 'pad-bottom')}
        </Table>
      </Table.ScrollContainer>
      {hasOlder && (
        <Center ref={sentinelRef}>
          <Button variant="default" loading={older.loading} onClick={older.onLoad} data-testid={older.testId}>
            Load older
          </Button>
        </Center>
      )}
      {paging && <Pager {...paging} />}
    </>
  )
}
