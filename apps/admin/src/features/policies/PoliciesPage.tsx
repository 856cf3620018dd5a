import { Badge, Button, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { Link } from 'react-router';
import { DataTable } from '../../components/data-table';
import { formatDateTime, Page } from '../../components/page';
import { Empty } from '../../components/states';
import { useMe, can } from '../auth/hooks';
import { useCurrentTenant } from '../tenants/current-tenant';
import { usePolicies } from './hooks';
import { describeRule } from './rules';

export function PoliciesPage() {
  const { tenantId, tenantName } = useCurrentTenant();
  const policies = usePolicies(tenantId);
  const rights = can(useMe().data);
  return (
    <Page
      title="Policies"
      description={`Rules that decide the streams of ${tenantName(tenantId)}'s applications`}
      actions={
        rights.write && (
          <Button component={Link} to="/policies/new" leftSection={<IconPlus size={16} />} disabled={!tenantId}>
            New policy
          </Button>
        )
      }
    >
      {!tenantId ? (
        <Empty title="No tenant yet">Create a tenant first (Administration → Tenants).</Empty>
      ) : (
        <DataTable
          query={policies}
          rows={(list) => list}
          rowKey={(p) => p.id}
          label="Policies"
          empty={<Empty title="No policies yet">Create one to limit concurrent streams.</Empty>}
          minWidth={600}
          rowHref={(p) => `/policies/${p.id}`}
          columns={[
            {
              header: 'Name',
              cell: (p) => (
                <>
                  <Link to={`/policies/${p.id}`} onClick={(e) => e.stopPropagation()}>
                    {p.name}
                  </Link>{' '}
                  {p.shared && (
                    <Badge size="xs" variant="light" color="gray">
                      shared with you
                    </Badge>
                  )}
                  {p.description && (
                    <Text size="xs" c="dimmed">
                      {p.description}
                    </Text>
                  )}
                </>
              ),
            },
            {
              header: 'Rules',
              cell: (p) =>
                p.rules.map((r, i) => (
                  <Text size="sm" key={i}>
                    {describeRule(r)}
                  </Text>
                )),
            },
            { header: 'Version', wide: true, cell: (p) => `v${p.version}` },
            { header: 'Updated', wide: true, cell: (p) => formatDateTime(p.updatedAt) },
          ]}
        />
      )}
    </Page>
  );
}
