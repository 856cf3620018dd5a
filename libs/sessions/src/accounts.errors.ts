export enum AccountsErrorCode {
  SESSION_NOT_FOUND = 'SESSION_NOT_FOUND',
  /** The session already ended (stopped, expired, dismissed or killed). */
  SESSION_NOT_RUNNING = 'SESSION_NOT_RUNNING',
  INVALID_ACCOUNT = 'INVALID_ACCOUNT',
}

/** Typed error of the operator-facing session use cases (account look-up, operator kill). */
export class AccountsError extends Error {
  constructor(
    readonly code: AccountsErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'AccountsError';
  }
}

export const ACCOUNTS_ERROR_STATUS: Record<AccountsErrorCode, number> = {
  [AccountsErrorCode.SESSION_NOT_FOUND]: 404,
  [AccountsErrorCode.SESSION_NOT_RUNNING]: 409,
  [AccountsErrorCode.INVALID_ACCOUNT]: 400,
};
