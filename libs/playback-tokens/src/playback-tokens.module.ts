import { type DynamicModule, Module } from '@nestjs/common';
import { JwksController } from './jwks.controller';
import { PLAYBACK_TOKENS_OPTIONS, type PlaybackTokensOptions } from './playback-tokens.options';
import { PlaybackTokensService } from './playback-tokens.service';
import { SigningKeysController } from './signing-keys.controller';
import { SigningKeysRepository } from './signing-keys.repository';
import { SigningKeysService } from './signing-keys.service';

/** Signed playback tokens: the signing keys (stored, rotated, published as a JWKS) and the signer the CM API uses. */
@Module({})
export class PlaybackTokensModule {
  static forRoot(options: PlaybackTokensOptions): DynamicModule {
    return {
      module: PlaybackTokensModule,
      global: true,
      controllers: [JwksController, SigningKeysController],
      providers: [
        { provide: PLAYBACK_TOKENS_OPTIONS, useValue: options },
        SigningKeysRepository,
        SigningKeysService,
        PlaybackTokensService,
      ],
      exports: [PlaybackTokensService, SigningKeysService],
    };
  }
}
