import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { TENANT_SLUG_PATTERN } from '@cm/tenants';
import { CONFIGURATION_BOUNDS, ConfigurationDto } from './configuration.dto';

/** Any JSON value (a field before or after a change). */
const JSON_VALUE = {
  oneOf: [
    { type: 'string' },
    { type: 'number' },
    { type: 'boolean' },
    { type: 'array', items: {} },
    { type: 'object', additionalProperties: true },
  ],
};

export class TenantVersionDto {
  @ApiProperty({ example: 'acme' })
  @IsString()
  @Matches(TENANT_SLUG_PATTERN, { message: 'slug must be a tenant slug' })
  slug!: string;

  @ApiProperty({ example: '3f9a0c1d2e4b5a69', description: 'The version the plan was made against ("absent": the tenant did not exist)' })
  @IsString()
  @MaxLength(64)
  version!: string;
}

export class ExportConfigurationQueryDto {
  @ApiPropertyOptional({ example: 'acme', description: 'Only this tenant (default: every tenant you can see)' })
  @IsOptional()
  @IsString()
  @Matches(TENANT_SLUG_PATTERN, { message: 'tenant must be a tenant slug' })
  tenant?: string;
}

export class ApplyConfigurationDto {
  @ApiProperty({ type: ConfigurationDto })
  @ValidateNested()
  @Type(() => ConfigurationDto)
  configuration!: ConfigurationDto;

  @ApiPropertyOptional({
    default: false,
    description: "Delete the applications and policies of the file's tenants that the file does not list",
  })
  @IsOptional()
  @IsBoolean()
  prune?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Only plan: say what would change, change nothing (viewers may do this)' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;

  @ApiPropertyOptional({
    type: [TenantVersionDto],
    description:
      "Refuse (409 CONFIGURATION_CHANGED) unless each named tenant's configuration is still at this version, as a dry run reported it",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CONFIGURATION_BOUNDS.tenants)
  @ValidateNested({ each: true })
  @Type(() => TenantVersionDto)
  expectedVersions?: TenantVersionDto[];
}

export class FieldChangeDto {
  @ApiProperty({ example: 'rules[0].limit', description: 'Path of the field inside the object' }) field!: string;
  @ApiPropertyOptional({ ...JSON_VALUE, description: 'Absent when the field is new' }) before?: unknown;
  @ApiPropertyOptional({ ...JSON_VALUE, description: 'Absent when the field goes away' }) after?: unknown;
}

export class PlannedChangeDto {
  @ApiProperty({ enum: ['create', 'update', 'delete'] }) action!: 'create' | 'update' | 'delete';
  @ApiProperty({ enum: ['tenant', 'application', 'policy'] }) kind!: 'tenant' | 'application' | 'policy';
  @ApiProperty({ description: 'Slug, application id or policy name' }) key!: string;
  @ApiPropertyOptional({ description: "The server's id, when the object exists" }) id?: string;
  @ApiPropertyOptional({ example: 'tenants[0].policies[1]', description: 'Where the object is in the file (absent for deletions)' })
  path?: string;
  @ApiProperty({ type: [FieldChangeDto] }) fields!: FieldChangeDto[];
}

export class AbsentObjectDto {
  @ApiProperty({ enum: ['application', 'policy'] }) kind!: 'application' | 'policy';
  @ApiProperty() key!: string;
  @ApiProperty() id!: string;
}

export class TenantPlanDto {
  @ApiProperty({ example: 'acme' }) slug!: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Absent when the apply creates the tenant' }) id?: string;
  @ApiProperty({ description: 'The tenant configuration version the plan was made against ("absent": none yet)' }) version!: string;
  @ApiPropertyOptional({ description: 'The version after the apply (absent for a dry run)' }) versionAfter?: string;
  @ApiProperty({ type: [PlannedChangeDto] }) changes!: PlannedChangeDto[];
  @ApiProperty({ type: [AbsentObjectDto], description: 'Objects of the tenant the file does not list: kept, or deleted with prune' })
  absent!: AbsentObjectDto[];
}

export class ApplicationSecretDto {
  @ApiProperty({ example: 'acme-web' }) applicationId!: string;
  @ApiProperty({ description: 'The new secret, shown only in this answer (only its hash is stored)' }) secret!: string;
}

export class ConfigurationApplyResultDto {
  @ApiProperty({ description: 'true: nothing was written' }) dryRun!: boolean;
  @ApiProperty({ description: 'Whether the plan has any change' }) changes!: boolean;
  @ApiProperty({ type: [TenantPlanDto] }) tenants!: TenantPlanDto[];
  @ApiProperty({ type: [ApplicationSecretDto], description: 'Secrets of applications that got one in this apply (never in a dry run)' })
  secrets!: ApplicationSecretDto[];
}
