import { Anchor, Badge, Card, Code, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconRefresh } from '@tabler/icons-react';
import { describeError } from '../../api/client';
import { ConfirmButton } from '../../components/confirm';
import { formatDateTime, Page } from '../../components/page';
import { Empty, QueryState } from '../../components/states';
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
      <Card withBorder radius="md" p={0}>
        <QueryState query={keys} isEmpty={(d) => d.length === 0} empty={<Empty title="No signing key yet" />}>
          {(list) => (
            <Table.ScrollContainer minWidth={720}>
              <Table verticalSpacing="sm" aria-label="Signing keys">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Key id (kid)</Table.Th>
                    <Table.Th>Algorithm</Table.Th>
                    <Table.Th>State</Table.Th>
                    <Table.Th>Created</Table.Th>
                    <Table.Th>Published until</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.map((key) => (
                    <Table.Tr key={key.kid}>
                      <Table.Td>
                        <Text ff="monospace" size="sm">
                          {key.kid}
                        </Text>
                      </Table.Td>
                      <Table.Td>{key.algorithm}</Table.Td>
                      <Table.Td>
                        {key.active ? (
                          <Badge color="teal">active</Badge>
                        ) : (
                          <Badge color="gray" variant="light">
                            retired
                          </Badge>
                        )}
                      </Table.Td>
                      <Table.Td>{formatDateTime(key.createdAt)}</Table.Td>
                      <Table.Td>{key.active ? 'while active' : formatDateTime(key.publishedUntil)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </QueryState>
      </Card>
    </Page>
  );
}
