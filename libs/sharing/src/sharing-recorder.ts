import { setImmediate as nextTurn } from 'node:timers/promises';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import { reportSetAside, writeSettingAside } from '@cm/contracts';
import { SessionEvents, type SessionEndedEvent, type SessionStartedEvent } from '@cm/sessions';
import { AsnNames, CityDatabase } from './geo';
import { networkKind } from './network-kind';
import { type AccountRef, SharingRepository, type StoredStart } from './sharing.repository';
import { scoreAccount, type SharingSignals } from './scoring';
import { SHARING_OPTIONS, type SharingOptions } from './sharing.options';

/** Events are written at most this long after they happened (one batch). */
const FLUSH_MS = 1000;
/** Above this many events waiting, they are written at once. */
const FLUSH_AT = 2000;
/** Above this many events waiting (a database down for long), new ones are dropped, and it is logged. */
const MAX_PENDING = 100_000;
/** How far back signals look, and how long starts are kept. */
export const SHARING_WINDOW_DAYS = 30;
/** The most starts of one account a score reads (the newest). */
export const STARTS_PER_ACCOUNT = 500;
const RETENTION_INTERVAL_MS = 60 * 60_000;
/**
 * Starts placed, and accounts scored, per turn of the event loop: a batch of thousands is worked through in slices,
 * so the players' requests waiting behind it are served in between (not after tens of milliseconds).
 */
const SLICE = 200;

/** `work` on each item, SLICE items per turn of the event loop. */
async function sliced<T, R>(items: readonly T[], work: (item: T) => R | Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += SLICE) {
    if (i > 0) await nextTurn();
    out.push(...(await Promise.all(items.slice(i, i + SLICE).map(work))));
  }
  return out;
}
/** Stale scores recomputed per hourly sweep: at most STALE_ROUNDS batches of STALE_BATCH accounts. */
const STALE_BATCH = 500;
const STALE_ROUNDS = 20;

const accountKey = (a: AccountRef) => `${a.tenantId}\n${a.idp.length}:${a.idp}${a.subject}`;

/**
 * Feeds the sharing signals from the session events (never from the player's request path): starts and ends are
 * queued in memory and written in one batch every second (or at FLUSH_AT), with each start's place looked up there
 * (city database, ASN organisation, network kind); then the scores of the accounts the batch touched are recomputed
 * from their last 30 days of starts. A failed write is logged and its events dropped: signals are advisory. A start
 * the database refuses is set aside (logged, counted) and the batch's others are written.
 */
@Injectable()
export class SharingRecorder implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(SharingRecorder.name);
  private starts: SessionStartedEvent[] = [];
  private ends: SessionEndedEvent[] = [];
  private flushTimer?: NodeJS.Timeout;
  private retentionTimer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private droppedWarned = false;

  constructor(
    private readonly repository: SharingRepository,
    @Inject(SHARING_OPTIONS) private readonly options: SharingOptions,
    private readonly events: EventEmitter2,
  ) {}

  onModuleInit(): void {
    this.retentionTimer = setInterval(() => void this.applyRetention(), RETENTION_INTERVAL_MS);
    this.retentionTimer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.retentionTimer);
    await this.flush();
  }

  @OnEvent(SessionEvents.started)
  onStarted(event: SessionStartedEvent): void {
    if (this.options.enabled && this.queue()) this.starts.push(event);
  }

  @OnEvent(SessionEvents.ended)
  onEnded(event: SessionEndedEvent): void {
    if (this.options.enabled && this.queue()) this.ends.push(event);
  }

  /** Whether there is room for one more event; arms the flush. */
  private queue(): boolean {
    const waiting = this.starts.length + this.ends.length;
    if (waiting >= MAX_PENDING) {
      if (!this.droppedWarned) {
        this.droppedWarned = true;
        this.logger.warn(`${waiting} session events wait for the sharing signals: new ones are dropped until they are written`);
      }
      return false;
    }
    if (waiting + 1 >= FLUSH_AT) void this.flush();
    else if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => void this.flush(), FLUSH_MS);
      this.flushTimer.unref();
    }
    return true;
  }

  /** Writes what is queued (after any flush in progress) and recomputes the touched accounts' scores. */
  flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.starts.length === 0 && this.ends.length === 0) return this.flushing;
    const starts = this.starts;
    const ends = this.ends;
    this.starts = [];
    this.ends = [];
    this.droppedWarned = false;
    this.flushing = this.flushing.then(() =>
      this.write(starts, ends).catch((error: unknown) => {
        this.logger.warn(`Could not record ${starts.length} start(s) and ${ends.length} end(s) for sharing signals: ${String(error)}`);
      }),
    );
    return this.flushing;
  }

  private async write(starts: SessionStartedEvent[], ends: SessionEndedEvent[]): Promise<void> {
    const rows = await sliced(starts, (e) => this.toRow(e));
    // A stream may end in the batch it started in: its end is part of the row.
    const endedAt = new Map(ends.map((e) => [e.sessionId, e.at]));
    for (const row of rows) row.endedAt = endedAt.get(row.sessionId) ?? null;
    const refused = await writeSettingAside(rows, (batch) => this.repository.insertStarts(batch));
    reportSetAside('sharing-starts', refused, (r) => `session ${r.sessionId}`, this.logger, this.events);
    const inserted = new Set(rows.map((r) => r.sessionId));
    const ended = await this.repository.endStarts(ends.filter((e) => !inserted.has(e.sessionId)));
    const touched = new Map<string, AccountRef>();
    for (const a of [...rows, ...ended]) touched.set(accountKey(a), { tenantId: a.tenantId, idp: a.idp, subject: a.subject });
    await this.rescore([...touched.values()]);
  }

  /** The start's row with its place: city and coordinates, ASN organisation, network kind. */
  private async toRow(e: SessionStartedEvent): Promise<StoredStart> {
    const n = e.network;
    const [place, organisation] = n
      ? await Promise.all([CityDatabase.lookup(n.address), n.asn === null ? null : AsnNames.get(n.asn)])
      : [null, null];
    return {
      sessionId: e.sessionId,
      tenantId: e.tenantId,
      applicationId: e.applicationId,
      idp: e.idp,
      subject: e.subject,
      deviceId: e.deviceId,
      startedAt: e.at,
      endedAt: null,
      address: n?.address ?? null,
      networkId: n?.networkId ?? null,
      country: n?.country ?? null,
      city: place?.city ?? null,
      latitude: place?.latitude ?? null,
      longitude: place?.longitude ?? null,
      asn: n?.asn ?? null,
      organisation,
      kind: networkKind(n?.asn ?? null, organisation),
    };
  }

  /** Recomputes and stores the scores of these accounts (one read, one write); the signals by account key. */
  async rescore(accounts: AccountRef[]): Promise<Map<string, SharingSignals>> {
    const out = new Map<string, SharingSignals>();
    if (accounts.length === 0) return out;
    const starts = await this.repository.startsOf(accounts, SHARING_WINDOW_DAYS, STARTS_PER_ACCOUNT);
    const byAccount = new Map<string, StoredStart[]>();
    for (const s of starts) {
      const key = accountKey(s);
      const list = byAccount.get(key);
      if (list) list.push(s);
      else byAccount.set(key, [s]);
    }
    const now = new Date();
    const scores = (
      await sliced(accounts, (a) => {
        const list = byAccount.get(accountKey(a));
        if (!list) return [];
        const signals = scoreAccount(list, now, { travelAvailable: CityDatabase.available });
        out.set(accountKey(a), signals);
        return [{ ...a, ...signals, computedAt: now }];
      })
    ).flat();
    await this.repository.upsertScores(scores);
    return out;
  }

  /**
   * Deletes starts past the window, then recomputes the scores with points computed over an hour ago: their 24-hour,
   * 7-day and 30-day windows moved, so an account that stopped playing loses its points (every process runs it
   * hourly; doing it twice is harmless).
   */
  async applyRetention(): Promise<number> {
    try {
      const deleted = await this.repository.deleteExpired(SHARING_WINDOW_DAYS);
      if (deleted > 0) this.logger.log(`sharing retention: ${deleted} starts older than ${SHARING_WINDOW_DAYS} days deleted`);
      for (let round = 0; round < STALE_ROUNDS; round++) {
        const stale = await this.repository.staleScores(60, STALE_BATCH);
        await this.rescore(stale);
        if (stale.length < STALE_BATCH) break;
      }
      return deleted;
    } catch (error) {
      this.logger.warn(`sharing retention failed: ${String(error)}`);
      return 0;
    }
  }
}
