import { Button, Checkbox, Group, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { describeError } from '../../api/client';
import { Empty, QueryState } from '../../components/states';
import { applicationsApi } from '../applications/api';
import { applicationKeys, useApplications } from '../applications/hooks';
import type { PolicyDetail } from './api';
import { policyKeys } from './hooks';

/**
 * Attach the policy to applications of its tenant (or detach it) from the policy page: each changed application
 * keeps its other policies (read, then written back with this one added or removed).
 */
export function AttachPanel({ policy, tenantId, readOnly }: { policy: PolicyDetail; tenantId: string; readOnly: boolean }) {
  const applications = useApplications(tenantId);
  const client = useQueryClient();
  const [selected, setSelected] = useState<string[] | null>(null);
  const current = selected ?? policy.attachedApplicationIds;
  const save = useMutation({
    mutationFn: async (wanted: string[]) => {
      const own = new Set((applications.data ?? []).map((a) => a.id));
      const changed = [...own].filter((id) => wanted.includes(id) !== policy.attachedApplicationIds.includes(id));
      for (const appId of changed) {
        const { policyIds } = await applicationsApi.attachedPolicies(appId);
        const next = wanted.includes(appId) ? [...new Set([...policyIds, policy.id])] : policyIds.filter((id) => id !== policy.id);
        await applicationsApi.attachPolicies(appId, next);
        client.removeQueries({ queryKey: applicationKeys.policies(appId) });
      }
      return changed.length;
    },
    onSuccess: (count) => {
      setSelected(null);
      void client.invalidateQueries({ queryKey: policyKeys.all });
      notifications.show({ color: 'teal', message: count === 0 ? 'Nothing to change' : 'Applications saved' });
    },
  });
  const dirty = selected !== null && JSON.stringify([...selected].sort()) !== JSON.stringify([...policy.attachedApplicationIds].sort());
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        A policy decides the streams of the applications it is attached to. Changes apply to running streams at their next heartbeat.
      </Text>
      <QueryState
        query={applications}
        isEmpty={(d) => d.length === 0}
        empty={
          <Empty title="No application in this tenant">
            <Link to="/applications">Create an application</Link> first, then attach this policy to it.
          </Empty>
        }
      >
        {(apps) => (
          <Stack gap="xs">
            <Checkbox.Group value={current} onChange={setSelected} label="Attached to" aria-label="Attached to applications">
              <Stack gap={6} mt={4}>
                {apps.map((a) => (
                  <Checkbox key={a.id} value={a.id} label={`${a.name} (${a.id})`} disabled={readOnly || save.isPending} />
                ))}
              </Stack>
            </Checkbox.Group>
            {save.isError && (
              <Text c="red" size="sm" role="alert">
                {describeError(save.error)}
              </Text>
            )}
            {!readOnly && (
              <Group>
                <Button onClick={() => save.mutate(current)} loading={save.isPending} disabled={!dirty}>
                  Save attachments
                </Button>
              </Group>
            )}
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
