import { Button, Card, Group, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { setFieldErrors, describeError } from '../../api/client';
import { ConfirmButton } from '../../components/confirm';
import { DataTable } from '../../components/data-table';
import { formatDateTime, Page } from '../../components/page';
import { Empty, ErrorState, FormError } from '../../components/states';
import { can, useMe } from '../auth/hooks';
import { useCreateTenant, useDeleteTenant, useTenants } from '../tenants/hooks';

export function TenantsPage() {
  const rights = can(useMe().data);
  const tenants = useTenants();
  const create = useCreateTenant();
  const remove = useDeleteTenant();
  const form = useForm({ initialValues: { slug: '', name: '' } });
  if (!rights.manageTenants) return <ErrorState title="Admins only" error={new Error('Only admins manage tenants.')} />;
  return (
    <Page title="Tenants" description="Each tenant owns its applications, policies and operators">
      <Card withBorder radius="md">
        <form
          onSubmit={form.onSubmit((values) => {
            form.clearErrors();
            create.mutate(
              { slug: values.slug.trim(), name: values.name.trim() },
              {
                onSuccess: (t) => {
                  form.reset();
                  notifications.show({ color: 'teal', message: `Tenant ${t.name} created` });
                },
                onError: (error) => {
                  setFieldErrors(error, form.setFieldError);
                },
              },
            );
          })}
        >
          <Group align="flex-start" wrap="wrap">
            <TextInput label="Slug" placeholder="acme" required {...form.getInputProps('slug')} disabled={create.isPending} />
            <TextInput
              label="Tenant name"
              placeholder="Acme Streaming"
              required
              {...form.getInputProps('name')}
              disabled={create.isPending}
            />
            <Button type="submit" mt={25} loading={create.isPending}>
              Create tenant
            </Button>
          </Group>
          <FormError error={create.isError ? create.error : null} />
        </form>
      </Card>
      <DataTable
        query={tenants}
        rows={(list) => list}
        rowKey={(t) => t.id}
        label="Tenants"
        empty={<Empty title="No tenants yet" />}
        minWidth={560}
        columns={[
          { header: 'Name', cell: (t) => t.name },
          { header: 'Slug', wide: true, cell: (t) => t.slug },
          { header: 'Created', wide: true, cell: (t) => formatDateTime(t.createdAt) },
          {
            header: 'Actions',
            actions: true,
            cell: (t) => (
              <ConfirmButton
                size="xs"
                title="Delete this tenant?"
                message={`"${t.name}" will be deleted. A tenant that still has applications or policies cannot be deleted.`}
                confirmLabel="Delete tenant"
                aria-label={`Delete tenant ${t.name}`}
                loading={remove.isPending && remove.variables === t.id}
                onConfirm={() =>
                  remove.mutate(t.id, {
                    onSuccess: () => notifications.show({ color: 'teal', message: `Tenant ${t.name} deleted` }),
                    onError: (error) => notifications.show({ color: 'red', title: 'Could not delete', message: describeError(error) }),
                  })
                }
              >
                Delete
              </ConfirmButton>
            ),
          },
        ]}
      />
    </Page>
  );
}
