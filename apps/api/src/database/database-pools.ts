import { type DynamicModule, Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Pool, type PoolConfig } from 'pg';
import { SESSIONS_PG_POOLS, type SessionsPgPools } from '@cm/sessions';

/**
 * How CM_DB_POOL_SIZE is shared out per process: a third-ish each to the management API (TypeORM's own pool), the
 * decisions and the heartbeats — 1.5 × CM_DB_POOL_SIZE connections at most, as before the pools were split.
 */
export const poolShare = (poolSize: number): number => Math.max(2, Math.ceil(poolSize / 2));

/** The settings every pool of the process uses (TypeORM's `extra` too): a request never waits forever for the database. */
export const poolSettings = (max: number): PoolConfig => ({
  max,
  connectionTimeoutMillis: 3000,
  query_timeout: 5000,
  statement_timeout: 5000,
  keepAlive: true,
  application_name: 'concurrency-monitor',
});

interface DatabasePoolsOptions {
  url: string;
  poolSize: number;
}
const DATABASE_POOLS_OPTIONS = Symbol('DatabasePoolsOptions');

/**
 * The pg pools of the player API's hot path, made here rather than taken out of TypeORM: `decisions` (inits, stops,
 * locked decisions, sweeper and operator session queries) and `heartbeats`, whose connections commit with
 * `synchronous_commit = off`. Connections open on demand; both pools end when the application stops.
 */
@Injectable()
export class DatabasePools implements SessionsPgPools, OnApplicationShutdown {
  private readonly logger = new Logger(DatabasePools.name);
  readonly decisions: Pool;
  readonly heartbeats: Pool;

  constructor(@Inject(DATABASE_POOLS_OPTIONS) options: DatabasePoolsOptions) {
    const max = poolShare(options.poolSize);
    this.decisions = new Pool({ connectionString: options.url, ...poolSettings(max) });
    this.heartbeats = new Pool({ connectionString: options.url, ...poolSettings(max), options: '-c synchronous_commit=off' });
    // An idle connection that breaks (server restart, network) is dropped by the pool; the next query reconnects.
    for (const pool of [this.decisions, this.heartbeats])
      pool.on('error', (error) => this.logger.debug(`idle connection lost: ${error.message}`));
  }

  /** Connections open, idle and requests waiting, over both pools (the /metrics gauges). */
  stats(): { total: number; idle: number; waiting: number } {
    const pools = [this.decisions, this.heartbeats];
    const sum = (read: (p: Pool) => number) => pools.reduce((n, p) => n + read(p), 0);
    return { total: sum((p) => p.totalCount), idle: sum((p) => p.idleCount), waiting: sum((p) => p.waitingCount) };
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.decisions.end(), this.heartbeats.end()]);
  }
}

/** Global: the sessions library asks for SESSIONS_PG_POOLS, /metrics reads DatabasePools. */
@Global()
@Module({})
export class DatabasePoolsModule {
  static forRoot(url: string, poolSize: number): DynamicModule {
    return {
      module: DatabasePoolsModule,
      providers: [
        { provide: DATABASE_POOLS_OPTIONS, useValue: { url, poolSize } },
        DatabasePools,
        { provide: SESSIONS_PG_POOLS, useExisting: DatabasePools },
      ],
      exports: [DatabasePools, SESSIONS_PG_POOLS],
    };
  }
}
