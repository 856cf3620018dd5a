import { Badge, Button, Checkbox, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { setFieldErrors } from '../../api/client';
import { DataTable } from '../../components/data-table';
import { Page } from '../../components/page';
import { WholeNumberInput, wholeNumberError } from '../../components/number-field';
import { Empty, FormError } from '../../components/states';
import { can, useMe } from '../auth/hooks';
import { useCurrentTenant } from '../tenants/current-tenant';
import { HEARTBEAT_RANGE } from './api';
import { useApplications, useCreateApplication } from './hooks';
import { SecretReveal } from './SecretReveal';

function CreateApplicationModal({ tenantId, opened, onClose }: { tenantId: string; opened: boolean; onClose: () => void }) {
  const create = useCreateApplication();
  const navigate = useNavigate();
  const [secret, setSecret] = useState<{ value: string; appId: string } | null>(null);
  const form = useForm({
    initialValues: { id: '', name: '', platform: 'web', heartbeatIntervalSeconds: 60 as number | string, requireSecret: true },
    validate: {
      name: (v) => (v.trim() ? null : 'Enter a name, e.g. Acme web player'),
      heartbeatIntervalSeconds: (v) => wholeNumberError(v, HEARTBEAT_RANGE) ?? null,
    },
  });
  const submit = form.onSubmit((values) => {
    form.clearErrors();
    create.mutate(
      {
        tenantId,
        input: {
          name: values.name.trim(),
          platform: values.platform.trim() || undefined,
          heartbeatIntervalSeconds: Number(values.heartbeatIntervalSeconds),
          requireSecret: values.requireSecret,
          ...(values.id.trim() ? { id: values.id.trim() } : {}),
        },
      },
      {
        onSuccess: (app) => {
          form.reset();
          onClose();
          if (app.secret) setSecret({ value: app.secret, appId: app.id });
          else void navigate(`/applications/${encodeURIComponent(app.id)}`);
        },
        onError: (error) => {
          setFieldErrors(error, form.setFieldError);
        },
      },
    );
  });
  return (
    <>
      <Modal opened={opened} onClose={onClose} title="New application" centered>
        <form onSubmit={submit} noValidate>
          <Stack>
            <FormError error={create.isError ? create.error : null} />
            <TextInput
              label="Name"
              required
              placeholder="Acme web player"
              {...form.getInputProps('name')}
              disabled={create.isPending}
              data-autofocus
            />
            <TextInput
              label="Application id"
              description="What players send as the Basic auth user; generated when empty"
              placeholder="acme-web"
              {...form.getInputProps('id')}
              disabled={create.isPending}
            />
            <TextInput label="Platform" placeholder="web" {...form.getInputProps('platform')} disabled={create.isPending} />
            <WholeNumberInput
              label="Heartbeat interval (seconds)"
              description="Between 10 and 3600"
              min={HEARTBEAT_RANGE.min}
              max={HEARTBEAT_RANGE.max}
              {...form.getInputProps('heartbeatIntervalSeconds')}
              disabled={create.isPending}
            />
            <Checkbox label="Require a secret" {...form.getInputProps('requireSecret', { type: 'checkbox' })} disabled={create.isPending} />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose} disabled={create.isPending}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Create application
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      <SecretReveal
        title="Application secret"
        secret={secret?.value ?? null}
        onClose={() => {
          const appId = secret?.appId;
          setSecret(null);
          if (appId) void navigate(`/applications/${encodeURIComponent(appId)}`);
        }}
      />
    </>
  );
}

export function ApplicationsPage() {
  const { tenantId, tenantName } = useCurrentTenant();
  const applications = useApplications(tenantId);
  const rights = can(useMe().data);
  const [creating, setCreating] = useState(false);
  return (
    <Page
      title="Applications"
      description={`Players of ${tenantName(tenantId)} that call the CM API`}
      actions={
        rights.write &&
        tenantId && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            New application
          </Button>
        )
      }
    >
      {!tenantId ? (
        <Empty title="No tenant yet">Create a tenant first (Administration → Tenants).</Empty>
      ) : (
        <DataTable
          query={applications}
          rows={(list) => list}
          rowKey={(a) => a.id}
          label="Applications"
          empty={<Empty title="No applications yet">Create one to get its integration snippet.</Empty>}
          minWidth={640}
          rowHref={(a) => `/applications/${encodeURIComponent(a.id)}`}
          columns={[
            {
              header: 'Name',
              cell: (a) => (
                <Link to={`/applications/${encodeURIComponent(a.id)}`} onClick={(e) => e.stopPropagation()}>
                  {a.name}
                </Link>
              ),
            },
            {
              header: 'Id',
              wide: true,
              cell: (a) => (
                <Text size="sm" ff="monospace">
                  {a.id}
                </Text>
              ),
            },
            { header: 'Platform', wide: true, cell: (a) => a.platform },
            { header: 'Heartbeat', wide: true, cell: (a) => `${a.heartbeatIntervalSeconds} s` },
            {
              header: 'Status',
              cell: (a) => (
                <Group gap={4}>
                  <Badge color={a.enabled ? 'teal' : 'gray'} variant="light">
                    {a.enabled ? 'enabled' : 'disabled'}
                  </Badge>
                  {a.requireSecret && (
                    <Badge color="blue" variant="outline">
                      secret
                    </Badge>
                  )}
                </Group>
              ),
            },
          ]}
        />
      )}
      {tenantId && <CreateApplicationModal tenantId={tenantId} opened={creating} onClose={() => setCreating(false)} />}
    </Page>
  );
}
