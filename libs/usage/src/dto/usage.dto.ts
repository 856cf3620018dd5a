import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { GRANULARITIES, type Granularity } from '../usage-counters';

/** Decisions at init and the reasons sessions ended, counted per application and time bucket. */
export class CountersDto {
  @ApiProperty({ type: 'integer', description: 'Streams admitted (init answered 202)' }) started!: number;
  @ApiProperty({ type: 'integer', description: 'New streams refused (init answered 409)' }) denied!: number;
  @ApiProperty({ type: 'integer', description: 'Running streams ended by a latest-wins rule' }) dismissed!: number;
  @ApiProperty({ type: 'integer', description: 'Running streams ended by an operator or X-Terminate' }) killed!: number;
  @ApiProperty({ type: 'integer', description: 'Streams stopped by the player' }) stopped!: number;
  @ApiProperty({ type: 'integer', description: 'Streams whose heartbeats stopped' }) expired!: number;
}

export class LiveApplicationDto {
  @ApiProperty({ example: 'demo-app' }) applicationId!: string;
  @ApiProperty({ example: 'Demo application' }) applicationName!: string;
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  @ApiProperty({ type: 'integer', description: 'Streams running now' }) running!: number;
  @ApiProperty({ type: CountersDto, description: "This application's events of the last 50-60 s" }) lastMinute!: CountersDto;
}

export class LivePolicyDto {
  @ApiProperty({ format: 'uuid' }) policyId!: string;
  @ApiProperty({ example: 'demo-policy' }) policyName!: string;
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  @ApiProperty({ type: 'integer', description: 'Running streams on applications this policy is attached to' }) running!: number;
}

/** GET /api/v1/usage/live, and each `data:` of the SSE stream. */
export class LiveSnapshotDto {
  @ApiProperty({ type: String, format: 'date-time', description: 'When the snapshot was taken' }) at!: string;
  @ApiProperty({ type: 'integer', description: 'Streams running now on the applications of your tenants' }) running!: number;
  @ApiProperty({ type: [LiveApplicationDto] }) byApplication!: LiveApplicationDto[];
  @ApiProperty({ type: [LivePolicyDto] }) byPolicy!: LivePolicyDto[];
  @ApiProperty({ type: CountersDto, description: 'Events of the last 50-60 s (10-second slices), every process included' })
  lastMinute!: CountersDto;
}

export class HistoryBucketDto extends CountersDto {
  @ApiProperty({ type: String, format: 'date-time', description: 'Start of the bucket (UTC)' }) start!: string;
  @ApiProperty({ example: 'demo-app' }) applicationId!: string;
  @ApiProperty({ description: "The application's name, or its id once it is deleted" }) applicationName!: string;
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  @ApiProperty({ type: 'integer', description: 'The highest running count sampled in the bucket' }) peakRunning!: number;
}

/** GET /api/v1/usage/history as JSON. */
export class HistoryPageDto {
  @ApiProperty({ enum: GRANULARITIES }) granularity!: Granularity;
  @ApiProperty({ type: String, format: 'date-time', description: "The range asked for, moved back to its bucket's start" })
  from!: string;
  @ApiProperty({ type: String, format: 'date-time', description: 'Exclusive end' }) to!: string;
  @ApiProperty({ type: [HistoryBucketDto], description: 'Buckets with activity, oldest first, then by application id' })
  buckets!: HistoryBucketDto[];
}

/**
 * The history query's dates and application, for the OpenAPI document: the service parses the query itself
 * (parseHistoryQuery) so that every problem names its parameter, including unknown ones.
 */
export class HistoryQueryDto {
  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'ISO 8601 start (default: one span before `to`)' })
  from?: string;
  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'ISO 8601 end, exclusive (default: now)' })
  to?: string;
  @ApiPropertyOptional({ description: 'Only this application' }) applicationId?: string;
  // granularity and format: @ApiQuery on the route (a class's enums are lost when Swagger spreads it into parameters).
}
