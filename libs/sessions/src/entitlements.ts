import { Injectable } from '@nestjs/common';
import { createLocalJWKSet, createRemoteJWKSet, errors, type JWTPayload, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { CLAIM_PREFIX, MAX_METADATA_VALUE_LENGTH, type Metadata, textFault } from '@cm/contracts';
import { claimsRead, requiredClaims } from '@cm/policy-engine';
import { ENTITLEMENT_ALGORITHMS, type EntitlementsSettings } from '@cm/tenants';
import type { ApplicationContext } from './application-directory';
import { needsEntitlement } from './entitlement-requirements';
import type { AccountKey } from './session-store.port';
import { CmError, CmErrorCode, type EntitlementRejection } from './sessions.errors';

/** Clock difference tolerated on exp / nbf of the operator's tokens. */
const CLOCK_TOLERANCE_SECONDS = 30;

const reject = (reason: EntitlementRejection, message: string) => CmError.entitlement(reason, message);

const notConfigured = () =>
  reject('not-configured', 'The policies of this application read entitlement claims, but it has no entitlements configured');

/** A jose failure as the 401 a player gets (the reason names what to fix). */
function rejection(error: unknown, settings: EntitlementsSettings): CmError {
  if (error instanceof CmError) return error;
  if (error instanceof errors.JWTExpired)
    return reject('expired', 'The entitlement token has expired: get a new one from the identity system');
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'iss':
        return reject('issuer', `The entitlement token was not issued by ${settings.issuer}`);
      case 'aud':
        return reject('audience', `The entitlement token is not meant for this service (audience ${settings.audience})`);
      case 'nbf':
        return reject('not-yet-valid', 'The entitlement token is not valid yet (nbf)');
      default:
        return reject('malformed', `The entitlement token's "${error.claim}" claim is missing or invalid`);
    }
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) {
    return reject('signature', "The entitlement token's signature does not verify with the identity system's keys");
  }
  // A key set fetched from a URL fails with jose's JWKS errors or a fetch error (a TypeError, maybe of another realm).
  const fetchFailed = settings.jwksUrl !== undefined && !(error instanceof errors.JOSEError);
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || fetchFailed) {
    return new CmError(CmErrorCode.UNAVAILABLE, "The identity system's keys could not be fetched; retry shortly", undefined, {
      'Retry-After': '5',
    });
  }
  if (error instanceof errors.JOSEError) return reject('malformed', `The entitlement token is not a valid signed JWT (${error.code})`);
  throw error;
}

/** A claim as attribute text: strings, numbers and booleans; anything else (arrays, objects) is absent. */
function claimText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * Verifies entitlement tokens (`X-CM-Entitlement`, a JWT of the operator's identity system) and turns the claims the
 * application's rules read into trusted attributes `claims.<name>`. Keys are kept per settings object: the
 * application directory makes a new one when the settings change.
 */
@Injectable()
export class EntitlementVerifier {
  private readonly keySets = new WeakMap<EntitlementsSettings, JWTVerifyGetKey>();

  /**
   * The claims of an init's entitlement as attributes, or `{}` when the application needs none. Throws a 401
   * CmError (reason in the body) for a missing or invalid token, 503 when the identity system's keys are unreachable.
   */
  async forInit(ctx: ApplicationContext, account: AccountKey, token: string | undefined): Promise<Metadata> {
    if (!needsEntitlement(ctx.app, ctx.policies)) return {};
    if (!ctx.app.entitlements) throw notConfigured();
    if (!token) throw reject('missing', 'This application needs an entitlement token: send it in X-CM-Entitlement');
    return this.claims(ctx, account, token);
  }

  /** A heartbeat may send a newer entitlement: its claims replace the session's. None sent (or none needed): `{}`. */
  async forHeartbeat(ctx: ApplicationContext, account: AccountKey, token: string | undefined): Promise<Metadata> {
    if (!token || !needsEntitlement(ctx.app, ctx.policies)) return {};
    return this.claims(ctx, account, token);
  }

  private async claims(ctx: ApplicationContext, account: AccountKey, token: string): Promise<Metadata> {
    const settings = ctx.app.entitlements;
    if (!settings) throw notConfigured();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token.trim(), this.keysOf(settings), {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: ENTITLEMENT_ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      throw rejection(error, settings);
    }
    if (settings.subjectClaim !== undefined && claimText(payload[settings.subjectClaim]) !== account.subject) {
      throw reject('subject', `The entitlement token's "${settings.subjectClaim}" claim is not this subject`);
    }
    const attributes: Metadata = {};
    for (const name of claimsRead(ctx.policies)) {
      const value = claimText(payload[name]);
      if (value === undefined) continue;
      if (value.length > MAX_METADATA_VALUE_LENGTH) {
        throw reject('claims', `The entitlement's "${name}" claim is longer than ${MAX_METADATA_VALUE_LENGTH} characters`);
      }
      const fault = textFault(value);
      if (fault) throw new CmError(CmErrorCode.INVALID_METADATA, `The entitlement's "${name}" claim ${fault}`);
      attributes[`${CLAIM_PREFIX}${name}`] = value;
    }
    const missing = requiredClaims(ctx.policies).filter((name) => !(`${CLAIM_PREFIX}${name}` in attributes));
    if (missing.length > 0) {
      throw reject('claims', `The entitlement token has no ${missing.map((n) => `"${n}"`).join(', ')} claim, which the policies need`);
    }
    return attributes;
  }

  private keysOf(settings: EntitlementsSettings): JWTVerifyGetKey {
    let keys = this.keySets.get(settings);
    if (!keys) {
      keys = settings.jwks
        ? createLocalJWKSet(settings.jwks)
        : createRemoteJWKSet(new URL(settings.jwksUrl!), { timeoutDuration: 3000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
      this.keySets.set(settings, keys);
    }
    return keys;
  }
}
