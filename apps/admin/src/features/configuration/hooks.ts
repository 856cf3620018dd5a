import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { configurationApi } from './api';
import type { Schemas } from '../../api/client';

export const configurationKeys = { all: ['configuration'] as const };

/** Fetched when asked for (the Download button), never in the background. */
export function useConfigurationExport() {
  return useQuery({ queryKey: configurationKeys.all, queryFn: configurationApi.export, enabled: false, staleTime: 0 });
}

export function useApplyConfiguration() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas['ApplyConfigurationDto']) => configurationApi.apply(body),
    // An apply changes tenants, applications and policies: every list reloads.
    onSuccess: (result) => (result.dryRun ? undefined : client.invalidateQueries()),
  });
}
