import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import { type AdviceBody, type Metadata, type RuleViolationAdvice, reportSetAside, writeSettingAside } from '@cm/contracts';
import { SessionEvents, type SessionDeniedEvent, type SessionEndedEvent } from '@cm/sessions';
import { v7 as uuidv7 } from 'uuid';
import { type DecisionOutcome, type DecisionRow, DecisionsRepository } from './decisions.repository';
import { UsageDirectory } from './usage-directory';
import { USAGE_OPTIONS, type UsageOptions } from './usage.options';

/** A decision heard from the session events and not written yet (its tenant is resolved at the flush). */
export interface PendingDecision {
  id: string;
  at: Date;
  outcome: DecisionOutcome;
  idp: string;
  subject: string;
  applicationId: string;
  sessionId: string | null;
  metadata: Metadata;
  advice: RuleViolationAdvice[];
}

/** Past this many unwritten decisions (the database is away), the oldest are dropped rather than memory grown. */
export const MAX_PENDING_DECISIONS = 50_000;
const RETENTION_INTERVAL_MS = 60 * 60_000;

const ruleViolations = (body: AdviceBody | undefined): RuleViolationAdvice[] =>
  (body?.associatedAdvice ?? []).filter((a): a is RuleViolationAdvice => a.type === 'rule-violation');

/**
 * The per-account decision log: every denial and dismissal, heard from the session events (the request only pays
 * for an array push), written to PostgreSQL in one batch every flush interval and at shutdown, and deleted after
 * the retention of ended sessions. A failed write keeps its rows for the next flush; a row the database refuses
 * (its data, not its availability) is set aside, logged and counted, and the others are written.
 */
@Injectable()
export class DecisionLog implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(DecisionLog.name);
  private pending: PendingDecision[] = [];
  /** Rows of the flush being written: still readable through `unwritten` until they commit. */
  private writing: PendingDecision[] = [];
  private dropped = 0;
  private flushTimer?: NodeJS.Timeout;
  private retentionTimer?: NodeJS.Timeout;
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;

  constructor(
    @Inject(USAGE_OPTIONS) private readonly options: UsageOptions,
    private readonly repository: DecisionsRepository,
    private readonly directory: UsageDirectory,
    private readonly events: EventEmitter2,
  ) {}

  onModuleInit(): void {
    this.flushTimer = setInterval(() => {
      if (this.queued === 0 && this.pending.length > 0) void this.flush();
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

  @OnEvent(SessionEvents.denied)
  onDenied(event: SessionDeniedEvent): void {
    this.add({
      id: uuidv7(),
      at: event.at,
      outcome: 'denied',
      idp: event.idp,
      subject: event.subject,
      applicationId: event.applicationId,
      sessionId: null,
      metadata: event.metadata,
      advice: ruleViolations(event.advice),
    });
  }

  @OnEvent(SessionEvents.ended)
  onEnded(event: SessionEndedEvent): void {
    if (event.reason !== 'dismissed') return;
    this.add({
      id: uuidv7(),
      at: event.at,
      outcome: 'dismissed',
      idp: event.idp,
      subject: event.subject,
      applicationId: event.applicationId,
      sessionId: event.sessionId,
      metadata: event.metadata ?? {},
      advice: ruleViolations(event.detail),
    });
  }

  /** This process' decisions not written yet (oldest first): the reads add them so a decision shows at once. */
  unwritten(): PendingDecision[] {
    return [...this.writing, ...this.pending];
  }

  /** Writes every decision heard before this call. Flushes run one after the other. */
  flush(): Promise<void> {
    this.queued += 1;
    this.queue = this.queue.then(() => this.flushOnce()).finally(() => (this.queued -= 1));
    return this.queue;
  }

  /** Deletes decisions older than the ended-session retention (every process runs it hourly). */
  async applyRetention(): Promise<number> {
    try {
      const deleted = await this.repository.deleteOlderThan(this.options.decisionRetentionHours);
      if (deleted > 0) this.logger.log(`decision log retention: ${deleted} old decisions deleted`);
      return deleted;
    } catch (error) {
      this.logger.warn(`decision log retention failed: ${error instanceof Error ? error.message : String(error)}`);
      return 0;
    }
  }

  private add(decision: PendingDecision): void {
    this.pending.push(decision);
    if (this.pending.length > MAX_PENDING_DECISIONS) {
      this.pending.shift();
      this.dropped += 1;
    }
  }

  private async flushOnce(): Promise<void> {
    if (this.dropped > 0) {
      this.logger.warn(`decision log: ${this.dropped} decisions dropped while the database was unreachable`);
      this.dropped = 0;
    }
    if (this.pending.length === 0) return;
    this.writing = this.pending;
    this.pending = [];
    try {
      const directory = await this.directory.covering(this.writing.map((d) => d.applicationId));
      const rows: DecisionRow[] = [];
      for (const d of this.writing) {
        const app = directory.applications.get(d.applicationId);
        // An application deleted meanwhile: its tenant is unknown, so nobody could be shown the row.
        if (app) rows.push({ ...d, applicationName: app.name, tenantId: app.tenantId });
      }
      const refused = await writeSettingAside(rows, (batch) => this.repository.insertMany(batch));
      reportSetAside('decisions', refused, (d) => `decision ${d.id}`, this.logger, this.events);
    } catch (error) {
      this.pending = [...this.writing, ...this.pending].slice(-MAX_PENDING_DECISIONS);
      this.logger.warn(`decision log flush failed, will retry: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.writing = [];
    }
  }
}
