import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { JWK } from 'jose';
import { SigningKeysService } from './signing-keys.service';

/**
 * The public keys of playback tokens, for licence servers, CDNs and `verifyPlaybackToken`. No authentication;
 * cacheable for a minute (a verifier meeting an unknown `kid` fetches it again).
 */
@ApiExcludeController()
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SigningKeysService) {}

  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=60')
  @Header('Content-Type', 'application/jwk-set+json')
  jwks(): Promise<{ keys: JWK[] }> {
    return this.keys.jwks();
  }
}
