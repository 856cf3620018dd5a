import { DomainError, type FieldError } from '@cm/contracts';

export enum PoliciesErrorCode {
  POLICY_NOT_FOUND = 'POLICY_NOT_FOUND',
  POLICY_NAME_TAKEN = 'POLICY_NAME_TAKEN',
  INVALID_RULES = 'INVALID_RULES',
  POLICY_NOT_AVAILABLE = 'POLICY_NOT_AVAILABLE',
  /** Still attached to an application: detach it first (409). */
  POLICY_IN_USE = 'POLICY_IN_USE',
  /** The tenant still owns policies: delete them first (409). */
  TENANT_HAS_POLICIES = 'TENANT_HAS_POLICIES',
  /** A share names tenants that do not exist (404). */
  TENANT_NOT_FOUND = 'TENANT_NOT_FOUND',
  /** A bad share or simulation request (400). */
  INVALID_REQUEST = 'INVALID_REQUEST',
}

export const POLICIES_ERROR_STATUS: Record<PoliciesErrorCode, number> = {
  [PoliciesErrorCode.POLICY_NOT_FOUND]: 404,
  [PoliciesErrorCode.POLICY_NAME_TAKEN]: 409,
  [PoliciesErrorCode.INVALID_RULES]: 400,
  [PoliciesErrorCode.POLICY_NOT_AVAILABLE]: 404,
  [PoliciesErrorCode.POLICY_IN_USE]: 409,
  [PoliciesErrorCode.TENANT_HAS_POLICIES]: 409,
  [PoliciesErrorCode.TENANT_NOT_FOUND]: 404,
  [PoliciesErrorCode.INVALID_REQUEST]: 400,
};

/** Typed error of the policies library (`errors`: the inputs at fault). */
export class PoliciesError extends DomainError {
  declare readonly code: PoliciesErrorCode;

  constructor(code: PoliciesErrorCode, message: string, errors: FieldError[] = []) {
    super(code, POLICIES_ERROR_STATUS[code], message, { errors });
  }
}
