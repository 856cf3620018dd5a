import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { accountsApi } from './api';

export const accountKeys = {
  all: ['accounts'] as const,
  sessions: (idp: string, subject: string) => [...accountKeys.all, 'sessions', idp, subject] as const,
};

export function useAccountSessions(account: { idp: string; subject: string } | null) {
  return useQuery({
    queryKey: accountKeys.sessions(account?.idp ?? '', account?.subject ?? ''),
    queryFn: () => accountsApi.sessions(account!.idp, account!.subject),
    enabled: !!account,
    refetchInterval: 10_000,
  });
}

export function useKillSession() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => accountsApi.kill(id),
    onSettled: () => client.invalidateQueries({ queryKey: accountKeys.all }),
  });
}
