import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { CONDITION_OPS, ON_CONFLICT, RULE_TYPES, type AnyRule } from '@cm/contracts';

/** OpenAPI description of a condition; the policy engine validates it (errors name `rules[i].where[j].<field>`). */
export class RuleConditionDto {
  @ApiProperty({ example: 'contentType' }) attribute!: string;
  @ApiProperty({ enum: CONDITION_OPS }) op!: string;
  @ApiPropertyOptional({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }, { type: 'boolean' }],
    description: 'string for eq/neq, non-empty string array for in/nin, boolean for exists (default true)',
  })
  value?: string | string[] | boolean;
}

/** The viewer's device swap quota of a device-registration rule. */
export class SwapQuotaDto {
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 1000, example: 10, description: 'Removals a viewer may make in the window' })
  max!: number;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 365, example: 30, description: 'The sliding window, in days' })
  windowDays!: number;
}

/**
 * OpenAPI description of a rule (DESIGN §3); the policy engine validates it. A concurrency rule (the default type)
 * uses limit, limitClaim, maxLimit, countBy, scope, where, onConflict; a device-registration rule uses limit, by
 * and swap.
 */
export class PolicyRuleDto {
  @ApiPropertyOptional({
    enum: RULE_TYPES,
    description: 'concurrency (when absent): streams at once; device-registration: registered devices per account (at most one per policy)',
  })
  type?: string;
  @ApiProperty({ example: '2 devices per channel' }) name!: string;
  @ApiProperty({
    type: 'integer',
    example: 2,
    minimum: 0,
    maximum: 10000,
    description: 'The limit; with limitClaim, the one used when the claim is absent',
  })
  limit!: number;
  @ApiPropertyOptional({
    example: 'climit',
    description: 'Take the limit from this entitlement claim (its integer), attribute claims.<limitClaim> of the stream decided',
  })
  limitClaim?: string;
  @ApiPropertyOptional({ type: 'integer', example: 5, minimum: 0, maximum: 10000, description: 'Caps a limit taken from limitClaim' })
  maxLimit?: number;
  @ApiPropertyOptional({ example: 'deviceId', description: 'Absent: count streams; present: count distinct values' })
  countBy?: string;
  @ApiPropertyOptional({ example: ['channel'], type: [String] }) scope?: string[];
  @ApiPropertyOptional({ type: [RuleConditionDto] }) where?: RuleConditionDto[];
  @ApiPropertyOptional({ enum: ON_CONFLICT, default: 'reject' }) onConflict?: string;
  @ApiPropertyOptional({ example: 'Number of streams per channel exceeded' }) message?: string;
  @ApiPropertyOptional({
    example: 'deviceId',
    description: 'device-registration only: the attribute that tells devices apart (deviceId when absent)',
  })
  by?: string;
  @ApiPropertyOptional({ type: SwapQuotaDto, description: 'device-registration only: how many devices a viewer may remove per window' })
  swap?: SwapQuotaDto;
}

export class PolicyInputDto {
  @ApiProperty({ example: '2 devices per channel', minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ maxLength: 2000, default: '' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiProperty({ type: [PolicyRuleDto], description: '1-50 rules' })
  @IsArray()
  rules!: unknown[];
}

export class PolicyDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid', description: 'The tenant that owns the policy' }) tenantId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: [PolicyRuleDto] }) rules!: AnyRule[];
  @ApiProperty({ description: 'Grows by one on every change' }) version!: number;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: Date;
}

export class PolicyListItemDto extends PolicyDto {
  @ApiProperty({ description: 'true when another tenant owns the policy and shares it with this one' })
  shared!: boolean;
}

export class PolicyDetailDto extends PolicyDto {
  @ApiProperty({ type: [String], description: 'Tenants the owner shares the policy with (empty unless you can see the owner)' })
  sharedWithTenantIds!: string[];
  @ApiProperty({ type: [String], description: 'Applications (that you can see) the policy is attached to' })
  attachedApplicationIds!: string[];
}

export class PolicyVersionDto {
  @ApiProperty({ format: 'uuid' }) policyId!: string;
  @ApiProperty() version!: number;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: [PolicyRuleDto] }) rules!: AnyRule[];
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
}

export class SharesDto {
  @ApiProperty({ type: [String], format: 'uuid', description: 'Exactly the tenants to share with (besides the owner)' })
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true, message: 'each value in tenantIds must be a tenant id (UUID)' })
  tenantIds!: string[];
}

export class AttachPoliciesDto {
  @ApiProperty({ type: [String], format: 'uuid', description: 'Exactly the policies that decide the application' })
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true, message: 'each value in policyIds must be a policy id (UUID)' })
  policyIds!: string[];
}

export class AttachedPoliciesDto {
  @ApiProperty({ type: [String], format: 'uuid' }) policyIds!: string[];
}
