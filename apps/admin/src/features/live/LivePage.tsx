import { LineChart } from '@mantine/charts';
import { Anchor, Badge, Card, Grid, Group, Paper, SimpleGrid, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { IconPlugConnected, IconPlugConnectedX } from '@tabler/icons-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { ChartTable } from '../../components/chart-table';
import { Page } from '../../components/page';
import { Empty, ErrorState, Loading } from '../../components/states';
import { formatTime, TIME_ZONE_NOTE } from '../../components/time';
import { accountHref } from '../accounts/api';
import { useRecentDecisions } from '../accounts/hooks';
import { useMe } from '../auth/hooks';
import { useCurrentTenant } from '../tenants/current-tenant';
import { COUNTERS, type Counters } from './api';
import { useLiveSnapshot, useUsageHistory, useUsageStream, type StreamStatus } from './hooks';
import { toSeries } from './series';

export const CHART_SERIES = [
  { name: 'started', label: 'Started', color: 'blue.6' },
  { name: 'denied', label: 'Denied', color: 'orange.6' },
  { name: 'dismissed', label: 'Dismissed', color: 'grape.6' },
  { name: 'killed', label: 'Killed', color: 'red.6' },
];

const OUTCOME_COLOR = { denied: 'orange', dismissed: 'grape' } as const;

function ConnectionBadge({ status }: { status: StreamStatus }) {
  const live = status === 'live';
  return (
    <Tooltip label={live ? 'Updates arrive every 2 seconds' : 'The live feed dropped; reconnecting…'}>
      <Badge
        color={live ? 'teal' : status === 'connecting' ? 'gray' : 'orange'}
        variant="light"
        leftSection={live ? <IconPlugConnected size={14} /> : <IconPlugConnectedX size={14} />}
        role="status"
        aria-live="polite"
        data-testid="stream-status"
      >
        {live ? 'Live' : status === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
      </Badge>
    </Tooltip>
  );
}

function Stat({ label, value, color, testId }: { label: string; value: number | string; color?: string; testId?: string }) {
  return (
    <Paper withBorder p="md" radius="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fz={28} fw={700} c={color} data-testid={testId}>
        {value}
      </Text>
    </Paper>
  );
}

/** The last hour, refreshed whenever the live feed reports new events (at most every 5 s) and every 30 s. */
function useLastHour(signal: string) {
  const [window, setWindow] = useState(() => ({ from: new Date(Date.now() - 59 * 60_000).toISOString() }));
  const history = useUsageHistory({ from: window.from, granularity: 'minute' }, { refetchInterval: 30_000 });
  const last = useRef(0);
  const refetch = history.refetch;
  useEffect(() => {
    if (!signal || Date.now() - last.current < 5_000) return;
    last.current = Date.now();
    setWindow({ from: new Date(Date.now() - 59 * 60_000).toISOString() });
    void refetch();
  }, [signal, refetch]);
  return { history, from: Date.parse(window.from) };
}

const sumCounters = (list: Counters[]): Counters => {
  const total = Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Counters;
  for (const item of list) for (const c of COUNTERS) total[c] += item[c] ?? 0;
  return total;
};

/** The newest denials and dismissals, each naming its account and linking to its look-up. */
function RecentDecisions({ tenantId }: { tenantId?: string }) {
  const recent = useRecentDecisions({ limit: 10, ...(tenantId ? { tenantId } : {}) });
  if (recent.isPending) return <Loading />;
  if (recent.isError)
    return <ErrorState error={recent.error} onRetry={() => void recent.refetch()} title="Recent decisions could not be loaded" />;
  if (recent.data.decisions.length === 0) return <Empty title="Nothing denied or dismissed">in the kept history.</Empty>;
  return (
    <Stack gap={8} component="ul" aria-label="Recent denials and dismissals" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
      {recent.data.decisions.map((d) => (
        <li key={d.id}>
          <Group justify="space-between" wrap="nowrap" align="flex-start" gap="xs">
            <div style={{ minWidth: 0 }}>
              <Anchor component={Link} to={accountHref(d.idp, d.subject)} size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
                {d.idp} / {d.subject}
              </Anchor>
              <Text size="xs" c="dimmed">
                {formatTime(d.at)} · {d.applicationName} · {d.deviceName}
                {d.rules[0] ? ` · ${d.rules[0].ruleName}` : ''}
              </Text>
            </div>
            <Badge color={OUTCOME_COLOR[d.outcome]} variant="light" style={{ flexShrink: 0 }}>
              {d.outcome}
            </Badge>
          </Group>
        </li>
      ))}
    </Stack>
  );
}

export function LivePage() {
  const { status } = useUsageStream();
  const live = useLiveSnapshot();
  const me = useMe().data;
  const { tenantId, tenantName, tenants } = useCurrentTenant();
  // An admin works in the tenant picked in the header; the others only ever see their own tenant.
  const scope = me?.role === 'admin' && tenantId ? tenantId : undefined;
  const apps = useMemo(() => (live.data ? live.data.byApplication.filter((a) => !scope || a.tenantId === scope) : []), [live.data, scope]);
  const running = scope ? apps.reduce((sum, a) => sum + a.running, 0) : (live.data?.running ?? 0);
  const lastMinute = scope ? sumCounters(apps.map((a) => a.lastMinute)) : live.data?.lastMinute;
  const lm = lastMinute;
  const signal = lm ? `${lm.started}/${lm.denied}/${lm.dismissed}/${lm.killed}/${lm.stopped}/${lm.expired}/${running}` : '';
  const { history, from } = useLastHour(signal);
  const series = useMemo(
    () => (history.data ? toSeries(history.data.buckets, from, history.dataUpdatedAt + 1, 'minute', scope) : []),
    [history.data, history.dataUpdatedAt, from, scope],
  );

  return (
    <Page
      title="Live"
      description={`Streams running now and what happened in the last hour${scope && tenants.length > 1 ? `, for ${tenantName(scope)}` : ''}. ${TIME_ZONE_NOTE}.`}
      actions={<ConnectionBadge status={status} />}
    >
      {live.isPending ? (
        <Loading />
      ) : live.isError ? (
        <ErrorState error={live.error} onRetry={() => void live.refetch()} />
      ) : (
        <>
          <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }}>
            <Stat label="Running now" value={running} testId="running-total" />
            <Stat label="Started (last min)" value={lastMinute!.started} color="blue.8" />
            <Stat label="Denied (last min)" value={lastMinute!.denied} color="orange.9" />
            <Stat label="Dismissed (last min)" value={lastMinute!.dismissed} color="grape.8" />
            <Stat label="Killed (last min)" value={lastMinute!.killed} color="red.8" />
          </SimpleGrid>
          <Card withBorder radius="md">
            <Title order={2} size="h4" mb="sm">
              Running per application
            </Title>
            {apps.length === 0 ? (
              <Empty title="No applications yet">Create an application to see its streams here.</Empty>
            ) : (
              <Table striped highlightOnHover aria-label="Running per application">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Application</Table.Th>
                    <Table.Th ta="right">Running</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {apps.map((a) => (
                    <Table.Tr key={a.applicationId}>
                      <Table.Td>
                        <Text size="sm">{a.applicationName}</Text>
                        <Text size="xs" c="dimmed" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                          {a.applicationId}
                        </Text>
                      </Table.Td>
                      <Table.Td ta="right" data-testid={`running-${a.applicationId}`}>
                        {a.running}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Card>
        </>
      )}
      <Grid>
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Card withBorder radius="md" h="100%">
            <Title order={2} size="h4" mb="sm">
              Last hour, per minute
            </Title>
            {history.isPending ? (
              <Loading />
            ) : history.isError ? (
              <ErrorState error={history.error} onRetry={() => void history.refetch()} />
            ) : (
              <>
                <LineChart
                  h={260}
                  data={series}
                  dataKey="label"
                  series={CHART_SERIES}
                  curveType="monotone"
                  withLegend
                  withDots={false}
                  tickLine="y"
                  role="img"
                  aria-label={`Streams started, denied, dismissed and killed per minute over the last hour (${TIME_ZONE_NOTE})`}
                />
                <Text size="xs" c="dimmed" ta="right">
                  Minutes in UTC
                </Text>
                <ChartTable
                  caption={`Per minute over the last hour (${TIME_ZONE_NOTE})`}
                  labelHeader="Minute (UTC)"
                  columns={CHART_SERIES.map((s) => ({ key: s.name, label: s.label }))}
                  rows={[...series].reverse()}
                />
              </>
            )}
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Card withBorder radius="md" h="100%">
            <Title order={2} size="h4" mb="sm">
              Recent denials and dismissals
            </Title>
            <RecentDecisions tenantId={scope} />
          </Card>
        </Grid.Col>
      </Grid>
    </Page>
  );
}
