import { Badge, Button, Card, Table, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router';
import { useIsPhone } from '../../components/responsive';
import { formatDateTime, Page } from '../../components/page';
import { Empty, QueryState } from '../../components/states';
import { useMe, can } from '../auth/hooks';
import { useCurrentTenant } from '../tenants/current-tenant';
import { usePolicies } from './hooks';
import { describeRule } from './rules';

export function PoliciesPage() {
  const phone = useIsPhone();
  const { tenantId, tenantName } = useCurrentTenant();
  const policies = usePolicies(tenantId);
  const navigate = useNavigate();
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
        <Card withBorder radius="md" p={0}>
          <QueryState
            query={policies}
            isEmpty={(d) => d.length === 0}
            empty={<Empty title="No policies yet">Create one to limit concurrent streams.</Empty>}
          >
            {(list) => (
              <Table.ScrollContainer minWidth={phone ? 0 : 600}>
                <Table highlightOnHover verticalSpacing="sm" aria-label="Policies">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Name</Table.Th>
                      <Table.Th>Rules</Table.Th>
                      <Table.Th visibleFrom="sm">Version</Table.Th>
                      <Table.Th visibleFrom="sm">Updated</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {list.map((p) => (
                      <Table.Tr key={p.id} style={{ cursor: 'pointer' }} onClick={() => void navigate(`/policies/${p.id}`)}>
                        <Table.Td>
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
                        </Table.Td>
                        <Table.Td>
                          {p.rules.map((r, i) => (
                            <Text size="sm" key={i}>
                              {describeRule(r)}
                            </Text>
                          ))}
                        </Table.Td>
                        <Table.Td visibleFrom="sm">v{p.version}</Table.Td>
                        <Table.Td visibleFrom="sm">{formatDateTime(p.updatedAt)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </QueryState>
        </Card>
      )}
    </Page>
  );
}
