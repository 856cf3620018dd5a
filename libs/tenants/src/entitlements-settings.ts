import { importJWK, type JWK } from 'jose';
import { CLAIM_NAME_PATTERN } from '@cm/contracts';
import { type OutboundGuard, OutboundUrlError } from '@cm/outbound';
import { TenantsError, TenantsErrorCode } from './tenants.errors';

/**
 * Where an application's players get entitlement tokens from: the operator's identity system, named by its issuer,
 * the audience its tokens carry for us, and its public keys (inline, or a JWKS URL we fetch).
 */
export interface EntitlementsSettings {
  issuer: string;
  audience: string;
  /** The public keys, inline. Exactly one of `jwks` and `jwksUrl`. */
  jwks?: { keys: JWK[] };
  jwksUrl?: string;
  /** When set, this claim must equal the subject of the call (ties a token to one account). */
  subjectClaim?: string;
}

/** Entitlement settings as submitted (shapes checked by the DTO, the rest by `checkEntitlements`). */
export interface EntitlementsInput {
  issuer: string;
  audience: string;
  jwks?: { keys: unknown[] } | null;
  jwksUrl?: string | null;
  subjectClaim?: string | null;
}

/** Asymmetric algorithms only: an HMAC secret would have to be shared with every player. */
export const ENTITLEMENT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

const MAX_KEYS = 20;
const PUBLIC_FIELDS: Record<string, string[]> = { RSA: ['n', 'e'], EC: ['crv', 'x', 'y'], OKP: ['crv', 'x'] };
const PRIVATE_FIELDS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

const invalid = (field: string, message: string) => new TenantsError(TenantsErrorCode.INVALID_APPLICATION, `${field} ${message}`, field);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The algorithm to import a key with when it does not say (`alg` is optional in a JWK). */
function algorithmOf(key: Record<string, unknown>): string | undefined {
  if (typeof key.alg === 'string') return key.alg;
  if (key.kty === 'RSA') return 'RS256';
  if (key.kty === 'OKP') return 'EdDSA';
  if (key.kty === 'EC') return { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' }[String(key.crv)];
  return undefined;
}

/** One key of an inline JWKS: public, asymmetric, importable; kept with its public fields only. */
async function checkKey(raw: unknown, field: string): Promise<JWK> {
  if (!isObject(raw)) throw invalid(field, 'must be a JWK object');
  if (PRIVATE_FIELDS.some((name) => name in raw)) {
    throw invalid(field, 'is a private or symmetric key: give only the public keys of your identity system');
  }
  const publicFields = typeof raw.kty === 'string' ? PUBLIC_FIELDS[raw.kty] : undefined;
  if (!publicFields) throw invalid(field, 'must have kty RSA, EC or OKP');
  const alg = algorithmOf(raw);
  if (!alg || !ENTITLEMENT_ALGORITHMS.includes(alg)) throw invalid(field, `must use one of ${ENTITLEMENT_ALGORITHMS.join(', ')}`);
  if (raw.use !== undefined && raw.use !== 'sig') throw invalid(field, 'must be a signing key (use "sig")');
  const key: JWK = { kty: raw.kty as string };
  for (const name of [...publicFields, 'kid', 'alg', 'use']) {
    if (raw[name] !== undefined) {
      if (typeof raw[name] !== 'string' || raw[name].length > 2048) throw invalid(`${field}.${name}`, 'must be a string');
      (key as Record<string, unknown>)[name] = raw[name];
    }
  }
  try {
    await importJWK(key, alg);
  } catch (error) {
    throw invalid(field, `is not a usable public key (${error instanceof Error ? error.message : String(error)})`);
  }
  return key;
}

/** The JWKS URL, by the server's outbound rules (https; in production no private or loopback address). */
function checkUrl(raw: unknown, outbound: OutboundGuard): string {
  try {
    return outbound.checkUrl(String(raw)).href;
  } catch (error) {
    if (error instanceof OutboundUrlError) throw invalid('entitlements.jwksUrl', error.message);
    throw error;
  }
}

const text = (raw: unknown, field: string, max: number): string => {
  if (typeof raw !== 'string' || raw.trim() === '' || raw.length > max)
    throw invalid(field, `must be a non-empty string of at most ${max} characters`);
  return raw;
};

/**
 * Validates entitlement settings from the management API (the DTO checked the shapes it can): one key source,
 * inline keys public and importable, the URL one `outbound` may fetch. Returns them normalised (public key fields only).
 */
export async function checkEntitlements(input: EntitlementsInput, outbound: OutboundGuard): Promise<EntitlementsSettings> {
  const settings: EntitlementsSettings = {
    issuer: text(input.issuer, 'entitlements.issuer', 512),
    audience: text(input.audience, 'entitlements.audience', 512),
  };
  const hasKeys = input.jwks !== undefined && input.jwks !== null;
  const hasUrl = input.jwksUrl !== undefined && input.jwksUrl !== null;
  if (hasKeys === hasUrl) throw invalid('entitlements', 'needs exactly one of jwks (the public keys) and jwksUrl');
  if (hasKeys) {
    const keys: unknown = isObject(input.jwks) ? input.jwks.keys : undefined;
    if (!Array.isArray(keys) || keys.length < 1 || keys.length > MAX_KEYS) {
      throw invalid('entitlements.jwks.keys', `must be an array of 1 to ${MAX_KEYS} public keys (JWK)`);
    }
    settings.jwks = { keys: await Promise.all(keys.map((key: unknown, i) => checkKey(key, `entitlements.jwks.keys[${i}]`))) };
  } else {
    settings.jwksUrl = checkUrl(input.jwksUrl, outbound);
  }
  if (input.subjectClaim !== undefined && input.subjectClaim !== null) {
    if (typeof input.subjectClaim !== 'string' || !CLAIM_NAME_PATTERN.test(input.subjectClaim)) {
      throw invalid('entitlements.subjectClaim', 'must be a claim name (1-57 characters of letters, digits, "_", "." or "-")');
    }
    settings.subjectClaim = input.subjectClaim;
  }
  return settings;
}
