import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { FLAGS, SIGNALS } from '../scoring';

export const SHARING_DEFAULT_LIMIT = 50;
export const SHARING_MAX_LIMIT = 200;
export const REVIEW_NOTE_MAX = 1000;

export class EvidenceDto {
  @ApiProperty({ enum: SIGNALS, example: 'impossible-travel' }) signal!: string;
  @ApiProperty({ type: 'integer', example: 25, description: 'Points this evidence adds to the score (0 past the signal cap)' })
  points!: number;
  @ApiProperty({ example: 'Started in Sydney, AU 1 minute after a start in Paris, FR: 16,960 km apart, 1,017,600 km/h' })
  summary!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'What the signal saw: networks / countries / devices lists; concurrent-networks: at, networks, sessionIds; impossible-travel: ' +
      'from and to (sessionId, at, address, networkId, city, country, latitude, longitude, asn, organisation), distanceKm, ' +
      'elapsedMinutes, speedKmh (docs/sharing.md)',
  })
  details!: Record<string, unknown>;
}

export class FlagDto {
  @ApiProperty({ enum: FLAGS, example: 'hosting' }) flag!: string;
  @ApiProperty({ example: '1 start from a hosting or VPN network (AS14061 DigitalOcean, LLC): not scored' }) summary!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: Record<string, unknown>;
}

export class ReviewDto {
  @ApiProperty({ example: 'ops@example.com', description: 'The operator who reviewed' }) by!: string;
  @ApiProperty({ type: String, format: 'date-time' }) at!: Date;
  @ApiProperty({ type: 'integer', description: 'The score when reviewed' }) scoreAtReview!: number;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
}

export class SharingAccountDto {
  @ApiProperty({ example: 'demo-idp' }) idp!: string;
  @ApiProperty({ example: 'alice' }) subject!: string;
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  @ApiProperty({ example: 'Demo' }) tenantName!: string;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100, description: 'Sum of the evidence points, capped at 100' }) score!: number;
  @ApiProperty({ type: [EvidenceDto], description: 'Highest points first' }) evidence!: EvidenceDto[];
  @ApiProperty({ type: [FlagDto], description: 'False positives handled (not scored)' }) flags!: FlagDto[];
  @ApiProperty({ type: 'integer', description: 'Distinct networks in 24 h (mobile carriers once, hosting not counted)' })
  networks24h!: number;
  @ApiProperty({ type: 'integer' }) networks30d!: number;
  @ApiProperty({ type: 'integer' }) countries24h!: number;
  @ApiProperty({ type: 'integer' }) countries30d!: number;
  @ApiProperty({ type: 'integer', description: 'Distinct deviceIds first seen in 7 days' }) devicesNew7d!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastStartAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time' }) computedAt!: Date;
  @ApiProperty({ type: ReviewDto, nullable: true }) reviewed!: ReviewDto | null;
}

export class SharingAccountsPageDto {
  @ApiProperty({ type: [SharingAccountDto], description: 'Highest score first' }) items!: SharingAccountDto[];
  @ApiProperty({ type: 'integer', description: 'Accounts matching the filter' }) total!: number;
  @ApiProperty({ type: 'integer' }) limit!: number;
  @ApiProperty({ type: 'integer' }) offset!: number;
}

export class TimelineEntryDto {
  @ApiProperty() sessionId!: string;
  @ApiProperty({ example: 'demo-app' }) applicationId!: string;
  @ApiProperty({ example: 'Demo application', description: "The application's name, or its id once deleted" }) applicationName!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The deviceId metadata of the start' }) deviceId!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) startedAt!: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) endedAt!: Date | null;
  @ApiProperty({ description: 'No end seen yet' }) running!: boolean;
  @ApiProperty({ type: String, nullable: true, example: '58.160.12.34' }) address!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '58.160.12.0/24' }) networkId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Sydney' }) city!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'AU' }) country!: string | null;
  @ApiProperty({ type: Number, nullable: true }) latitude!: number | null;
  @ApiProperty({ type: Number, nullable: true }) longitude!: number | null;
  @ApiProperty({ type: 'integer', nullable: true, example: 1221 }) asn!: number | null;
  @ApiProperty({ type: String, nullable: true, example: 'Telstra Limited' }) organisation!: string | null;
  @ApiProperty({ enum: ['fixed', 'mobile', 'hosting'] }) kind!: string;
}

export class SharingAccountDetailDto extends SharingAccountDto {
  @ApiProperty({ type: [TimelineEntryDto], description: 'Starts of 30 days on the tenant’s applications, newest first (at most 500)' })
  timeline!: TimelineEntryDto[];
}

export class SharingAccountsQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 100, default: 1, description: 'Lowest score listed' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'minScore must be an integer' })
  @Min(0, { message: 'minScore must be between 0 and 100' })
  @Max(100, { message: 'minScore must be between 0 and 100' })
  minScore?: number;

  @ApiPropertyOptional({ format: 'uuid', description: "Only this tenant's accounts (another tenant's: an empty list)" })
  @IsOptional()
  @IsUUID('all', { message: 'tenantId must be a UUID' })
  tenantId?: string;

  @ApiPropertyOptional({ description: 'Only accounts with a start on this application in 30 days' })
  @IsOptional()
  @IsString()
  @MinLength(1, { message: 'applicationId must not be empty' })
  @MaxLength(200, { message: 'applicationId is too long' })
  applicationId?: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'false: never reviewed, or the score rose since the review; true: reviewed and not risen since',
  })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'reviewed must be true or false' })
  reviewed?: 'true' | 'false';

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: SHARING_MAX_LIMIT, default: SHARING_DEFAULT_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: `limit must be between 1 and ${SHARING_MAX_LIMIT}` })
  @Max(SHARING_MAX_LIMIT, { message: `limit must be between 1 and ${SHARING_MAX_LIMIT}` })
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'offset must be an integer' })
  @Min(0, { message: 'offset must be 0 or more' })
  @Max(1_000_000, { message: 'offset must be at most 1000000' })
  offset?: number;

  @ApiPropertyOptional({ enum: ['json', 'csv'], description: 'default json (Accept: text/csv also answers CSV)' })
  @IsOptional()
  @IsIn(['json', 'csv'], { message: 'format must be json or csv' })
  format?: 'json' | 'csv';
}

export class SharingAccountQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Needed when more than one of your tenants has data for the account' })
  @IsOptional()
  @IsUUID('all', { message: 'tenantId must be a UUID' })
  tenantId?: string;
}

export class ReviewAccountDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Needed when more than one of your tenants has data for the account' })
  @IsOptional()
  @IsUUID('all', { message: 'tenantId must be a UUID' })
  tenantId?: string;

  @ApiPropertyOptional({ maxLength: REVIEW_NOTE_MAX, example: 'Travels for work; called the customer' })
  @IsOptional()
  @IsString({ message: 'note must be a string' })
  @MaxLength(REVIEW_NOTE_MAX, { message: `note must be at most ${REVIEW_NOTE_MAX} characters` })
  note?: string;
}
