export enum UsageErrorCode {
  /** A query parameter is missing, malformed or unknown. */
  INVALID_QUERY = 'USAGE_INVALID_QUERY',
  /** The history range holds more buckets or rows than one request may return. */
  RANGE_TOO_LARGE = 'USAGE_RANGE_TOO_LARGE',
  APPLICATION_NOT_FOUND = 'USAGE_APPLICATION_NOT_FOUND',
}

/** A usage request that cannot be answered; `errors` names the query parameters at fault. */
export class UsageError extends Error {
  constructor(
    readonly code: UsageErrorCode,
    message: string,
    readonly errors: Array<{ field: string; message: string }> = [],
  ) {
    super(message);
    this.name = 'UsageError';
  }

  static invalid(field: string, message: string): UsageError {
    return new UsageError(UsageErrorCode.INVALID_QUERY, message, [{ field, message }]);
  }
}
