// The charts' styles travel with the pages that draw charts (Live, History), not with the console's first load.
import '@mantine/charts/styles.css';
import { Box, Table, Text } from '@mantine/core';

export interface ChartColumn {
  key: string;
  label: string;
}

/**
 * The numbers behind a chart as a table, folded under the chart: what a screen reader (or anyone who wants exact
 * figures) reads instead of the drawing.
 */
export function ChartTable({
  caption,
  labelHeader,
  columns,
  rows,
}: {
  caption: string;
  labelHeader: string;
  columns: ChartColumn[];
  rows: ReadonlyArray<{ label: string }>;
}) {
  return (
    <Box component="details" mt="xs">
      <Text component="summary" size="sm" style={{ cursor: 'pointer', color: 'var(--mantine-color-anchor)' }}>
        Show the numbers as a table
      </Text>
      <Table.ScrollContainer minWidth={120 + columns.length * 90} mah={320}>
        <Table striped stickyHeader aria-label={caption} captionSide="top">
          <Table.Caption>{caption}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{labelHeader}</Table.Th>
              {columns.map((c) => (
                <Table.Th key={c.key} scope="col" ta="right">
                  {c.label}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.label}>
                <Table.Th scope="row" fw={400}>
                  {r.label}
                </Table.Th>
                {columns.map((c) => (
                  <Table.Td key={c.key} ta="right">
                    {cellText((r as unknown as Record<string, unknown>)[c.key])}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Box>
  );
}

/** A cell's number or text; anything else (a missing value) is left blank. */
function cellText(value: unknown): string {
  return typeof value === 'number' || typeof value === 'string' ? String(value) : '';
}
