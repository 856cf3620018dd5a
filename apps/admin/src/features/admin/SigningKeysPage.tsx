import { Anchor, Badge, Code, Group, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconRefresh } from '@tabler/icons-react';
import { describeError } from '../../api/client';
import { ConfirmButton } from '../../components/confirm';
import { formatDateTime, Page } from '../../components/page';
import { DataTable } from '../../components/data-table';
import { Empty } from '../../components/states';
import { useRotateSigningKey, useSigningKeys } from './hooks';

/** The keys that sign playback tokens (admins): what verifiers find in the JWKS, and rotation. */
export function SigningKeysPage() {
  const keys = useSigningKeys();
  const rotate = useRotateSigningKey();
  const jwksUrl = `${window.location.origin}/.well-known/jwks.json`;
  return (
    <Page
      title="Signing keys"
      description={
        <>
          Keys that sign playback tokens. Licence servers and CDNs read the public keys at{' '}
          <Anchor href={jwksUrl} target="_blank" rel="noreferrer">
            <Code>/.well-known/jwks.json</Code>
          </Anchor>
          ; private keys never leave the server.
        </>
      }
      actions={
        <ConfirmButton
          title="Rotate the signing key?"
          message="New playback tokens are signed with a new key at once. The current key stays published until every token it signed has expired, so players and licence servers notice nothing."
          confirmLabel="Rotate key"
          color="orange"
          loading={rotate.isPending}
          onConfirm={() =>
            rotate.mutate(undefined, {
              onSuccess: (key) => notifications.show({ color: 'teal', message: `New signing key ${key.kid.slice(0, 12)}… is active` }),
              onError: (error) => notifications.show({ color: 'red', title: 'Could not rotate', message: describeError(error) }),
            })
          }
        >
          <IconRefresh size={16} style={{ marginRight: 6 }} /> Rotate key
        </ConfirmButton>
      }
    >
      <DataTable
        query={keys}
        rows={(list) => list}
        rowKey={(key) => key.kid}
        label="Signing keys"
        empty={<Empty title="No signing key yet" />}
        phoneCard={(key) => (
          <Stack gap={4}>
            <Group justify="space-between" wrap="nowrap">
              <Text size="sm" fw={600}>
                {key.algorithm}
              </Text>
              <KeyState active={key.active} />
            </Group>
            <KeyId kid={key.kid} />
            <Text size="xs" c="dimmed">
              Created {formatDateTime(key.createdAt)}; published{' '}
              {key.active ? 'while active' : `until ${formatDateTime(key.publishedUntil)}`}
            </Text>
          </Stack>
        )}
        columns={[
          {
            header: 'Key id (kid)',
            cell: (key) => <KeyId kid={key.kid} />,
          },
          { header: 'Algorithm', cell: (key) => key.algorithm },
          {
            header: 'State',
            cell: (key) => <KeyState active={key.active} />,
          },
          { header: 'Created', cell: (key) => formatDateTime(key.createdAt) },
          { header: 'Published until', cell: (key) => (key.active ? 'while active' : formatDateTime(key.publishedUntil)) },
        ]}
      />
    </Page>
  );
}

/** A key id in full: it wraps rather than pushing the table wider than the screen. */
function KeyId({ kid }: { kid: string }) {
  return (
    <Text ff="monospace" size="sm" style={{ wordBreak: 'break-all' }}>
      {kid}
    </Text>
  );
}

function KeyState({ active }: { active: boolean }) {
  return active ? (
    <Badge color="teal">active</Badge>
  ) : (
    <Badge color="gray" variant="light">
      retired
    </Badge>
  );
}
