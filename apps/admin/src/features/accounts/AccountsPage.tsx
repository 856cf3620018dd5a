import { Badge, Button, Card, Code, Group, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { describeError } from '../../api/client';
import { ConfirmButton } from '../../components/confirm';
import { formatDateTime, Page } from '../../components/page';
import { Empty, QueryState } from '../../components/states';
import { can, useMe } from '../auth/hooks';
import type { AccountSession } from './api';
import { useAccountSessions, useKillSession } from './hooks';

const REASON_COLOR = { stopped: 'gray', expired: 'yellow', dismissed: 'grape', killed: 'red' } as const;

function Metadata({ metadata }: { metadata: Record<string, string> }) {
  const entries = Object.entries(metadata);
  if (entries.length === 0) return <Text c="dimmed">—</Text>;
  return (
    <Group gap={4}>
      {entries.map(([k, v]) => (
        <Code key={k}>
          {k}={v}
        </Code>
      ))}
    </Group>
  );
}

function device(s: AccountSession): string {
  return s.metadata.deviceId ?? s.metadata.device ?? s.metadata.deviceName ?? '—';
}

export function AccountsPage() {
  const [params, setParams] = useSearchParams();
  const [idp, setIdp] = useState(params.get('idp') ?? '');
  const [subject, setSubject] = useState(params.get('subject') ?? '');
  const account = params.get('idp') && params.get('subject') ? { idp: params.get('idp')!, subject: params.get('subject')! } : null;
  const sessions = useAccountSessions(account);
  const kill = useKillSession();
  const rights = can(useMe().data);
  return (
    <Page title="Accounts" description="Look up a subscriber's streams by identity provider and subject">
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
              placeholder="Comcast_SSO"
              value={idp}
              onChange={(e) => setIdp(e.currentTarget.value)}
              required
            />
            <TextInput
              label="Subject"
              placeholder="user-123"
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
          Enter the idp and subject the player sends in /v2/sessions/&#123;idp&#125;/&#123;subject&#125;.
        </Empty>
      ) : (
        <QueryState query={sessions}>
          {(data) => (
            <>
              <Card withBorder radius="md" p={0}>
                <Title order={4} p="md" pb="xs">
                  Running streams ({data.running.length})
                </Title>
                {data.running.length === 0 ? (
                  <Empty title="No running stream" />
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
                          <Table.Th />
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
                            <Table.Td>
                              {rights.write && (
                                <ConfirmButton
                                  size="xs"
                                  title="Kill this stream?"
                                  message={`The stream on ${device(s)} (${s.applicationName}) ends now; the player's next heartbeat gets 410 naming the operator console.`}
                                  confirmLabel="Kill stream"
                                  aria-label={`Kill the stream on ${device(s)}`}
                                  loading={kill.isPending && kill.variables === s.id}
                                  onConfirm={() =>
                                    kill.mutate(s.id, {
                                      onSuccess: () => notifications.show({ color: 'teal', message: `Stream on ${device(s)} killed` }),
                                      onError: (error) =>
                                        notifications.show({
                                          color: 'red',
                                          title: 'Could not kill the stream',
                                          message: describeError(error),
                                        }),
                                    })
                                  }
                                >
                                  Kill
                                </ConfirmButton>
                              )}
                            </Table.Td>
                          </Table.Tr>
                        ))}
                      </Table.Tbody>
                    </Table>
                  </Table.ScrollContainer>
                )}
              </Card>
              <Card withBorder radius="md" p={0}>
                <Title order={4} p="md" pb="xs">
                  Recently ended ({data.ended.length})
                </Title>
                {data.ended.length === 0 ? (
                  <Empty title="Nothing ended recently" />
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
                          <Table.Th>Reason</Table.Th>
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
                            <Table.Td>{s.endReason && <Badge color={REASON_COLOR[s.endReason]}>{s.endReason}</Badge>}</Table.Td>
                          </Table.Tr>
                        ))}
                      </Table.Tbody>
                    </Table>
                  </Table.ScrollContainer>
                )}
              </Card>
            </>
          )}
        </QueryState>
      )}
    </Page>
  );
}
