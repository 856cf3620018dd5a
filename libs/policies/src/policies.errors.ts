export enum PoliciesErrorCode {
  POLICY_NOT_FOUND = 'POLICY_NOT_FOUND',
  POLICY_NAME_TAKEN = 'POLICY_NAME_TAKEN',
  INVALID_RULES = 'INVALID_RULES',
  POLICY_NOT_AVAILABLE = 'POLICY_NOT_AVAILABLE',
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
