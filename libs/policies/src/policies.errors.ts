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

export class PoliciesError extends Error {
  constructor(
    readonly code: PoliciesErrorCode,
    message: string,
    readonly errors: Array<{ field: string; message: string }> = [],
  ) {
    super(message);
    this.name = 'PoliciesError';
  }
}
