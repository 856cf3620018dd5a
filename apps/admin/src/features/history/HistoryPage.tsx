import { BarChart, LineChart } from '@mantine/charts';
import { Button, Card, Group, SegmentedControl, Select, Stack, Text, Title } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { Page } from '../../components/page';
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
  const { tenantId } = useCurrentTenant();
  const applications = useApplications(tenantId);
  const [granularity, setGranularity] = useState<Granularity>('hour');
  const [applicationId, setApplicationId] = useState<string | null>(null);
  const query = useMemo<HistoryQuery>(() => {
    const step = STEP_MS[granularity];
    const from = Math.floor(Date.now() / step) * step - (SPANS[granularity].buckets - 1) * step;
    return { from: new Date(from).toISOString(), granularity, ...(applicationId ? { applicationId } : {}) };
  }, [granularity, applicationId]);
  const history = useUsageHistory(query, { refetchInterval: 60_000 });
  const series = useMemo(
    () => (history.data ? toSeries(history.data.buckets, Date.parse(query.from), Date.now() + 1, granularity) : []),
    [history.data, query.from, granularity],
  );
  return (
    <Page
      title="History"
      description="Decisions and peak running streams over time (UTC buckets, every application of your tenants unless filtered)"
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
              onChange={(v) => setGranularity(v as Granularity)}
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
              <Title order={4} mb="sm">
                Decisions
              </Title>
              {page.buckets.length === 0 ? (
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
                  aria-label="Decisions per period"
                />
              )}
            </Card>
            <Card withBorder radius="md">
              <Title order={4} mb="sm">
                Peak running streams
              </Title>
              {page.buckets.length === 0 ? (
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
                  aria-label="Peak running streams per period"
                />
              )}
            </Card>
          </>
        )}
      </QueryState>
    </Page>
  );
}
