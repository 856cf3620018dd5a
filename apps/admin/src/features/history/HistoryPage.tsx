import { BarChart, LineChart } from '@mantine/charts';
import { Button, Card, Group, SegmentedControl, Select, Stack, Text, Title } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { ChartTable } from '../../components/chart-table';
import { Page } from '../../components/page';
import { TIME_ZONE_NOTE } from '../../components/time';
import { useMe } from '../auth/hooks';
import { Empty, QueryState } from '../../components/states';
import { useApplications } from '../applications/hooks';
import { historyCsvUrl, type Granularity, type HistoryQuery } from '../live/api';
import { useUsageHistory } from '../live/hooks';
import { CHART_SERIES } from '../live/LivePage';
import { STEP_MS, toSeries } from '../live/series';
import { useCurrentTenant } from '../tenants/current-tenant';

const SPANS: Record<Granularity, { label: string; buckets: number }> = {
  minute: { label: 'Last 2 hours, per minute', buckets: 120 },
  hour: { label: 'Last 48 hours, per hour', buckets: 48 },
  day: { label: 'Last 30 days, per day', buckets: 30 },
};

export function HistoryPage() {
  const { tenantId, tenantName, tenants } = useCurrentTenant();
  const me = useMe().data;
  // An admin works in the tenant picked in the header; the others only ever see their own tenant.
  const scope = me?.role === 'admin' && tenantId ? tenantId : undefined;
  const applications = useApplications(tenantId);
  const [granularity, setGranularity] = useState<Granularity>('hour');
  // The range starts when the granularity is chosen (its buckets up to now), not at each render.
  const [from, setFrom] = useState(() => rangeStart('hour', Date.now()));
  const [applicationId, setApplicationId] = useState<string | null>(null);
  const query = useMemo<HistoryQuery>(
    () => ({ from, granularity, ...(applicationId ? { applicationId } : {}) }),
    [from, granularity, applicationId],
  );
  const history = useUsageHistory(query, { refetchInterval: 60_000 });
  const series = useMemo(
    () =>
      history.data ? toSeries(history.data.buckets, Date.parse(history.data.from), history.dataUpdatedAt + 1, granularity, scope) : [],
    [history.data, history.dataUpdatedAt, granularity, scope],
  );
  const unit = { minute: 'Minute', hour: 'Hour', day: 'Day' }[granularity];
  const hasActivity = (page: { buckets: Array<{ tenantId: string }> }) => page.buckets.some((b) => !scope || b.tenantId === scope);
  return (
    <Page
      title="History"
      description={`Decisions and peak running streams over time, ${scope && tenants.length > 1 ? `for ${tenantName(scope)}` : 'for every application of your tenant'} unless filtered. ${TIME_ZONE_NOTE}: each bar is one UTC ${granularity}.`}
      actions={
        <Button component="a" href={historyCsvUrl(query)} download variant="light" leftSection={<IconDownload size={16} />}>
          Download CSV
        </Button>
      }
    >
      <Card withBorder radius="md">
        <Group align="flex-end" wrap="wrap">
          <Stack gap={4}>
            <Text size="sm" fw={500} id="granularity-label">
              Granularity
            </Text>
            <SegmentedControl
              aria-labelledby="granularity-label"
              value={granularity}
              onChange={(v) => {
                setGranularity(v);
                setFrom(rangeStart(v, Date.now()));
              }}
              data={[
                { value: 'minute', label: 'Minute' },
                { value: 'hour', label: 'Hour' },
                { value: 'day', label: 'Day' },
              ]}
            />
          </Stack>
          <Select
            label="Application"
            placeholder="All applications"
            data={(applications.data ?? []).map((a) => ({ value: a.id, label: a.name }))}
            value={applicationId}
            onChange={setApplicationId}
            clearable
            w={260}
            maw="100%"
          />
          <Text size="sm" c="dimmed" pb={8}>
            {SPANS[granularity].label}
          </Text>
        </Group>
      </Card>
      <QueryState query={history}>
        {(page) => (
          <>
            <Card withBorder radius="md">
              <Title order={2} size="h4" mb="sm">
                Decisions
              </Title>
              {!hasActivity(page) ? (
                <Empty title="No activity in this period" />
              ) : (
                <BarChart
                  h={280}
                  data={series}
                  dataKey="label"
                  series={CHART_SERIES}
                  type="stacked"
                  withLegend
                  tickLine="y"
                  role="img"
                  aria-label={`Decisions per ${granularity} (${TIME_ZONE_NOTE})`}
                />
              )}
              {hasActivity(page) && (
                <>
                  <Text size="xs" c="dimmed" ta="right">
                    {unit}s in UTC
                  </Text>
                  <ChartTable
                    caption={`Decisions per ${granularity} (${TIME_ZONE_NOTE})`}
                    labelHeader={`${unit} (UTC)`}
                    columns={CHART_SERIES.map((s) => ({ key: s.name, label: s.label }))}
                    rows={[...series].reverse()}
                  />
                </>
              )}
            </Card>
            <Card withBorder radius="md">
              <Title order={2} size="h4" mb="sm">
                Peak running streams
              </Title>
              {!hasActivity(page) ? (
                <Empty title="No activity in this period" />
              ) : (
                <LineChart
                  h={220}
                  data={series}
                  dataKey="label"
                  series={[{ name: 'peakRunning', label: 'Peak running', color: 'teal.6' }]}
                  curveType="step"
                  withDots={false}
                  tickLine="y"
                  role="img"
                  aria-label={`Peak running streams per ${granularity} (${TIME_ZONE_NOTE})`}
                />
              )}
              {hasActivity(page) && (
                <ChartTable
                  caption={`Peak running streams per ${granularity} (${TIME_ZONE_NOTE})`}
                  labelHeader={`${unit} (UTC)`}
                  columns={[{ key: 'peakRunning', label: 'Peak running' }]}
                  rows={[...series].reverse()}
                />
              )}
            </Card>
          </>
        )}
      </QueryState>
    </Page>
  );
}

/** The start of the range shown for a granularity: its number of buckets, the last one holding `now`. */
function rangeStart(granularity: Granularity, now: number): string {
  const step = STEP_MS[granularity];
  return new Date(Math.floor(now / step) * step - (SPANS[granularity].buckets - 1) * step).toISOString();
}
