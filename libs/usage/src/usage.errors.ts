import { DomainError, type FieldError } from '@cm/contracts';

export enum UsageErrorCode {
  /** A query parameter is missing, malformed or unknown. */
  INVALID_QUERY = 'USAGE_INVALID_QUERY',
  /** The history range holds more buckets or rows than one request may return. */
  RANGE_TOO_LARGE = 'USAGE_RANGE_TOO_LARGE',
  APPLICATION_NOT_FOUND = 'USAGE_APPLICATION_NOT_FOUND',
}

export const USAGE_ERROR_STATUS: Record<UsageErrorCode, number> = {
  [UsageErrorCode.INVALID_QUERY]: 400,
  [UsageErrorCode.RANGE_TOO_LARGE]: 400,
  [UsageErrorCode.APPLICATION_NOT_FOUND]: 404,
};

/** A usage request that cannot be answered; `errors` names the query parameters at fault. */
export class UsageError extends DomainError {
  declare readonly code: UsageErrorCode;

  constructor(code: UsageErrorCode, message: string, errors: FieldError[] = []) {
    super(code, USAGE_ERROR_STATUS[code], message, { errors });
  }

  static invalid(field: string, message: string): UsageError {
    return new UsageError(UsageErrorCode.INVALID_QUERY, message, [{ field, message }]);
  }
}
