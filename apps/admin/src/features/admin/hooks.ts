import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Schemas } from '../../api/client';
import { adminApi, type AuditFilters } from './api';

export const operatorKeys = { all: ['operators'] as const, list: () => [...operatorKeys.all, 'list'] as const };
export const tokenKeys = { all: ['tokens'] as const, list: () => [...tokenKeys.all, 'list'] as const };
export const signingKeyKeys = { all: ['signing-keys'] as const, list: () => [...signingKeyKeys.all, 'list'] as const };
export const auditKeys = { all: ['audit'] as const, page: (filters: AuditFilters) => [...auditKeys.all, filters] as const };

export const useOperators = (enabled = true) => useQuery({ queryKey: operatorKeys.list(), queryFn: adminApi.operators, enabled });

export function useCreateOperator() {
  const client = useQueryClient();
  return useMutation({ mutationFn: adminApi.createOperator, onSuccess: () => client.invalidateQueries({ queryKey: operatorKeys.all }) });
}

export function useUpdateOperator() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id: string; input: Schemas['UpdateOperatorDto'] }) => adminApi.updateOperator(id, input),
    onSuccess: () => client.invalidateQueries({ queryKey: operatorKeys.all }),
  });
}

export function useResetOperatorPassword() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: adminApi.resetOperatorPassword,
    onSuccess: () => client.invalidateQueries({ queryKey: operatorKeys.all }),
  });
}

export function useDeleteOperator() {
  const client = useQueryClient();
  return useMutation({ mutationFn: adminApi.deleteOperator, onSuccess: () => client.invalidateQueries({ queryKey: operatorKeys.all }) });
}

export const useTokens = () => useQuery({ queryKey: tokenKeys.list(), queryFn: adminApi.tokens });

export function useCreateToken() {
  const client = useQueryClient();
  return useMutation({ mutationFn: adminApi.createToken, onSuccess: () => client.invalidateQueries({ queryKey: tokenKeys.all }) });
}

export function useRevokeToken() {
  const client = useQueryClient();
  return useMutation({ mutationFn: adminApi.revokeToken, onSuccess: () => client.invalidateQueries({ queryKey: tokenKeys.all }) });
}

export const useAudit = (filters: AuditFilters) =>
  useQuery({ queryKey: auditKeys.page(filters), queryFn: () => adminApi.audit(filters), placeholderData: keepPreviousData });

export const useSigningKeys = () => useQuery({ queryKey: signingKeyKeys.list(), queryFn: adminApi.signingKeys });

export function useRotateSigningKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: adminApi.rotateSigningKey,
    onSuccess: () => client.invalidateQueries({ queryKey: signingKeyKeys.all }),
  });
}
