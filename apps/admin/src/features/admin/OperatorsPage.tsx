import { Badge, Button, Card, Group, PasswordInput, Select, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useState } from 'react';
import { notifications } from '@mantine/notifications';
import { setFieldErrors, describeError } from '../../api/client';
import { ConfirmButton } from '../../components/confirm';
import { DataTable } from '../../components/data-table';
import { formatDateTime, Page } from '../../components/page';
import { Empty, ErrorState, FormError } from '../../components/states';
import { SecretReveal } from '../applications/SecretReveal';
import type { Role } from '../auth/api';
import { can, useMe } from '../auth/hooks';
import { useCurrentTenant } from '../tenants/current-tenant';
import { useCreateOperator, useDeleteOperator, useOperators, useResetOperatorPassword, useUpdateOperator } from './hooks';

import { PASSWORD_MIN_LENGTH } from '../auth/ChangePasswordForm';

const ROLE_LABEL: Record<Role, string> = { admin: 'Admin', 'tenant-admin': 'Tenant admin', viewer: 'Viewer' };

/** What each role may do, said where the role is chosen. */
export const ROLE_HELP: Record<Role, string> = {
  admin: 'Everything, in every tenant, including tenants and admins',
  'tenant-admin': "Manages one tenant's applications, policies and operators",
  viewer: 'Reads one tenant; changes nothing',
};

export function OperatorsPage() {
  const me = useMe().data;
  const rights = can(me);
  const { tenants, tenantName, tenantId: currentTenant } = useCurrentTenant();
  const operators = useOperators(rights.manageOperators);
  const create = useCreateOperator();
  const update = useUpdateOperator();
  const remove = useDeleteOperator();
  const reset = useResetOperatorPassword();
  const [oneTime, setOneTime] = useState<{ email: string; password: string } | null>(null);
  const roles: Role[] = me?.role === 'admin' ? ['admin', 'tenant-admin', 'viewer'] : ['tenant-admin', 'viewer'];
  const form = useForm({
    initialValues: { email: '', password: '', role: 'viewer' as Role, tenantId: me?.tenantId ?? currentTenant },
    // Every problem at once, before the server is asked (it checks the same and names its fields too).
    validate: {
      email: (v) => (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.trim()) ? null : 'Enter an email address, e.g. ana@example.com'),
      password: (v) => (v.length >= PASSWORD_MIN_LENGTH ? null : `At least ${PASSWORD_MIN_LENGTH} characters`),
      tenantId: (v, values) => (values.role === 'admin' || v ? null : 'Pick the tenant this operator works in'),
    },
  });
  const pickedTenant = form.values.tenantId;
  const setField = form.setFieldValue;
  useEffect(() => {
    // The tenants load after the first render: default to the one the console works in.
    if (!pickedTenant && currentTenant) setField('tenantId', currentTenant);
  }, [pickedTenant, currentTenant, setField]);
  if (!rights.manageOperators)
    return <ErrorState title="Not allowed" error={new Error('Only admins and tenant admins manage operators.')} />;
  return (
    <Page title="Operators" description="People who sign in to this console">
      <Card withBorder radius="md">
        <form
          noValidate
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
                  setFieldErrors(error, form.setFieldError);
                },
              },
            );
          })}
        >
          <Group align="flex-start" wrap="wrap">
            <TextInput label="Operator email" type="email" required {...form.getInputProps('email')} disabled={create.isPending} />
            <PasswordInput
              label="Initial password"
              description={`At least ${PASSWORD_MIN_LENGTH} characters`}
              required
              {...form.getInputProps('password')}
              disabled={create.isPending}
              w={220}
            />
            <Select
              label="Role"
              description={ROLE_HELP[form.values.role]}
              data={roles.map((r) => ({ value: r, label: ROLE_LABEL[r] }))}
              allowDeselect={false}
              {...form.getInputProps('role')}
              disabled={create.isPending}
              w={260}
            />
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
      <DataTable
        query={operators}
        rows={(list) => list}
        rowKey={(op) => op.id}
        label="Operators"
        empty={<Empty title="No operators" />}
        columns={[
          {
            header: 'Email',
            cell: (op) => (
              <>
                {op.email}{' '}
                {op.id === me?.operatorId && (
                  <Badge size="xs" variant="light">
                    you
                  </Badge>
                )}
              </>
            ),
          },
          {
            header: 'Role',
            cell: (op) => {
              const self = op.id === me?.operatorId;
              return (
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
                          role: role,
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
              );
            },
          },
          { header: 'Tenant', wide: true, cell: (op) => (op.tenantId ? tenantName(op.tenantId) : '—') },
          { header: 'Created', wide: true, cell: (op) => formatDateTime(op.createdAt) },
          {
            header: 'Actions',
            actions: true,
            cell: (op) => {
              const self = op.id === me?.operatorId;
              return (
                <>
                  {!self && (
                    <Group gap="xs" justify="flex-end">
                      <ConfirmButton
                        size="xs"
                        color="blue"
                        title="Reset this operator's password?"
                        message={`${op.email} gets a one-time password, shown to you once; their sessions end, and after signing in with it they must choose their own. Their API tokens keep working.`}
                        confirmLabel="Reset password"
                        aria-label={`Reset password of ${op.email}`}
                        disabled={op.role === 'admin' && me?.role !== 'admin'}
                        loading={reset.isPending && reset.variables === op.id}
                        onConfirm={() =>
                          reset.mutate(op.id, {
                            onSuccess: (answer) => setOneTime({ email: answer.operator.email, password: answer.password }),
                            onError: (error) =>
                              notifications.show({
                                color: 'red',
                                title: 'Could not reset the password',
                                message: describeError(error),
                              }),
                          })
                        }
                      >
                        Reset password
                      </ConfirmButton>
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
                    </Group>
                  )}
                </>
              );
            },
          },
        ]}
      />
      <SecretReveal
        title={`One-time password for ${oneTime?.email ?? ''}`}
        secret={oneTime?.password ?? null}
        onClose={() => setOneTime(null)}
        what="password"
        lostHint="Lost it? Reset the password again: the previous one-time password stops working."
      />
    </Page>
  );
}
