import { Button, Card, Group, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { describeError } from '../../api/client';
import { ConfirmButton } from '../../components/confirm';
import { formatDateTime, Page } from '../../components/page';
import { useIsPhone } from '../../components/responsive';
import { Empty, QueryState } from '../../components/states';
import { SecretReveal } from '../applications/SecretReveal';
import { useCreateToken, useRevokeToken, useTokens } from './hooks';

export function TokensPage() {
  const phone = useIsPhone();
  const tokens = useTokens();
  const create = useCreateToken();
  const revoke = useRevokeToken();
  const [name, setName] = useState('');
  const [expiresAt, setExpiresAt] = useState('');
  const [shown, setShown] = useState<string | null>(null);
  return (
    <Page title="API tokens" description="Tokens act with your role and tenant, for scripts and CI (Authorization: Bearer …)">
      <Card withBorder radius="md">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate(
              { name: name.trim(), ...(expiresAt ? { expiresAt: new Date(expiresAt).toISOString() } : {}) },
              {
                onSuccess: (created) => {
                  setName('');
                  setExpiresAt('');
                  setShown(created.token);
                },
              },
            );
          }}
        >
          <Group align="flex-end" wrap="wrap">
            <TextInput
              label="Token name"
              placeholder="ci deploy"
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              required
              disabled={create.isPending}
            />
            <TextInput
              label="Expires (optional)"
              type="datetime-local"
              value={expiresAt}
              onChange={(e) => setExpiresAt(e.currentTarget.value)}
              disabled={create.isPending}
            />
            <Button type="submit" loading={create.isPending} disabled={!name.trim()}>
              Create token
            </Button>
          </Group>
          {create.isError && (
            <Text c="red" size="sm" mt="xs" role="alert">
              {describeError(create.error)}
            </Text>
          )}
        </form>
      </Card>
      <Card withBorder radius="md" p={0}>
        <QueryState query={tokens} isEmpty={(d) => d.length === 0} empty={<Empty title="No API tokens" />}>
          {(list) => (
            <Table.ScrollContainer minWidth={phone ? 0 : 720}>
              <Table verticalSpacing="sm" aria-label="API tokens">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th visibleFrom="sm">Prefix</Table.Th>
                    <Table.Th visibleFrom="sm">Owner</Table.Th>
                    <Table.Th visibleFrom="sm">Created</Table.Th>
                    <Table.Th visibleFrom="sm">Last used</Table.Th>
                    <Table.Th visibleFrom="sm">Expires</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.map((token) => (
                    <Table.Tr key={token.id}>
                      <Table.Td>{token.name}</Table.Td>
                      <Table.Td visibleFrom="sm">
                        <Text ff="monospace" size="sm">
                          {token.prefix}…
                        </Text>
                      </Table.Td>
                      <Table.Td visibleFrom="sm">{token.operatorEmail}</Table.Td>
                      <Table.Td visibleFrom="sm">{formatDateTime(token.createdAt)}</Table.Td>
                      <Table.Td visibleFrom="sm">{formatDateTime(token.lastUsedAt)}</Table.Td>
                      <Table.Td visibleFrom="sm">{token.expiresAt ? formatDateTime(token.expiresAt) : 'never'}</Table.Td>
                      <Table.Td>
                        <ConfirmButton
                          size="xs"
                          title="Revoke this token?"
                          message={`"${token.name}" stops working at once; scripts using it get 401.`}
                          confirmLabel="Revoke token"
                          aria-label={`Revoke token ${token.name}`}
                          loading={revoke.isPending && revoke.variables === token.id}
                          onConfirm={() =>
                            revoke.mutate(token.id, {
                              onSuccess: () => notifications.show({ color: 'teal', message: `Token ${token.name} revoked` }),
                              onError: (error) => notifications.show({ color: 'red', message: describeError(error) }),
                            })
                          }
                        >
                          Revoke
                        </ConfirmButton>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </QueryState>
      </Card>
      <SecretReveal
        title="New API token"
        what="token"
        secret={shown}
        onClose={() => setShown(null)}
        lostHint="Lost it? Revoke this token and create a new one."
      />
    </Page>
  );
}
