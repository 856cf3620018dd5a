import { Get, type MessageEvent, Query, Sse, UseInterceptors } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery } from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { type Actor, CurrentActor, ManagementController } from '@cm/identity';
import { CsvReplyInterceptor } from './csv-reply.interceptor';
import { LiveUsageService, type LiveSnapshot } from './live-usage.service';
import { type CsvReply, type HistoryPage, MAX_HISTORY_BUCKETS, UsageHistoryService } from './usage-history.service';

@ManagementController('usage', 'usage')
export class UsageController {
  constructor(
    private readonly live: LiveUsageService,
    private readonly usageHistory: UsageHistoryService,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Running sessions by application and policy, and the last minute of decisions, for your tenants' })
  @ApiOkResponse({ description: '{"at","running","byApplication":[...],"byPolicy":[...],"lastMinute":{...}}' })
  snapshot(@CurrentActor() actor: Actor): Promise<LiveSnapshot> {
    return this.live.snapshot(actor);
  }

  @Sse('stream')
  @ApiOperation({ summary: 'The live snapshot as Server-Sent Events every 2 s, with `: ping` comments' })
  @ApiProduces('text/event-stream')
  stream(@CurrentActor() actor: Actor): Observable<MessageEvent> {
    return this.live.stream(actor);
  }

  @Get('history')
  @UseInterceptors(CsvReplyInterceptor)
  @ApiOperation({ summary: `Usage per application in minute, hour or day buckets (UTC), at most ${MAX_HISTORY_BUCKETS} buckets` })
  @ApiQuery({ name: 'from', required: false, description: 'ISO 8601 start (default: one span before `to`)' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO 8601 end, exclusive (default: now)' })
  @ApiQuery({ name: 'granularity', required: false, enum: ['minute', 'hour', 'day'], description: 'default hour' })
  @ApiQuery({ name: 'applicationId', required: false })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  @ApiProduces('application/json', 'text/csv')
  @ApiBadRequestResponse({ description: 'A bad parameter, or a range over the bucket limit (problem+json naming the parameter)' })
  @ApiNotFoundResponse({ description: 'applicationId names no application of your tenants' })
  history(@CurrentActor() actor: Actor, @Query() query: Record<string, unknown>): Promise<HistoryPage | CsvReply> {
    return this.usageHistory.history(actor, query);
  }
}
