import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type Actor, authApi, type Role } from './api';

export const authKeys = {
  all: ['auth'] as const,
  me: () => [...authKeys.all, 'me'] as const,
};

/**
 * Drops every cached answer of the previous operator. The auth query itself stays (its observers would not see a
 * query that `clear()` replaced) and is overwritten by the caller.
 */
function forgetEverythingBut(client: QueryClient) {
  client.removeQueries({ predicate: (query) => query.queryKey[0] !== authKeys.all[0] });
}

export function useMe() {
  return useQuery({ queryKey: authKeys.me(), queryFn: authApi.me, staleTime: 60_000, retry: 1 });
}

export function useSignIn() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ email, password }: { email: string; password: string }) => authApi.login(email, password),
    onSuccess: (actor) => {
      forgetEverythingBut(client);
      client.setQueryData(authKeys.me(), actor);
    },
  });
}

export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: authApi.logout,
    onSettled: () => {
      forgetEverythingBut(client);
      client.setQueryData(authKeys.me(), null);
    },
  });
}

/** Changes your own password; the console then asks the server who you are again (a forced change is over). */
export function useChangePassword() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: authApi.changePassword,
    onSuccess: () => client.invalidateQueries({ queryKey: authKeys.me() }),
  });
}

/** What the menus show; the server enforces the same rules. */
export function can(actor: Actor | null | undefined) {
  const role: Role | undefined = actor?.role;
  return {
    write: role === 'admin' || role === 'tenant-admin',
    manageTenants: role === 'admin',
    manageOperators: role === 'admin' || role === 'tenant-admin',
    seeAudit: role !== undefined,
  };
}
