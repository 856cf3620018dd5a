import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { APPLICATION_ID_PATTERN, HEARTBEAT_INTERVAL_RANGE } from '../applications.service';

const { min, max } = HEARTBEAT_INTERVAL_RANGE;

export class PlaybackTokensDto {
  @ApiProperty({
    description:
      'Admitted inits and successful heartbeats answer X-CM-Playback-Token (and the init body playbackToken): a JWS ' +
      'for licence servers and CDNs, valid until the session expires (keys at /.well-known/jwks.json)',
  })
  @IsDefined({ message: 'playbackTokens.enabled is required (true or false)' })
  @IsBoolean()
  enabled!: boolean;
}

export class EntitlementsDto {
  @ApiProperty({ example: 'https://id.example.com', maxLength: 512, description: 'The `iss` of the entitlement tokens' })
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  issuer!: string;

  @ApiProperty({ example: 'concurrency-monitor', maxLength: 512, description: 'The `aud` the tokens carry for this service' })
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  audience!: string;

  @ApiPropertyOptional({
    type: 'object',
    properties: { keys: { type: 'array', items: { type: 'object', additionalProperties: true } } },
    required: ['keys'],
    description: 'The public keys (JWK Set; RSA, EC or OKP, no private parts). Give jwks or jwksUrl',
  })
  @IsOptional()
  @IsObject()
  jwks?: { keys: unknown[] };

  @ApiPropertyOptional({
    example: 'https://id.example.com/.well-known/jwks.json',
    maxLength: 2048,
    description: 'Where to fetch the public keys (https; http only for localhost). Give jwks or jwksUrl',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  jwksUrl?: string;

  @ApiPropertyOptional({ example: 'sub', description: 'When set, this claim must equal the subject of the call' })
  @IsOptional()
  @IsString()
  @MaxLength(57)
  subjectClaim?: string;
}

export class CreateApplicationDto {
  @ApiPropertyOptional({
    example: 'acme-web',
    description: 'The application id players send as the Basic auth user name; 3-64 of A-Z a-z 0-9 _ . - (generated when absent)',
  })
  @IsOptional()
  @IsString()
  @Matches(APPLICATION_ID_PATTERN, { message: 'id must be 3-64 characters of A-Z a-z 0-9 _ . -' })
  id?: string;

  @ApiProperty({ example: 'Acme web player', minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: 'web', default: 'web', maxLength: 64 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  platform?: string;

  @ApiPropertyOptional({
    type: 'integer',
    default: 60,
    minimum: min,
    maximum: max,
    description: 'Seconds between heartbeats (the `Expires` players get)',
  })
  @IsOptional()
  @IsInt()
  @Min(min)
  @Max(max)
  heartbeatIntervalSeconds?: number;

  @ApiPropertyOptional({
    default: false,
    description:
      'Players must send a secret as the Basic auth password; it is returned once. A production server defaults it to true and refuses false (unless CM_ALLOW_OPEN_APPLICATIONS=true)',
  })
  @IsOptional()
  @IsBoolean()
  requireSecret?: boolean;

  @ApiPropertyOptional({ type: PlaybackTokensDto, description: 'Signed playback tokens (off by default)' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => PlaybackTokensDto)
  playbackTokens?: PlaybackTokensDto;

  @ApiPropertyOptional({
    type: EntitlementsDto,
    nullable: true,
    description:
      'The identity system whose entitlement tokens players send in X-CM-Entitlement: their claims become the attributes ' +
      'claims.<name>, and an init without a valid token answers 401. null removes them',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => EntitlementsDto)
  entitlements?: EntitlementsDto | null;
}

export class UpdateApplicationDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ maxLength: 64 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  platform?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: min, maximum: max })
  @IsOptional()
  @IsInt()
  @Min(min)
  @Max(max)
  heartbeatIntervalSeconds?: number;

  @ApiPropertyOptional({ description: 'A disabled application answers 401 to every CM call' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    description:
      'true: require a secret (a new one is generated and returned once if there was none); false: remove the secret (refused by a production server unless CM_ALLOW_OPEN_APPLICATIONS=true)',
  })
  @IsOptional()
  @IsBoolean()
  requireSecret?: boolean;

  @ApiPropertyOptional({ type: PlaybackTokensDto, description: 'Signed playback tokens (off by default)' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => PlaybackTokensDto)
  playbackTokens?: PlaybackTokensDto;

  @ApiPropertyOptional({
    type: EntitlementsDto,
    nullable: true,
    description:
      'The identity system whose entitlement tokens players send in X-CM-Entitlement: their claims become the attributes ' +
      'claims.<name>, and an init without a valid token answers 401. null removes them',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => EntitlementsDto)
  entitlements?: EntitlementsDto | null;
}

export class ApplicationDto {
  @ApiProperty({ example: 'acme-web' }) id!: string;
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  @ApiProperty({ example: 'Acme web player' }) name!: string;
  @ApiProperty({ example: 'web' }) platform!: string;
  @ApiProperty({ example: 60 }) heartbeatIntervalSeconds!: number;
  @ApiProperty() requireSecret!: boolean;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ type: PlaybackTokensDto }) playbackTokens!: PlaybackTokensDto;
  @ApiProperty({ type: EntitlementsDto, nullable: true }) entitlements!: EntitlementsDto | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: Date;
}

export class ApplicationWithSecretDto extends ApplicationDto {
  @ApiPropertyOptional({ description: 'The application secret, shown only in this answer (only its hash is stored)' })
  secret?: string;
}
