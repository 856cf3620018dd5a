import { Injectable, Logger } from '@nestjs/common';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  errors,
  type FetchImplementation,
  type JWTPayload,
  jwtVerify,
  type JWTVerifyGetKey,
} from 'jose';
import { CLAIM_PREFIX, MAX_METADATA_VALUE_LENGTH, type Metadata, textFault } from '@cm/contracts';
import { OutboundGuard } from '@cm/outbound';
import { claimsRead, requiredClaims } from '@cm/policy-engine';
import { ENTITLEMENT_ALGORITHMS, type EntitlementsSettings } from '@cm/tenants';
import type { ApplicationContext } from './application-directory';
import { needsEntitlement } from './entitlement-requirements';
import type { AccountKey } from './session-store.port';
import { CmError, CmErrorCode, type EntitlementRejection } from './sessions.errors';

/** Clock difference tolerated on exp / nbf of the operator's tokens. */
const CLOCK_TOLERANCE_SECONDS = 30;

/** A JWKS fetch: its time-out and the largest key set accepted. */
const JWKS_TIMEOUT_MS = 3000;
const JWKS_MAX_BYTES = 256 * 1024;

/**
 * The identity system's keys could not be had: not fetched (refused address, time-out, network), not a 200, too
 * large, or not JSON. Players get one answer for all of these (503 + Retry-After): a different status for a closed
 * port and an open one would make the server a port scanner for whoever sets the URL.
 */
class KeysUnavailableError extends Error {
  override readonly name = 'KeysUnavailableError';
}

const keysUnavailable = () =>
  new CmError(CmErrorCode.UNAVAILABLE, "The identity system's keys could not be fetched; retry shortly", undefined, { 'Retry-After': '5' });

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
  // A key set fetched from a URL: every way of not getting usable keys is the same 503, whatever the server did.
  const fetchFailed = settings.jwksUrl !== undefined && !(error instanceof errors.JOSEError);
  if (error instanceof KeysUnavailableError || error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || fetchFailed) {
    return keysUnavailable();
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
  private readonly logger = new Logger(EntitlementVerifier.name);

  constructor(private readonly outbound: OutboundGuard) {}

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
        : createRemoteJWKSet(new URL(settings.jwksUrl!), {
            timeoutDuration: JWKS_TIMEOUT_MS,
            cooldownDuration: 30_000,
            cacheMaxAge: 10 * 60_000,
            [customFetch]: this.fetchKeys,
          });
      this.keySets.set(settings, keys);
    }
    return keys;
  }

  /**
   * jose's fetch of a JWKS, through the outbound guard (address rules, time-out, size cap). Anything but a 200 with
   * a JSON body is KeysUnavailableError; why is logged for the operator, never told to the player.
   */
  private readonly fetchKeys: FetchImplementation = async (url, options) => {
    try {
      const res = await this.outbound.fetch(url, { ...options, timeoutMs: JWKS_TIMEOUT_MS, maxBytes: JWKS_MAX_BYTES });
      if (res.status !== 200) throw new Error(`answered ${res.status}`);
      const text = await res.text();
      JSON.parse(text);
      return new Response(text, { status: 200, headers: { 'content-type': 'application/json' } });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn(`entitlement keys not fetched from ${new URL(url).origin}: ${reason}`);
      throw new KeysUnavailableError(reason);
    }
  };
}
