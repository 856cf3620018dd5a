import { Injectable } from '@nestjs/common';
import type { AccountKey, SessionEnd, SessionRecord, SessionRecords, StoredSession } from '../session-store.port';
import { COLUMNS, PgSessions, type SessionRow, toSession } from './pg-sessions';

type RecordRow = SessionRow & { last_heartbeat_at: Date | null; running: boolean };
const toRecord = (r: RecordRow): SessionRecord => ({ ...toSession(r), lastHeartbeatAt: r.last_heartbeat_at, running: r.running });

/** The sweeper's and the operator console's queries on `sessions` (not the CM hot path: PostgresSessionStore). */
@Injectable()
export class PostgresSessionRecords implements SessionRecords {
  constructor(private readonly pg: PgSessions) {}

  async expireSilent(graceSeconds: number, batchSize: number): Promise<StoredSession[]> {
    const rows = await this.pg.q<SessionRow>(
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
    const rows = await this.pg.q(
      'cm_purge',
      `DELETE FROM sessions WHERE id IN (
         SELECT id FROM sessions WHERE ended_at IS NOT NULL AND ended_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [endedBefore, batchSize],
    );
    return rows.length;
  }

  // Operator console: plain queries, unnamed.

  async findById(id: string, graceSeconds: number): Promise<SessionRecord | null> {
    const { rows } = await this.pg.pool.query<RecordRow>(
      `SELECT ${COLUMNS}, last_heartbeat_at, (ended_at IS NULL AND expires_at > now() - make_interval(secs => $2)) AS running
         FROM sessions WHERE id = $1`,
      [id, graceSeconds],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async listByAccount(account: AccountKey, graceSeconds: number, limit: number): Promise<SessionRecord[]> {
    const { rows } = await this.pg.pool.query<RecordRow>(
      `SELECT ${COLUMNS}, last_heartbeat_at, (ended_at IS NULL AND expires_at > now() - make_interval(secs => $3)) AS running
         FROM sessions WHERE idp = $1 AND subject = $2
        ORDER BY started_at DESC, id DESC LIMIT $4`,
      [account.idp, account.subject, graceSeconds, limit],
    );
    return rows.map(toRecord);
  }

  /**
   * Running sessions per application: one aggregate over the running part of the table (see docs/design-notes.md
   * for its cost).
   */
  async runningByApplication(graceSeconds: number): Promise<Map<string, number>> {
    const { rows } = await this.pg.pool.query<{ application_id: string; running: number }>(
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
    const { rows } = await this.pg.pool.query<SessionRow>(
      `UPDATE sessions SET ended_at = now(), end_reason = $2, end_detail = $3::jsonb
        WHERE application_id = $1 AND ended_at IS NULL
       RETURNING ${COLUMNS}`,
      [applicationId, reason, detail === undefined ? null : JSON.stringify(detail)],
    );
    return rows.map(toSession);
  }
}
