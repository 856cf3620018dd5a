import { api, type Schemas, unwrap } from '../../api/client';

export type PolicyRule = Schemas['PolicyRuleDto'];
export type RuleCondition = Schemas['RuleConditionDto'];
export type PolicyListItem = Schemas['PolicyListItemDto'];
export type PolicyDetail = Schemas['PolicyDetailDto'];
export type PolicyVersion = Schemas['PolicyVersionDto'];
export type PolicyInput = Schemas['PolicyInputDto'];
export type SimulateRequest = Schemas['SimulateDto'];
export type Simulation = Schemas['SimulationDto'];

export const policiesApi = {
  list: (tenantId: string) => unwrap(api.GET('/api/v1/tenants/{tenantId}/policies', { params: { path: { tenantId } } })),
  get: (id: string) => unwrap(api.GET('/api/v1/policies/{id}', { params: { path: { id } } })),
  create: (tenantId: string, body: PolicyInput) =>
    unwrap(api.POST('/api/v1/tenants/{tenantId}/policies', { params: { path: { tenantId } }, body })),
  update: (id: string, body: PolicyInput) => unwrap(api.PUT('/api/v1/policies/{id}', { params: { path: { id } }, body })),
  remove: (id: string) => unwrap(api.DELETE('/api/v1/policies/{id}', { params: { path: { id } } })),
  versions: (id: string) => unwrap(api.GET('/api/v1/policies/{id}/versions', { params: { path: { id } } })),
  share: (id: string, tenantIds: string[]) =>
    unwrap(api.PUT('/api/v1/policies/{id}/shares', { params: { path: { id } }, body: { tenantIds } })),
  simulate: (body: SimulateRequest) => unwrap(api.POST('/api/v1/policies/simulate', { body })),
};
