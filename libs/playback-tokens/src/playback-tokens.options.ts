import type { PlaybackTokenAlgorithm } from '@cm/contracts';

/** Settings of the playback-tokens library, from the app's validated environment. */
export interface PlaybackTokensOptions {
  /** `iss` of every token (CM_PUBLIC_URL); undefined: the origin the player called. */
  issuer?: string;
  /** Algorithm of keys made from now on (first run, rotation without an explicit one). */
  algorithm: PlaybackTokenAlgorithm;
  /**
   * The longest a token can live (its session's expiry minus now): a retired key stays published this long, plus
   * the time other processes need to notice the rotation.
   */
  maxTokenLifetimeSeconds: number;
}

export const PLAYBACK_TOKENS_OPTIONS = Symbol('PlaybackTokensOptions');
