import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type PolicyInput, policiesApi } from './api';

export const policyKeys = {
  all: ['policies'] as const,
  lists: () => [...policyKeys.all, 'list'] as const,
  list: (tenantId: string) => [...policyKeys.lists(), tenantId] as const,
  detail: (id: string) => [...policyKeys.all, 'detail', id] as const,
  versions: (id: string) => [...policyKeys.all, 'versions', id] as const,
};

export function usePolicies(tenantId: string | null) {
  return useQuery({ queryKey: policyKeys.list(tenantId ?? ''), queryFn: () => policiesApi.list(tenantId!), enabled: !!tenantId });
}

export function usePolicy(id: string | undefined) {
  return useQuery({ queryKey: policyKeys.detail(id ?? ''), queryFn: () => policiesApi.get(id!), enabled: !!id });
}

export function usePolicyVersions(id: string | undefined) {
  return useQuery({ queryKey: policyKeys.versions(id ?? ''), queryFn: () => policiesApi.versions(id!), enabled: !!id });
}

/** Creates (no id) or replaces (id) a policy; the server keeps every version. */
export function useSavePolicy() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, tenantId, input }: { id?: string; tenantId: string; input: PolicyInput }) =>
      id ? policiesApi.update(id, input) : policiesApi.create(tenantId, input),
    onSuccess: (policy) => {
      // The write answers the policy without its attachments: refetch the detail rather than store a partial one.
      void client.invalidateQueries({ queryKey: policyKeys.detail(policy.id) });
      void client.invalidateQueries({ queryKey: policyKeys.lists() });
      void client.invalidateQueries({ queryKey: policyKeys.versions(policy.id) });
    },
  });
}

export function useDeletePolicy() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: policiesApi.remove,
    onSuccess: () => client.invalidateQueries({ queryKey: policyKeys.all }),
  });
}

export function useSharePolicy() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, tenantIds }: { id: string; tenantIds: string[] }) => policiesApi.share(id, tenantIds),
    onSuccess: (_data, { id }) => {
      void client.invalidateQueries({ queryKey: policyKeys.detail(id) });
      void client.invalidateQueries({ queryKey: policyKeys.lists() });
    },
  });
}

export function useSimulate() {
  return useMutation({ mutationFn: policiesApi.simulate });
}
