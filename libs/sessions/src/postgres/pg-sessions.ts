import { Inject, Injectable } from '@nestjs/common';
import { escapeLiteral, type Pool, type PoolClient, type QueryResultRow } from 'pg';
import type { Metadata } from '@cm/contracts';
import type { StoredSession } from '../session-store.port';
import { isConnectionFailure, SessionStoreUnavailableError } from '../store-unavailable.error';

/**
 * The PostgreSQL connections the sessions library uses, provided by the application (apps/api DatabasePools), never
 * taken from TypeORM. `decisions` serves account decisions, stops and the operator and sweeper queries; `heartbeats`
 * commits with `synchronous_commit = off` (heartbeats only push an expiry forward).
 */
export interface SessionsPgPools {
  decisions: Pool;
  heartbeats: Pool;
}
export const SESSIONS_PG_POOLS = Symbol('SessionsPgPools');

/** After a connection failure, calls fail fast for this long instead of each waiting for its own timeout. */
const BREAKER_OPEN_MS = 1000;

export const COLUMNS = `id, idp, subject, application_id, termination_code, metadata, started_at, expires_at, ended_at, end_reason, end_detail`;

export interface SessionRow {
  id: string;
  idp: string;
  subject: string;
  application_id: string;
  termination_code: string;
  metadata: Metadata;
  started_at: Date;
  expires_at: Date;
  ended_at: Date | null;
  end_reason: StoredSession['endReason'];
  end_detail: unknown;
}

export const toSession = (r: SessionRow): StoredSession => ({
  id: r.id,
  idp: r.idp,
  subject: r.subject,
  applicationId: r.application_id,
  terminationCode: r.termination_code,
  metadata: r.metadata,
  startedAt: r.started_at,
  expiresAt: r.expires_at,
  endedAt: r.ended_at,
  endReason: r.end_reason,
  endDetail: r.end_detail,
});

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Literals for the decision statements (sent in the simple protocol, which takes no parameters). */
export const uuidLiteral = (id: string): string => {
  if (!UUID.test(id)) throw new Error(`not a session id: ${JSON.stringify(id)}`);
  return `'${id}'::uuid`;
};
export const jsonLiteral = (value: unknown): string => `${escapeLiteral(JSON.stringify(value))}::jsonb`;
export const seconds = (n: number): string => {
  if (!Number.isFinite(n)) throw new Error(`not a number of seconds: ${n}`);
  return String(n);
};
export const epochLiteral = (n: number): string => {
  if (!Number.isSafeInteger(n)) throw new Error(`not a policy epoch: ${n}`);
  return `${n}::bigint`;
};

/** The `sessions` table's connections, and the circuit breaker both PostgreSQL stores of the library share. */
@Injectable()
export class PgSessions {
  readonly pool: Pool;
  readonly heartbeatPool: Pool;

  constructor(@Inject(SESSIONS_PG_POOLS) pools: SessionsPgPools) {
    this.pool = pools.decisions;
    this.heartbeatPool = pools.heartbeats;
  }

  /** Circuit breaker: while the database is unreachable, answer "unavailable" at once (probing once a second). */
  private breakerOpenUntil = 0;

  unavailable(error: unknown): unknown {
    if (!isConnectionFailure(error)) return error;
    this.breakerOpenUntil = Date.now() + BREAKER_OPEN_MS;
    return new SessionStoreUnavailableError(error);
  }

  checkBreaker(): void {
    if (Date.now() < this.breakerOpenUntil) {
      throw new SessionStoreUnavailableError(new Error('the last database call failed less than a second ago'));
    }
  }

  /** A named (prepared once per connection) statement. */
  async q<R extends QueryResultRow>(name: string, text: string, values: unknown[], client: Pool | PoolClient = this.pool): Promise<R[]> {
    if (!('release' in client)) this.checkBreaker();
    try {
      const result = await client.query<R>({ name, text, values });
      return result.rows;
    } catch (error) {
      throw this.unavailable(error);
    }
  }
}
