import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { WRITE_BEHIND_REJECTED, type WriteBehindRejectedEvent } from '@cm/contracts';
import { SessionEvents, type SessionEndedEvent } from '@cm/sessions';
import { LiveUsageService } from '@cm/usage';
import { DatabasePools } from '../database/database-pools';

/** How old the running-sessions gauge may be when scraped. */
const RUNNING_MAX_AGE_MS = 5_000;

/** The Prometheus registry of this process (its own, not prom-client's global one). */
@Injectable()
export class MetricsService {
  private readonly logger = new Logger('Metrics');
  readonly registry = new Registry();
  private readonly decisions: Counter<'outcome'>;
  private readonly writeBehindRejected: Counter<'buffer'>;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  /** One histogram child per (method, route, status): prom-client hashes the labels on every `observe` otherwise. */
  private readonly httpChildren = new Map<string, { observe: (seconds: number) => void }>();

  constructor(
    private readonly pools: DatabasePools,
    private readonly live: LiveUsageService,
  ) {
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];

    this.decisions = new Counter({
      name: 'cm_decisions_total',
      help: 'Session decisions and endings by outcome: admitted, denied, dismissed, killed, stopped, expired',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of ['admitted', 'denied', 'dismissed', 'killed', 'stopped', 'expired']) this.decisions.inc({ outcome }, 0);

    this.writeBehindRejected = new Counter({
      name: 'cm_writebehind_rejected_total',
      help: 'Rows a write-behind buffer set aside because the database refused their data (logged with the reason); the rest were written',
      labelNames: ['buffer'],
      registers,
    });
    for (const buffer of ['usage', 'decisions', 'sharing-starts', 'network-counts', 'device-last-seen'])
      this.writeBehindRejected.inc({ buffer }, 0);

    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method, route pattern and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });

    const usage = this.live;
    const logger = this.logger;
    new Gauge({
      name: 'cm_sessions_running',
      help: 'Running sessions per tenant and application (from the session store, across processes; at most 5 s old)',
      labelNames: ['tenant', 'application'],
      registers,
      async collect() {
        try {
          const apps = await usage.runningApplications(RUNNING_MAX_AGE_MS);
          this.reset();
          for (const a of apps) this.set({ tenant: a.tenantSlug, application: a.applicationId }, a.running);
        } catch (error) {
          logger.warn(`cm_sessions_running not refreshed: ${error instanceof Error ? error.message : String(error)}`);
        }
      },
    });
    new Gauge({
      name: 'cm_usage_streams_open',
      help: 'Open live-usage event streams (SSE) on this process',
      registers,
      collect() {
        this.set(usage.openStreams);
      },
    });

    const dbPools = this.pools;
    const poolGauge = (name: string, help: string, read: (s: ReturnType<DatabasePools['stats']>) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read(dbPools.stats()));
        },
      });
    poolGauge('cm_db_pool_connections', 'Database connections open in the player API pools of this process', (s) => s.total);
    poolGauge('cm_db_pool_idle', 'Idle database connections in the player API pools of this process', (s) => s.idle);
    poolGauge('cm_db_pool_waiting', 'Queries waiting for a player API database connection in this process', (s) => s.waiting);
  }

  /** One answered request (every request the server receives, whichever adapter, including 404s and refused ones). */
  observeRequest(method: string, route: string, statusCode: number, seconds: number): void {
    const key = `${method} ${statusCode} ${route}`;
    let child = this.httpChildren.get(key);
    if (!child) {
      child = this.httpDuration.labels({ method, route, status_code: String(statusCode) });
      this.httpChildren.set(key, child);
    }
    child.observe(seconds);
  }

  @OnEvent(WRITE_BEHIND_REJECTED)
  onWriteBehindRejected(event: WriteBehindRejectedEvent): void {
    this.writeBehindRejected.inc({ buffer: event.buffer }, event.rows);
  }

  @OnEvent(SessionEvents.started)
  onStarted(): void {
    this.decisions.inc({ outcome: 'admitted' });
  }

  @OnEvent(SessionEvents.denied)
  onDenied(): void {
    this.decisions.inc({ outcome: 'denied' });
  }

  @OnEvent(SessionEvents.ended)
  onEnded(event: SessionEndedEvent): void {
    this.decisions.inc({ outcome: event.reason });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
