import { Button, Card, Group, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { ApiError, describeError, fieldMessage } from '../../api/client';
import { ConfirmButton } from '../../components/confirm';
import { DataTable } from '../../components/data-table';
import { formatDateTime, Page } from '../../components/page';
import { Empty, FormError } from '../../components/states';
import { UtcDateTimeInput, utcDateTimeToIso } from '../../components/utc-date-time-input';
import { SecretReveal } from '../applications/SecretReveal';
import { useCreateToken, useRevokeToken, useTokens } from './hooks';

export function TokensPage() {
  const tokens = useTokens();
  const create = useCreateToken();
  const revoke = useRevokeToken();
  const [name, setName] = useState('');
  const [expiresAt, setExpiresAt] = useState('');
  const [shown, setShown] = useState<string | null>(null);
  // The server's field errors beside their fields, once; anything else under the form.
  const fieldError = (field: string) =>
    create.error instanceof ApiError
      ? create.error.fieldErrors
          .filter((e) => e.field === field)
          .map(fieldMessage)
          .join('; ') || undefined
      : undefined;
  return (
    <Page title="API tokens" description="Tokens act with your role and tenant, for scripts and CI (Authorization: Bearer …)">
      <Card withBorder radius="md">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate(
              { name: name.trim(), ...(expiresAt ? { expiresAt: utcDateTimeToIso(expiresAt) } : {}) },
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
              error={fieldError('name')}
              disabled={create.isPending}
            />
            <UtcDateTimeInput
              label="Expires"
              description="Optional; never when empty"
              error={fieldError('expiresAt')}
              value={expiresAt}
              onChange={(e) => setExpiresAt(e.currentTarget.value)}
              disabled={create.isPending}
            />
            <Button type="submit" loading={create.isPending} disabled={!name.trim()}>
              Create token
            </Button>
          </Group>
          <FormError error={create.isError ? create.error : null} />
        </form>
      </Card>
      <DataTable
        query={tokens}
        rows={(list) => list}
        rowKey={(token) => token.id}
        label="API tokens"
        empty={<Empty title="No API tokens" />}
        columns={[
          { header: 'Name', cell: (token) => token.name },
          {
            header: 'Prefix',
            wide: true,
            cell: (token) => (
              <Text ff="monospace" size="sm">
                {token.prefix}…
              </Text>
            ),
          },
          { header: 'Owner', wide: true, cell: (token) => token.operatorEmail },
          { header: 'Created', wide: true, cell: (token) => formatDateTime(token.createdAt) },
          { header: 'Last used', wide: true, cell: (token) => formatDateTime(token.lastUsedAt) },
          { header: 'Expires', wide: true, cell: (token) => (token.expiresAt ? formatDateTime(token.expiresAt) : 'never') },
          {
            header: 'Actions',
            actions: true,
            cell: (token) => (
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
            ),
          },
        ]}
      />
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
