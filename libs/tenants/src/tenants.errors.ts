import { DomainError } from '@cm/contracts';

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

export const TENANTS_ERROR_STATUS: Record<TenantsErrorCode, number> = {
  [TenantsErrorCode.TENANT_NOT_FOUND]: 404,
  [TenantsErrorCode.APPLICATION_NOT_FOUND]: 404,
  [TenantsErrorCode.TENANT_SLUG_TAKEN]: 409,
  [TenantsErrorCode.APPLICATION_ID_TAKEN]: 409,
  [TenantsErrorCode.INVALID_TENANT]: 400,
  [TenantsErrorCode.INVALID_APPLICATION]: 400,
  [TenantsErrorCode.TENANT_NOT_EMPTY]: 409,
};

/** Typed error of the tenants library (`field`: the input at fault). */
export class TenantsError extends DomainError {
  declare readonly code: TenantsErrorCode;

  constructor(
    code: TenantsErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(code, TENANTS_ERROR_STATUS[code], message, { errors: field ? [{ field, message }] : [] });
  }
}
