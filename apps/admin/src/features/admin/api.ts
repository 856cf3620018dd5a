import type { paths } from '@cm/api-types';
import { api, type Schemas, unwrap } from '../../api/client';

export type Operator = Schemas['OperatorDto'];
export type Token = Schemas['TokenDto'];
export type CreatedToken = Schemas['CreatedTokenDto'];
export type AuditPage = Schemas['AuditPageDto'];
export type AuditRecord = Schemas['AuditRecordDto'];
export type SigningKey = Schemas['SigningKeyDto'];

/** The audit log's filters: the query of GET /api/v1/audit, from the OpenAPI document. */
export type AuditFilters = NonNullable<paths['/api/v1/audit']['get']['parameters']['query']>;

export const adminApi = {
  operators: () => unwrap(api.GET('/api/v1/operators')),
  createOperator: (body: Schemas['CreateOperatorDto']) => unwrap(api.POST('/api/v1/operators', { body })),
  updateOperator: (id: string, body: Schemas['UpdateOperatorDto']) =>
    unwrap(api.PATCH('/api/v1/operators/{id}', { params: { path: { id } }, body })),
  /** A one-time password for another operator (shown once); their sessions end and they must choose their own. */
  resetOperatorPassword: (id: string) => unwrap(api.POST('/api/v1/operators/{id}/password-reset', { params: { path: { id } } })),
  deleteOperator: (id: string) => unwrap(api.DELETE('/api/v1/operators/{id}', { params: { path: { id } } })),
  tokens: () => unwrap(api.GET('/api/v1/tokens')),
  createToken: (body: Schemas['CreateTokenDto']) => unwrap(api.POST('/api/v1/tokens', { body })),
  revokeToken: (id: string) => unwrap(api.DELETE('/api/v1/tokens/{id}', { params: { path: { id } } })),
  signingKeys: () => unwrap(api.GET('/api/v1/signing-keys')),
  rotateSigningKey: () => unwrap(api.POST('/api/v1/signing-keys/rotate', { body: {} })),
  audit: (filters: AuditFilters) => unwrap(api.GET('/api/v1/audit', { params: { query: filters } })),
};
