import { ActionIcon, Alert, Badge, Button, Card, Code, Group, List, Select, Stack, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { IconPlayerPlay, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { ApiError, describeError } from '../../api/client';
import type { Application } from '../applications/api';
import type { PolicyRule, SimulateRequest } from './api';
import { useSimulate } from './hooks';
import { parseDevices, parseMetadata, splitClaims } from './simulator';

interface SessionRow {
  applicationId: string | null;
  metadata: string;
}

const REGISTRATION_TEXT = {
  known: 'already registered: plays',
  registered: 'would be registered',
  full: 'not registered and the register is full: denied (device-limit)',
} as const;

const DECISION_COLOR = { admit: 'teal', deny: 'red', 'missing-metadata': 'orange', 'missing-claims': 'orange' } as const;

/**
 * What would the CM API answer? Hypothetical running sessions of one account and a candidate stream, decided by
 * the rules being edited (saved or not) with the same engine and advice builders as the player API.
 */
export function SimulatorPanel({ rules, applications }: { rules: PolicyRule[]; applications: Application[] }) {
  const simulate = useSimulate();
  const appOptions = applications.map((a) => ({ value: a.id, label: `${a.name} (${a.id})` }));
  const [sessions, setSessions] = useState<SessionRow[]>([
    { applicationId: null, metadata: 'channel=news, deviceId=tv' },
    { applicationId: null, metadata: 'channel=news, deviceId=tablet' },
  ]);
  const [candidateApp, setCandidateApp] = useState<string | null>(applications[0]?.id ?? null);
  const [candidate, setCandidate] = useState('channel=news, deviceId=phone');
  const [terminate, setTerminate] = useState<string[]>([]);
  const [inputError, setInputError] = useState<string | null>(null);
  const capsDevices = rules.some((r) => r.type === 'device-registration');
  const [devices, setDevices] = useState('tv=Living room TV, tablet=Tablet');

  const run = () => {
    const parsedSessions = sessions.map((s, i) => ({ ...parseMetadata(s.metadata), i, applicationId: s.applicationId }));
    const bad = parsedSessions.find((s) => s.error);
    const parsedCandidate = parseMetadata(candidate);
    const parsedDevices = capsDevices ? parseDevices(devices) : { devices: [] };
    const problem = bad
      ? `Session ${bad.i + 1}: ${bad.error}`
      : parsedCandidate.error
        ? `Candidate: ${parsedCandidate.error}`
        : parsedDevices.error
          ? `Registered devices: ${parsedDevices.error}`
          : null;
    if (problem) {
      // The result above would describe other inputs: drop it rather than show it next to the error.
      simulate.reset();
      return setInputError(problem);
    }
    setInputError(null);
    const body: SimulateRequest = {
      rules,
      sessions: parsedSessions.map((s) => ({ ...splitClaims(s.metadata), ...(s.applicationId ? { applicationId: s.applicationId } : {}) })),
      candidate: { ...splitClaims(parsedCandidate.metadata), ...(candidateApp ? { applicationId: candidateApp } : {}) },
      ...(terminate.length ? { terminate } : {}),
      ...(capsDevices ? { devices: parsedDevices.devices } : {}),
    };
    simulate.mutate(body);
  };

  const result = simulate.data;
  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        Describe one account&apos;s running streams and a new one; see the decision and the exact body the player receives. Metadata is
        written as attribute=value pairs separated by commas; entitlement claims as <Code>claims.tier=premium</Code>.
      </Text>
      <Card withBorder radius="md">
        <Title order={3} size="h5" mb="xs">
          Running sessions
        </Title>
        <Stack gap="xs">
          {sessions.length === 0 && (
            <Text size="sm" c="dimmed">
              None: the account has no running stream.
            </Text>
          )}
          {sessions.map((s, i) => (
            <Group key={i} align="flex-end" gap="xs" wrap="wrap">
              <Text size="sm" fw={500} w={80} pb={8}>
                Session {i + 1}
              </Text>
              <TextInput
                label={`Session ${i + 1} metadata`}
                value={s.metadata}
                onChange={(e) => {
                  const metadata = e.currentTarget.value;
                  setSessions((all) => all.map((x, j) => (j === i ? { ...x, metadata } : x)));
                }}
                style={{ flex: 1, minWidth: 220 }}
              />
              {appOptions.length > 0 && (
                <Select
                  label={`Session ${i + 1} application`}
                  placeholder="Same as the candidate"
                  data={appOptions}
                  value={s.applicationId}
                  onChange={(applicationId) => setSessions((all) => all.map((x, j) => (j === i ? { ...x, applicationId } : x)))}
                  clearable
                  w={220}
                />
              )}
              <ActionIcon
                variant="subtle"
                color="red"
                mb={4}
                onClick={() => setSessions((all) => all.filter((_, j) => j !== i))}
                aria-label={`Remove session ${i + 1}`}
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
          ))}
          <Group>
            <Button
              variant="light"
              size="xs"
              leftSection={<IconPlus size={14} />}
              onClick={() => setSessions((all) => [...all, { applicationId: null, metadata: '' }])}
            >
              Add running session
            </Button>
          </Group>
        </Stack>
      </Card>
      {capsDevices && (
        <Card withBorder radius="md">
          <Title order={3} size="h5" mb="xs">
            Registered devices
          </Title>
          <TextInput
            label="The account's registered devices"
            description="deviceId=name pairs (or just deviceId), separated by commas, first registered first; leave empty for none"
            value={devices}
            onChange={(e) => setDevices(e.currentTarget.value)}
          />
        </Card>
      )}
      <Card withBorder radius="md">
        <Title order={3} size="h5" mb="xs">
          New stream (candidate)
        </Title>
        <Group align="flex-end" gap="xs" wrap="wrap">
          <TextInput
            label="Candidate metadata"
            value={candidate}
            onChange={(e) => setCandidate(e.currentTarget.value)}
            style={{ flex: 1, minWidth: 220 }}
          />
          {appOptions.length > 0 && (
            <Select label="Candidate application" data={appOptions} value={candidateApp} onChange={setCandidateApp} clearable w={220} />
          )}
          <TagsInput label="Terminate (X-Terminate codes)" placeholder="Optional" value={terminate} onChange={setTerminate} w={220} />
        </Group>
      </Card>
      {inputError && (
        <Alert color="orange" role="alert">
          {inputError}
        </Alert>
      )}
      <Group>
        <Button leftSection={<IconPlayerPlay size={16} />} onClick={run} loading={simulate.isPending}>
          Simulate
        </Button>
      </Group>
      {simulate.isError && (
        <Alert
          color="red"
          role="alert"
          title={simulate.error instanceof ApiError ? `The server answered ${simulate.error.status}` : 'Simulation failed'}
        >
          {describeError(simulate.error)}
        </Alert>
      )}
      {result && (
        <Card withBorder radius="md" aria-label="Simulation result" component="section">
          <Group mb="sm">
            <Text fw={600}>Decision</Text>
            <Badge color={DECISION_COLOR[result.decision]} size="lg" data-testid="simulation-decision">
              {result.decision}
            </Badge>
            <Text size="sm" c="dimmed">
              The player gets HTTP {result.status}
            </Text>
          </Group>
          {result.decision === 'missing-metadata' && (
            <Alert color="orange" mb="sm" title="The new stream lacks metadata the rules need" data-testid="simulation-missing">
              Missing: {(result.missing ?? []).join(', ') || 'an attribute a rule names'}. A player must send{' '}
              {(result.missing ?? []).length === 1 ? 'it' : 'them'} when it starts a stream (the CM API answers 400 and asks for a metadata
              refresh otherwise).
            </Alert>
          )}
          {result.devices && result.devices.length > 0 && (
            <List size="sm" mb="sm" data-testid="simulation-devices">
              {result.devices.map((d) => (
                <List.Item key={`${d.policyName}/${d.ruleName}`}>
                  {d.ruleName} ({d.policyName}): device <Code>{d.deviceId}</Code> {REGISTRATION_TEXT[d.outcome]} ({d.registered} of{' '}
                  {d.limit} registered)
                </List.Item>
              ))}
            </List>
          )}
          <Text size="sm" fw={500}>
            Body the player receives
          </Text>
          <Code block tabIndex={0} data-testid="simulation-body">
            {JSON.stringify(result.body, null, 2)}
          </Code>
          {result.dismissed.length > 0 && (
            <Stack gap="xs" mt="md">
              <Text size="sm" fw={500}>
                Streams this would end
              </Text>
              {result.dismissed.map((d) => (
                <Card key={d.sessionId} withBorder p="xs">
                  <Text size="sm">
                    Session {d.sessionId} ({d.terminationCode}): {d.reason}; its next heartbeat gets HTTP {d.status}
                  </Text>
                  <Code block tabIndex={0}>
                    {JSON.stringify(d.body, null, 2)}
                  </Code>
                </Card>
              ))}
            </Stack>
          )}
        </Card>
      )}
    </Stack>
  );
}
