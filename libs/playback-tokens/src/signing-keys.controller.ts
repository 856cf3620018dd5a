import { Body, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { type Actor, CurrentActor, ManagementController, Roles } from '@cm/identity';
import { RotateSigningKeyDto, SigningKeyDto } from './dto/signing-key.dto';
import { type SigningKey, SigningKeysService } from './signing-keys.service';

/** The keys that sign playback tokens (public parts only); admins rotate them. */
@ManagementController('signing-keys', 'signing-keys')
@Roles('admin')
export class SigningKeysController {
  constructor(private readonly keys: SigningKeysService) {}

  @Get()
  @ApiOperation({ summary: 'The published playback token signing keys, newest first (never the private keys)' })
  @ApiOkResponse({ type: [SigningKeyDto] })
  list(): Promise<SigningKey[]> {
    return this.keys.list();
  }

  @Post('rotate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Make a new signing key; the previous one stays published until its tokens have expired' })
  @ApiOkResponse({ type: SigningKeyDto, description: 'The new active key' })
  rotate(@CurrentActor() actor: Actor, @Body() body: RotateSigningKeyDto): Promise<SigningKey> {
    return this.keys.rotate(actor, body.algorithm);
  }
}
