import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type RemoteJWKSet } from 'jose';
import type { PlaybackTokenClaims } from '@cm/contracts';

/** Why a playback token was refused. */
export type PlaybackTokenFailure =
  /** No token was given. */
  | 'missing'
  /** Not a compact JWS, a claim is missing or of the wrong type, or an algorithm we never sign with. */
  | 'malformed'
  /** The signature does not verify, or no published key has its `kid` (forged, or signed by a long-gone key). */
  | 'signature'
  /** Past its `exp`: the session's last answer is older than its expiry (stopped, dismissed, killed or silent). */
  | 'expired'
  /** Issued for another application. */
  | 'audience'
  /** Issued by another Concurrency Monitor. */
  | 'issuer'
  /** Valid, but for another session than the one asked for. */
  | 'session'
  /** The JWKS could not be fetched: nothing was decided about the token. */
  | 'keys-unavailable';

export class PlaybackTokenError extends Error {
  override readonly name = 'PlaybackTokenError';

  constructor(
    readonly reason: PlaybackTokenFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface VerifyPlaybackTokenOptions {
  /** Where the Concurrency Monitor publishes its keys, e.g. `https://cm.example.com/.well-known/jwks.json`. */
  jwksUrl: string | URL;
  /** The application id(s) whose tokens are accepted (the `aud` claim). */
  audience: string | readonly string[];
  /** The expected `iss` (the server's CM_PUBLIC_URL); not checked when absent. */
  issuer?: string;
  /** When given, the token must be for this session (`sid`). */
  sessionId?: string;
  /** Seconds of clock difference tolerated on `exp` (default 0: a token is refused from its session's expiry on). */
  clockToleranceSeconds?: number;
  /** The time to judge expiry at (default now). */
  currentDate?: Date;
}

/** The algorithms the server signs with; anything else is refused before any key is looked at. */
const ALGORITHMS = ['EdDSA', 'ES256'];

/** At most one JWKS fetch per this long per URL when tokens name unknown keys (forged ones, or a rotation). */
const COOLDOWN_MS = 1000;

/**
 * One remote key set per JWKS URL, shared by every call in this process (or edge isolate): keys are fetched once,
 * kept 10 minutes, and fetched again when a token names a `kid` the set does not have (a rotation), at most once a
 * second.
 */
const keySets = new Map<string, RemoteJWKSet>();

function keySet(url: string | URL): RemoteJWKSet {
  const href = String(url);
  let set = keySets.get(href);
  if (!set) {
    set = createRemoteJWKSet(new URL(href), { cacheMaxAge: 10 * 60_000, cooldownDuration: COOLDOWN_MS, timeoutDuration: 5000 });
    keySets.set(href, set);
  }
  return set;
}

function failure(error: unknown): PlaybackTokenError {
  const because = (reason: PlaybackTokenFailure, message: string) => new PlaybackTokenError(reason, message, { cause: error });
  if (error instanceof PlaybackTokenError) return error;
  if (error instanceof errors.JWTExpired) return because('expired', 'The playback token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return because('audience', 'The playback token is for another application');
    if (error.claim === 'iss') return because('issuer', 'The playback token was issued by another server');
    return because('malformed', `The playback token's "${error.claim}" claim is missing or invalid`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return because('signature', 'The playback token signature does not verify');
  if (error instanceof errors.JWKSNoMatchingKey) return because('signature', 'No published key signed this playback token');
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || error instanceof TypeError) {
    return because('keys-unavailable', 'The signing keys could not be fetched');
  }
  if (error instanceof errors.JOSEError) return because('malformed', `The playback token is malformed (${error.code})`);
  return because('keys-unavailable', `The playback token could not be checked: ${String(error)}`);
}

/**
 * Verifies a playback token (`X-CM-Playback-Token`, or `playbackToken` of the init answer) against the published
 * keys: signature, algorithm, audience, expiry (the session's), optionally issuer and session. Resolves with its
 * claims; rejects with a PlaybackTokenError naming the reason. Runs on Node 18+ and edge runtimes (Web Crypto
 * and `fetch`).
 *
 * ```ts
 * const claims = await verifyPlaybackToken(request.headers.get('x-cm-playback-token'), {
 *   jwksUrl: 'https://cm.example.com/.well-known/jwks.json',
 *   audience: 'acme-web',
 * });
 * ```
 */
export async function verifyPlaybackToken(
  token: string | null | undefined,
  options: VerifyPlaybackTokenOptions,
): Promise<PlaybackTokenClaims> {
  if (!token) throw new PlaybackTokenError('missing', 'No playback token was sent');
  const keys = keySet(options.jwksUrl);
  const verify = () =>
    jwtVerify(token, keys, {
      algorithms: ALGORITHMS,
      audience: typeof options.audience === 'string' ? options.audience : [...options.audience],
      issuer: options.issuer,
      clockTolerance: options.clockToleranceSeconds ?? 0,
      currentDate: options.currentDate,
      requiredClaims: ['iss', 'aud', 'sub', 'sid', 'idp', 'iat', 'exp'],
    });
  try {
    let payload: JWTPayload;
    try {
      ({ payload } = await verify());
    } catch (error) {
      // A key rotated in since the last fetch, and that fetch is under a second old: fetch once more after the cooldown.
      if (!(error instanceof errors.JWKSNoMatchingKey) || !keys.coolingDown) throw error;
      await new Promise((resolve) => setTimeout(resolve, COOLDOWN_MS));
      ({ payload } = await verify());
    }
    const { iss, aud, sub, idp, sid, iat, exp } = payload;
    if (typeof aud !== 'string' || typeof sub !== 'string' || typeof idp !== 'string' || typeof sid !== 'string') {
      throw new PlaybackTokenError('malformed', 'The playback token lacks its session claims');
    }
    if (options.sessionId !== undefined && sid !== options.sessionId) {
      throw new PlaybackTokenError('session', 'The playback token is for another session');
    }
    return { iss: iss as string, aud, sub, idp, sid, iat: iat as number, exp: exp as number };
  } catch (error) {
    throw failure(error);
  }
}
