import { DomainError } from '@cm/contracts';

export enum IdentityErrorCode {
  /** No or unusable credentials (401). */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  /** Wrong email or password: one message for both (401). */
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  /** Too many failed logins for the account or the address (429 + Retry-After). */
  TOO_MANY_ATTEMPTS = 'TOO_MANY_ATTEMPTS',
  /** Every password check slot is taken: sign-in answers 503 + Retry-After instead of queueing (login route only). */
  LOGIN_BUSY = 'LOGIN_BUSY',
  /** The role may not do this (403). */
  FORBIDDEN = 'FORBIDDEN',
  /** A cookie-authenticated write without a same-origin Origin/Referer or without a JSON body (403). */
  CSRF_REJECTED = 'CSRF_REJECTED',
  OPERATOR_NOT_FOUND = 'OPERATOR_NOT_FOUND',
  EMAIL_TAKEN = 'EMAIL_TAKEN',
  /** Deleting or demoting the last admin would lock everyone out (409). */
  LAST_ADMIN = 'LAST_ADMIN',
  INVALID_OPERATOR = 'INVALID_OPERATOR',
  TOKEN_NOT_FOUND = 'TOKEN_NOT_FOUND',
  INVALID_TOKEN_REQUEST = 'INVALID_TOKEN_REQUEST',
  /** The operator already has a live token of this name: two could not be told apart when revoking (409). */
  TOKEN_NAME_TAKEN = 'TOKEN_NAME_TAKEN',
  INVALID_AUDIT_QUERY = 'INVALID_AUDIT_QUERY',
  /** Signed in with a reset (one-time) password: only changing it is allowed (403). */
  PASSWORD_CHANGE_REQUIRED = 'PASSWORD_CHANGE_REQUIRED',
  /** A management write whose body is not JSON (415). */
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  /** A body over the route's own limit (413). */
  BODY_TOO_LARGE = 'BODY_TOO_LARGE',
}

export const IDENTITY_ERROR_STATUS: Record<IdentityErrorCode, number> = {
  [IdentityErrorCode.UNAUTHENTICATED]: 401,
  [IdentityErrorCode.INVALID_CREDENTIALS]: 401,
  [IdentityErrorCode.TOO_MANY_ATTEMPTS]: 429,
  [IdentityErrorCode.LOGIN_BUSY]: 503,
  [IdentityErrorCode.FORBIDDEN]: 403,
  [IdentityErrorCode.CSRF_REJECTED]: 403,
  [IdentityErrorCode.OPERATOR_NOT_FOUND]: 404,
  [IdentityErrorCode.EMAIL_TAKEN]: 409,
  [IdentityErrorCode.LAST_ADMIN]: 409,
  [IdentityErrorCode.INVALID_OPERATOR]: 400,
  [IdentityErrorCode.TOKEN_NOT_FOUND]: 404,
  [IdentityErrorCode.INVALID_TOKEN_REQUEST]: 400,
  [IdentityErrorCode.TOKEN_NAME_TAKEN]: 409,
  [IdentityErrorCode.INVALID_AUDIT_QUERY]: 400,
  [IdentityErrorCode.PASSWORD_CHANGE_REQUIRED]: 403,
  [IdentityErrorCode.UNSUPPORTED_MEDIA_TYPE]: 415,
  [IdentityErrorCode.BODY_TOO_LARGE]: 413,
};

/** Typed error of the identity library (`field`: the input at fault; `headers`: e.g. WWW-Authenticate, Retry-After). */
export class IdentityError extends DomainError {
  declare readonly code: IdentityErrorCode;

  constructor(
    code: IdentityErrorCode,
    message: string,
    readonly field?: string,
    headers: Record<string, string> = {},
  ) {
    super(code, IDENTITY_ERROR_STATUS[code], message, { errors: field ? [{ field, message }] : [], headers });
  }

  static unauthenticated(message: string): IdentityError {
    return new IdentityError(IdentityErrorCode.UNAUTHENTICATED, message, undefined, { 'WWW-Authenticate': 'Bearer realm="cm"' });
  }

  static forbidden(message: string): IdentityError {
    return new IdentityError(IdentityErrorCode.FORBIDDEN, message);
  }
}
