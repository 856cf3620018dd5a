import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { tenantsApi } from './api';

export const tenantKeys = {
  all: ['tenants'] as const,
  list: () => [...tenantKeys.all, 'list'] as const,
};

export function useTenants(enabled = true) {
  return useQuery({ queryKey: tenantKeys.list(), queryFn: tenantsApi.list, enabled });
}

export function useCreateTenant() {
  const client = useQueryClient();
  return useMutation({ mutationFn: tenantsApi.create, onSuccess: () => client.invalidateQueries({ queryKey: tenantKeys.all }) });
}

export function useRenameTenant() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, name }: { id: string; name: string }) => tenantsApi.rename(id, name),
    onSuccess: () => client.invalidateQueries({ queryKey: tenantKeys.all }),
  });
}

export function useDeleteTenant() {
  const client = useQueryClient();
  return useMutation({ mutationFn: tenantsApi.remove, onSuccess: () => client.invalidateQueries({ queryKey: tenantKeys.all }) });
}
