import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { TENANT_SLUG_PATTERN } from '../tenants.service';

export class CreateTenantDto {
  @ApiProperty({
    example: 'acme',
    pattern: TENANT_SLUG_PATTERN.source,
    description: 'Unique, 1-64 lowercase letters, digits or dashes (not at either end)',
  })
  @IsString()
  @Matches(TENANT_SLUG_PATTERN, { message: 'slug must be 1-64 lowercase letters, digits or dashes, not starting or ending with a dash' })
  slug!: string;

  @ApiProperty({ example: 'Acme Streaming', minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;
}

export class UpdateTenantDto {
  @ApiPropertyOptional({ example: 'Acme Streaming Inc.', minLength: 1, maxLength: 200 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;
}

export class TenantDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'acme' }) slug!: string;
  @ApiProperty({ example: 'Acme Streaming' }) name!: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: Date;
}
