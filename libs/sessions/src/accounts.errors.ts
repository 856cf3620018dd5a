import { DomainError } from '@cm/contracts';

export enum AccountsErrorCode {
  SESSION_NOT_FOUND = 'SESSION_NOT_FOUND',
  /** The session already ended (stopped, expired, dismissed or killed). */
  SESSION_NOT_RUNNING = 'SESSION_NOT_RUNNING',
  INVALID_ACCOUNT = 'INVALID_ACCOUNT',
  /** No register the operator can see holds this device. */
  DEVICE_NOT_FOUND = 'DEVICE_NOT_FOUND',
  /** The account never played on the operator's tenants' applications (in the window that matters). */
  ACCOUNT_NOT_FOUND = 'ACCOUNT_NOT_FOUND',
  /** Several of the operator's tenants have data for the account (home networks are per tenant): name one. */
  TENANT_REQUIRED = 'TENANT_REQUIRED',
}

export const ACCOUNTS_ERROR_STATUS: Record<AccountsErrorCode, number> = {
  [AccountsErrorCode.SESSION_NOT_FOUND]: 404,
  [AccountsErrorCode.SESSION_NOT_RUNNING]: 409,
  [AccountsErrorCode.INVALID_ACCOUNT]: 400,
  [AccountsErrorCode.DEVICE_NOT_FOUND]: 404,
  [AccountsErrorCode.ACCOUNT_NOT_FOUND]: 404,
  [AccountsErrorCode.TENANT_REQUIRED]: 400,
};

/** Typed error of the operator-facing session use cases (account look-up, operator kill). */
export class AccountsError extends DomainError {
  declare readonly code: AccountsErrorCode;

  constructor(
    code: AccountsErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(code, ACCOUNTS_ERROR_STATUS[code], message, { errors: field ? [{ field, message }] : [] });
  }
}
