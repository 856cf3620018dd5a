import { Button, Stack } from '@mantine/core';
import { createBrowserRouter, Navigate, RouterProvider, useRouteError } from 'react-router';
import { ErrorState, Loading } from './components/states';
import type { Actor } from './features/auth/api';
import { useMe } from './features/auth/hooks';
import { PasswordChangeRequired } from './features/auth/PasswordChangeRequired';
import { SignInPage } from './features/auth/SignInPage';
import { CurrentTenantProvider } from './features/tenants/current-tenant';
import { Shell } from './Shell';
import { type ComponentType, lazy, useMemo } from 'react';

/**
 * Each page is its own chunk, fetched the first time it is opened (the Shell shows a loading state meanwhile):
 * the console's first load carries the shell, not the charts, the rule builder and the player SDK.
 */
function lazyPage<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) {
  return lazy(async () => ({ default: (await load())[name] }));
}

const LivePage = lazyPage(() => import('./features/live/LivePage'), 'LivePage');
const ApplicationsPage = lazyPage(() => import('./features/applications/ApplicationsPage'), 'ApplicationsPage');
const ApplicationDetailPage = lazyPage(() => import('./features/applications/ApplicationDetailPage'), 'ApplicationDetailPage');
const PoliciesPage = lazyPage(() => import('./features/policies/PoliciesPage'), 'PoliciesPage');
const PolicyEditorPage = lazyPage(() => import('./features/policies/PolicyEditorPage'), 'PolicyEditorPage');
const AccountsPage = lazyPage(() => import('./features/accounts/AccountsPage'), 'AccountsPage');
const SharingPage = lazyPage(() => import('./features/sharing/SharingPage'), 'SharingPage');
const SharingAccountPage = lazyPage(() => import('./features/sharing/SharingAccountPage'), 'SharingAccountPage');
const HistoryPage = lazyPage(() => import('./features/history/HistoryPage'), 'HistoryPage');
const PlayerSimulatorPage = lazyPage(() => import('./features/player/PlayerSimulatorPage'), 'PlayerSimulatorPage');
const TenantsPage = lazyPage(() => import('./features/admin/TenantsPage'), 'TenantsPage');
const OperatorsPage = lazyPage(() => import('./features/admin/OperatorsPage'), 'OperatorsPage');
const TokensPage = lazyPage(() => import('./features/admin/TokensPage'), 'TokensPage');
const AuditPage = lazyPage(() => import('./features/admin/AuditPage'), 'AuditPage');
const SigningKeysPage = lazyPage(() => import('./features/admin/SigningKeysPage'), 'SigningKeysPage');
const ConfigurationPage = lazyPage(() => import('./features/configuration/ConfigurationPage'), 'ConfigurationPage');
const MyAccountPage = lazyPage(() => import('./features/auth/MyAccountPage'), 'MyAccountPage');

function routerFor(actor: Actor) {
  return createBrowserRouter([
    {
      path: '/',
      element: <Shell actor={actor} />,
      errorElement: <RouteError />,
      children: [
        { index: true, element: <LivePage /> },
        { path: 'applications', element: <ApplicationsPage /> },
        { path: 'applications/:appId', element: <ApplicationDetailPage /> },
        { path: 'policies', element: <PoliciesPage /> },
        { path: 'policies/new', element: <PolicyEditorPage /> },
        { path: 'policies/:policyId', element: <PolicyEditorPage /> },
        { path: 'accounts', element: <AccountsPage /> },
        { path: 'sharing', element: <SharingPage /> },
        { path: 'sharing/account', element: <SharingAccountPage /> },
        { path: 'history', element: <HistoryPage /> },
        { path: 'player', element: <PlayerSimulatorPage /> },
        { path: 'admin/tenants', element: <TenantsPage /> },
        { path: 'admin/operators', element: <OperatorsPage /> },
        { path: 'admin/tokens', element: <TokensPage /> },
        { path: 'admin/audit', element: <AuditPage /> },
        { path: 'admin/signing-keys', element: <SigningKeysPage /> },
        { path: 'admin/configuration', element: <ConfigurationPage /> },
        { path: 'me', element: <MyAccountPage /> },
        { path: '*', element: <Navigate to="/" replace /> },
      ],
    },
  ]);
}

/** A page that failed to render: say so and offer a way back, instead of a blank screen. */
function RouteError() {
  const error = useRouteError();
  return (
    <Stack p="xl" maw={720}>
      <ErrorState error={error} title="This page failed to display" />
      <Button component="a" href="/" variant="default" w="fit-content">
        Back to the console
      </Button>
    </Stack>
  );
}

function SignedIn({ actor }: { actor: Actor }) {
  const router = useMemo(() => routerFor(actor), [actor]);
  return (
    <CurrentTenantProvider actor={actor}>
      <RouterProvider router={router} />
    </CurrentTenantProvider>
  );
}

/** Shows the sign-in form until there is a session, then the console. */
export function App() {
  const me = useMe();
  if (me.isPending) return <Loading label="Starting the console…" />;
  if (me.isError) return <ErrorState error={me.error} onRetry={() => void me.refetch()} title="The server cannot be reached" />;
  if (!me.data) return <SignInPage />;
  if (me.data.mustChangePassword) return <PasswordChangeRequired actor={me.data} />;
  return <SignedIn key={me.data.operatorId} actor={me.data} />;
}
