import { api, type Schemas, unwrap } from '../../api/client';

export type Application = Schemas['ApplicationDto'];
export type ApplicationWithSecret = Schemas['ApplicationWithSecretDto'];
export type CreateApplication = Schemas['CreateApplicationDto'];
export type UpdateApplication = Schemas['UpdateApplicationDto'];

export const applicationsApi = {
  list: (tenantId: string) => unwrap(api.GET('/api/v1/tenants/{tenantId}/applications', { params: { path: { tenantId } } })),
  get: (appId: string) => unwrap(api.GET('/api/v1/applications/{appId}', { params: { path: { appId } } })),
  create: (tenantId: string, body: Partial<CreateApplication> & { name: string }) =>
    unwrap(api.POST('/api/v1/tenants/{tenantId}/applications', { params: { path: { tenantId } }, body: body as CreateApplication })),
  update: (appId: string, body: UpdateApplication) =>
    unwrap(api.PATCH('/api/v1/applications/{appId}', { params: { path: { appId } }, body })),
  remove: (appId: string) => unwrap(api.DELETE('/api/v1/applications/{appId}', { params: { path: { appId } } })),
  rotateSecret: (appId: string) => unwrap(api.POST('/api/v1/applications/{appId}/secret', { params: { path: { appId } } })),
  attachedPolicies: (appId: string) => unwrap(api.GET('/api/v1/applications/{appId}/policies', { params: { path: { appId } } })),
  attachPolicies: (appId: string, policyIds: string[]) =>
    unwrap(api.PUT('/api/v1/applications/{appId}/policies', { params: { path: { appId } }, body: { policyIds } })),
};

/** The heartbeat interval the server accepts (CreateApplicationDto): a field out of it is refused before sending. */
export const HEARTBEAT_RANGE = { min: 10, max: 3600, unit: 'seconds' };
