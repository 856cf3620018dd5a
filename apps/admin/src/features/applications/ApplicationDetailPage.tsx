import { Button, Card, Checkbox, Code, CopyButton, Group, SimpleGrid, Stack, Switch, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconCopy, IconRefresh } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { setFieldErrors, describeError } from '../../api/client';
import { ConfirmButton } from '../../components/confirm';
import { WholeNumberInput, wholeNumberError } from '../../components/number-field';
import { Page } from '../../components/page';
import { Empty, ErrorState, FormError, Loading, QueryState } from '../../components/states';
import { can, useMe } from '../auth/hooks';
import { usePolicies } from '../policies/hooks';
import { describeRule } from '../policies/rules';
import { type Application, HEARTBEAT_RANGE } from './api';
import {
  useApplication,
  useAttachedPolicies,
  useAttachPolicies,
  useDeleteApplication,
  useRotateSecret,
  useUpdateApplication,
} from './hooks';
import { EntitlementsCard } from './EntitlementsCard';
import { PlaybackTokensCard } from './PlaybackTokensCard';
import { SecretReveal } from './SecretReveal';
import { useUnsavedChangesGuard } from '../../components/unsaved';
import { integrationSnippets } from './snippets';

export function ApplicationDetailPage() {
  const { appId } = useParams();
  const app = useApplication(appId);
  if (app.isPending) return <Loading />;
  if (app.isError) return <ErrorState error={app.error} onRetry={() => void app.refetch()} title="Application not available" />;
  return <ApplicationDetail app={app.data} />;
}

function Snippet({ code, label }: { code: string; label: string }) {
  return (
    <Stack gap={4}>
      <Group justify="flex-end">
        <CopyButton value={code}>
          {({ copied, copy }) => (
            <Button
              size="xs"
              variant="light"
              color={copied ? 'teal' : 'blue'}
              leftSection={copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
              onClick={copy}
            >
              {copied ? 'Copied' : `Copy ${label}`}
            </Button>
          )}
        </CopyButton>
      </Group>
      <Code block tabIndex={0} style={{ whiteSpace: 'pre', overflowX: 'auto' }}>
        {code}
      </Code>
    </Stack>
  );
}

function SettingsCard({ app, readOnly, onSecret }: { app: Application; readOnly: boolean; onSecret: (secret: string) => void }) {
  const update = useUpdateApplication();
  const form = useForm({
    initialValues: {
      name: app.name,
      platform: app.platform,
      heartbeatIntervalSeconds: app.heartbeatIntervalSeconds as number | string,
      enabled: app.enabled,
      requireSecret: app.requireSecret,
    },
    validate: {
      name: (v) => (v.trim() ? null : 'Enter a name'),
      heartbeatIntervalSeconds: (v) => wholeNumberError(v, HEARTBEAT_RANGE) ?? null,
    },
  });
  useEffect(() => {
    form.setInitialValues({
      name: app.name,
      platform: app.platform,
      heartbeatIntervalSeconds: app.heartbeatIntervalSeconds,
      enabled: app.enabled,
      requireSecret: app.requireSecret,
    });
    // Reset the form when the server's copy changes (after a save): its version is app.updatedAt, not each field.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [app.updatedAt]);
  const guard = useUnsavedChangesGuard(!readOnly && form.isDirty(), 'the application settings');
  const submit = form.onSubmit((values) => {
    form.clearErrors();
    update.mutate(
      {
        appId: app.id,
        input: {
          name: values.name.trim(),
          platform: values.platform.trim(),
          heartbeatIntervalSeconds: Number(values.heartbeatIntervalSeconds),
          enabled: values.enabled,
          requireSecret: values.requireSecret,
        },
      },
      {
        onSuccess: (saved) => {
          form.resetDirty(values);
          notifications.show({ color: 'teal', message: 'Application saved' });
          if (saved.secret) onSecret(saved.secret);
        },
        onError: (error) => {
          setFieldErrors(error, form.setFieldError);
        },
      },
    );
  });
  const busy = update.isPending || readOnly;
  return (
    <Card withBorder radius="md">
      {guard.element}
      <Title order={2} size="h4" mb="sm">
        Settings
      </Title>
      <form onSubmit={submit}>
        <Stack gap="sm">
          <FormError error={update.isError ? update.error : null} />
          <TextInput label="Name" {...form.getInputProps('name')} disabled={busy} />
          <TextInput label="Platform" {...form.getInputProps('platform')} disabled={busy} />
          <WholeNumberInput
            label="Heartbeat interval (seconds)"
            description="Between 10 and 3600"
            min={HEARTBEAT_RANGE.min}
            max={HEARTBEAT_RANGE.max}
            {...form.getInputProps('heartbeatIntervalSeconds')}
            disabled={busy}
          />
          <Switch
            label="Enabled (players of a disabled application are refused on every call)"
            {...form.getInputProps('enabled', { type: 'checkbox' })}
            disabled={busy}
          />
          <Switch label="Require a secret" {...form.getInputProps('requireSecret', { type: 'checkbox' })} disabled={busy} />
          {!readOnly && (
            <Group>
              <Button type="submit" loading={update.isPending} disabled={!form.isDirty()}>
                Save settings
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </Card>
  );
}

function PoliciesCard({ app, readOnly }: { app: Application; readOnly: boolean }) {
  const attached = useAttachedPolicies(app.id);
  const available = usePolicies(app.tenantId);
  const attach = useAttachPolicies();
  const [selected, setSelected] = useState<string[] | null>(null);
  const current = selected ?? attached.data?.policyIds ?? [];
  const dirty = selected !== null && JSON.stringify([...selected].sort()) !== JSON.stringify([...(attached.data?.policyIds ?? [])].sort());
  return (
    <Card withBorder radius="md">
      <Title order={2} size="h4" mb="xs">
        Attached policies
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Every attached policy must allow a stream. Changes apply to running streams at their next heartbeat.
      </Text>
      <QueryState query={available} isEmpty={(d) => d.length === 0} empty={<Empty title="No policies yet">Create a policy first.</Empty>}>
        {(policies) =>
          attached.isPending ? (
            <Loading />
          ) : attached.isError ? (
            <ErrorState error={attached.error} onRetry={() => void attached.refetch()} />
          ) : (
            <Stack gap="xs">
              <Checkbox.Group value={current} onChange={setSelected} aria-label="Attached policies">
                <Stack gap={6}>
                  {policies.map((p) => (
                    <Checkbox
                      key={p.id}
                      value={p.id}
                      disabled={readOnly || attach.isPending}
                      label={`${p.name}${p.shared ? ' (shared with you)' : ''}`}
                      description={p.rules.map(describeRule).join(' · ')}
                    />
                  ))}
                </Stack>
              </Checkbox.Group>
              {attach.isError && (
                <Text c="red" size="sm" role="alert">
                  {describeError(attach.error)}
                </Text>
              )}
              {!readOnly && (
                <Group>
                  <Button
                    disabled={!dirty}
                    loading={attach.isPending}
                    onClick={() =>
                      attach.mutate(
                        { appId: app.id, policyIds: current },
                        {
                          onSuccess: () => {
                            setSelected(null);
                            notifications.show({ color: 'teal', message: 'Attached policies saved' });
                          },
                        },
                      )
                    }
                  >
                    Save attached policies
                  </Button>
                </Group>
              )}
            </Stack>
          )
        }
      </QueryState>
    </Card>
  );
}

function ApplicationDetail({ app }: { app: Application }) {
  const rights = can(useMe().data);
  const readOnly = !rights.write;
  const rotate = useRotateSecret();
  const remove = useDeleteApplication();
  const navigate = useNavigate();
  const [secret, setSecret] = useState<string | null>(null);
  const [lastSecret, setLastSecret] = useState<string | undefined>();
  const snippets = integrationSnippets(app, window.location.origin, lastSecret);
  const reveal = (s: string) => {
    setSecret(s);
    setLastSecret(s);
  };
  return (
    <Page
      title={app.name}
      description={
        <>
          Application id <Code>{app.id}</Code> · {app.enabled ? 'enabled' : 'disabled'}
        </>
      }
      actions={
        <>
          <Button variant="default" component={Link} to="/applications">
            Back to applications
          </Button>
          {!readOnly && app.requireSecret && (
            <ConfirmButton
              title="Rotate the secret?"
              message="A new secret is generated and shown once. Players still using the old one get 401 from now on."
              confirmLabel="Rotate secret"
              color="orange"
              loading={rotate.isPending}
              onConfirm={() =>
                rotate.mutate(app.id, {
                  onSuccess: (r) => r.secret && reveal(r.secret),
                  onError: (error) => notifications.show({ color: 'red', title: 'Could not rotate', message: describeError(error) }),
                })
              }
            >
              <IconRefresh size={16} style={{ marginRight: 6 }} /> Rotate secret
            </ConfirmButton>
          )}
          {!readOnly && (
            <ConfirmButton
              title="Delete this application?"
              message={`Players of "${app.name}" will get 401 and its running streams end. This cannot be undone.`}
              confirmLabel="Delete application"
              loading={remove.isPending}
              onConfirm={() =>
                remove.mutate(app.id, {
                  onSuccess: () => {
                    notifications.show({ color: 'teal', message: `${app.name} deleted` });
                    void navigate('/applications');
                  },
                  onError: (error) => notifications.show({ color: 'red', title: 'Could not delete', message: describeError(error) }),
                })
              }
            >
              Delete
            </ConfirmButton>
          )}
        </>
      }
    >
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <SettingsCard app={app} readOnly={readOnly} onSecret={reveal} />
        <PoliciesCard app={app} readOnly={readOnly} />
        <PlaybackTokensCard app={app} readOnly={readOnly} />
        <EntitlementsCard key={app.updatedAt} app={app} readOnly={readOnly} />
      </SimpleGrid>
      <Card withBorder radius="md">
        <Title order={2} size="h4" mb="sm">
          Integration
        </Title>
        <Tabs defaultValue="sdk">
          <Tabs.List>
            <Tabs.Tab value="sdk">SDK (@cm/client)</Tabs.Tab>
            <Tabs.Tab value="curl">curl</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="sdk" pt="sm">
            <Snippet code={snippets.sdk} label="SDK snippet" />
          </Tabs.Panel>
          <Tabs.Panel value="curl" pt="sm">
            <Snippet code={snippets.curl} label="curl snippet" />
          </Tabs.Panel>
        </Tabs>
      </Card>
      <SecretReveal title="New application secret" secret={secret} onClose={() => setSecret(null)} />
    </Page>
  );
}
