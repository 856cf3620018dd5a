import { DomainError, type FieldError } from '@cm/contracts';

export enum ConfigurationErrorCode {
  /** The file breaks a rule that needs no server: schema, rules, duplicates, references inside the file (400). */
  INVALID_CONFIGURATION = 'INVALID_CONFIGURATION',
  /** The file names a tenant, policy or tenant id the caller cannot see (404, like every management route). */
  REFERENCE_NOT_FOUND = 'REFERENCE_NOT_FOUND',
  /** The file clashes with the server's state: an id another tenant holds, a policy still in use (409). */
  CONFIGURATION_CONFLICT = 'CONFIGURATION_CONFLICT',
  /** A tenant's configuration changed since the plan the apply was made from: plan again (409). */
  CONFIGURATION_CHANGED = 'CONFIGURATION_CHANGED',
}

export const CONFIGURATION_ERROR_STATUS: Record<ConfigurationErrorCode, number> = {
  [ConfigurationErrorCode.INVALID_CONFIGURATION]: 400,
  [ConfigurationErrorCode.REFERENCE_NOT_FOUND]: 404,
  [ConfigurationErrorCode.CONFIGURATION_CONFLICT]: 409,
  [ConfigurationErrorCode.CONFIGURATION_CHANGED]: 409,
};

/** Typed error of the configuration library; `errors` name the fields (`configuration.tenants[0].slug`). */
export class ConfigurationError extends DomainError {
  declare readonly code: ConfigurationErrorCode;

  constructor(code: ConfigurationErrorCode, message: string, errors: FieldError[] = []) {
    super(code, CONFIGURATION_ERROR_STATUS[code], message, { errors });
  }
}
