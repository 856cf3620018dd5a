import { Button, Group, MultiSelect, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { describeError } from '../../api/client';
import { useCurrentTenant } from '../tenants/current-tenant';
import type { PolicyDetail } from './api';
import { useSharePolicy } from './hooks';

/** Which other tenants may attach this policy to their applications (the owner decides). */
export function SharingPanel({ policy, readOnly }: { policy: PolicyDetail; readOnly: boolean }) {
  const { tenants } = useCurrentTenant();
  const share = useSharePolicy();
  const [selected, setSelected] = useState<string[]>(policy.sharedWithTenantIds);
  const options = tenants.filter((t) => t.id !== policy.tenantId).map((t) => ({ value: t.id, label: `${t.name} (${t.slug})` }));
  for (const id of policy.sharedWithTenantIds) if (!options.some((o) => o.value === id)) options.push({ value: id, label: id });
  return (
    <Stack gap="sm" maw={640}>
      <Text size="sm" c="dimmed">
        Tenants you share the policy with can attach it to their applications but not change it. Changes you make reach them at once.
      </Text>
      {options.length === 0 ? (
        <Text size="sm">There is no other tenant you can see to share with.</Text>
      ) : (
        <MultiSelect
          label="Shared with tenants"
          data={options}
          value={selected}
          onChange={setSelected}
          disabled={readOnly || share.isPending}
          searchable
          clearable
          error={share.isError ? describeError(share.error) : undefined}
        />
      )}
      {!readOnly && options.length > 0 && (
        <Group>
          <Button
            loading={share.isPending}
            onClick={() =>
              share.mutate(
                { id: policy.id, tenantIds: selected },
                { onSuccess: () => notifications.show({ color: 'teal', message: 'Sharing saved' }) },
              )
            }
          >
            Save sharing
          </Button>
        </Group>
      )}
    </Stack>
  );
}
