import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { applicationsApi, type CreateApplication, type UpdateApplication } from './api';

export const applicationKeys = {
  all: ['applications'] as const,
  lists: () => [...applicationKeys.all, 'list'] as const,
  list: (tenantId: string) => [...applicationKeys.lists(), tenantId] as const,
  detail: (appId: string) => [...applicationKeys.all, 'detail', appId] as const,
  policies: (appId: string) => [...applicationKeys.all, 'policies', appId] as const,
};

export function useApplications(tenantId: string | null) {
  return useQuery({ queryKey: applicationKeys.list(tenantId ?? ''), queryFn: () => applicationsApi.list(tenantId!), enabled: !!tenantId });
}

export function useApplication(appId: string | undefined) {
  return useQuery({ queryKey: applicationKeys.detail(appId ?? ''), queryFn: () => applicationsApi.get(appId!), enabled: !!appId });
}

export function useAttachedPolicies(appId: string | undefined) {
  return useQuery({
    queryKey: applicationKeys.policies(appId ?? ''),
    queryFn: () => applicationsApi.attachedPolicies(appId!),
    enabled: !!appId,
  });
}

export function useCreateApplication() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ tenantId, input }: { tenantId: string; input: Partial<CreateApplication> & { name: string } }) =>
      applicationsApi.create(tenantId, input),
    onSuccess: () => client.invalidateQueries({ queryKey: applicationKeys.lists() }),
  });
}

export function useUpdateApplication() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ appId, input }: { appId: string; input: UpdateApplication }) => applicationsApi.update(appId, input),
    onSuccess: (app) => {
      const { secret: _secret, ...withoutSecret } = app;
      client.setQueryData(applicationKeys.detail(app.id), withoutSecret);
      void client.invalidateQueries({ queryKey: applicationKeys.lists() });
    },
  });
}

export function useRotateSecret() {
  return useMutation({ mutationFn: applicationsApi.rotateSecret });
}

export function useDeleteApplication() {
  const client = useQueryClient();
  return useMutation({ mutationFn: applicationsApi.remove, onSuccess: () => client.invalidateQueries({ queryKey: applicationKeys.all }) });
}

export function useAttachPolicies() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ appId, policyIds }: { appId: string; policyIds: string[] }) => applicationsApi.attachPolicies(appId, policyIds),
    onSuccess: (data, { appId }) => {
      client.setQueryData(applicationKeys.policies(appId), data);
      void client.invalidateQueries({ queryKey: ['policies'] });
    },
  });
}
