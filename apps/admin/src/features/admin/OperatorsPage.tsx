import { Badge, Button, Card, Group, PasswordInput, Select, Table, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { ApiError, describeError } from '../../api/client';
import { ConfirmButton } from '../../components/confirm';
import { formatDateTime, Page } from '../../components/page';
import { Empty, ErrorState, FormError, QueryState } from '../../components/states';
import type { Role } from '../auth/api';
import { can, useMe } from '../auth/hooks';
import { useCurrentTenant } from '../tenants/current-tenant';
import { useCreateOperator, useDeleteOperator, useOperators, useUpdateOperator } from './hooks';

export function OperatorsPage() {
  const me = useMe().data;
  const rights = can(me);
  const { tenants, tenantName } = useCurrentTenant();
  const operators = useOperators(rights.manageOperators);
  const create = useCreateOperator();
  const update = useUpdateOperator();
  const remove = useDeleteOperator();
  const roles: Role[] = me?.role === 'admin' ? ['admin', 'tenant-admin', 'viewer'] : ['tenant-admin', 'viewer'];
  const form = useForm({
    initialValues: { email: '', password: '', role: 'viewer' as Role, tenantId: me?.tenantId ?? (null as string | null) },
  });
  if (!rights.manageOperators)
    return <ErrorState title="Not allowed" error={new Error('Only admins and tenant admins manage operators.')} />;
  return (
    <Page title="Operators" description="People who sign in to this console">
      <Card withBorder radius="md">
        <form
          onSubmit={form.onSubmit((values) => {
            form.clearErrors();
            create.mutate(
              {
                email: values.email.trim(),
                password: values.password,
                role: values.role,
                ...(values.role === 'admin' ? {} : { tenantId: values.tenantId ?? me?.tenantId ?? undefined }),
              },
              {
                onSuccess: (op) => {
                  form.reset();
                  notifications.show({ color: 'teal', message: `${op.email} can now sign in` });
                },
                onError: (error) => {
                  if (error instanceof ApiError) for (const e of error.fieldErrors) form.setFieldError(e.field, e.message);
                },
              },
            );
          })}
        >
          <Group align="flex-start" wrap="wrap">
            <TextInput label="Operator email" type="email" required {...form.getInputProps('email')} disabled={create.isPending} />
            <PasswordInput label="Initial password" required {...form.getInputProps('password')} disabled={create.isPending} w={200} />
            <Select label="Role" data={roles} allowDeselect={false} {...form.getInputProps('role')} disabled={create.isPending} w={150} />
            {me?.role === 'admin' && form.values.role !== 'admin' && (
              <Select
                label="Operator tenant"
                data={tenants.map((t) => ({ value: t.id, label: t.name }))}
                required
                {...form.getInputProps('tenantId')}
                disabled={create.isPending}
                w={200}
              />
            )}
            <Button type="submit" mt={25} loading={create.isPending}>
              Add operator
            </Button>
          </Group>
          <FormError error={create.isError ? create.error : null} />
        </form>
      </Card>
      <Card withBorder radius="md" p={0}>
        <QueryState query={operators} isEmpty={(d) => d.length === 0} empty={<Empty title="No operators" />}>
          {(list) => (
            <Table.ScrollContainer minWidth={720}>
              <Table verticalSpacing="sm" aria-label="Operators">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Email</Table.Th>
                    <Table.Th>Role</Table.Th>
                    <Table.Th>Tenant</Table.Th>
                    <Table.Th>Created</Table.Th>
                    <Table.Th />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.map((op) => {
                    const self = op.id === me?.operatorId;
                    return (
                      <Table.Tr key={op.id}>
                        <Table.Td>
                          {op.email}{' '}
                          {self && (
                            <Badge size="xs" variant="light">
                              you
                            </Badge>
                          )}
                        </Table.Td>
                        <Table.Td>
                          <Select
                            aria-label={`Role of ${op.email}`}
                            size="xs"
                            w={140}
                            data={op.role === 'admin' || me?.role === 'admin' ? ['admin', 'tenant-admin', 'viewer'] : roles}
                            value={op.role}
                            allowDeselect={false}
                            disabled={self || update.isPending || (op.role === 'admin' && me?.role !== 'admin')}
                            onChange={(role) =>
                              role &&
                              role !== op.role &&
                              update.mutate(
                                {
                                  id: op.id,
                                  input: {
                                    role: role as Role,
                                    ...(role === 'admin' ? { tenantId: null } : { tenantId: op.tenantId ?? undefined }),
                                  },
                                },
                                {
                                  onError: (error) =>
                                    notifications.show({ color: 'red', title: 'Could not change the role', message: describeError(error) }),
                                },
                              )
                            }
                          />
                        </Table.Td>
                        <Table.Td>{op.tenantId ? tenantName(op.tenantId) : '—'}</Table.Td>
                        <Table.Td>{formatDateTime(op.createdAt)}</Table.Td>
                        <Table.Td>
                          {!self && (
                            <ConfirmButton
                              size="xs"
                              title="Remove this operator?"
                              message={`${op.email} can no longer sign in; their sessions and API tokens stop working.`}
                              confirmLabel="Remove operator"
                              aria-label={`Remove operator ${op.email}`}
                              loading={remove.isPending && remove.variables === op.id}
                              onConfirm={() =>
                                remove.mutate(op.id, {
                                  onError: (error) =>
                                    notifications.show({ color: 'red', title: 'Could not remove', message: describeError(error) }),
                                })
                              }
                            >
                              Remove
                            </ConfirmButton>
                          )}
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </QueryState>
      </Card>
    </Page>
  );
}
