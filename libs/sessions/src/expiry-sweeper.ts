import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Clock } from './clock';
import { SessionEvents, type SessionEndedEvent } from './session.events';
import { SESSION_RECORDS, type SessionRecords } from './session-store.port';
import { SESSIONS_OPTIONS, type SessionsOptions } from './sessions.options';

const BATCH = 1000;

/**
 * Marks silent sessions `expired` (their expiry + grace passed) and deletes ended sessions past retention.
 * Runs on every process; `FOR UPDATE SKIP LOCKED` gives each silent session to exactly one of them.
 */
@Injectable()
export class ExpirySweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ExpirySweeper.name);
  private timer?: NodeJS.Timeout;
  private running: Promise<void> | null = null;

  constructor(
    @Inject(SESSION_RECORDS) private readonly store: SessionRecords,
    @Inject(SESSIONS_OPTIONS) private readonly options: SessionsOptions,
    private readonly events: EventEmitter2,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.options.sweepIntervalSeconds * 1000);
    this.timer.unref();
  }

  /** Before the database pools close: no new pass, and the one in flight finishes. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass; returns how many sessions it expired. Overlapping calls share the pass in progress. */
  sweep(): Promise<void> {
    this.running ??= this.pass()
      .catch((error: unknown) => this.logger.warn(`sweep failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => (this.running = null));
    return this.running;
  }

  private async pass(): Promise<void> {
    let expired = 0;
    for (;;) {
      const batch = await this.store.expireSilent(this.options.graceSeconds, BATCH);
      expired += batch.length;
      for (const s of batch) {
        const event: SessionEndedEvent = {
          sessionId: s.id,
          applicationId: s.applicationId,
          idp: s.idp,
          subject: s.subject,
          reason: 'expired',
          at: s.endedAt ?? new Date(),
        };
        this.events.emit(SessionEvents.ended, event);
      }
      if (batch.length < BATCH) break;
    }
    const cutoff = new Date(this.clock.now() - this.options.endedRetentionHours * 3600_000);
    let purged = 0;
    for (;;) {
      const n = await this.store.purgeEnded(cutoff, BATCH);
      purged += n;
      if (n < BATCH) break;
    }
    if (expired + purged > 0) this.logger.log(`expired ${expired} silent sessions, purged ${purged} ended sessions`);
  }
}
