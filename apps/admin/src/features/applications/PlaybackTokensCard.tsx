import { Anchor, Card, Code, Stack, Switch, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { describeError } from '../../api/client';
import type { Application } from './api';
import { useUpdateApplication } from './hooks';

/** Signed playback tokens: the switch, and what a licence server or CDN needs to check them. */
export function PlaybackTokensCard({ app, readOnly }: { app: Application; readOnly: boolean }) {
  const update = useUpdateApplication();
  const enabled = app.playbackTokens.enabled;
  const jwksUrl = `${window.location.origin}/.well-known/jwks.json`;
  return (
    <Card withBorder radius="md">
      <Title order={4} mb="xs">
        Playback tokens
      </Title>
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          Every admitted start and heartbeat answers a signed token (<Code>X-CM-Playback-Token</Code>) valid until the session expires. Put
          a licence gate in front of your DRM licence server or CDN origin: a denied, dismissed or stopped stream gets no new token, so it
          stops within one heartbeat interval even if the player ignores us.
        </Text>
        <Switch
          label="Sign playback tokens"
          checked={enabled}
          disabled={readOnly || update.isPending}
          onChange={(e) =>
            update.mutate(
              { appId: app.id, input: { playbackTokens: { enabled: e.currentTarget.checked } } },
              {
                onSuccess: (saved) =>
                  notifications.show({
                    color: 'teal',
                    message: saved.playbackTokens.enabled ? 'Playback tokens enabled' : 'Playback tokens disabled',
                  }),
                onError: (error) => notifications.show({ color: 'red', title: 'Could not save', message: describeError(error) }),
              },
            )
          }
        />
        {enabled && (
          <Text size="sm">
            Verifiers check the audience <Code>{app.id}</Code> against the keys at{' '}
            <Anchor href={jwksUrl} target="_blank" rel="noreferrer">
              <Code>{jwksUrl}</Code>
            </Anchor>{' '}
            (<Code>verifyPlaybackToken</Code> of <Code>@cm/client</Code>, or <Code>examples/licence-gate</Code>).
          </Text>
        )}
      </Stack>
    </Card>
  );
}
