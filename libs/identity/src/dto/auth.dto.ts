import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import { ROLES, type Role } from '../actor';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../passwords';

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

  @ApiPropertyOptional({
    description: 'true after signing in with a reset (one-time) password: every other call answers 403 until POST /api/v1/auth/password',
  })
  mustChangePassword?: boolean;
}

export class ChangePasswordDto {
  @ApiProperty({ format: 'password', description: 'Your current password (or the one-time password of a reset)' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  currentPassword!: string;

  @ApiProperty({ format: 'password', minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH)
  @MaxLength(PASSWORD_MAX_LENGTH)
  newPassword!: string;
}
