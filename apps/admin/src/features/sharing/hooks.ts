import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { accountKeys } from '../accounts/hooks';
import { type SharingQuery, sharingApi } from './api';

export const sharingKeys = {
  all: ['sharing'] as const,
  list: (query: SharingQuery) => [...sharingKeys.all, 'list', query] as const,
  detail: (idp: string, subject: string, tenantId?: string) => [...sharingKeys.all, 'detail', idp, subject, tenantId ?? ''] as const,
};

/** Accounts with sharing signals, highest score first; the previous page stays while the next loads. */
export function useSharingAccounts(query: SharingQuery) {
  return useQuery({
    queryKey: sharingKeys.list(query),
    queryFn: () => sharingApi.list(query),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
}

/** One account's signals (computed on the read) and the timeline of its starts. */
export function useSharingAccount(account: { idp: string; subject: string; tenantId?: string } | null) {
  return useQuery({
    queryKey: sharingKeys.detail(account?.idp ?? '', account?.subject ?? '', account?.tenantId),
    queryFn: () => sharingApi.detail(account!.idp, account!.subject, account!.tenantId),
    enabled: !!account,
    refetchInterval: 10_000,
  });
}

export function useReviewAccount(account: { idp: string; subject: string; tenantId?: string }) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (note: string) =>
      sharingApi.review(account.idp, account.subject, {
        ...(account.tenantId ? { tenantId: account.tenantId } : {}),
        ...(note ? { note } : {}),
      }),
    onSettled: () => client.invalidateQueries({ queryKey: sharingKeys.all }),
  });
}

/** After a kill or a device removal: the timeline's running flags and the account look-up change. */
export function useInvalidateAccount() {
  const client = useQueryClient();
  return () =>
    Promise.all([client.invalidateQueries({ queryKey: sharingKeys.all }), client.invalidateQueries({ queryKey: accountKeys.all })]);
}
