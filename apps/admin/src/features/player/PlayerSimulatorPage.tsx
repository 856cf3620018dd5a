import { ConcurrencyError } from '@cm/client';
import {
  Alert,
  Button,
  Card,
  Code,
  Group,
  Loader,
  NativeSelect,
  PasswordInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { IconDeviceTv, IconInfoCircle, IconPlayerStop } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { Page } from '../../components/page';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useApplications } from '../applications/hooks';
import { useCurrentTenant } from '../tenants/current-tenant';
import { describePlayerError } from './api';
import { DeviceCard } from './DeviceCard';
import { metadataTemplate } from './devices';
import { usePlayerClient, useRequiredMetadata, useSimulator } from './hooks';

const SPEEDS = [
  { value: '1', label: 'Real time' },
  { value: '10', label: '10× faster' },
  { value: '60', label: '60× faster' },
];

const randomSubject = () => `sim-${Math.random().toString(36).slice(2, 8)}`;

/**
 * Plays streams through the real player SDK (@cm/client) against this server's CM v2 API, as several devices of
 * one account: decisions, heartbeats, dismissals and the X-Terminate flow, live.
 */
export function PlayerSimulatorPage() {
  const { tenantId } = useCurrentTenant();
  const applications = useApplications(tenantId);
  const [applicationId, setApplicationId] = useState<string | null>(null);
  const [secret, setSecret] = useState('');
  const [idp, setIdp] = useState('Simulator_SSO');
  const [subject, setSubject] = useState(randomSubject);
  const [speed, setSpeed] = useState('1');
  const timeScale = Number(speed);

  const app = applications.data?.find((a) => a.id === applicationId);
  const needsSecret = !!app?.requireSecret;
  const secretReady = !needsSecret || secret.length > 0;
  const accountReady = idp.trim().length > 0 && subject.trim().length > 0;
  const client = usePlayerClient(app ? { applicationId: app.id, secret: needsSecret ? secret : '', timeScale } : null);
  const required = useRequiredMetadata(client, { applicationId: app?.id ?? '', secret }, secretReady);
  const account = useMemo(() => ({ idp: idp.trim(), subject: subject.trim() }), [idp, subject]);
  const sim = useSimulator(client, account, timeScale);
  // The server answered 401 to GET /v2/metadata: with a secret typed, the secret is what is wrong.
  const refused = required.isError && required.error instanceof ConcurrencyError && required.error.kind === 'unauthorized';
  const secretError = needsSecret && refused ? 'This secret is wrong: the server refused it (401)' : undefined;

  const anyActive = sim.devices.some((d) => d.state === 'playing' || d.state === 'starting');
  const ready = !!client && secretReady && accountReady && !refused;
  const owners = new Map(sim.devices.filter((d) => d.state === 'playing' && d.terminationCode).map((d) => [d.terminationCode!, d.name]));
  const lockedHint = anyActive ? 'Stop all devices to change' : undefined;

  if (applications.isPending) return <Loading label="Loading applications…" />;
  if (applications.isError) return <ErrorState error={applications.error} onRetry={() => void applications.refetch()} />;

  return (
    <Page
      title="Player simulator"
      description="Play streams as a subscriber's devices through the player SDK (@cm/client) and watch the decisions live"
    >
      {applications.data.length === 0 ? (
        <Empty title="No applications yet">
          Players authenticate as an application: create one in <Link to="/applications">Applications</Link> first.
        </Empty>
      ) : (
        <>
          <Card withBorder radius="md">
            <Stack gap="sm">
              <Group align="flex-start" wrap="wrap" gap="md">
                <Select
                  label="Application"
                  placeholder="Pick an application"
                  data={applications.data.map((a) => ({
                    value: a.id,
                    label: `${a.name} (${a.id})${a.enabled ? '' : ' — disabled'}`,
                  }))}
                  value={applicationId}
                  onChange={(v) => {
                    setApplicationId(v);
                    setSecret('');
                  }}
                  disabled={anyActive}
                  description={lockedHint}
                  searchable
                  w={280}
                />
                {needsSecret && (
                  <PasswordInput
                    label="Application secret"
                    description="The console never has application secrets: type it to play as this app"
                    value={secret}
                    onChange={(e) => setSecret(e.currentTarget.value)}
                    disabled={anyActive}
                    error={secretError}
                    autoComplete="off"
                    w={280}
                  />
                )}
                <TextInput
                  label="Identity provider (idp)"
                  value={idp}
                  onChange={(e) => setIdp(e.currentTarget.value)}
                  disabled={anyActive}
                  error={idp.trim() ? undefined : 'Required'}
                  w={200}
                />
                <TextInput
                  label="Subject (account)"
                  value={subject}
                  onChange={(e) => setSubject(e.currentTarget.value)}
                  disabled={anyActive}
                  error={subject.trim() ? undefined : 'Required'}
                  w={200}
                />
                <NativeSelect
                  label="Heartbeat speed"
                  data={SPEEDS}
                  value={speed}
                  onChange={(e) => setSpeed(e.currentTarget.value)}
                  disabled={anyActive}
                  w={150}
                />
              </Group>
              {app && (
                <Text size="sm" c="dimmed" component="div">
                  {!secretReady ? (
                    'Type the secret to load the metadata this application needs.'
                  ) : required.isPending ? (
                    <Group gap={6}>
                      <Loader size="xs" /> Loading the metadata this application needs…
                    </Group>
                  ) : secretError ? (
                    <Text span c="red" size="sm" role="alert">
                      This secret is wrong. Type the application&apos;s current secret to play as it.
                    </Text>
                  ) : refused ? (
                    <Text span c="red" size="sm" role="alert">
                      The server refused this application (401): it is disabled, or was just deleted.
                    </Text>
                  ) : required.isError ? (
                    <Text span c="red" size="sm" role="alert">
                      Could not load the metadata this application needs: {describePlayerError(required.error)}
                    </Text>
                  ) : required.data.length === 0 ? (
                    <>This application&apos;s policies need no metadata (one heartbeat every {app.heartbeatIntervalSeconds} s).</>
                  ) : (
                    <>
                      Players of this application must send{' '}
                      {required.data.map((k) => (
                        <Code key={k} mr={4}>
                          {k}
                        </Code>
                      ))}
                      : its policies need them (one heartbeat every {app.heartbeatIntervalSeconds} s).
                    </>
                  )}
                </Text>
              )}
              <Group gap="sm">
                <Button
                  leftSection={<IconDeviceTv size={16} />}
                  onClick={() => sim.add(metadataTemplate(required.data ?? []))}
                  disabled={!app}
                >
                  Add device
                </Button>
                <Button
                  variant="default"
                  leftSection={<IconPlayerStop size={16} />}
                  onClick={() => void sim.stopAll()}
                  disabled={!anyActive}
                >
                  Stop all
                </Button>
              </Group>
            </Stack>
          </Card>
          {!app ? (
            <Empty title="Pick an application">The devices play as this application (HTTP Basic with its id).</Empty>
          ) : sim.devices.length === 0 ? (
            <Empty title="No devices yet">Add a device, then press Play on it.</Empty>
          ) : (
            <>
              {!accountReady && (
                <Alert color="yellow" icon={<IconInfoCircle size={18} />}>
                  Type the identity provider and the subject of the account the devices play for.
                </Alert>
              )}
              <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
                {sim.devices.map((device) => (
                  <DeviceCard
                    key={device.id}
                    device={device}
                    ready={ready}
                    ownerOf={(code) => owners.get(code)}
                    onEdit={(text) => sim.edit(device.id, text)}
                    onPlay={(terminate) => void sim.play(device, terminate)}
                    onHeartbeat={() => void sim.heartbeatNow(device)}
                    onStop={() => void sim.stop(device)}
                    onRemove={() => sim.remove(device)}
                  />
                ))}
              </SimpleGrid>
            </>
          )}
          <Text size="xs" c="dimmed">
            Leaving this page stops every device&apos;s stream.
          </Text>
        </>
      )}
    </Page>
  );
}
