import type { Conflict } from '@cm/client';
import { Alert, Badge, Box, Button, Card, Code, Group, Paper, ScrollArea, Stack, Text, Textarea, Title } from '@mantine/core';
import { IconHeartbeat, IconPlayerPlay, IconPlayerStop, IconTrash } from '@tabler/icons-react';
import type { Device, DeviceState, LogTone } from './devices';
import { parseDeviceMetadata } from './devices';
import { formatTime } from '../../components/time';

const STATE_COLOR: Record<DeviceState, string> = {
  idle: 'gray',
  starting: 'blue',
  playing: 'teal',
  stopping: 'gray',
  denied: 'orange',
  dismissed: 'grape',
  terminated: 'red',
  expired: 'yellow',
  failed: 'red',
};

/** The palette's text colours (console.css): dark enough on a light card, light enough on a dark one. */
const TONE_COLOR: Record<LogTone, string | undefined> = {
  ok: 'var(--mantine-color-teal-text)',
  info: undefined,
  warn: 'var(--mantine-color-orange-text)',
  bad: 'var(--mantine-color-red-text)',
};

const time = (at: number) => formatTime(at);

export interface DeviceCardProps {
  device: Device;
  /** Whether Play can be pressed (an application is picked, and its secret typed when it needs one). */
  ready: boolean;
  /** Our own playing devices by termination code: a conflict that is one of them says so. */
  ownerOf: (terminationCode: string) => string | undefined;
  onEdit: (metadataText: string) => void;
  onPlay: (terminate?: Conflict) => void;
  onHeartbeat: () => void;
  onStop: () => void;
  onRemove: () => void;
}

export function DeviceCard({ device, ready, ownerOf, onEdit, onPlay, onHeartbeat, onStop, onRemove }: DeviceCardProps) {
  const titleId = `device-${device.id}-title`;
  const playing = device.state === 'playing';
  const busy = device.state === 'starting' || device.state === 'stopping';
  const parsed = parseDeviceMetadata(device.metadataText);
  return (
    <Card withBorder radius="md" component="section" aria-labelledby={titleId} padding="md">
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap">
          <Title order={2} size="h4" id={titleId}>
            {device.name}
          </Title>
          <Badge color={STATE_COLOR[device.state]} variant="light" size="lg" data-testid="device-state">
            {device.state}
          </Badge>
        </Group>
        <Text size="sm" c="dimmed">
          Termination code: {device.terminationCode ? <Code data-testid="termination-code">{device.terminationCode}</Code> : '—'}
        </Text>
        <Textarea
          label="Metadata"
          description="key=value, one pair a line"
          value={device.metadataText}
          onChange={(e) => onEdit(e.currentTarget.value)}
          error={parsed.error}
          disabled={playing || busy}
          autosize
          minRows={2}
          maxRows={6}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        />
        <Group gap="xs">
          <Button
            size="xs"
            leftSection={<IconPlayerPlay size={14} />}
            onClick={() => onPlay()}
            disabled={!ready || playing || !!parsed.error}
            loading={busy}
          >
            Play
          </Button>
          <Button size="xs" variant="light" leftSection={<IconHeartbeat size={14} />} onClick={onHeartbeat} disabled={!playing}>
            Heartbeat now
          </Button>
          <Button size="xs" variant="default" leftSection={<IconPlayerStop size={14} />} onClick={onStop} disabled={!playing}>
            Stop
          </Button>
          <Button size="xs" variant="subtle" color="red" leftSection={<IconTrash size={14} />} onClick={onRemove} disabled={busy}>
            Remove
          </Button>
        </Group>
        {device.state === 'denied' && device.denial && (
          <Alert color="orange" title={`Denied: ${device.denial.message}`} p="sm">
            <Stack gap="xs">
              <Text size="sm">Stop one of these streams to play here (X-Terminate):</Text>
              <Stack
                gap={6}
                component="ul"
                style={{ listStyle: 'none', padding: 0, margin: 0 }}
                aria-label={`Conflicting streams for ${device.name}`}
              >
                {device.denial.conflicts.map((c) => {
                  const owner = ownerOf(c.terminationCode);
                  return (
                    <Paper key={c.terminationCode} component="li" withBorder p="xs" radius="sm" data-testid="conflict">
                      <Group justify="space-between" gap="xs" wrap="wrap">
                        <Box style={{ minWidth: 0 }}>
                          <Text size="sm" fw={500}>
                            {c.deviceName || 'Unnamed device'}
                            {owner && owner !== c.deviceName && (
                              <Text span c="dimmed" size="xs">
                                {' '}
                                ({owner} here)
                              </Text>
                            )}
                          </Text>
                          <Text size="xs" c="dimmed">
                            channel {c.channel || '—'} · {c.applicationName} · code <Code>{c.terminationCode}</Code>
                          </Text>
                        </Box>
                        <Button size="xs" color="orange" onClick={() => onPlay(c)} disabled={!ready}>
                          Stop this one and play
                        </Button>
                      </Group>
                    </Paper>
                  );
                })}
              </Stack>
            </Stack>
          </Alert>
        )}
        <div>
          <Text size="xs" fw={600} tt="uppercase" c="dimmed" mb={4}>
            Events
          </Text>
          {device.log.length === 0 ? (
            <Text size="sm" c="dimmed">
              Nothing yet: press Play.
            </Text>
          ) : (
            <ScrollArea.Autosize mah={180} type="auto">
              <Box component="ol" aria-label={`${device.name} events`} style={{ listStyle: 'none', padding: 0, margin: 0 }}>
                {device.log.map((entry) => (
                  <Text component="li" key={entry.seq} size="xs" c={TONE_COLOR[entry.tone]} py={2}>
                    <Text span ff="monospace" c="dimmed" size="xs">
                      {time(entry.at)}
                    </Text>{' '}
                    {entry.text}
                  </Text>
                ))}
              </Box>
            </ScrollArea.Autosize>
          )}
        </div>
      </Stack>
    </Card>
  );
}
