import { ActionIcon, Button, Center, Collapse, Group, Loader, Pagination, Table, Text, VisuallyHidden, type TableTdProps } from '@mantine/core'
import { Fragment, useState, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react'
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
  cellProps?: Pick<TableTdProps, 'fw' | 'ff' | 'fz' | 'c'>
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
  /** A newest-first log that has older rows to fetch: a "Load older" button under the table. */
  older?: { total: number; loading: boolean; onLoad: () => void; testId: string }
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

/** Declare the columns once; the table draws the header, the rows, the empty or loading row and the paging footer. */
export function DataTable<Row>(props: DataTableProps<Row>) {
  const { label, testId, columns, rows, rowKey, rowAttributes, loading, empty, minWidth, dense, expand, onRowActivate, older, paging } = props
  const [expanded, setExpanded] = useState<ReadonlySet<string | number>>(new Set())
  const toggle = (key: string | number) =>
    setExpanded((current) => {
      const next = new Set(current)
      if (!next.delete(key)) next.add(key)
      return next
    })
  const activation = (row: Row) =>
    onRowActivate && {
      tabIndex: 0,
      style: { cursor: 'pointer' },
      onClick: (event: MouseEvent<HTMLElement>) => fromRowItself(event) && onRowActivate(row),
      onKeyDown: (event: KeyboardEvent<HTMLElement>) => {
        if ((event.key === 'Enter' || event.key === ' ') && fromRowItself(event)) {
          event.preventDefault()
          onRowActivate(row)
        }
      },
    }
  const span = columns.length + (expand ? 1 : 0)

  return (
    <>
      <Table.ScrollContainer minWidth={minWidth}>
        {/* Stripes count the hidden detail rows too, so a table with them has none. */}
        <Table striped={!expand} highlightOnHover={!expand} verticalSpacing={dense ? 6 : 'sm'} aria-label={label} data-testid={testId}>
          <Table.Thead>
            <Table.Tr>
              {expand && <Table.Th w={40} />}
              {columns.map((column) => (
                <Table.Th key={column.key} w={column.width} ta={column.align}>
                  {column.hideHeader ? <VisuallyHidden>{column.header}</VisuallyHidden> : column.header}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={span}>
                  <Center py="lg">
                    {loading ? (
                      <Loader size="sm" aria-label="Loading" />
                    ) : (
                      <Text size="sm" c="dimmed">
                        {empty}
                      </Text>
                    )}
                  </Center>
                </Table.Td>
              </Table.Tr>
            )}
            {rows.map((row) => {
              const key = rowKey(row)
              const open = expanded.has(key)
              return (
                <Fragment key={key}>
                  <Table.Tr {...rowAttributes?.(row)} {...activation(row)}>
                    {expand && (
                      <Table.Td>
                        <ActionIcon
                          variant="subtle"
                          color="gray"
                          onClick={() => toggle(key)}
                          aria-expanded={open}
                          aria-label={expand.toggleLabel(row, open)}
                          data-testid={expand.toggleTestId(row)}
                        >
                          {open ? <ChevronDownIcon /> : <ChevronRightIcon />}
                        </ActionIcon>
                      </Table.Td>
                    )}
                    {columns.map((column) => (
                      <Table.Td key={column.key} ta={column.align} style={column.nowrap ? { whiteSpace: 'nowrap' } : undefined} {...column.cellProps}>
                        {column.cell(row)}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                  {expand && (
                    <Table.Tr style={{ display: open ? undefined : 'none' }}>
                      <Table.Td colSpan={span} py={0}>
                        <Collapse expanded={open}>{open && expand.detail(row)}</Collapse>
                      </Table.Td>
                    </Table.Tr>
                  )}
                </Fragment>
              )
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {older && rows.length > 0 && rows.length < older.total && (
        <Center>
          <Button variant="default" loading={older.loading} onClick={older.onLoad} data-testid={older.testId}>
            Load older
          </Button>
        </Center>
      )}
      {paging && <Pager {...paging} />}
    </>
  )
}
