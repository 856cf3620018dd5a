import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import { ROLES, type Role } from '../actor';

export class LoginDto {
  @ApiProperty({ example: 'admin@example.com' })
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(320)
  email!: string;

  @ApiProperty({ format: 'password' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password!: string;
}

/** The authenticated caller. */
export class ActorDto {
  @ApiProperty({ enum: ['operator', 'token'], description: 'operator: signed in with a session cookie; token: an API token' })
  kind!: 'operator' | 'token';

  @ApiProperty({ format: 'uuid' })
  operatorId!: string;

  @ApiProperty()
  email!: string;

  @ApiProperty({ enum: ROLES })
  role!: Role;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null for admins' })
  tenantId!: string | null;

  @ApiPropertyOptional({ format: 'uuid', description: 'Set when authenticated by an API token' })
  tokenId?: string;
}
