import type { AdviceBody } from '@cm/contracts';

export enum CmErrorCode {
  UNAUTHORIZED = 'UNAUTHORIZED',
  INVALID_METADATA = 'INVALID_METADATA',
  MISSING_METADATA = 'MISSING_METADATA',
  /** A session id this service never issued to this account and application (or one purged after retention). */
  UNKNOWN_SESSION = 'UNKNOWN_SESSION',
  DENIED = 'DENIED',
  DISMISSED = 'DISMISSED',
  GONE = 'GONE',
  THROTTLED = 'THROTTLED',
  UNAVAILABLE = 'UNAVAILABLE',
}

/**
 * An outcome of a CM v2 call other than success. `body` is the exact JSON the player receives (advice
 * bodies of DESIGN §2), or undefined for a problem+json/empty answer made by the HTTP filter.
 */
export class CmError extends Error {
  constructor(
    readonly code: CmErrorCode,
    message: string,
    readonly body?: AdviceBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'CmError';
  }

  static unauthorized(message: string): CmError {
    return new CmError(CmErrorCode.UNAUTHORIZED, message, undefined, { 'WWW-Authenticate': 'Basic realm="cm"' });
  }
}

export const CM_ERROR_STATUS: Record<CmErrorCode, number> = {
  [CmErrorCode.UNAUTHORIZED]: 401,
  [CmErrorCode.INVALID_METADATA]: 400,
  [CmErrorCode.MISSING_METADATA]: 400,
  [CmErrorCode.UNKNOWN_SESSION]: 404,
  [CmErrorCode.DENIED]: 409,
  [CmErrorCode.DISMISSED]: 409,
  [CmErrorCode.GONE]: 410,
  [CmErrorCode.THROTTLED]: 429,
  [CmErrorCode.UNAVAILABLE]: 503,
};
