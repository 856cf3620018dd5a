import { LineChart } from '@mantine/charts';
import { Badge, Card, Group, Paper, SimpleGrid, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { IconPlugConnected, IconPlugConnectedX } from '@tabler/icons-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Empty, ErrorState, Loading } from '../../components/states';
import { Page } from '../../components/page';
import { useLiveSnapshot, useUsageHistory, useUsageStream, type StreamStatus } from './hooks';
import { toFeed, toSeries } from './series';

export const CHART_SERIES = [
  { name: 'started', label: 'Started', color: 'blue.6' },
  { name: 'denied', label: 'Denied', color: 'orange.6' },
  { name: 'dismissed', label: 'Dismissed', color: 'grape.6' },
  { name: 'killed', label: 'Killed', color: 'red.6' },
];

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
      <Text fz={28} fw={700} c={color} data-testid={testId} aria-label={`${label}: ${value}`}>
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

export function LivePage() {
  const { status } = useUsageStream();
  const live = useLiveSnapshot();
  const lm = live.data?.lastMinute;
  const signal = lm ? `${lm.started}/${lm.denied}/${lm.dismissed}/${lm.killed}/${lm.stopped}/${lm.expired}/${live.data?.running}` : '';
  const { history, from } = useLastHour(signal);
  const series = useMemo(() => (history.data ? toSeries(history.data.buckets, from, Date.now() + 1, 'minute') : []), [history.data, from]);
  const feed = useMemo(() => (history.data ? toFeed(history.data.buckets) : []), [history.data]);

  return (
    <Page title="Live" description="Streams running now and what happened in the last hour" actions={<ConnectionBadge status={status} />}>
      {live.isPending ? (
        <Loading />
      ) : live.isError ? (
        <ErrorState error={live.error} onRetry={() => void live.refetch()} />
      ) : (
        <>
          <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }}>
            <Stat label="Running now" value={live.data.running} testId="running-total" />
            <Stat label="Started (last min)" value={live.data.lastMinute.started} color="blue" />
            <Stat label="Denied (last min)" value={live.data.lastMinute.denied} color="orange" />
            <Stat label="Dismissed (last min)" value={live.data.lastMinute.dismissed} color="grape" />
            <Stat label="Killed (last min)" value={live.data.lastMinute.killed} color="red" />
          </SimpleGrid>
          <Card withBorder radius="md">
            <Title order={4} mb="sm">
              Running per application
            </Title>
            {live.data.byApplication.length === 0 ? (
              <Empty title="No applications yet">Create an application to see its streams here.</Empty>
            ) : (
              <Table.ScrollContainer minWidth={400}>
                <Table striped highlightOnHover aria-label="Running per application">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Application</Table.Th>
                      <Table.Th>Id</Table.Th>
                      <Table.Th ta="right">Running</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {live.data.byApplication.map((a) => (
                      <Table.Tr key={a.applicationId}>
                        <Table.Td>{a.applicationName}</Table.Td>
                        <Table.Td>
                          <Text size="sm" ff="monospace">
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
              </Table.ScrollContainer>
            )}
          </Card>
        </>
      )}
      <SimpleGrid cols={{ base: 1, lg: 3 }}>
        <Card withBorder radius="md" style={{ gridColumn: 'span 2' }}>
          <Title order={4} mb="sm">
            Last hour, per minute
          </Title>
          {history.isPending ? (
            <Loading />
          ) : history.isError ? (
            <ErrorState error={history.error} onRetry={() => void history.refetch()} />
          ) : (
            <LineChart
              h={260}
              data={series}
              dataKey="label"
              series={CHART_SERIES}
              curveType="monotone"
              withLegend
              withDots={false}
              tickLine="y"
              aria-label="Streams started, denied, dismissed and killed per minute over the last hour"
            />
          )}
        </Card>
        <Card withBorder radius="md">
          <Title order={4} mb="sm">
            Recent denials and dismissals
          </Title>
          {history.isPending ? (
            <Loading />
          ) : feed.length === 0 ? (
            <Empty title="Nothing denied or dismissed">in the last hour.</Empty>
          ) : (
            <Stack gap={6} aria-label="Recent denials and dismissals" role="list">
              {feed.map((item) => (
                <Group key={item.key} justify="space-between" wrap="nowrap" role="listitem">
                  <div style={{ minWidth: 0 }}>
                    <Text size="sm" fw={500} truncate>
                      {item.applicationName}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {new Date(item.at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}
                    </Text>
                  </div>
                  <Group gap={4} wrap="nowrap">
                    {item.denied > 0 && <Badge color="orange">{item.denied} denied</Badge>}
                    {item.dismissed > 0 && <Badge color="grape">{item.dismissed} dismissed</Badge>}
                    {item.killed > 0 && <Badge color="red">{item.killed} killed</Badge>}
                  </Group>
                </Group>
              ))}
            </Stack>
          )}
        </Card>
      </SimpleGrid>
    </Page>
  );
}
