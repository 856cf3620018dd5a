import { ActionIcon, AppShell, Badge, Burger, Button, Group, NavLink, ScrollArea, Stack, Text, Tooltip } from '@mantine/core';
import { useComputedColorScheme, useMantineColorScheme } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconActivity,
  IconApps,
  IconBuilding,
  IconChartBar,
  IconFileCode,
  IconFileText,
  IconHomeShare,
  IconCertificate,
  IconKey,
  IconLogout,
  IconMoon,
  IconSun,
  IconUserCircle,
  IconPlayerPlay,
  IconShieldCheck,
  IconUserSearch,
  IconUsers,
} from '@tabler/icons-react';
import { Suspense } from 'react';
import { Link, NavLink as RouterLink, Outlet, useLocation } from 'react-router';
import { Loading } from './components/states';
import type { Actor } from './features/auth/api';
import { can, useSignOut } from './features/auth/hooks';
import { TenantPicker } from './features/tenants/current-tenant';

interface Item {
  to: string;
  label: string;
  icon: typeof IconActivity;
  show: boolean;
}

export function Shell({ actor }: { actor: Actor }) {
  const [opened, { toggle, close }] = useDisclosure();
  const signOut = useSignOut();
  const location = useLocation();
  const rights = can(actor);
  const items: Item[] = [
    { to: '/', label: 'Live', icon: IconActivity, show: true },
    { to: '/applications', label: 'Applications', icon: IconApps, show: true },
    { to: '/policies', label: 'Policies', icon: IconShieldCheck, show: true },
    { to: '/accounts', label: 'Accounts', icon: IconUserSearch, show: true },
    { to: '/sharing', label: 'Sharing', icon: IconHomeShare, show: true },
    { to: '/history', label: 'History', icon: IconChartBar, show: true },
    { to: '/player', label: 'Player simulator', icon: IconPlayerPlay, show: true },
  ];
  const adminItems: Item[] = [
    { to: '/admin/tenants', label: 'Tenants', icon: IconBuilding, show: rights.manageTenants },
    { to: '/admin/operators', label: 'Operators', icon: IconUsers, show: rights.manageOperators },
    { to: '/admin/tokens', label: 'API tokens', icon: IconKey, show: true },
    { to: '/admin/audit', label: 'Audit log', icon: IconFileText, show: rights.seeAudit },
    { to: '/admin/signing-keys', label: 'Signing keys', icon: IconCertificate, show: rights.manageTenants },
    { to: '/admin/configuration', label: 'Configuration', icon: IconFileCode, show: true },
    { to: '/me', label: 'My account', icon: IconUserCircle, show: true },
  ];
  const active = (to: string) => (to === '/' ? location.pathname === '/' : location.pathname.startsWith(to));
  const link = (item: Item) =>
    item.show && (
      <NavLink
        key={item.to}
        component={RouterLink}
        to={item.to}
        label={item.label}
        leftSection={<item.icon size={18} stroke={1.6} />}
        active={active(item.to)}
        onClick={close}
      />
    );
  const signOutButton = (
    <Button variant="subtle" size="xs" leftSection={<IconLogout size={16} />} onClick={() => signOut.mutate()} loading={signOut.isPending}>
      Sign out
    </Button>
  );
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="lg">
      <a className="cm-skip-link" href="#main-content">
        Skip to main content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Text component={Link} to="/" fw={700} size="lg" c="inherit" td="none" style={{ whiteSpace: 'nowrap' }}>
              Concurrency Monitor
            </Text>
          </Group>
          {/* On a phone the tenant picker, the operator and Sign out live in the navigation drawer. */}
          <Group gap="sm" wrap="nowrap">
            <ColorSchemeToggle />
            <Group gap="sm" wrap="nowrap" visibleFrom="sm">
              {actor.role === 'admin' && <TenantPicker />}
              <Text size="sm" visibleFrom="md" truncate maw={220}>
                {actor.email}
              </Text>
              <Badge variant="light">{actor.role}</Badge>
              {signOutButton}
            </Group>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main">
        <AppShell.Section grow component={ScrollArea}>
          {items.map(link)}
          <Text size="xs" c="dimmed" fw={600} tt="uppercase" mt="md" mb={4} px="sm">
            Administration
          </Text>
          {adminItems.map(link)}
        </AppShell.Section>
        <AppShell.Section hiddenFrom="sm" pt="sm" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
          <Stack gap="xs" px="sm" pb="xs">
            {actor.role === 'admin' && <TenantPicker />}
            <Group gap="xs" wrap="nowrap">
              <Text size="sm" truncate>
                {actor.email}
              </Text>
              <Badge variant="light">{actor.role}</Badge>
            </Group>
            {signOutButton}
          </Stack>
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main id="main-content" tabIndex={-1} style={{ outline: 'none' }}>
        {/* Each page's code loads the first time it is opened (App.tsx): the shell stays, the page says it is coming. */}
        <Suspense fallback={<Loading label="Loading the page…" />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}

/**
 * Light or dark, whatever the console shows now (the system's choice until toggled; the choice is kept in this
 * browser). "System" is offered again on the My account page.
 */
function ColorSchemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const shown = useComputedColorScheme('light');
  const label = shown === 'dark' ? 'Switch to light mode' : 'Switch to dark mode';
  return (
    <Tooltip label={label}>
      <ActionIcon variant="default" size="lg" aria-label={label} onClick={() => setColorScheme(shown === 'dark' ? 'light' : 'dark')}>
        {shown === 'dark' ? <IconSun size={18} stroke={1.6} /> : <IconMoon size={18} stroke={1.6} />}
      </ActionIcon>
    </Tooltip>
  );
}
