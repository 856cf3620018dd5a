export enum TenantsErrorCode {
  TENANT_NOT_FOUND = 'TENANT_NOT_FOUND',
  TENANT_SLUG_TAKEN = 'TENANT_SLUG_TAKEN',
  INVALID_TENANT = 'INVALID_TENANT',
  APPLICATION_NOT_FOUND = 'APPLICATION_NOT_FOUND',
  APPLICATION_ID_TAKEN = 'APPLICATION_ID_TAKEN',
  INVALID_APPLICATION = 'INVALID_APPLICATION',
  /** The tenant still owns applications (or other objects): delete them first. */
  TENANT_NOT_EMPTY = 'TENANT_NOT_EMPTY',
}

/** Typed error of the tenants library; the HTTP layer maps the code to a status. */
export class TenantsError extends Error {
  constructor(
    readonly code: TenantsErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'TenantsError';
  }
}
