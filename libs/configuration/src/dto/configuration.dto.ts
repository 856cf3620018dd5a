import { ApiProperty, ApiPropertyOptional, IntersectionType, OmitType, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import { PolicyInputDto } from '@cm/policies';
import { APPLICATION_ID_PATTERN, CreateApplicationDto, CreateTenantDto, UpdateApplicationDto } from '@cm/tenants';

/** The version of the file format; a file says which one it is written in. */
export const CONFIGURATION_FORMAT_VERSION = 1;

export const CONFIGURATION_BOUNDS = { tenants: 1000, applications: 1000, policies: 1000, references: 100, shares: 1000 } as const;

/**
 * An application in a configuration file: the fields of the management API's application requests (so a field
 * added there is declared and validated once), keyed by its id, with the policies attached to it.
 */
export class ConfigApplicationDto extends IntersectionType(
  OmitType(CreateApplicationDto, ['id'] as const),
  PickType(UpdateApplicationDto, ['enabled'] as const),
) {
  @ApiProperty({
    example: 'acme-web',
    pattern: APPLICATION_ID_PATTERN.source,
    description: 'The application id players send as the Basic auth user name (3-64 of A-Z a-z 0-9 _ . -); it identifies the application',
  })
  @IsString()
  @Matches(APPLICATION_ID_PATTERN, { message: 'id must be 3-64 characters of A-Z a-z 0-9 _ . -' })
  id!: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['two-streams'],
    default: [],
    description:
      'The policies attached to the application: the name of a policy of this tenant, or the id (UUID) of a policy another tenant shares with it. Absent: none',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CONFIGURATION_BOUNDS.references)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  policies?: string[];
}

/** A policy in a configuration file: the management API's policy request, identified by its id or its name. */
export class ConfigPolicyDto extends PolicyInputDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'The policy id. Optional: without it the policy is found by name in its tenant; with it a rename is a change, not a new policy. Export writes it',
  })
  @IsOptional()
  @IsUUID('all', { message: 'id must be a policy id (UUID)' })
  id?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['partner-mvpd'],
    default: [],
    description: 'Tenants (slug, or id for a tenant you cannot see) whose applications may attach this policy. Absent: none',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CONFIGURATION_BOUNDS.shares)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  sharedWith?: string[];
}

/** A tenant in a configuration file, identified by its slug, with its applications and the policies it owns. */
export class ConfigTenantDto extends CreateTenantDto {
  @ApiPropertyOptional({ type: [ConfigApplicationDto], default: [] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CONFIGURATION_BOUNDS.applications)
  @ValidateNested({ each: true })
  @Type(() => ConfigApplicationDto)
  applications?: ConfigApplicationDto[];

  @ApiPropertyOptional({ type: [ConfigPolicyDto], default: [] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CONFIGURATION_BOUNDS.policies)
  @ValidateNested({ each: true })
  @Type(() => ConfigPolicyDto)
  policies?: ConfigPolicyDto[];
}

/**
 * A configuration file (YAML or JSON): tenants, their applications and policies. It describes the tenants it lists
 * completely; other tenants are not touched. Secrets are never part of it.
 */
export class ConfigurationDto {
  @ApiPropertyOptional({ description: 'The JSON Schema of this file (for editors); ignored' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  $schema?: string;

  @ApiProperty({ enum: [CONFIGURATION_FORMAT_VERSION], description: 'The version of the file format' })
  @IsIn([CONFIGURATION_FORMAT_VERSION], { message: `version must be ${CONFIGURATION_FORMAT_VERSION}` })
  version!: number;

  @ApiProperty({ type: [ConfigTenantDto] })
  @IsArray()
  @ArrayMaxSize(CONFIGURATION_BOUNDS.tenants)
  @ValidateNested({ each: true })
  @Type(() => ConfigTenantDto)
  tenants!: ConfigTenantDto[];
}
