import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import { reportSetAside, writeSettingAside } from '@cm/contracts';
import { SessionEvents, type SessionDeniedEvent, type SessionEndedEvent, type SessionStartedEvent } from '@cm/sessions';
import { PendingUsage, toBucketIncrements } from './pending-usage';
import { addCounters, type Counters } from './usage-counters';
import { RunningCounts } from './running-counts';
import { UsageDirectory } from './usage-directory';
import { USAGE_OPTIONS, type UsageOptions } from './usage.options';
import { UsageRepository } from './usage.repository';

const RETENTION_INTERVAL_MS = 60 * 60_000;

/**
 * Counts the session events in memory and adds them to PostgreSQL in one batch every flush interval (and at
 * shutdown). Each flush also samples the running count per application, for the buckets' peak. A failed write keeps
 * its counts for the next flush; an application whose counts the database refuses is set aside, logged and counted.
 */
@Injectable()
export class UsageRecorder implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(UsageRecorder.name);
  private readonly pending = new PendingUsage();
  /** Slices taken by the flush being written: still counted by `unflushedSince` until they commit. */
  private writing: PendingUsage | undefined;
  private flushTimer?: NodeJS.Timeout;
  private retentionTimer?: NodeJS.Timeout;
  /** Flushes run one after the other. */
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;

  constructor(
    @Inject(USAGE_OPTIONS) private readonly options: UsageOptions,
    private readonly repository: UsageRepository,
    private readonly directory: UsageDirectory,
    private readonly running: RunningCounts,
    private readonly events: EventEmitter2,
  ) {}

  onModuleInit(): void {
    this.flushTimer = setInterval(() => {
      // A slow database must not pile flushes up: the next tick catches up with everything pending.
      if (this.queued === 0) void this.flush();
    }, this.options.flushIntervalSeconds * 1000);
    this.flushTimer.unref();
    this.retentionTimer = setInterval(() => void this.applyRetention(), RETENTION_INTERVAL_MS);
    this.retentionTimer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.flushTimer);
    clearInterval(this.retentionTimer);
    await this.flush();
  }

  @OnEvent(SessionEvents.started)
  onStarted(event: SessionStartedEvent): void {
    this.pending.record(event.applicationId, 'started', event.at);
  }

  @OnEvent(SessionEvents.denied)
  onDenied(event: SessionDeniedEvent): void {
    this.pending.record(event.applicationId, 'denied', event.at);
  }

  @OnEvent(SessionEvents.ended)
  onEnded(event: SessionEndedEvent): void {
    this.pending.record(event.applicationId, event.reason, event.at);
  }

  /** This process' counts not written yet, per application, for slices starting at or after `sinceMs`. */
  unflushedSince(sinceMs: number): Map<string, Counters> {
    const counts = this.pending.countsSince(sinceMs);
    for (const [applicationId, c] of this.writing?.countsSince(sinceMs) ?? []) {
      const into = counts.get(applicationId);
      if (into) addCounters(into, c);
      else counts.set(applicationId, c);
    }
    return counts;
  }

  /**
   * Writes everything counted before this call (and a running-count sample) to PostgreSQL. Flushes run one at
   * a time; a failed write keeps its counts for the next flush.
   */
  flush(): Promise<void> {
    this.queued += 1;
    this.queue = this.queue.then(() => this.flushOnce()).finally(() => (this.queued -= 1));
    return this.queue;
  }

  private async flushOnce(): Promise<void> {
    const slices = this.pending.take();
    this.writing = new PendingUsage();
    this.writing.restore(slices);
    try {
      const sampledAt = Date.now();
      const running = await this.running.get(0);
      const increments = toBucketIncrements(slices, running, sampledAt);
      if (increments.length === 0) return;
      const directory = await this.directory.covering(increments.map((i) => i.applicationId));
      const tenantOf = (applicationId: string) => directory.applications.get(applicationId)?.tenantId;
      const unknown = new Set(increments.map((i) => i.applicationId).filter((id) => !tenantOf(id)));
      if (unknown.size > 0) this.logger.warn(`usage of unknown (deleted?) applications not recorded: ${[...unknown].join(', ')}`);
      // Written per application group, so what the database refuses of one application never holds back another's.
      const applications = [...new Set([...increments, ...slices].map((i) => i.applicationId))].filter((id) => tenantOf(id) !== undefined);
      const refused = await writeSettingAside(applications, (batch) => {
        const ids = new Set(batch);
        return this.repository.addIncrements(
          increments.filter((i) => ids.has(i.applicationId)).map((i) => ({ ...i, tenantId: tenantOf(i.applicationId)! })),
          slices.filter((s) => ids.has(s.applicationId)).map((s) => ({ ...s, tenantId: tenantOf(s.applicationId)! })),
        );
      });
      reportSetAside('usage', refused, (id) => `application ${id}`, this.logger, this.events);
    } catch (error) {
      this.pending.restore(slices);
      this.logger.warn(`usage flush failed, will retry: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.writing = undefined;
    }
  }

  /** Deletes history past the configured retention (every process runs it hourly; deleting twice is harmless). */
  async applyRetention(): Promise<number> {
    try {
      const deleted = await this.repository.deleteExpired(this.options.retentionDays);
      if (deleted > 0) this.logger.log(`usage retention: ${deleted} old buckets deleted`);
      return deleted;
    } catch (error) {
      this.logger.warn(`usage retention failed: ${error instanceof Error ? error.message : String(error)}`);
      return 0;
    }
  }
}
