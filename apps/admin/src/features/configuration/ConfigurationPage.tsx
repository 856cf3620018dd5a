import { Alert, Badge, Button, Card, Code, FileInput, Group, List, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDownload, IconFileUpload } from '@tabler/icons-react';
import { useState } from 'react';
import { describeError } from '../../api/client';
import { Page } from '../../components/page';
import { FormError } from '../../components/states';
import { can, useMe } from '../auth/hooks';
import { type ApplyResult, type ConfigurationFile, readConfigurationText, type TenantPlan, toYaml } from './api';
import { useApplyConfiguration, useConfigurationExport } from './hooks';

const ACTION_COLOR = { create: 'teal', update: 'blue', delete: 'red' } as const;

/** A field's value in a plan, short: JSON for lists and objects, "—" when absent. */
const shown = (value: unknown) => (value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value));

/** Saves text as a file through the browser's download. */
function download(text: string, name: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/yaml' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

function TenantPlanCard({ plan }: { plan: TenantPlan }) {
  return (
    <Card withBorder radius="md" component="section" aria-label={`Plan for tenant ${plan.slug}`}>
      <Title order={3} size="h5" mb="xs">
        Tenant {plan.slug}
        {!plan.id && ' (new)'}
      </Title>
      {plan.changes.length === 0 ? (
        <Text size="sm">No change.</Text>
      ) : (
        <List spacing="xs" listStyleType="none" aria-label={`Changes to tenant ${plan.slug}`}>
          {plan.changes.map((change) => (
            <List.Item key={`${change.kind}/${change.key}`}>
              <Group gap="xs" wrap="wrap">
                <Badge color={ACTION_COLOR[change.action]} variant="light">
                  {change.action}
                </Badge>
                <Text size="sm">
                  {change.kind} <strong>{change.key}</strong>
                </Text>
              </Group>
              {change.fields.length > 0 && (
                <List size="sm" withPadding mt={4}>
                  {change.fields.map((f) => (
                    <List.Item key={f.field}>
                      <Code>{f.field}</Code>: {shown(f.before)} → {shown(f.after)}
                    </List.Item>
                  ))}
                </List>
              )}
            </List.Item>
          ))}
        </List>
      )}
      {plan.absent.length > 0 && (
        <Text size="sm" c="dimmed" mt="xs">
          Kept although the file does not list them: {plan.absent.map((a) => `${a.kind} ${a.key}`).join(', ')}.
        </Text>
      )}
    </Card>
  );
}

/**
 * Configuration as code in the console: download the YAML `cm config export` writes (secrets are never in it), and
 * upload a file to see its plan (what would change, per tenant) before applying it — the same API as `cm config plan`
 * and `cm config apply`.
 */
export function ConfigurationPage() {
  const me = useMe();
  const mayApply = can(me.data).write;
  const exported = useConfigurationExport();
  const apply = useApplyConfiguration();
  const [file, setFile] = useState<File | null>(null);
  const [document, setDocument] = useState<ConfigurationFile | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const [plan, setPlan] = useState<ApplyResult | null>(null);
  const [applied, setApplied] = useState<ApplyResult | null>(null);

  const downloadYaml = async () => {
    const result = await exported.refetch();
    if (result.data) download(toYaml(result.data), 'cm-configuration.yaml');
  };

  const pick = async (picked: File | null) => {
    setFile(picked);
    setDocument(null);
    setPlan(null);
    setApplied(null);
    setReadError(null);
    apply.reset();
    if (!picked) return;
    let parsed: ConfigurationFile;
    try {
      parsed = readConfigurationText(await picked.text());
    } catch (error) {
      setReadError(error instanceof Error ? error.message : String(error));
      return;
    }
    setDocument(parsed);
    apply.mutate({ configuration: parsed, dryRun: true, prune: false }, { onSuccess: setPlan });
  };

  const applyPlan = () => {
    if (!document || !plan) return;
    apply.mutate(
      {
        configuration: document,
        dryRun: false,
        prune: false,
        expectedVersions: plan.tenants.map((t) => ({ slug: t.slug, version: t.version })),
      },
      {
        onSuccess: (result) => {
          setApplied(result);
          setPlan(null);
          notifications.show({ color: 'teal', message: `Configuration applied to ${result.tenants.map((t) => t.slug).join(', ')}` });
        },
      },
    );
  };

  return (
    <Page
      title="Configuration"
      description="Your tenants' applications and policies as one file, the one the cm command line exports and applies"
    >
      <Card withBorder radius="md">
        <Stack gap="sm">
          <Title order={2} size="h4">
            Export
          </Title>
          <Text size="sm">
            Every tenant you can see, as YAML. Application secrets and signing keys are never in it: keep the file in version control and
            apply it here or with <Code>cm config apply</Code>.
          </Text>
          <Group>
            <Button leftSection={<IconDownload size={16} />} onClick={() => void downloadYaml()} loading={exported.isFetching}>
              Download YAML
            </Button>
          </Group>
          <FormError error={exported.isError ? exported.error : null} />
        </Stack>
      </Card>

      <Card withBorder radius="md">
        <Stack gap="sm">
          <Title order={2} size="h4">
            Import
          </Title>
          <Text size="sm">
            Pick a configuration file (YAML or JSON): the console shows what it would change, and changes nothing until you apply it.
            Applications and policies the file does not list are kept.
          </Text>
          <FileInput
            label="Configuration file"
            description="YAML or JSON, e.g. cm-configuration.yaml"
            accept=".yaml,.yml,.json,application/yaml,application/json"
            leftSection={<IconFileUpload size={16} />}
            value={file}
            onChange={(f) => void pick(f)}
            error={readError}
            clearable
            clearButtonProps={{ 'aria-label': 'Remove the chosen file' }}
            maw={420}
          />
          {apply.isPending && <Text size="sm">{plan ? 'Applying…' : 'Planning…'}</Text>}
          {apply.isError && (
            <Alert color="red" title={plan ? 'Not applied' : 'This file cannot be applied'} role="alert">
              {describeError(apply.error)}
            </Alert>
          )}
          {plan && (
            <Stack gap="sm" data-testid="configuration-plan">
              <Text fw={600} role="status">
                {plan.changes
                  ? 'The plan: applying this file would make these changes.'
                  : 'Nothing to change: the server already matches this file.'}
              </Text>
              {plan.tenants.map((t) => (
                <TenantPlanCard key={t.slug} plan={t} />
              ))}
              {plan.changes &&
                (mayApply ? (
                  <Group>
                    <Button onClick={applyPlan} loading={apply.isPending}>
                      Apply this plan
                    </Button>
                    <Button variant="default" onClick={() => void pick(null)} disabled={apply.isPending}>
                      Cancel
                    </Button>
                  </Group>
                ) : (
                  <Text size="sm">Viewers may plan but not apply: ask a tenant admin.</Text>
                ))}
            </Stack>
          )}
          {applied && (
            <Alert color="teal" title="Applied" role="status">
              <Text size="sm">The server now matches the file: {applied.tenants.map((t) => t.slug).join(', ')}.</Text>
              {applied.secrets.length > 0 && (
                <Stack gap={4} mt="xs">
                  <Text size="sm">New applications&apos; secrets, shown only now: copy them.</Text>
                  {applied.secrets.map((s) => (
                    <Text size="sm" key={s.applicationId}>
                      {s.applicationId}: <Code>{s.secret}</Code>
                    </Text>
                  ))}
                </Stack>
              )}
            </Alert>
          )}
        </Stack>
      </Card>
    </Page>
  );
}
