import { Alert, Anchor, Badge, Button, Card, Group, Stack, Tabs, Text, TextInput, Textarea, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconDeviceFloppy } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, describeError } from '../../api/client';
import { ConfirmButton } from '../../components/confirm';
import { Page } from '../../components/page';
import { ErrorState, Loading } from '../../components/states';
import { useUnsavedChangesGuard } from '../../components/unsaved';
import { AttachPanel } from './AttachPanel';
import { useApplications } from '../applications/hooks';
import { can, useMe } from '../auth/hooks';
import { useCurrentTenant } from '../tenants/current-tenant';
import type { PolicyDetail } from './api';
import { useDeletePolicy, usePolicy, useSavePolicy } from './hooks';
import { RuleBuilder } from './RuleBuilder';
import { emptyRule, errorsByField, type RuleDraft, toDraft, toRule } from './rules';
import { SharingPanel } from './SharingPanel';
import { SimulatorPanel } from './SimulatorPanel';
import { VersionHistory } from './VersionHistory';

export function PolicyEditorPage() {
  const { policyId } = useParams();
  const policy = usePolicy(policyId);
  if (policyId && policy.isPending) return <Loading />;
  if (policyId && policy.isError) return <ErrorState error={policy.error} onRetry={() => void policy.refetch()} />;
  return <PolicyEditor key={policyId ?? 'new'} policy={policy.data} />;
}

function PolicyEditor({ policy }: { policy?: PolicyDetail }) {
  const navigate = useNavigate();
  const { tenantId, tenantName } = useCurrentTenant();
  const me = useMe().data;
  const rights = can(me);
  const ownerTenant = policy?.tenantId ?? tenantId;
  const readOnly = !rights.write || (!!policy && me?.role !== 'admin' && policy.tenantId !== me?.tenantId);
  const applications = useApplications(ownerTenant);
  const save = useSavePolicy();
  const remove = useDeletePolicy();
  const [name, setName] = useState(policy?.name ?? '');
  const [description, setDescription] = useState(policy?.description ?? '');
  const [rules, setRules] = useState<RuleDraft[]>(policy ? policy.rules.map(toDraft) : [emptyRule()]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [tab, setTab] = useState<string | null>('rules');
  const edited = JSON.stringify({ name, description, rules });
  const [savedAs, setSavedAs] = useState(edited);
  const guard = useUnsavedChangesGuard(!readOnly && edited !== savedAs, 'your edits to this policy');
  const candidateRules = useMemo(() => rules.map(toRule), [rules]);
  const appName = (id: string) => applications.data?.find((a) => a.id === id)?.name ?? id;

  const onSave = () => {
    if (!ownerTenant) return;
    setErrors({});
    save.mutate(
      { id: policy?.id, tenantId: ownerTenant, input: { name: name.trim(), description: description.trim(), rules: candidateRules } },
      {
        onSuccess: (saved) => {
          setSavedAs(edited);
          notifications.show({ color: 'teal', title: 'Policy saved', message: `${saved.name} is now version ${saved.version}` });
          if (!policy) {
            guard.allowLeave();
            void navigate(`/policies/${saved.id}`, { replace: true });
          }
        },
        onError: (error) => {
          if (error instanceof ApiError) setErrors(errorsByField(error.fieldErrors));
        },
      },
    );
  };

  const saving = save.isPending;
  const problem = save.error;
  return (
    <Page
      title={policy ? policy.name : 'New policy'}
      description={
        policy ? (
          <>
            Version {policy.version} · owned by {tenantName(policy.tenantId)} · attached to{' '}
            {policy.attachedApplicationIds.length === 0 ? (
              <>
                no application yet —{' '}
                <Anchor component="button" type="button" size="sm" onClick={() => setTab('applications')}>
                  attach it to an application
                </Anchor>
              </>
            ) : (
              policy.attachedApplicationIds.map((id) => appName(id)).join(', ')
            )}
          </>
        ) : (
          `In ${tenantName(ownerTenant)}`
        )
      }
      actions={
        <>
          <Button variant="default" component={Link} to="/policies">
            Back to policies
          </Button>
          {policy && !readOnly && policy.attachedApplicationIds.length > 0 && (
            <Tooltip label="Detach it from every application first (Applications tab)">
              <span>
                <Button color="red" variant="light" disabled aria-describedby="delete-policy-hint">
                  Delete
                </Button>
              </span>
            </Tooltip>
          )}
          {policy && !readOnly && policy.attachedApplicationIds.length === 0 && (
            <ConfirmButton
              title="Delete this policy?"
              message={`"${policy.name}" and its version history will be deleted.`}
              confirmLabel="Delete policy"
              loading={remove.isPending}
              onConfirm={() =>
                remove.mutate(policy.id, {
                  onSuccess: () => {
                    notifications.show({ color: 'teal', message: `${policy.name} deleted` });
                    guard.allowLeave();
                    void navigate('/policies');
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
      {guard.element}
      {policy && !readOnly && policy.attachedApplicationIds.length > 0 && (
        <Text size="sm" c="dimmed" id="delete-policy-hint">
          To delete this policy, detach it from {policy.attachedApplicationIds.map((id) => appName(id)).join(', ')} first: an attached
          policy cannot be deleted.
        </Text>
      )}
      {readOnly && policy && (
        <Alert color="gray">
          {rights.write ? 'This policy is shared with you: you can attach it, not change it.' : 'You can read this policy, not change it.'}
        </Alert>
      )}
      <Tabs value={tab} onChange={setTab}>
        <Tabs.List>
          <Tabs.Tab value="rules">Rules</Tabs.Tab>
          <Tabs.Tab value="simulator">Simulator</Tabs.Tab>
          {policy && <Tabs.Tab value="applications">Applications</Tabs.Tab>}
          {policy && <Tabs.Tab value="versions">Versions</Tabs.Tab>}
          {policy && <Tabs.Tab value="sharing">Sharing</Tabs.Tab>}
        </Tabs.List>

        <Tabs.Panel value="rules" pt="md">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              onSave();
            }}
          >
            <Stack gap="md">
              {problem && (
                <Alert color="red" icon={<IconAlertTriangle size={18} />} title="The policy was not saved" role="alert">
                  {problem instanceof ApiError ? (problem.problem.detail ?? problem.message) : describeError(problem)}
                  {problem instanceof ApiError && problem.fieldErrors.length > 0 && (
                    <Text size="sm" mt={4}>
                      {problem.fieldErrors.length} field{problem.fieldErrors.length === 1 ? '' : 's'} to fix, marked below.
                    </Text>
                  )}
                </Alert>
              )}
              <Card withBorder radius="md">
                <Stack gap="sm">
                  <TextInput
                    label="Policy name"
                    placeholder="2 devices per channel"
                    value={name}
                    onChange={(e) => setName(e.currentTarget.value)}
                    error={errors.name}
                    disabled={saving || readOnly}
                    required
                  />
                  <Textarea
                    label="Description"
                    autosize
                    minRows={1}
                    value={description}
                    onChange={(e) => setDescription(e.currentTarget.value)}
                    error={errors.description}
                    disabled={saving || readOnly}
                  />
                </Stack>
              </Card>
              <RuleBuilder rules={rules} onChange={setRules} errors={errors} disabled={saving || readOnly} />
              {!readOnly && (
                <Group>
                  <Button type="submit" leftSection={<IconDeviceFloppy size={16} />} loading={saving} disabled={!ownerTenant}>
                    {policy ? 'Save policy' : 'Create policy'}
                  </Button>
                  {policy && (
                    <Badge variant="light" color="gray">
                      Saving keeps version {policy.version} in the history
                    </Badge>
                  )}
                </Group>
              )}
            </Stack>
          </form>
        </Tabs.Panel>

        <Tabs.Panel value="simulator" pt="md">
          <SimulatorPanel rules={candidateRules} applications={applications.data ?? []} />
        </Tabs.Panel>
        {policy && ownerTenant && (
          <Tabs.Panel value="applications" pt="md">
            <AttachPanel policy={policy} tenantId={policy.tenantId} readOnly={!rights.write} />
          </Tabs.Panel>
        )}
        {policy && (
          <Tabs.Panel value="versions" pt="md">
            <VersionHistory policyId={policy.id} />
          </Tabs.Panel>
        )}
        {policy && (
          <Tabs.Panel value="sharing" pt="md">
            <SharingPanel
              key={policy.sharedWithTenantIds.join(',')}
              policy={policy}
              readOnly={readOnly || policy.tenantId !== ownerTenant}
            />
          </Tabs.Panel>
        )}
      </Tabs>
    </Page>
  );
}
