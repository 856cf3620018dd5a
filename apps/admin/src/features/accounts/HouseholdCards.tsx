import { Badge, Button, Card, Group, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { describeError } from '../../api/client';
import { ConfirmButton } from '../../components/confirm';
import { Empty, QueryState } from '../../components/states';
import { formatDateTime } from '../../components/time';
import type { AccountDevice, TenantNetworks } from './api';
import { useAccountDevices, useAccountNetworks, useRemoveDevice, useSetHomeNetwork } from './hooks';

type Account = { idp: string; subject: string };

function RemoveDeviceButton({
  account,
  device,
  onRemoved,
}: {
  account: Account;
  device: AccountDevice;
  onRemoved?: (deviceId: string) => void;
}) {
  const remove = useRemoveDevice(account);
  const label = device.name === 'Unknown' ? device.deviceId : device.name;
  return (
    <ConfirmButton
      size="xs"
      title="Remove this device?"
      message={`${label} leaves the account's registered devices (the viewer's swap quota is not used). Its running streams end at their next heartbeat.`}
      confirmLabel="Remove device"
      aria-label={`Remove device ${label}`}
      loading={remove.isPending}
      onConfirm={() =>
        remove.mutate(device.deviceId, {
          onSuccess: () => {
            onRemoved?.(device.deviceId);
            notifications.show({ color: 'teal', message: `Device ${label} removed` });
          },
          onError: (error) => notifications.show({ color: 'red', title: 'Could not remove the device', message: describeError(error) }),
        })
      }
    >
      Remove
    </ConfirmButton>
  );
}

/**
 * The account's registered devices (device-registration rules), with the operator's remove; `onRemoved` lets the
 * page around it show at once what else the removal changed (the device's streams end).
 */
export function DevicesCard({
  account,
  canWrite,
  onRemoved,
}: {
  account: Account;
  canWrite: boolean;
  onRemoved?: (deviceId: string) => void;
}) {
  const devices = useAccountDevices(account);
  return (
    <Card withBorder radius="md" p={0} component="section" aria-labelledby="devices-title">
      <Title order={2} size="h4" p="md" pb="xs" id="devices-title">
        Registered devices{devices.data ? ` (${devices.data.devices.length})` : ''}
      </Title>
      <QueryState
        query={devices}
        isEmpty={(d) => d.devices.length === 0}
        empty={<Empty title="No registered device">Devices register when a policy with a device-registration rule decides a start.</Empty>}
      >
        {(data) => (
          <Table.ScrollContainer minWidth={700} type="native" tabIndex={0}>
            <Table verticalSpacing="sm" aria-label="Registered devices">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Device</Table.Th>
                  <Table.Th>Platform</Table.Th>
                  <Table.Th>First seen</Table.Th>
                  <Table.Th>Last seen</Table.Th>
                  <Table.Th>Rule</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.devices.map((d) => (
                  <Table.Tr key={`${d.policyId}/${d.deviceId}`} data-testid={`device-${d.deviceId}`}>
                    <Table.Td>
                      <Text fw={500}>{d.name}</Text>
                      <Text size="xs" c="dimmed">
                        {d.deviceId}
                      </Text>
                    </Table.Td>
                    <Table.Td>{d.platform}</Table.Td>
                    <Table.Td>{formatDateTime(d.firstSeen)}</Table.Td>
                    <Table.Td>{formatDateTime(d.lastSeen)}</Table.Td>
                    <Table.Td>
                      {d.ruleName} ({d.policyName}, at most {d.limit})
                    </Table.Td>
                    <Table.Td>{canWrite && <RemoveDeviceButton account={account} device={d} onRemoved={onRemoved} />}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
    </Card>
  );
}

/**
 * Where the account plays from, per tenant (home networks are per tenant): each of the operator's tenants whose
 * applications played for it, with that tenant's home network (computed from its own starts, or set by its operators)
 * and its networks of 30 days. An operator of one tenant sees one; an admin sees each tenant's own.
 */
export function NetworksCard({ account, canWrite }: { account: Account; canWrite: boolean }) {
  const networks = useAccountNetworks(account);
  return (
    <Card withBorder radius="md" component="section" aria-labelledby="networks-title">
      <Title order={2} size="h4" mb="xs" id="networks-title">
        Networks
      </Title>
      <QueryState query={networks}>
        {(data) => (
          <>
            {data.tenants.length === 0 ? (
              <Empty title="No playback in 30 days" />
            ) : (
              data.tenants.map((view) => (
                <TenantNetworksView key={view.tenantId} account={account} view={view} named={data.tenants.length > 1} canWrite={canWrite} />
              ))
            )}
            <Text size="xs" c="dimmed" mt="xs">
              Country and ASN: IP to ASN Lite by <a href="https://db-ip.com">DB-IP</a>, RouteViews and NRO data (CC BY 4.0).
            </Text>
          </>
        )}
      </QueryState>
    </Card>
  );
}

/** One tenant's view: its home network, the form that sets it, its networks. `named`: several tenants are shown. */
function TenantNetworksView({
  account,
  view,
  named,
  canWrite,
}: {
  account: Account;
  view: TenantNetworks;
  named: boolean;
  canWrite: boolean;
}) {
  const setHome = useSetHomeNetwork(account, view.tenantId);
  const [typed, setTyped] = useState('');
  const of = named ? ` (${view.tenantName})` : '';
  const save = (networkId: string | null) =>
    setHome.mutate(networkId, {
      onSuccess: () => {
        setTyped('');
        notifications.show({
          color: 'teal',
          message: networkId ? `Home network${of} set to ${networkId}` : `Home network${of} follows playback again`,
        });
      },
      onError: (error) => notifications.show({ color: 'red', title: 'Could not set the home network', message: describeError(error) }),
    });
  return (
    <section aria-label={named ? `Networks of ${view.tenantName}` : undefined}>
      {named && (
        <Title order={3} size="h5" mt="sm" mb={4}>
          {view.tenantName}
        </Title>
      )}
      <Text size="sm" mb="xs">
        Home network:{' '}
        {view.home ? (
          <>
            <strong>{view.home.networkId}</strong>{' '}
            {view.home.source === 'operator' ? '(set by an operator)' : '(most playback over 30 days)'}
          </>
        ) : (
          'none yet (the first network it plays from)'
        )}
      </Text>
      {canWrite && (
        <Group align="flex-end" mb="sm" wrap="wrap">
          <TextInput
            label={`Set the home network${of}`}
            description="A /24 (IPv4) or /56 (IPv6) network, or an address in it"
            placeholder="203.0.113.0/24"
            value={typed}
            onChange={(e) => setTyped(e.currentTarget.value)}
            error={setHome.error ? describeError(setHome.error) : undefined}
          />
          <Button onClick={() => save(typed.trim())} disabled={!typed.trim()} loading={setHome.isPending}>
            Set home{named && <VisuallyHidden>{of}</VisuallyHidden>}
          </Button>
          {view.home?.source === 'operator' && (
            <Button variant="default" onClick={() => save(null)} loading={setHome.isPending}>
              Follow playback{named && <VisuallyHidden>{of}</VisuallyHidden>}
            </Button>
          )}
        </Group>
      )}
      {view.networks.length === 0 ? (
        <Empty title="No playback in 30 days" />
      ) : (
        <Table.ScrollContainer minWidth={600} type="native" tabIndex={0}>
          <Table verticalSpacing="xs" aria-label={`Networks of the last 30 days${of}`}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Network</Table.Th>
                <Table.Th>Country</Table.Th>
                <Table.Th>ASN</Table.Th>
                <Table.Th>Starts</Table.Th>
                <Table.Th>Last seen</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {view.networks.map((n) => (
                <Table.Tr key={n.networkId}>
                  <Table.Td>
                    {n.networkId}{' '}
                    {n.home && (
                      <Badge size="sm" variant="light" color="teal">
                        home
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{n.country ?? 'Unknown'}</Table.Td>
                  <Table.Td>{n.asn === null ? 'Unknown' : `AS${n.asn}`}</Table.Td>
                  <Table.Td>{n.starts}</Table.Td>
                  <Table.Td>{formatDateTime(n.lastSeen)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </section>
  );
}
