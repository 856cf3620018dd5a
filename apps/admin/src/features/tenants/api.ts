import { api, type Schemas, unwrap } from '../../api/client';

export type Tenant = Schemas['TenantDto'];

export const tenantsApi = {
  list: () => unwrap(api.GET('/api/v1/tenants')),
  create: (body: Schemas['CreateTenantDto']) => unwrap(api.POST('/api/v1/tenants', { body })),
  rename: (id: string, name: string) => unwrap(api.PATCH('/api/v1/tenants/{id}', { params: { path: { id } }, body: { name } })),
  remove: (id: string) => unwrap(api.DELETE('/api/v1/tenants/{id}', { params: { path: { id } } })),
};
