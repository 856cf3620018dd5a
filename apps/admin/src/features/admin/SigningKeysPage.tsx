import { Anchor, Badge, Code, Text } from '@mantine/core';
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
        phoneMinWidth={720}
        columns={[
          {
            header: 'Key id (kid)',
            cell: (key) => (
              <Text ff="monospace" size="sm">
                {key.kid}
              </Text>
            ),
          },
          { header: 'Algorithm', cell: (key) => key.algorithm },
          {
            header: 'State',
            cell: (key) =>
              key.active ? (
                <Badge color="teal">active</Badge>
              ) : (
                <Badge color="gray" variant="light">
                  retired
                </Badge>
              ),
          },
          { header: 'Created', cell: (key) => formatDateTime(key.createdAt) },
          { header: 'Published until', cell: (key) => (key.active ? 'while active' : formatDateTime(key.publishedUntil)) },
        ]}
      />
    </Page>
  );
}
