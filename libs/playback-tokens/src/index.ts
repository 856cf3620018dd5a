import { SigningKeyEntity } from './signing-key.entity';

export { PlaybackTokensModule } from './playback-tokens.module';
export { PlaybackTokensService, type PlaybackTokenRequest } from './playback-tokens.service';
export { SigningKeysService, type SigningKey } from './signing-keys.service';
export type { PlaybackTokensOptions } from './playback-tokens.options';

/** For the data source (migrations, CLI) only; other libraries never use these. */
export const PLAYBACK_TOKEN_ENTITIES = [SigningKeyEntity];
