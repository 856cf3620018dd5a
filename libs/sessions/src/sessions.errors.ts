import { type AdviceBody, DomainError } from '@cm/contracts';

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
  /** The application needs an entitlement token and this one is missing or not valid (`reason` says why). */
  ENTITLEMENT_REJECTED = 'ENTITLEMENT_REJECTED',
  /** No register of the application's policies holds this device. */
  UNKNOWN_DEVICE = 'UNKNOWN_DEVICE',
  /** The viewer's device swap quota is used up (409 with a swap-limit advice). */
  SWAP_LIMIT = 'SWAP_LIMIT',
}

/** Why an entitlement token was refused (401). */
export type EntitlementRejection =
  'missing' | 'malformed' | 'signature' | 'expired' | 'not-yet-valid' | 'issuer' | 'audience' | 'subject' | 'claims' | 'not-configured';

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
  [CmErrorCode.ENTITLEMENT_REJECTED]: 401,
  [CmErrorCode.UNKNOWN_DEVICE]: 404,
  [CmErrorCode.SWAP_LIMIT]: 409,
};

/** Codes the original service answers without a body (unless it is advice). */
const BODYLESS = new Set<CmErrorCode>([CmErrorCode.GONE, CmErrorCode.UNKNOWN_SESSION, CmErrorCode.THROTTLED]);

/**
 * An outcome of a CM v2 call other than success. `body` is the exact JSON the player receives (advice bodies of
 * DESIGN §2); without one, 404/410/429 answer with an empty body like the original service, the rest problem+json.
 */
export class CmError extends DomainError {
  declare readonly code: CmErrorCode;

  constructor(
    code: CmErrorCode,
    message: string,
    body?: AdviceBody,
    headers: Record<string, string> = {},
    /** Extra members of the problem+json answer. */
    details: Record<string, unknown> = {},
  ) {
    super(code, CM_ERROR_STATUS[code], message, { body: body ?? (BODYLESS.has(code) ? null : undefined), headers, details });
  }

  static unauthorized(message: string): CmError {
    return new CmError(CmErrorCode.UNAUTHORIZED, message, undefined, { 'WWW-Authenticate': 'Basic realm="cm"' });
  }

  static entitlement(reason: EntitlementRejection, message: string): CmError {
    return new CmError(
      CmErrorCode.ENTITLEMENT_REJECTED,
      message,
      undefined,
      { 'WWW-Authenticate': 'Entitlement realm="cm", header="X-CM-Entitlement"' },
      { reason },
    );
  }
}
