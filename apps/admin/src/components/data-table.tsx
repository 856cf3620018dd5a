import { Card, Paper, Stack, Table, type TableTdProps, VisuallyHidden } from '@mantine/core';
import type { ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { useIsPhone } from './responsive';
import { QueryState } from './states';

export interface Column<T> {
  /** The column's heading (read by screen readers only for an action column). */
  header: string;
  cell: (row: T) => ReactNode;
  /** Shown from Mantine's `sm` breakpoint only: on a phone a table keeps its key column and its action. */
  wide?: boolean;
  /** An action column: its heading is visually hidden. */
  actions?: boolean;
  td?: TableTdProps;
}

/**
 * Every list page's table: a bordered card with the query's loading, error and empty states, then the rows in a
 * table that scrolls sideways inside the card (never the page) when it is wider than the screen. A page whose rows
 * do not fit a phone even with their wide columns hidden gives `phoneCard`: on a phone each row is then a card in a
 * list, read top to bottom.
 */
export function DataTable<D, T>({
  query,
  rows,
  rowKey,
  columns,
  label,
  empty,
  minWidth = 720,
  phoneMinWidth = 0,
  rowHref,
  keyboardScroll = false,
  verticalSpacing = 'sm',
  footer,
  phoneCard,
}: {
  query: { data: D | undefined; isPending: boolean; isError: boolean; error: unknown; refetch: () => unknown };
  /** The rows in the answer (the answer itself when it is the list). */
  rows: (data: D) => T[];
  rowKey: (row: T) => string;
  columns: Array<Column<T>>;
  /** The table's accessible name. */
  label: string;
  empty: ReactNode;
  /** Below this width the table scrolls inside its card. */
  minWidth?: number;
  phoneMinWidth?: number;
  /** A row that opens a page: the whole row is clickable (its key cell should hold the link for the keyboard). */
  rowHref?: (row: T) => string;
  /** The scrolling area takes the keyboard focus (arrow keys scroll it): for tables that scroll on a phone too. */
  keyboardScroll?: boolean;
  verticalSpacing?: 'xs' | 'sm';
  /** Below the table, inside the card (paging). */
  footer?: (data: D) => ReactNode;
  /** On a phone, each row as a card's content instead of a table row (the list keeps `label` as its name). */
  phoneCard?: (row: T) => ReactNode;
}) {
  const phone = useIsPhone();
  const navigate = useNavigate();
  const visibleFrom = (column: Column<T>) => (column.wide ? 'sm' : undefined);
  return (
    <Card withBorder radius="md" p={0}>
      <QueryState query={query} isEmpty={(data) => rows(data).length === 0} empty={empty}>
        {(data) => (
          <>
            {phone && phoneCard ? (
              <Stack gap="xs" p="sm" role="list" aria-label={label}>
                {rows(data).map((row) => {
                  const href = rowHref?.(row);
                  return (
                    <Paper
                      key={rowKey(row)}
                      withBorder
                      radius="md"
                      p="sm"
                      role="listitem"
                      {...(href ? { style: { cursor: 'pointer' }, onClick: () => void navigate(href) } : {})}
                    >
                      {phoneCard(row)}
                    </Paper>
                  );
                })}
              </Stack>
            ) : (
              <Table.ScrollContainer
                minWidth={phone ? phoneMinWidth : minWidth}
                {...(keyboardScroll ? { type: 'native', tabIndex: 0 } : {})}
              >
                <Table highlightOnHover={!!rowHref} verticalSpacing={verticalSpacing} aria-label={label}>
                  <Table.Thead>
                    <Table.Tr>
                      {columns.map((column) => (
                        <Table.Th key={column.header} visibleFrom={visibleFrom(column)}>
                          {column.actions ? <VisuallyHidden>{column.header}</VisuallyHidden> : column.header}
                        </Table.Th>
                      ))}
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {rows(data).map((row) => {
                      const href = rowHref?.(row);
                      return (
                        <Table.Tr key={rowKey(row)} {...(href ? { style: { cursor: 'pointer' }, onClick: () => void navigate(href) } : {})}>
                          {columns.map((column) => (
                            <Table.Td key={column.header} visibleFrom={visibleFrom(column)} {...column.td}>
                              {column.cell(row)}
                            </Table.Td>
                          ))}
                        </Table.Tr>
                      );
                    })}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
            {footer?.(data)}
          </>
        )}
      </QueryState>
    </Card>
  );
}
