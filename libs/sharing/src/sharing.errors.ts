import { DomainError, type FieldError } from '@cm/contracts';

export enum SharingErrorCode {
  /** A parameter or body field is malformed. */
  INVALID_REQUEST = 'SHARING_INVALID_REQUEST',
  /** None of the caller's tenants' applications played for the account in 30 days. */
  ACCOUNT_NOT_FOUND = 'SHARING_ACCOUNT_NOT_FOUND',
  /** The server runs with CM_SHARING_SIGNALS=false. */
  DISABLED = 'SHARING_DISABLED',
}

export const SHARING_ERROR_STATUS: Record<SharingErrorCode, number> = {
  [SharingErrorCode.INVALID_REQUEST]: 400,
  [SharingErrorCode.ACCOUNT_NOT_FOUND]: 404,
  [SharingErrorCode.DISABLED]: 404,
};

export class SharingError extends DomainError {
  declare readonly code: SharingErrorCode;

  constructor(code: SharingErrorCode, message: string, errors: FieldError[] = []) {
    super(code, SHARING_ERROR_STATUS[code], message, { errors });
  }

  static invalid(field: string, message: string): SharingError {
    return new SharingError(SharingErrorCode.INVALID_REQUEST, message, [{ field, message }]);
  }
}
