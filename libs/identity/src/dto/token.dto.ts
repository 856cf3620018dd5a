import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class CreateTokenDto {
  @ApiProperty({ example: 'ci deploy', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description:
      'When the token stops working; never when absent. A token created with an API token expires no later than that token, and is revoked with it',
  })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'expiresAt must be an ISO 8601 date-time' })
  expiresAt?: Date;
}

export class TokenDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ example: 'cmt_AbC123', description: 'The first characters of the token' })
  prefix!: string;

  @ApiProperty({ format: 'uuid' })
  operatorId!: string;

  @ApiProperty()
  operatorEmail!: string;

  @ApiProperty()
  createdAt!: Date;

  @ApiProperty({ type: Date, nullable: true })
  expiresAt!: Date | null;

  @ApiProperty({ type: Date, nullable: true, description: 'Updated at most once a minute' })
  lastUsedAt!: Date | null;
}

export class CreatedTokenDto extends TokenDto {
  @ApiProperty({ example: 'cmt_…', description: 'The token itself: shown only in this answer' })
  token!: string;
}
