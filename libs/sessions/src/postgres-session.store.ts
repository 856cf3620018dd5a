import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Pool, type PoolClient, type PoolConfig, type QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';
import type { Metadata } from '@cm/contracts';
import { isConnectionFailure, SessionStoreUnavailableError } from './store-unavailable.error';
import type {
  AccountKey,
  AccountTransaction,
  HeartbeatFastResult,
  HeartbeatRequest,
  NewSession,
  SessionEnd,
  SessionRecord,
  SessionStore,
  StoredSession,
} from './session-store.port';

/** After a connection failure, calls fail fast for this long instead of each waiting for its own timeout. */
const BREAKER_OPEN_MS = 1000;

const COLUMNS = `id, idp, subject, application_id, termination_code, metadata, started_at, expires_at, ended_at, end_reason, end_detail`;

interface SessionRow {
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

const toSession = (r: SessionRow): StoredSession => ({
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

/**
 * SessionStore on PostgreSQL. Hot statements are named (prepared once per connection) and go straight to
 * the pg pool; account decisions hold `pg_advisory_xact_lock` on a hash of the account key, so they are
 * serialised across every process sharing the database.
 */
@Injectable()
export class PostgresSessionStore implements SessionStore, OnApplicationShutdown {
  private readonly pool: Pool;

  /**
   * Heartbeats commit with `synchronous_commit = off`: they only push an expiry forward, so a crash can at worst
   * forget the last fraction of a second of them (the session keeps its previous expiry, still inside its interval
   * plus grace), and they stop waiting for the WAL flush. Inits, stops and every decision commit synchronously.
   */
  private readonly heartbeatPool: Pool;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.pool = (dataSource.driver as unknown as { master: Pool }).master;
    const options = (this.pool as unknown as { options: PoolConfig }).options;
    this.heartbeatPool = new Pool({
      ...options,
      max: Math.max(2, Math.ceil((options.max ?? 10) / 2)),
      options: '-c synchronous_commit=off',
    });
    this.heartbeatPool.on('error', () => undefined); // idle client errors: the next query reconnects
  }

  async onApplicationShutdown(): Promise<void> {
    await this.heartbeatPool.end();
  }

  /** Circuit breaker: while the database is unreachable, answer "unavailable" at once (probing once a second). */
  private breakerOpenUntil = 0;

  private unavailable(error: unknown): unknown {
    if (!isConnectionFailure(error)) return error;
    this.breakerOpenUntil = Date.now() + BREAKER_OPEN_MS;
    return new SessionStoreUnavailableError(error);
  }

  private checkBreaker(): void {
    if (Date.now() < this.breakerOpenUntil) {
      throw new SessionStoreUnavailableError(new Error('the last database call failed less than a second ago'));
    }
  }

  private async q<R extends QueryResultRow>(
    name: string,
    text: string,
    values: unknown[],
    client: Pool | PoolClient = this.pool,
  ): Promise<R[]> {
    if (!('release' in client)) this.checkBreaker();
    try {
      const result = await client.query<R>({ name, text, values });
      return result.rows;
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  /**
   * Decisions for one account also queue inside the process, so a burst for one account holds one pooled
   * connection instead of all of them waiting on the same advisory lock. The lock stays the guarantee.
   */
  private readonly accountQueues = new Map<string, Promise<unknown>>();

  withAccount<T>(account: AccountKey, work: (tx: AccountTransaction) => Promise<T>): Promise<T> {
    const key = `${account.idp.length}:${account.idp}${account.subject}`;
    const previous = this.accountQueues.get(key) ?? Promise.resolve();
    const next = previous.then(
      () => this.lockedTransaction(account, work),
      () => this.lockedTransaction(account, work),
    );
    const tail = next.catch(() => undefined);
    this.accountQueues.set(key, tail);
    void tail.then(() => {
      if (this.accountQueues.get(key) === tail) this.accountQueues.delete(key);
    });
    return next;
  }

  private async lockedTransaction<T>(account: AccountKey, work: (tx: AccountTransaction) => Promise<T>): Promise<T> {
    this.checkBreaker();
    const client = await this.pool.connect().catch((error: unknown) => {
      throw this.unavailable(error);
    });
    let broken = false;
    try {
      await client.query('BEGIN').catch((error: unknown) => {
        throw this.unavailable(error);
      });
      await this.q(
        'cm_lock_account',
        "SELECT pg_advisory_xact_lock(hashtextextended(length($1)::text || ':' || $1 || $2, 0))",
        [account.idp, account.subject],
        client,
      );
      const tx: AccountTransaction = {
        unended: async (graceSeconds: number) =>
          (
            await this.q<SessionRow & { running: boolean }>(
              'cm_unended',
              `SELECT ${COLUMNS}, expires_at > now() - make_interval(secs => $3) AS running
                 FROM sessions WHERE idp = $1 AND subject = $2 AND ended_at IS NULL ORDER BY started_at, id`,
              [account.idp, account.subject, graceSeconds],
              client,
            )
          ).map((r) => ({ ...toSession(r), running: r.running })),
        insert: async (s: NewSession) => {
          const rows = await this.q<{ started_at: Date; expires_at: Date }>(
            'cm_insert',
            `INSERT INTO sessions (id, idp, subject, application_id, termination_code, metadata, started_at, expires_at, policy_epoch)
             VALUES ($1, $2, $3, $4, $5, $6, now(), now() + make_interval(secs => $7), $8)
             RETURNING started_at, expires_at`,
            [s.id, s.account.idp, s.account.subject, s.applicationId, s.terminationCode, s.metadata, s.intervalSeconds, s.policyEpoch],
            client,
          );
          return { startedAt: rows[0].started_at, expiresAt: rows[0].expires_at };
        },
        end: async (ends: SessionEnd[]) => {
          for (const e of ends) {
            await this.q(
              'cm_end',
              `UPDATE sessions SET ended_at = now(), end_reason = $2, end_detail = $3::jsonb WHERE id = $1 AND ended_at IS NULL`,
              [e.id, e.reason, e.detail === undefined ? null : JSON.stringify(e.detail)],
              client,
            );
          }
        },
        refresh: async (id, intervalSeconds, epoch, metadata) => {
          const rows = await this.q<{ expires_at: Date }>(
            'cm_refresh',
            `UPDATE sessions SET expires_at = now() + make_interval(secs => $2), last_heartbeat_at = now(), policy_epoch = $3,
                    metadata = COALESCE($4::jsonb, metadata)
              WHERE id = $1 RETURNING expires_at`,
            [id, intervalSeconds, epoch, metadata ? JSON.stringify(metadata) : null],
            client,
          );
          return rows[0].expires_at;
        },
      };
      const result = await work(tx);
      await client.query('COMMIT').catch((error: unknown) => {
        throw this.unavailable(error);
      });
      return result;
    } catch (error) {
      if (error instanceof SessionStoreUnavailableError) {
        broken = true; // a timed-out or dropped connection is not given back to the pool
      } else {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
      }
      throw error;
    } finally {
      client.release(broken ? true : undefined);
    }
  }

  async heartbeat(h: HeartbeatRequest): Promise<HeartbeatFastResult> {
    const rows = await this.q<{ expires_at: Date }>(
      'cm_heartbeat',
      `UPDATE sessions SET expires_at = now() + make_interval(secs => $5), last_heartbeat_at = now()
        WHERE id = $1 AND idp = $2 AND subject = $3 AND application_id = $4 AND ended_at IS NULL
          AND expires_at > now() - make_interval(secs => $6)
          AND policy_epoch = $7
       RETURNING expires_at`,
      [h.sessionId, h.account.idp, h.account.subject, h.applicationId, h.intervalSeconds, h.graceSeconds, h.policyEpoch],
      this.heartbeatPool,
    );
    return rows.length === 1 ? { ok: true, expiresAt: rows[0].expires_at } : { ok: false };
  }

  async stop(account: AccountKey, applicationId: string, id: string, graceSeconds: number): Promise<boolean> {
    const rows = await this.q(
      'cm_stop',
      `UPDATE sessions SET ended_at = now(), end_reason = 'stopped'
        WHERE id = $1 AND idp = $2 AND subject = $3 AND application_id = $4 AND ended_at IS NULL
          AND expires_at > now() - make_interval(secs => $5)
       RETURNING id`,
      [id, account.idp, account.subject, applicationId, graceSeconds],
    );
    return rows.length === 1;
  }

  async find(account: AccountKey, id: string): Promise<StoredSession | null> {
    const rows = await this.q<SessionRow>('cm_find', `SELECT ${COLUMNS} FROM sessions WHERE id = $1 AND idp = $2 AND subject = $3`, [
      id,
      account.idp,
      account.subject,
    ]);
    return rows[0] ? toSession(rows[0]) : null;
  }

  async running(account: AccountKey, graceSeconds: number): Promise<StoredSession[]> {
    const rows = await this.q<SessionRow>(
      'cm_running',
      `SELECT ${COLUMNS} FROM sessions
        WHERE idp = $1 AND subject = $2 AND ended_at IS NULL AND expires_at > now() - make_interval(secs => $3)
        ORDER BY started_at, id`,
      [account.idp, account.subject, graceSeconds],
    );
    return rows.map(toSession);
  }

  async expireSilent(graceSeconds: number, batchSize: number): Promise<StoredSession[]> {
    const rows = await this.q<SessionRow>(
      'cm_expire',
      `WITH silent AS (
         SELECT id FROM sessions
          WHERE ended_at IS NULL AND expires_at <= now() - make_interval(secs => $1)
          LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE sessions s SET ended_at = s.expires_at + make_interval(secs => $1), end_reason = 'expired'
         FROM silent WHERE s.id = silent.id
       RETURNING ${COLUMNS.split(', ')
         .map((c) => `s.${c}`)
         .join(', ')}`,
      [graceSeconds, batchSize],
    );
    return rows.map(toSession);
  }

  async purgeEnded(endedBefore: Date, batchSize: number): Promise<number> {
    const rows = await this.q(
      'cm_purge',
      `DELETE FROM sessions WHERE id IN (
         SELECT id FROM sessions WHERE ended_at IS NOT NULL AND ended_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [endedBefore, batchSize],
    );
    return rows.length;
  }

  // Operator console (not the CM hot path): plain queries, unnamed.

  async findById(id: string, graceSeconds: number): Promise<SessionRecord | null> {
    const { rows } = await this.pool.query<SessionRow & { last_heartbeat_at: Date | null; running: boolean }>(
      `SELECT ${COLUMNS}, last_heartbeat_at, (ended_at IS NULL AND expires_at > now() - make_interval(secs => $2)) AS running
         FROM sessions WHERE id = $1`,
      [id, graceSeconds],
    );
    return rows[0] ? { ...toSession(rows[0]), lastHeartbeatAt: rows[0].last_heartbeat_at, running: rows[0].running } : null;
  }

  async listByAccount(account: AccountKey, graceSeconds: number, limit: number): Promise<SessionRecord[]> {
    const { rows } = await this.pool.query<SessionRow & { last_heartbeat_at: Date | null; running: boolean }>(
      `SELECT ${COLUMNS}, last_heartbeat_at, (ended_at IS NULL AND expires_at > now() - make_interval(secs => $3)) AS running
         FROM sessions WHERE idp = $1 AND subject = $2
        ORDER BY started_at DESC, id DESC LIMIT $4`,
      [account.idp, account.subject, graceSeconds, limit],
    );
    return rows.map((r) => ({ ...toSession(r), lastHeartbeatAt: r.last_heartbeat_at, running: r.running }));
  }

  /**
   * Running sessions per application: one aggregate over the running part of the table (see docs/design-notes.md
   * for its cost).
   */
  async runningByApplication(graceSeconds: number): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ application_id: string; running: number }>(
      `SELECT application_id, count(*)::int AS running
         FROM sessions
        WHERE ended_at IS NULL AND expires_at > now() - make_interval(secs => $1)
        GROUP BY application_id`,
      [graceSeconds],
    );
    return new Map(rows.map((r) => [r.application_id, r.running]));
  }

  /** The database itself is checked by /readyz: nothing more to ask here. */
  ping(): Promise<void> {
    return Promise.resolve();
  }

  async endByApplication(applicationId: string, reason: SessionEnd['reason'], detail: unknown): Promise<StoredSession[]> {
    const { rows } = await this.pool.query<SessionRow>(
      `UPDATE sessions SET ended_at = now(), end_reason = $2, end_detail = $3::jsonb
        WHERE application_id = $1 AND ended_at IS NULL
       RETURNING ${COLUMNS}`,
      [applicationId, reason, detail === undefined ? null : JSON.stringify(detail)],
    );
    return rows.map(toSession);
  }
}
