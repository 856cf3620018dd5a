import { Inject, Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import type { PlaybackTokenClaims } from '@cm/contracts';
import { PLAYBACK_TOKENS_OPTIONS, type PlaybackTokensOptions } from './playback-tokens.options';
import { SigningKeysService } from './signing-keys.service';

export interface PlaybackTokenRequest {
  applicationId: string;
  idp: string;
  subject: string;
  sessionId: string;
  /** The session's expiry: the token's `exp` (whole seconds, like the `Expires` header). */
  expiresAt: Date;
  /** The origin the player called: `iss` when CM_PUBLIC_URL is not set. */
  origin: string;
}

/**
 * Signs playback tokens on the hot path (every admitted init and successful heartbeat of an application that
 * enabled them): the active key is imported once per process, so a token costs one signature and no I/O.
 */
@Injectable()
export class PlaybackTokensService {
  constructor(
    private readonly keys: SigningKeysService,
    @Inject(PLAYBACK_TOKENS_OPTIONS) private readonly options: PlaybackTokensOptions,
  ) {}

  async issue(request: PlaybackTokenRequest): Promise<string> {
    const signer = await this.keys.current();
    const claims: PlaybackTokenClaims = {
      iss: this.options.issuer ?? request.origin,
      aud: request.applicationId,
      sub: request.subject,
      idp: request.idp,
      sid: request.sessionId,
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(request.expiresAt.getTime() / 1000),
    };
    return new SignJWT({ ...claims }).setProtectedHeader({ alg: signer.algorithm, kid: signer.kid, typ: 'JWT' }).sign(signer.key);
  }
}
