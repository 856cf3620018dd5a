/**
 * What identity needs to know of tenants, which libs/tenants owns (identity sits below it and cannot import it):
 * the composition root binds this port to the tenants library's service.
 */
export interface TenantRegistry {
  /** The ids among these that name no tenant. */
  unknownIds(ids: string[]): Promise<string[]>;
}

export const TENANT_REGISTRY = Symbol('TenantRegistry');
