import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PLAYBACK_TOKEN_ALGORITHMS, type PlaybackTokenAlgorithm } from '@cm/contracts';

export class RotateSigningKeyDto {
  @ApiPropertyOptional({
    enum: PLAYBACK_TOKEN_ALGORITHMS,
    description: 'Algorithm of the new key; default CM_PLAYBACK_TOKEN_ALGORITHM (EdDSA = Ed25519)',
  })
  @IsOptional()
  @IsIn(PLAYBACK_TOKEN_ALGORITHMS, { message: `algorithm must be one of ${PLAYBACK_TOKEN_ALGORITHMS.join(', ')}` })
  algorithm?: PlaybackTokenAlgorithm;
}

export class SigningKeyDto {
  @ApiProperty({ description: 'The key id (JWK thumbprint): the `kid` of the tokens it signs' }) kid!: string;
  @ApiProperty({ enum: PLAYBACK_TOKEN_ALGORITHMS }) algorithm!: string;
  @ApiProperty({ description: 'Signs new playback tokens' }) active!: boolean;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) retiredAt!: Date | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'A retired key stays in /.well-known/jwks.json until then, when every token it signed has expired',
  })
  publishedUntil!: Date | null;
}
