import { Injectable, type MessageEvent, OnModuleDestroy } from '@nestjs/common';
import { type Actor, Authenticator, visibleTenants } from '@cm/identity';
import {
  catchError,
  defer,
  EMPTY,
  exhaustMap,
  filter,
  finalize,
  from,
  interval,
  map,
  merge,
  type Observable,
  of,
  shareReplay,
  Subject,
  takeUntil,
  timer,
} from 'rxjs';
import { RunningCounts } from './running-counts';
import { addCounters, type Counters, recentWindowStart, zeroCounters } from './usage-counters';
import { type Directory, UsageDirectory } from './usage-directory';
import { UsageRecorder } from './usage-recorder';
import { UsageRepository } from './usage.repository';

export interface LiveSnapshot {
  /** When the snapshot was taken (ISO 8601). */
  at: string;
  running: number;
  /** Each application's running streams and its own events of the last minute (a console narrows to one tenant). */
  byApplication: Array<{ applicationId: string; applicationName: string; tenantId: string; running: number; lastMinute: Counters }>;
  byPolicy: Array<{ policyId: string; policyName: string; tenantId: string; running: number }>;
  /** Events of the last 50-60 s (10-second slices), every process included. */
  lastMinute: Counters;
}

/** Running sessions of one application, with the labels /metrics needs. */
export interface RunningApplication {
  applicationId: string;
  applicationName: string;
  tenantId: string;
  tenantSlug: string;
  running: number;
}

export interface GlobalLive {
  at: Date;
  directory: Directory;
  running: Map<string, number>;
  lastMinute: Map<string, Counters>;
}

/** SSE: a snapshot every 2 s and a `: ping` comment every 15 s (and at once) so proxies keep the stream open. */
export const STREAM_INTERVAL_MS = 2_000;
const PING_INTERVAL_MS = 15_000;

/** One tick of the SSE streams: the global view, and which streams' credentials were checked and still work. */
interface Tick extends GlobalLive {
  checked: Set<Actor>;
  valid: Set<Actor>;
}

/**
 * The live view: running sessions from the session store (true across processes), the last minute of events from
 * the flushed 10-second slices of every process plus this process' unflushed counts, scoped to the caller's
 * tenants. A GET computes a fresh view; the SSE streams of a process share one computation per tick.
 */
@Injectable()
export class LiveUsageService implements OnModuleDestroy {
  private readonly shutdown$ = new Subject<void>();
  /** The actor of each open stream (one object per request), whose credentials every tick checks again. */
  private readonly streaming = new Set<Actor>();
  /** One ticker for every stream of this process, running while at least one is open. */
  private readonly ticks$: Observable<Tick> = timer(0, STREAM_INTERVAL_MS).pipe(
    // A slow database skips ticks instead of queueing them; a failed tick is skipped, the streams stay.
    exhaustMap(() => from(this.tick()).pipe(catchError(() => EMPTY))),
    shareReplay({ bufferSize: 1, refCount: true }),
  );

  constructor(
    private readonly running: RunningCounts,
    private readonly repository: UsageRepository,
    private readonly recorder: UsageRecorder,
    private readonly directory: UsageDirectory,
    private readonly authenticator: Authenticator,
  ) {}

  onModuleDestroy(): void {
    this.shutdown$.next();
    this.shutdown$.complete();
  }

  /** SSE streams open on this process. */
  get openStreams(): number {
    return this.streaming.size;
  }

  async snapshot(actor: Actor): Promise<LiveSnapshot> {
    return scope(await this.compute(0), visibleTenants(actor));
  }

  /**
   * The snapshot every 2 s plus heartbeat comments, until the client leaves, the server stops, or the stream's
   * credentials stop working (sign-out, revoked or expired token, changed role): the tick that finds out sends no
   * snapshot and ends the stream.
   */
  stream(actor: Actor): Observable<MessageEvent> {
    const tenants = visibleTenants(actor);
    const revoked = (t: Tick) => t.checked.has(actor) && !t.valid.has(actor);
    return defer(() => {
      this.streaming.add(actor);
      const snapshots = this.ticks$.pipe(
        filter((t) => !revoked(t)),
        map((t): MessageEvent => ({ data: scope(t, tenants) })),
      );
      const pings = merge(of(0), interval(PING_INTERVAL_MS)).pipe(map((): MessageEvent => ({ comment: 'ping' })));
      return merge(pings, snapshots).pipe(
        takeUntil(this.ticks$.pipe(filter(revoked))),
        takeUntil(this.shutdown$),
        finalize(() => this.streaming.delete(actor)),
      );
    });
  }

  /** Running sessions per known application, every tenant (for /metrics); at most `maxAgeMs` old. */
  async runningApplications(maxAgeMs: number): Promise<RunningApplication[]> {
    const running = await this.running.get(maxAgeMs);
    const directory = await this.directory.covering(running.keys());
    return [...directory.applications.values()].map((a) => ({
      applicationId: a.id,
      applicationName: a.name,
      tenantId: a.tenantId,
      tenantSlug: a.tenantSlug,
      running: running.get(a.id) ?? 0,
    }));
  }

  /** A tick of the streams: the view, and the credentials of the streams open now, checked again. */
  private async tick(): Promise<Tick> {
    const checked = new Set(this.streaming);
    const [view, valid] = await Promise.all([this.compute(STREAM_INTERVAL_MS / 2), this.authenticator.stillValid([...checked])]);
    return { ...view, checked, valid };
  }

  /** Every tenant's view; running counts at most `maxAgeMs` old. */
  private async compute(maxAgeMs: number): Promise<GlobalLive> {
    const now = Date.now();
    const since = recentWindowStart(now);
    const [running, lastMinute] = await Promise.all([this.running.get(maxAgeMs), this.repository.recentSince(new Date(since))]);
    // Read after the database: a flush committing in between is missed for one snapshot, never counted twice.
    for (const [applicationId, c] of this.recorder.unflushedSince(since)) {
      addCounters(lastMinute.get(applicationId) ?? setAndGet(lastMinute, applicationId), c);
    }
    const directory = await this.directory.covering(running.keys());
    return { at: new Date(now), directory, running, lastMinute };
  }
}

function setAndGet(map: Map<string, Counters>, key: string): Counters {
  const c = zeroCounters();
  map.set(key, c);
  return c;
}

/** The part of the global view the caller may see. */
export function scope(g: GlobalLive, tenants: 'all' | string[]): LiveSnapshot {
  const visible = (tenantId: string) => tenants === 'all' || tenants.includes(tenantId);
  const apps = [...g.directory.applications.values()].filter((a) => visible(a.tenantId));
  const visibleAppIds = new Set(apps.map((a) => a.id));
  const byApplication = apps
    .map((a) => ({
      applicationId: a.id,
      applicationName: a.name,
      tenantId: a.tenantId,
      running: g.running.get(a.id) ?? 0,
      lastMinute: { ...(g.lastMinute.get(a.id) ?? zeroCounters()) },
    }))
    .sort(
      (a, b) =>
        b.running - a.running || a.applicationName.localeCompare(b.applicationName) || a.applicationId.localeCompare(b.applicationId),
    );
  const byPolicy = g.directory.policies
    .filter((p) => visible(p.tenantId) || p.applicationIds.some((id) => visibleAppIds.has(id)))
    .map((p) => ({
      policyId: p.id,
      policyName: p.name,
      tenantId: p.tenantId,
      running: p.applicationIds.filter((id) => visibleAppIds.has(id)).reduce((sum, id) => sum + (g.running.get(id) ?? 0), 0),
    }))
    .sort((a, b) => b.running - a.running || a.policyName.localeCompare(b.policyName) || a.policyId.localeCompare(b.policyId));
  const lastMinute = zeroCounters();
  for (const id of visibleAppIds) {
    const c = g.lastMinute.get(id);
    if (c) addCounters(lastMinute, c);
  }
  return {
    at: g.at.toISOString(),
    running: byApplication.reduce((sum, a) => sum + a.running, 0),
    byApplication,
    byPolicy,
    lastMinute,
  };
}
