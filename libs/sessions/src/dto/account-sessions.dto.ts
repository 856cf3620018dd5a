import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { END_REASONS } from '@cm/contracts';

export class TerminatorDto {
  @ApiProperty({ example: 'Kitchen tablet' }) deviceName!: string;
  @ApiProperty({ example: 'news' }) channel!: string;
  @ApiProperty({ example: 'Demo application' }) applicationName!: string;
  @ApiProperty({ type: String, format: 'date-time' }) startedAt!: string;
}

export class AccountSessionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'demo-app' }) applicationId!: string;
  @ApiProperty({ example: 'Demo application' }) applicationName!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'null when the application no longer exists' })
  tenantId!: string | null;
  @ApiProperty({ example: '51fd351f' }) terminationCode!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) metadata!: Record<string, string>;
  @ApiProperty({ type: String, format: 'date-time' }) startedAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) expiresAt!: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastHeartbeatAt!: Date | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Ended sessions only' }) endedAt?: Date;
  @ApiPropertyOptional({ enum: END_REASONS, description: 'Ended sessions only' }) endReason?: string;
  @ApiPropertyOptional({
    enum: ['operator', 'another-device', 'device-removed'],
    description:
      'Killed sessions only: by an operator (console or API), by another device of the account (X-Terminate), or because its device was removed from the account',
  })
  killedBy?: 'operator' | 'another-device' | 'device-removed';
  @ApiPropertyOptional({ type: () => TerminatorDto, description: 'Killed by another device: the stream that took the place' })
  terminator?: TerminatorDto;
}

export class AccountSessionsDto {
  @ApiProperty() idp!: string;
  @ApiProperty() subject!: string;
  @ApiProperty({ type: [AccountSessionDto], description: 'Running sessions, newest first' }) running!: AccountSessionDto[];
  @ApiProperty({ type: [AccountSessionDto], description: 'Recently ended sessions (kept CM_ENDED_RETENTION_HOURS), newest first' })
  ended!: AccountSessionDto[];
}
