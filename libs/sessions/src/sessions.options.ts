import type { RedisStoreOptions } from './redis/redis-connection';

/** Where sessions live: PostgreSQL (the default) or Redis (one node or a Cluster). */
export type SessionStoreOptions = { kind: 'postgres' } | { kind: 'redis'; redis: RedisStoreOptions };

/** Settings of the sessions library, provided by the app from its validated environment. */
export interface SessionsOptions {
  /** How long past `Expires` a silent session still counts as running. */
  graceSeconds: number;
  sweepIntervalSeconds: number;
  endedRetentionHours: number;
  throttleSessionPerMinute: number;
  throttleAccountInitsPerMinute: number;
  /** Most running sessions an account may hold among the streams the initiating application sees (409 beyond). */
  maxSessionsPerAccount: number;
  /**
   * `closed` (default): while the database is unreachable, CM calls answer 503 with Retry-After.
   * `open`: init and heartbeat answer 202 with a short Expires and `X-CM-Degraded: 1`, so our outage does not
   * stop playback; sessions started meanwhile are decided at their first heartbeat after recovery (same process).
   */
  failMode: 'closed' | 'open';
  /** Expires of degraded answers, in seconds. */
  degradedExpiresSeconds: number;
  /** Default: PostgreSQL. */
  store?: SessionStoreOptions;
}

export const SESSIONS_OPTIONS = Symbol('SessionsOptions');
