import { DomainError } from '@cm/contracts';

export enum HouseholdsErrorCode {
  /** A network id that is no /24 (IPv4) or /56 (IPv6) prefix. */
  INVALID_NETWORK = 'INVALID_NETWORK',
  DEVICE_NOT_FOUND = 'DEVICE_NOT_FOUND',
}

export const HOUSEHOLDS_ERROR_STATUS: Record<HouseholdsErrorCode, number> = {
  [HouseholdsErrorCode.INVALID_NETWORK]: 400,
  [HouseholdsErrorCode.DEVICE_NOT_FOUND]: 404,
};

/** Typed error of the households library (devices and networks). */
export class HouseholdsError extends DomainError {
  declare readonly code: HouseholdsErrorCode;

  constructor(code: HouseholdsErrorCode, message: string, field?: string) {
    super(code, HOUSEHOLDS_ERROR_STATUS[code], message, { errors: field ? [{ field, message }] : [] });
  }
}
