import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { accountsApi } from './api';

export const accountKeys = {
  all: ['accounts'] as const,
  sessions: (idp: string, subject: string) => [...accountKeys.all, 'sessions', idp, subject] as const,
  decisions: (idp: string, subject: string) => [...accountKeys.all, 'decisions', idp, subject] as const,
  devices: (idp: string, subject: string) => [...accountKeys.all, 'devices', idp, subject] as const,
  networks: (idp: string, subject: string) => [...accountKeys.all, 'networks', idp, subject] as const,
  recentDecisions: (query: { limit?: number; tenantId?: string }) => [...accountKeys.all, 'recent-decisions', query] as const,
};

export function useAccountSessions(account: { idp: string; subject: string } | null) {
  return useQuery({
    queryKey: accountKeys.sessions(account?.idp ?? '', account?.subject ?? ''),
    queryFn: () => accountsApi.sessions(account!.idp, account!.subject),
    enabled: !!account,
    refetchInterval: 10_000,
  });
}

/** An account's denials and dismissals, newest first. */
export function useAccountDecisions(account: { idp: string; subject: string } | null) {
  return useQuery({
    queryKey: accountKeys.decisions(account?.idp ?? '', account?.subject ?? ''),
    queryFn: () => accountsApi.decisions(account!.idp, account!.subject),
    enabled: !!account,
    refetchInterval: 10_000,
  });
}

/** The newest denials and dismissals with their accounts (Live), narrowed to one tenant when given. */
export function useRecentDecisions(query: { limit?: number; tenantId?: string }) {
  return useQuery({
    queryKey: accountKeys.recentDecisions(query),
    queryFn: () => accountsApi.recentDecisions(query),
    refetchInterval: 5_000,
    placeholderData: keepPreviousData,
  });
}

export function useKillSession() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => accountsApi.kill(id),
    onSettled: () => client.invalidateQueries({ queryKey: accountKeys.all }),
  });
}

/** An account's registered devices (the registers of the policies the operator can see). */
export function useAccountDevices(account: { idp: string; subject: string }) {
  return useQuery({
    queryKey: accountKeys.devices(account.idp, account.subject),
    queryFn: () => accountsApi.devices(account.idp, account.subject),
    refetchInterval: 10_000,
  });
}

/** An account's home network and the networks it played from (30 days), per tenant of the operator's. */
export function useAccountNetworks(account: { idp: string; subject: string }) {
  return useQuery({
    queryKey: accountKeys.networks(account.idp, account.subject),
    queryFn: () => accountsApi.networks(account.idp, account.subject),
    refetchInterval: 30_000,
  });
}

/** Removes a device as an operator (no swap quota used); its streams end. */
export function useRemoveDevice(account: { idp: string; subject: string }) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (deviceId: string) => accountsApi.removeDevice(account.idp, account.subject, deviceId),
    onSettled: () => client.invalidateQueries({ queryKey: accountKeys.all }),
  });
}

/** Sets (null: clears) one tenant's home network of the account. */
export function useSetHomeNetwork(account: { idp: string; subject: string }, tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (networkId: string | null) => accountsApi.setHomeNetwork(account.idp, account.subject, tenantId, networkId),
    onSettled: () => client.invalidateQueries({ queryKey: accountKeys.networks(account.idp, account.subject) }),
  });
}
