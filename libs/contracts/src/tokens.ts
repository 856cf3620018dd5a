/** Playback tokens (signed by us, checked by licence servers and CDNs) and entitlements (signed by the operator). */

/** The answer header of an admitted init or a successful heartbeat that carries the playback token. */
export const PLAYBACK_TOKEN_HEADER = 'X-CM-Playback-Token';

/** The request header a player sends its entitlement token (a JWT of the operator's identity system) in. */
export const ENTITLEMENT_HEADER = 'X-CM-Entitlement';

/** What `GET /v2/metadata` lists when an init needs an entitlement token. */
export const ENTITLEMENT_METADATA_NAME = 'entitlement';

/** Claims of a valid entitlement become attributes named `claims.<name>`; players cannot send such keys. */
export const CLAIM_PREFIX = 'claims.';

/** A claim name rules may read: `claims.<name>` must still be an attribute name (at most 64 characters). */
export const CLAIM_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,57}$/;

/** Signature algorithms of playback tokens. */
export const PLAYBACK_TOKEN_ALGORITHMS = ['EdDSA', 'ES256'] as const;
export type PlaybackTokenAlgorithm = (typeof PLAYBACK_TOKEN_ALGORITHMS)[number];

/** The claims of a playback token (a compact JWS, header `kid`, EdDSA or ES256). */
export interface PlaybackTokenClaims {
  /** `CM_PUBLIC_URL`, or the origin the player called. */
  iss: string;
  /** The application id. */
  aud: string;
  /** The subject (account id within the idp). */
  sub: string;
  idp: string;
  /** The session id. */
  sid: string;
  /** Epoch seconds. */
  iat: number;
  /** The session's expiry, epoch seconds: the same instant as the answer's `Expires`. */
  exp: number;
}
