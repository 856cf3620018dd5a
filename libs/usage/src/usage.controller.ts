import { Get, type MessageEvent, Query, Sse } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiExtraModels,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
} from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { type Actor, CurrentActor, ManagementController, type WithHeaders } from '@cm/identity';
import { HistoryPageDto, HistoryQueryDto, LiveSnapshotDto } from './dto/usage.dto';
import { LiveUsageService, type LiveSnapshot } from './live-usage.service';
import { GRANULARITIES } from './usage-counters';
import { type HistoryPage, MAX_HISTORY_BUCKETS, UsageHistoryService } from './usage-history.service';

@ManagementController('usage', 'usage')
@ApiExtraModels(LiveSnapshotDto)
export class UsageController {
  constructor(
    private readonly live: LiveUsageService,
    private readonly usageHistory: UsageHistoryService,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Running sessions by application and policy, and the last minute of decisions, for your tenants' })
  @ApiOkResponse({ type: LiveSnapshotDto })
  snapshot(@CurrentActor() actor: Actor): Promise<LiveSnapshot> {
    return this.live.snapshot(actor);
  }

  @Sse('stream')
  @ApiOperation({ summary: 'The live snapshot as Server-Sent Events every 2 s, with `: ping` comments' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: "Each event's data is a LiveSnapshotDto (JSON)",
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  stream(@CurrentActor() actor: Actor): Observable<MessageEvent> {
    return this.live.stream(actor);
  }

  @Get('history')
  @ApiOperation({ summary: `Usage per application in minute, hour or day buckets (UTC), at most ${MAX_HISTORY_BUCKETS} buckets` })
  @ApiQuery({ type: HistoryQueryDto, required: false })
  @ApiQuery({ name: 'granularity', required: false, enum: GRANULARITIES, description: 'default hour' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'], description: 'default json' })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    description: 'JSON (HistoryPageDto), or CSV with format=csv',
    content: {
      'application/json': { schema: { $ref: '#/components/schemas/HistoryPageDto' } },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  @ApiExtraModels(HistoryPageDto)
  @ApiBadRequestResponse({ description: 'A bad parameter, or a range over the bucket limit (problem+json naming the parameter)' })
  @ApiNotFoundResponse({ description: 'applicationId names no application of your tenants' })
  history(@CurrentActor() actor: Actor, @Query() query: Record<string, unknown>): Promise<HistoryPage | WithHeaders<string>> {
    return this.usageHistory.history(actor, query);
  }
}
