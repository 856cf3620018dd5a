import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  List,
  Modal,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowLeft, IconCircleCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { describeError } from '../../api/client';
import { ConfirmButton } from '../../components/confirm';
import { Page } from '../../components/page';
import { Empty, QueryState } from '../../components/states';
import { formatDateTime, TIME_ZONE_NOTE } from '../../components/time';
import { accountHref } from '../accounts/api';
import { DevicesCard } from '../accounts/HouseholdCards';
import { useKillSession } from '../accounts/hooks';
import { can, useMe } from '../auth/hooks';
import type { Evidence, SharingAccountDetail, TimelineEntry } from './api';
import { useInvalidateAccount, useReviewAccount, useSharingAccount } from './hooks';
import { flagLabel, kindBadge, operatorOf, placeOf, signalLabel, type TravelPlace, travelOf } from './score';
import { ReviewBadge, ScoreBadge } from './SharingPage';

type Account = { idp: string; subject: string; tenantId?: string };

function Travel({ from, to }: { from: TravelPlace; to: TravelPlace }) {
  const line = (label: string, p: TravelPlace) => (
    <Text size="sm">
      <Text span fw={500}>
        {label}:
      </Text>{' '}
      {placeOf(p)} at {formatDateTime(p.at)} — {p.address ?? 'unknown address'}
      {p.networkId ? ` (${p.networkId})` : ''}, {operatorOf(p)}
    </Text>
  );
  return (
    <Stack gap={2} pl="md">
      {line('From', from)}
      {line('To', to)}
    </Stack>
  );
}

function EvidenceCard({ account }: { account: SharingAccountDetail }) {
  const points = account.evidence.reduce((sum, e) => sum + e.points, 0);
  return (
    <Card withBorder radius="md" component="section" aria-labelledby="evidence-title">
      <Title order={2} size="h4" mb="xs" id="evidence-title">
        Evidence
      </Title>
      {account.evidence.length === 0 ? (
        <Text size="sm" c="dimmed">
          No signal scored: this account plays like one household.
        </Text>
      ) : (
        <Stack gap="sm" data-testid="sharing-evidence">
          {account.evidence.map((e: Evidence, i) => {
            const travel = travelOf(e);
            return (
              <Stack key={`${e.signal}-${i}`} gap={4}>
                <Group gap="sm" wrap="nowrap" align="flex-start">
                  <Badge color={e.points > 0 ? 'red' : 'gray'} variant="light" miw={52} aria-label={`${e.points} points`}>
                    +{e.points}
                  </Badge>
                  <Text size="sm">
                    <Text span fw={600}>
                      {signalLabel(e.signal)}
                    </Text>
                    {' — '}
                    {e.summary}
                  </Text>
                </Group>
                {travel && <Travel from={travel.from} to={travel.to} />}
              </Stack>
            );
          })}
          <Text size="xs" c="dimmed">
            {points > 100 ? `${points} points, capped at 100.` : `${points} points in all.`}
          </Text>
        </Stack>
      )}
      {account.flags.length > 0 && (
        <>
          <Title order={3} size="h5" mt="md" mb={4}>
            Not scored
          </Title>
          <List size="sm" spacing={4}>
            {account.flags.map((f) => (
              <List.Item key={f.flag}>
                <Text span fw={500}>
                  {flagLabel(f.flag)}:
                </Text>{' '}
                {f.summary}
              </List.Item>
            ))}
          </List>
        </>
      )}
    </Card>
  );
}

function KillStreamButton({ entry, onKilled }: { entry: TimelineEntry; onKilled: (id: string) => void }) {
  const kill = useKillSession();
  const invalidate = useInvalidateAccount();
  const where = `${entry.deviceId ?? 'an unnamed device'} in ${placeOf(entry)}`;
  return (
    <ConfirmButton
      size="xs"
      title="Kill this stream?"
      message={`The stream on ${where} (${entry.applicationName}) ends now: the player learns it at its next heartbeat.`}
      confirmLabel="Kill stream"
      aria-label={`Kill the stream on ${where}`}
      loading={kill.isPending}
      onConfirm={() =>
        kill.mutate(entry.sessionId, {
          onSuccess: () => {
            onKilled(entry.sessionId);
            notifications.show({ color: 'teal', message: `Stream on ${where} killed` });
            void invalidate();
          },
          onError: (error) => notifications.show({ color: 'red', title: 'Could not kill the stream', message: describeError(error) }),
        })
      }
    >
      Kill
    </ConfirmButton>
  );
}

/**
 * `endedHere`: streams this page ended (a kill, a device removal), by session id, with why: shown at once, while the
 * timeline's running flag follows when the server has recorded the end (in batches, off the player path).
 */
function TimelineCard({
  account,
  canWrite,
  endedHere,
  onKilled,
}: {
  account: SharingAccountDetail;
  canWrite: boolean;
  endedHere: ReadonlyMap<string, string>;
  onKilled: (sessionId: string) => void;
}) {
  const places = new Set(account.timeline.map((e) => placeOf(e)));
  return (
    <Card withBorder radius="md" p={0} component="section" aria-labelledby="timeline-title">
      <Group justify="space-between" p="md" pb="xs" wrap="wrap">
        <Title order={2} size="h4" id="timeline-title">
          Where and when it played
        </Title>
        <Text size="sm" c="dimmed">
          {account.timeline.length} start{account.timeline.length === 1 ? '' : 's'} in 30 days from {places.size} place
          {places.size === 1 ? '' : 's'}, newest first. {TIME_ZONE_NOTE}.
        </Text>
      </Group>
      {account.timeline.length === 0 ? (
        <Empty title="No start in 30 days" />
      ) : (
        <Table.ScrollContainer minWidth={1000} type="native" tabIndex={0}>
          <Table verticalSpacing="sm" aria-label="Timeline of starts">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Started</Table.Th>
                <Table.Th>Device</Table.Th>
                <Table.Th>Place</Table.Th>
                <Table.Th>Network</Table.Th>
                <Table.Th>Operator</Table.Th>
                <Table.Th>Stream</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {account.timeline.map((e) => {
                const kind = kindBadge(e.kind);
                const running = e.running && !endedHere.has(e.sessionId);
                return (
                  <Table.Tr key={e.sessionId} data-testid={`timeline-${e.sessionId}`}>
                    <Table.Td>
                      <Text size="sm">{formatDateTime(e.startedAt)}</Text>
                      <Text size="xs" c="dimmed">
                        {e.applicationName}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{e.deviceId ?? '—'}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {placeOf(e)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{e.networkId ?? '—'}</Text>
                      <Text size="xs" c="dimmed">
                        {e.address ?? 'unknown address'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <Text size="sm">{operatorOf(e)}</Text>
                        {kind && (
                          <Badge size="sm" variant="light" color={kind.color}>
                            {kind.label}
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      {running ? (
                        <Badge color="teal" variant="dot">
                          Running
                        </Badge>
                      ) : (
                        <Stack gap={0}>
                          <Badge color="gray" variant="light">
                            {(e.running && endedHere.get(e.sessionId)) || 'Ended'}
                          </Badge>
                          {e.endedAt && (
                            <Text size="xs" c="dimmed">
                              {formatDateTime(e.endedAt)}
                            </Text>
                          )}
                        </Stack>
                      )}
                    </Table.Td>
                    <Table.Td>{canWrite && running && <KillStreamButton entry={e} onKilled={onKilled} />}</Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}

function ReviewButton({ account, detail }: { account: Account; detail: SharingAccountDetail }) {
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const review = useReviewAccount({ ...account, tenantId: account.tenantId ?? detail.tenantId });
  const submit = () =>
    review.mutate(note.trim(), {
      onSuccess: (a) => {
        setOpen(false);
        setNote('');
        notifications.show({
          color: 'teal',
          message: `${a.idp} / ${a.subject} marked reviewed at score ${a.reviewed?.scoreAtReview ?? a.score}`,
        });
      },
      onError: (error) => notifications.show({ color: 'red', title: 'Could not mark the account reviewed', message: describeError(error) }),
    });
  return (
    <>
      <Button leftSection={<IconCircleCheck size={16} />} onClick={() => setOpen(true)} loading={review.isPending}>
        Mark reviewed
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title="Mark this account reviewed?" centered>
        <Stack>
          <Text size="sm">
            The account leaves the list of accounts to review at its score of {detail.score}; it comes back if its score rises. The review
            is recorded in the audit log.
          </Text>
          <Textarea
            label="Note (optional)"
            data-autofocus
            placeholder="e.g. Travels for work; called the customer"
            maxLength={1000}
            autosize
            minRows={2}
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button onClick={submit} loading={review.isPending}>
              Mark reviewed
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

function Fact({ label, value }: { label: string; value: string | number }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={600}>{value}</Text>
    </Stack>
  );
}

/** One account's sharing signals: the score and every piece of evidence, the timeline of its starts, and the actions. */
export function SharingAccountPage() {
  const [params] = useSearchParams();
  const idp = params.get('idp');
  const subject = params.get('subject');
  const account: Account | null = idp && subject ? { idp, subject, tenantId: params.get('tenantId') ?? undefined } : null;
  const detail = useSharingAccount(account);
  const rights = can(useMe().data);
  const invalidate = useInvalidateAccount();
  const [endedHere, setEndedHere] = useState<ReadonlyMap<string, string>>(new Map());
  const markEnded = (ids: string[], why: string) =>
    setEndedHere((m) => {
      const next = new Map(m);
      for (const id of ids) next.set(id, why);
      return next;
    });
  const deviceRemoved = (deviceId: string) => {
    const streams = (detail.data?.timeline ?? []).filter((e) => e.running && e.deviceId === deviceId).map((e) => e.sessionId);
    markEnded(streams, 'Device removed');
    void invalidate();
  };
  const back = (
    <Button variant="default" component={Link} to="/sharing" leftSection={<IconArrowLeft size={16} />}>
      Back to sharing
    </Button>
  );
  if (!account) {
    return (
      <Page title="Sharing" actions={back}>
        <Alert color="orange">No account given: open one from the Sharing list.</Alert>
      </Page>
    );
  }
  return (
    <Page
      title={`${account.idp} / ${account.subject}`}
      description={
        detail.data
          ? `Sharing signals of this account on ${detail.data.tenantName}, computed ${formatDateTime(detail.data.computedAt)}`
          : undefined
      }
      actions={
        <>
          {back}
          <Button variant="default" component={Link} to={accountHref(account.idp, account.subject)}>
            Open account look-up
          </Button>
          {rights.write && detail.data && <ReviewButton account={account} detail={detail.data} />}
        </>
      }
    >
      <QueryState query={detail}>
        {(d) => (
          <Stack gap="lg">
            <Card withBorder radius="md">
              <Group justify="space-between" align="center" wrap="wrap" gap="lg">
                <Group gap="md">
                  <ScoreBadge score={d.score} size="xl" />
                  <Stack gap={0}>
                    <Text fw={600}>Sharing score</Text>
                    <Text size="sm" c="dimmed">
                      out of 100
                    </Text>
                  </Stack>
                </Group>
                <SimpleGrid cols={{ base: 2, sm: 5 }} spacing="lg">
                  <Fact label="Networks, 24 h" value={d.networks24h} />
                  <Fact label="Networks, 30 days" value={d.networks30d} />
                  <Fact label="Countries, 24 h" value={d.countries24h} />
                  <Fact label="Countries, 30 days" value={d.countries30d} />
                  <Fact label="New devices, 7 days" value={d.devicesNew7d} />
                </SimpleGrid>
                <Stack gap={2} data-testid="sharing-review">
                  <ReviewBadge account={d} />
                  {d.reviewed?.note && (
                    <Text size="xs" c="dimmed" maw={260}>
                      “{d.reviewed.note}”
                    </Text>
                  )}
                </Stack>
              </Group>
            </Card>
            <EvidenceCard account={d} />
            <TimelineCard account={d} canWrite={rights.write} endedHere={endedHere} onKilled={(id) => markEnded([id], 'Killed')} />
            <DevicesCard account={account} canWrite={rights.write} onRemoved={deviceRemoved} />
            <Text size="xs" c="dimmed">
              Places from the DB-IP city database (CC BY 4.0,{' '}
              <Anchor href="https://db-ip.com" size="xs" target="_blank" rel="noreferrer" underline="always">
                db-ip.com
              </Anchor>
              ); operators from RouteViews and DB-IP.
            </Text>
          </Stack>
        )}
      </QueryState>
    </Page>
  );
}
