import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

export const DECISIONS_DEFAULT_LIMIT = 20;
export const DECISIONS_MAX_LIMIT = 200;

export class ConflictingStreamDto {
  @ApiProperty({ description: 'The conflicts key: the session id (stream-count rules) or the countBy value' }) key!: string;
  @ApiProperty({ example: '51fd351f' }) terminationCode!: string;
  @ApiProperty({ example: 'Living room TV' }) deviceName!: string;
  @ApiProperty({ example: 'news' }) channel!: string;
  @ApiProperty({ example: 'Demo application' }) applicationName!: string;
  @ApiProperty({ type: String, format: 'date-time' }) startedAt!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) metadata!: Record<string, string>;
}

export class DecisionRuleDto {
  @ApiProperty({ example: 'demo-policy' }) policyName!: string;
  @ApiProperty({ example: '3 streams cap' }) ruleName!: string;
  @ApiProperty({ example: 'Number of active streams exceeded' }) message!: string;
  @ApiProperty({ example: 3, description: "The rule's limit" }) threshold!: number;
  @ApiProperty({ example: 'streamId', description: "The rule's countBy, or streamId when it counts streams" }) attribute!: string;
  @ApiProperty({ type: [String], example: ['channel'] }) scope!: string[];
  @ApiProperty({ type: [ConflictingStreamDto], description: 'The streams that held the places' }) conflicts!: ConflictingStreamDto[];
}

export class DecisionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, format: 'date-time' }) at!: Date;
  @ApiProperty({ enum: ['denied', 'dismissed'], description: 'denied: a new stream got 409; dismissed: a running stream was ended' })
  outcome!: 'denied' | 'dismissed';
  @ApiProperty() idp!: string;
  @ApiProperty() subject!: string;
  @ApiProperty({ example: 'demo-app' }) applicationId!: string;
  @ApiProperty({ example: 'Demo application' }) applicationName!: string;
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The dismissed session; null for a denial' })
  sessionId!: string | null;
  @ApiProperty({ example: 'Kitchen tablet', description: "The device's deviceName metadata, or Unknown" }) deviceName!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'The metadata of the device that asked' })
  metadata!: Record<string, string>;
  @ApiProperty({ type: [DecisionRuleDto], description: 'The rules that decided, with their conflicting streams' })
  rules!: DecisionRuleDto[];
}

export class AccountDecisionsDto {
  @ApiProperty() idp!: string;
  @ApiProperty() subject!: string;
  @ApiProperty({
    type: [DecisionDto],
    description: `Denials and dismissals, newest first (at most ${DECISIONS_MAX_LIMIT}; kept CM_ENDED_RETENTION_HOURS)`,
  })
  decisions!: DecisionDto[];
}

export class RecentDecisionsDto {
  @ApiProperty({ type: [DecisionDto], description: 'Newest first' }) decisions!: DecisionDto[];
}

export class RecentDecisionsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: DECISIONS_MAX_LIMIT, default: DECISIONS_DEFAULT_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: `limit must be between 1 and ${DECISIONS_MAX_LIMIT}` })
  @Max(DECISIONS_MAX_LIMIT, { message: `limit must be between 1 and ${DECISIONS_MAX_LIMIT}` })
  limit?: number;

  @ApiPropertyOptional({ format: 'uuid', description: "Only this tenant's applications (another tenant's matches nothing)" })
  @IsOptional()
  @IsUUID('all', { message: 'tenantId must be a UUID' })
  tenantId?: string;
}
