import { Button, Stack } from '@mantine/core';
import { createBrowserRouter, Navigate, RouterProvider, useRouteError } from 'react-router';
import { ErrorState, Loading } from './components/states';
import { AccountsPage } from './features/accounts/AccountsPage';
import { AuditPage } from './features/admin/AuditPage';
import { OperatorsPage } from './features/admin/OperatorsPage';
import { SigningKeysPage } from './features/admin/SigningKeysPage';
import { TenantsPage } from './features/admin/TenantsPage';
import { TokensPage } from './features/admin/TokensPage';
import { ApplicationDetailPage } from './features/applications/ApplicationDetailPage';
import { ApplicationsPage } from './features/applications/ApplicationsPage';
import type { Actor } from './features/auth/api';
import { useMe } from './features/auth/hooks';
import { SignInPage } from './features/auth/SignInPage';
import { HistoryPage } from './features/history/HistoryPage';
import { LivePage } from './features/live/LivePage';
import { PlayerSimulatorPage } from './features/player/PlayerSimulatorPage';
import { PoliciesPage } from './features/policies/PoliciesPage';
import { PolicyEditorPage } from './features/policies/PolicyEditorPage';
import { CurrentTenantProvider } from './features/tenants/current-tenant';
import { Shell } from './Shell';
import { useMemo } from 'react';

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
        { path: 'history', element: <HistoryPage /> },
        { path: 'player', element: <PlayerSimulatorPage /> },
        { path: 'admin/tenants', element: <TenantsPage /> },
        { path: 'admin/operators', element: <OperatorsPage /> },
        { path: 'admin/tokens', element: <TokensPage /> },
        { path: 'admin/audit', element: <AuditPage /> },
        { path: 'admin/signing-keys', element: <SigningKeysPage /> },
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
  return <SignedIn key={me.data.operatorId} actor={me.data} />;
}
