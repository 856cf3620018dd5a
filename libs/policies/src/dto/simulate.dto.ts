import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDateString,
  IsDefined,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PolicyRuleDto } from './policy.dto';

export class SimulatedSessionDto {
  @ApiPropertyOptional({ description: 'Generated (UUIDv7, in list order) when absent' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  sessionId?: string;

  @ApiPropertyOptional({ example: 'acme-web', description: "Defaults to the candidate's application" })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  applicationId?: string;

  @ApiPropertyOptional({ example: '51fd351f', description: '8 lowercase hex characters; generated when absent' })
  @IsOptional()
  @Matches(/^[0-9a-f]{8}$/, { message: 'terminationCode must be 8 lowercase hex characters' })
  terminationCode?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Defaults to one second apart, in list order, before now' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'startedAt must be an ISO 8601 date-time' })
  startedAt?: string;

  @ApiProperty({ example: { channel: 'news', deviceId: 'tv' }, type: 'object', additionalProperties: { type: 'string' } })
  @IsObject()
  metadata!: Record<string, unknown>;

  @ApiPropertyOptional({
    example: { tier: 'premium', climit: 4 },
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
    description: "Claims of the stream's entitlement token: they become the attributes claims.<name>",
  })
  @IsOptional()
  @IsObject()
  claims?: Record<string, unknown>;
}

export class SimulatedDeviceDto {
  @ApiProperty({ example: 'tv', description: "The device's id (the value of the rule's `by` attribute)" })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  deviceId!: string;

  @ApiPropertyOptional({ example: 'Living room TV', description: 'Defaults to "Unknown"' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  name?: string;

  @ApiPropertyOptional({ example: 'web', description: 'Defaults to "Unknown"' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  platform?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Defaults to one day apart, in list order, before now' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'firstSeen must be an ISO 8601 date-time' })
  firstSeen?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Defaults to firstSeen' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'lastSeen must be an ISO 8601 date-time' })
  lastSeen?: string;
}

export class SimulatedCandidateDto {
  @ApiPropertyOptional({
    example: 'acme-web',
    description: 'An application of yours (its name and heartbeat interval are used), or any label',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  applicationId?: string;

  @ApiProperty({ example: { channel: 'news', deviceId: 'phone' }, type: 'object', additionalProperties: { type: 'string' } })
  @IsObject()
  metadata!: Record<string, unknown>;

  @ApiPropertyOptional({
    example: { tier: 'premium', climit: 4 },
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
    description: "Claims of the stream's entitlement token: they become the attributes claims.<name>",
  })
  @IsOptional()
  @IsObject()
  claims?: Record<string, unknown>;
}

export class SimulateDto {
  @ApiPropertyOptional({ type: [PolicyRuleDto], description: 'Rules of one hypothetical policy (give rules or policyIds)' })
  @IsOptional()
  @IsArray()
  rules?: unknown[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Existing policies you can see (give rules or policyIds)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true, message: 'each value in policyIds must be a policy id (UUID)' })
  policyIds?: string[];

  @ApiPropertyOptional({ type: [SimulatedSessionDto], description: "The account's running sessions (at most 1000)" })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => SimulatedSessionDto)
  sessions?: SimulatedSessionDto[];

  @ApiPropertyOptional({
    type: [SimulatedDeviceDto],
    description: "The account's registered devices, first registered first, for device-registration rules (at most 1000)",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => SimulatedDeviceDto)
  devices?: SimulatedDeviceDto[];

  @ApiProperty({ type: SimulatedCandidateDto })
  @IsDefined({ message: 'candidate is required: {"metadata": {...}}' })
  @IsObject()
  @ValidateNested()
  @Type(() => SimulatedCandidateDto)
  candidate!: SimulatedCandidateDto;

  @ApiPropertyOptional({ type: [String], example: ['51fd351f'], description: 'Termination codes sent as X-Terminate' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  terminate?: string[];
}

export class SimulatedEndDto {
  @ApiProperty() sessionId!: string;
  @ApiProperty() terminationCode!: string;
  @ApiProperty({ enum: ['dismissed', 'killed'] }) reason!: string;
  @ApiProperty({ enum: [409, 410], description: "The status of that session's next heartbeat" }) status!: number;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The body of its next heartbeat' }) body!: object;
}

export class SimulatedRegistrationDto {
  @ApiProperty() policyName!: string;
  @ApiProperty() ruleName!: string;
  @ApiProperty() deviceId!: string;
  @ApiProperty({ enum: ['known', 'registered', 'full'], description: 'known: registered already; registered: joins; full: device-limit' })
  outcome!: string;
  @ApiProperty({ description: 'Devices in the register before this start' }) registered!: number;
  @ApiProperty() limit!: number;
}

export class SimulationDto {
  @ApiProperty({ enum: ['admit', 'deny', 'missing-metadata', 'missing-claims'] }) decision!: string;
  @ApiProperty({ enum: [202, 409, 400, 401], description: 'The status the player would receive' }) status!: number;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The exact JSON the player would receive' }) body!: object;
  @ApiPropertyOptional({
    type: [String],
    description: 'Required metadata (missing-metadata) or entitlement claims (missing-claims, as claims.<name>) the candidate lacks',
  })
  missing?: string[];
  @ApiProperty({ type: [SimulatedEndDto], description: 'Sessions the init would end, with what their next heartbeat gets' })
  dismissed!: SimulatedEndDto[];
  @ApiPropertyOptional({
    type: [SimulatedRegistrationDto],
    description: "What each device-registration rule made of the candidate's device (absent without such rules)",
  })
  devices?: SimulatedRegistrationDto[];
}
