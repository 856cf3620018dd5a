import { Badge, Button, Card, Code, Group, Paper, Stack, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconSearch } from '@tabler/icons-react';
import { type ReactNode, useState } from 'react';
import { useSearchParams } from 'react-router';
import { describeError } from '../../api/client';
import { ConfirmButton } from '../../components/confirm';
import { Page } from '../../components/page';
import { Empty, QueryState } from '../../components/states';
import { formatDateTime, TIME_ZONE_NOTE } from '../../components/time';
import { can, useMe } from '../auth/hooks';
import type { AccountSession } from './api';
import { DecisionCard } from './DecisionCard';
import { DevicesCard, NetworksCard } from './HouseholdCards';
import { useAccountDecisions, useAccountSessions, useKillSession } from './hooks';

/** What the player sent; the server's own `superseded` tag (X-Terminate) reads as words instead. */
function Metadata({ metadata }: { metadata: Record<string, string> }) {
  const entries = Object.entries(metadata).filter(([k]) => k !== 'superseded');
  if (entries.length === 0 && !metadata.superseded) return <Text c="dimmed">—</Text>;
  return (
    <Group gap={4}>
      {entries.map(([k, v]) => (
        <Code key={k}>
          {k}={v}
        </Code>
      ))}
      {metadata.superseded && (
        <Text size="xs" c="dimmed">
          Took the place of another stream of this account
        </Text>
      )}
    </Group>
  );
}

function device(s: AccountSession): string {
  return s.metadata.deviceName ?? s.metadata.deviceId ?? s.metadata.device ?? '—';
}

/** Why a stream ended, in words: an operator's kill and another device's X-Terminate read differently. */
export function endedBecause(s: AccountSession): { label: string; color: string } {
  switch (s.endReason) {
    case 'stopped':
      return { label: 'Stopped by the player', color: 'gray' };
    case 'expired':
      return { label: 'Expired: no heartbeat', color: 'yellow' };
    case 'dismissed':
      return { label: 'Dismissed by a policy', color: 'grape' };
    case 'killed':
      if (s.killedBy === 'device-removed') return { label: 'Its device was removed from the account', color: 'orange' };
      return s.killedBy === 'another-device'
        ? { label: `Ended by another device${s.terminator ? ` (${s.terminator.deviceName})` : ''}`, color: 'cyan' }
        : { label: 'Killed by an operator', color: 'red' };
    default:
      return { label: 'Running', color: 'teal' };
  }
}

function KillButton({ session: s }: { session: AccountSession }) {
  const kill = useKillSession();
  return (
    <ConfirmButton
      size="xs"
      title="Kill this stream?"
      message={`The stream on ${device(s)} (${s.applicationName}) ends now; at its next heartbeat the player learns that an operator ended it.`}
      confirmLabel="Kill stream"
      aria-label={`Kill the stream on ${device(s)}`}
      loading={kill.isPending}
      onConfirm={() =>
        kill.mutate(s.id, {
          onSuccess: () => notifications.show({ color: 'teal', message: `Stream on ${device(s)} killed` }),
          onError: (error) => notifications.show({ color: 'red', title: 'Could not kill the stream', message: describeError(error) }),
        })
      }
    >
      Kill
    </ConfirmButton>
  );
}

/** A stream as a card (phones): the device first, the facts below, the action at hand. */
function StreamCard({ session: s, action, children }: { session: AccountSession; action?: ReactNode; children?: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="sm" component="article" aria-label={`Stream on ${device(s)}`}>
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <div style={{ minWidth: 0 }}>
          <Text fw={600}>{device(s)}</Text>
          <Text size="sm" c="dimmed">
            {s.applicationName} · channel {s.metadata.channel ?? '—'}
          </Text>
        </div>
        {action}
      </Group>
      <Text size="sm" mt={4}>
        Started {formatDateTime(s.startedAt)}
      </Text>
      {children}
    </Paper>
  );
}

export function AccountsPage() {
  const [params, setParams] = useSearchParams();
  const [idp, setIdp] = useState(params.get('idp') ?? '');
  const [subject, setSubject] = useState(params.get('subject') ?? '');
  const account = params.get('idp') && params.get('subject') ? { idp: params.get('idp')!, subject: params.get('subject')! } : null;
  const sessions = useAccountSessions(account);
  const decisions = useAccountDecisions(account);
  const rights = can(useMe().data);
  const phone = useMediaQuery('(max-width: 48em)') ?? false;
  return (
    <Page
      title={account ? `Account ${account.subject}` : 'Accounts'}
      description={
        account
          ? `${account.idp} / ${account.subject}: its streams, and why it was denied or dismissed. ${TIME_ZONE_NOTE}.`
          : "Look up a subscriber's streams and decisions by identity provider and subject"
      }
    >
      <Card withBorder radius="md">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (idp.trim() && subject.trim()) setParams({ idp: idp.trim(), subject: subject.trim() });
          }}
        >
          <Group align="flex-end" wrap="wrap">
            <TextInput
              label="Identity provider (idp)"
              placeholder="e.g. Comcast_SSO"
              value={idp}
              onChange={(e) => setIdp(e.currentTarget.value)}
              required
            />
            <TextInput
              label="Subject"
              placeholder="e.g. user-123"
              value={subject}
              onChange={(e) => setSubject(e.currentTarget.value)}
              required
            />
            <Button type="submit" leftSection={<IconSearch size={16} />} disabled={!idp.trim() || !subject.trim()}>
              Look up
            </Button>
          </Group>
        </form>
      </Card>
      {!account ? (
        <Empty title="Look up an account">
          Enter the idp and subject the player sends in /v2/sessions/&#123;idp&#125;/&#123;subject&#125;, or pick an account in Live&apos;s
          recent denials.
        </Empty>
      ) : (
        <>
          <QueryState query={sessions}>
            {(data) => (
              <Card withBorder radius="md" p={0}>
                <Title order={2} size="h4" p="md" pb="xs">
                  Running streams ({data.running.length})
                </Title>
                {data.running.length === 0 ? (
                  <Empty title="No running stream" />
                ) : phone ? (
                  <Stack gap="xs" p="sm" pt={0}>
                    {data.running.map((s) => (
                      <StreamCard key={s.id} session={s} action={rights.write && <KillButton session={s} />}>
                        <Text size="sm">Expires {formatDateTime(s.expiresAt)}</Text>
                        <Metadata metadata={s.metadata} />
                      </StreamCard>
                    ))}
                  </Stack>
                ) : (
                  <Table.ScrollContainer minWidth={800}>
                    <Table verticalSpacing="sm" aria-label="Running streams">
                      <Table.Thead>
                        <Table.Tr>
                          <Table.Th>Device</Table.Th>
                          <Table.Th>Channel</Table.Th>
                          <Table.Th>Application</Table.Th>
                          <Table.Th>Started</Table.Th>
                          <Table.Th>Expires</Table.Th>
                          <Table.Th>Metadata</Table.Th>
                          <Table.Th>
                            <VisuallyHidden>Actions</VisuallyHidden>
                          </Table.Th>
                        </Table.Tr>
                      </Table.Thead>
                      <Table.Tbody>
                        {data.running.map((s) => (
                          <Table.Tr key={s.id} data-testid={`running-session-${s.id}`}>
                            <Table.Td>{device(s)}</Table.Td>
                            <Table.Td>{s.metadata.channel ?? '—'}</Table.Td>
                            <Table.Td>{s.applicationName}</Table.Td>
                            <Table.Td>{formatDateTime(s.startedAt)}</Table.Td>
                            <Table.Td>{formatDateTime(s.expiresAt)}</Table.Td>
                            <Table.Td>
                              <Metadata metadata={s.metadata} />
                            </Table.Td>
                            <Table.Td>{rights.write && <KillButton session={s} />}</Table.Td>
                          </Table.Tr>
                        ))}
                      </Table.Tbody>
                    </Table>
                  </Table.ScrollContainer>
                )}
              </Card>
            )}
          </QueryState>
          <DevicesCard account={account} canWrite={rights.write} />
          <NetworksCard account={account} canWrite={rights.write} />
          <Card withBorder radius="md" component="section" aria-labelledby="decisions-title">
            <Title order={2} size="h4" mb="xs" id="decisions-title">
              Denials and dismissals{decisions.data ? ` (${decisions.data.decisions.length})` : ''}
            </Title>
            <QueryState
              query={decisions}
              isEmpty={(d) => d.decisions.length === 0}
              empty={<Empty title="Never denied or dismissed">in the kept history (the same as the ended streams).</Empty>}
            >
              {(data) => (
                <Stack gap="xs">
                  {data.decisions.map((d) => (
                    <DecisionCard key={d.id} decision={d} />
                  ))}
                </Stack>
              )}
            </QueryState>
          </Card>
          <QueryState query={sessions}>
            {(data) => (
              <Card withBorder radius="md" p={0}>
                <Title order={2} size="h4" p="md" pb="xs">
                  Recently ended ({data.ended.length})
                </Title>
                {data.ended.length === 0 ? (
                  <Empty title="Nothing ended recently" />
                ) : phone ? (
                  <Stack gap="xs" p="sm" pt={0}>
                    {data.ended.map((s) => (
                      <StreamCard
                        key={s.id}
                        session={s}
                        action={
                          <Text size="sm" fw={600} ta="right">
                            {endedBecause(s).label}
                          </Text>
                        }
                      >
                        <Text size="sm">Ended {formatDateTime(s.endedAt)}</Text>
                      </StreamCard>
                    ))}
                  </Stack>
                ) : (
                  <Table.ScrollContainer minWidth={800}>
                    <Table verticalSpacing="sm" aria-label="Recently ended streams">
                      <Table.Thead>
                        <Table.Tr>
                          <Table.Th>Device</Table.Th>
                          <Table.Th>Channel</Table.Th>
                          <Table.Th>Application</Table.Th>
                          <Table.Th>Started</Table.Th>
                          <Table.Th>Ended</Table.Th>
                          <Table.Th>Why it ended</Table.Th>
                        </Table.Tr>
                      </Table.Thead>
                      <Table.Tbody>
                        {data.ended.map((s) => (
                          <Table.Tr key={s.id}>
                            <Table.Td>{device(s)}</Table.Td>
                            <Table.Td>{s.metadata.channel ?? '—'}</Table.Td>
                            <Table.Td>{s.applicationName}</Table.Td>
                            <Table.Td>{formatDateTime(s.startedAt)}</Table.Td>
                            <Table.Td>{formatDateTime(s.endedAt)}</Table.Td>
                            <Table.Td>
                              <Badge color={endedBecause(s).color} variant="light" style={{ textTransform: 'none' }}>
                                {endedBecause(s).label}
                              </Badge>
                            </Table.Td>
                          </Table.Tr>
                        ))}
                      </Table.Tbody>
                    </Table>
                  </Table.ScrollContainer>
                )}
              </Card>
            )}
          </QueryState>
        </>
      )}
    </Page>
  );
}
