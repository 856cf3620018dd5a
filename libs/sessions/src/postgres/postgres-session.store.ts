import { Injectable } from '@nestjs/common';
import { escapeLiteral, type QueryResult, type QueryResultRow } from 'pg';
import { Failed, GroupCommit } from '../group-commit';
import { SessionStoreUnavailableError } from '../store-unavailable.error';
import type {
  AccountKey,
  AccountTransaction,
  HeartbeatFastResult,
  HeartbeatRequest,
  NewSession,
  SessionEnd,
  SessionStore,
  StoredSession,
} from '../session-store.port';
import { COLUMNS, epochLiteral, jsonLiteral, PgSessions, seconds, type SessionRow, toSession, UUID, uuidLiteral } from './pg-sessions';

/** Group commit: batches in flight at once (each holds a connection), and the most calls one batch carries. */
const BATCHES_IN_FLIGHT = 2;
const MAX_BATCH = 256;

const sortByKey = <T extends { key: string }>(batch: T[]): T[] => [...batch].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

/**
 * The CM hot path on PostgreSQL (the operator and sweeper queries are PostgresSessionRecords). Hot statements are
 * named (prepared once per connection) and go straight to the pg pool; account decisions hold `pg_advisory_xact_lock`
 * on a hash of the account key, so they are serialised across every process sharing the database. Heartbeats commit
 * with `synchronous_commit = off` (their own pool): they only push an expiry forward, so a crash can at worst forget
 * the last fraction of a second of them (the session keeps its previous expiry, still inside its interval plus
 * grace), and they stop waiting for the WAL flush. Inits, stops and every decision commit synchronously.
 */
@Injectable()
export class PostgresSessionStore implements SessionStore {
  constructor(private readonly pg: PgSessions) {}

  /**
   * Decisions for one account also queue inside the process, so a burst for one account holds one pooled
   * connection instead of all of them waiting on the same advisory lock. The lock stays the guarantee.
   */
  private readonly accountQueues = new Map<string, Promise<unknown>>();

  withAccount<T>(account: AccountKey, work: (tx: AccountTransaction) => Promise<T>, options: { session?: string } = {}): Promise<T> {
    const key = `${account.idp.length}:${account.idp}${account.subject}`;
    const previous = this.accountQueues.get(key) ?? Promise.resolve();
    const next = previous.then(
      () => this.lockedTransaction(account, work, options.session),
      () => this.lockedTransaction(account, work, options.session),
    );
    const tail = next.catch(() => undefined);
    this.accountQueues.set(key, tail);
    void tail.then(() => {
      if (this.accountQueues.get(key) === tail) this.accountQueues.delete(key);
    });
    return next;
  }

  /**
   * One decision in two round trips. The first (simple protocol, several statements) begins, takes the account's
   * advisory lock, reads the transaction time and the account's unended sessions — each statement takes its own
   * snapshot, so the read sees everything committed before the lock was granted — and, when asked, the one session
   * `tx.find` will want (ended or not). Writes are buffered (their timestamps are the transaction time, as `now()`
   * would give) and sent with COMMIT as the second.
   */
  private async lockedTransaction<T>(account: AccountKey, work: (tx: AccountTransaction) => Promise<T>, session?: string): Promise<T> {
    this.pg.checkBreaker();
    const client = await this.pg.pool.connect().catch((error: unknown) => {
      throw this.pg.unavailable(error);
    });
    let broken = false;
    try {
      const idp = escapeLiteral(account.idp);
      const subject = escapeLiteral(account.subject);
      const results = (await client
        .query(
          `BEGIN; SELECT pg_advisory_xact_lock(hashtextextended(length(${idp})::text || ':' || ${idp} || ${subject}, 0));
           SELECT now() AS now;
           SELECT ${COLUMNS} FROM sessions WHERE idp = ${idp} AND subject = ${subject} AND ended_at IS NULL ORDER BY started_at, id${
             session !== undefined && UUID.test(session)
               ? `;\n           SELECT ${COLUMNS} FROM sessions WHERE id = ${uuidLiteral(session)} AND idp = ${idp} AND subject = ${subject}`
               : ''
           }`,
        )
        .catch((error: unknown) => {
          throw this.pg.unavailable(error);
        })) as unknown as Array<QueryResult<QueryResultRow>>;
      const now = (results[2].rows[0] as { now: Date }).now;
      const unended = (results[3].rows as SessionRow[]).map(toSession);
      const asked = ((results[4]?.rows ?? []) as SessionRow[]).map(toSession);
      const writes: string[] = [];
      const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
      const tx: AccountTransaction = {
        now,
        find: (id: string) => {
          const wanted = id.toLowerCase();
          return Promise.resolve(unended.find((s) => s.id === wanted) ?? asked.find((s) => s.id === wanted) ?? null);
        },
        unended: (graceSeconds: number) =>
          Promise.resolve(unended.map((session) => ({ ...session, running: session.expiresAt > at(-graceSeconds) }))),
        insert: (s: NewSession) => {
          writes.push(
            `INSERT INTO sessions (id, idp, subject, application_id, termination_code, metadata, started_at, expires_at, policy_epoch)
             VALUES (${uuidLiteral(s.id)}, ${escapeLiteral(s.account.idp)}, ${escapeLiteral(s.account.subject)}, ${escapeLiteral(s.applicationId)},
                     ${escapeLiteral(s.terminationCode)}, ${jsonLiteral(s.metadata)}, now(), now() + make_interval(secs => ${seconds(s.intervalSeconds)}),
                     ${epochLiteral(s.policyEpoch)})`,
          );
          return Promise.resolve({ startedAt: now, expiresAt: at(s.intervalSeconds) });
        },
        end: (ends: SessionEnd[]) => {
          // In id order, like the heartbeat batches: two statements never wait on each other's rows in a cycle.
          for (const e of [...ends].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
            writes.push(
              `UPDATE sessions SET ended_at = now(), end_reason = ${escapeLiteral(e.reason)}, end_detail = ${e.detail === undefined ? 'NULL' : jsonLiteral(e.detail)}
                WHERE id = ${uuidLiteral(e.id)} AND ended_at IS NULL`,
            );
          }
          return Promise.resolve();
        },
        refresh: (id, intervalSeconds, policyEpoch, metadata) => {
          writes.push(
            `UPDATE sessions SET expires_at = now() + make_interval(secs => ${seconds(intervalSeconds)}), last_heartbeat_at = now(),
                    policy_epoch = ${epochLiteral(policyEpoch)}${metadata ? `, metadata = ${jsonLiteral(metadata)}` : ''}
              WHERE id = ${uuidLiteral(id)}`,
          );
          return Promise.resolve(at(intervalSeconds));
        },
      };
      const result = await work(tx);
      await client.query([...writes, 'COMMIT'].join(';\n')).catch((error: unknown) => {
        throw this.pg.unavailable(error);
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

  /**
   * Heartbeats and stops are group-committed: those that arrive while earlier ones are in flight leave together as
   * one `UPDATE … FROM unnest(…)` (ids sorted, so two batches lock rows in the same order), each answered from its
   * own returned row. No timer: a lone call goes out at once.
   */
  private readonly heartbeats = new GroupCommit<HeartbeatRequest, HeartbeatFastResult>(
    (batch) => this.heartbeatBatch(batch),
    { ok: false },
    BATCHES_IN_FLIGHT,
    MAX_BATCH,
  );

  private readonly stops = new GroupCommit<{ account: AccountKey; applicationId: string; graceSeconds: number }, boolean>(
    (batch) => this.stopBatch(batch),
    false,
    BATCHES_IN_FLIGHT,
    MAX_BATCH,
  );

  async heartbeat(h: HeartbeatRequest): Promise<HeartbeatFastResult> {
    if (!UUID.test(h.sessionId)) return { ok: false };
    this.pg.checkBreaker();
    return this.heartbeats.submit(h.sessionId.toLowerCase(), h);
  }

  private async heartbeatBatch(batch: Array<{ key: string; item: HeartbeatRequest }>): Promise<Map<string, HeartbeatFastResult | Failed>> {
    const items = sortByKey(batch).map((b) => b.item);
    const rows = await this.batchOrOneByOne(
      batch,
      (one) => this.heartbeatBatch(one),
      () =>
        this.pg.q<{ id: string; expires_at: Date }>(
          'cm_heartbeat_batch',
          `UPDATE sessions s SET expires_at = now() + make_interval(secs => b.interval), last_heartbeat_at = now()
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::bigint[])
                AS b(id, idp, subject, application_id, interval, grace, epoch)
          WHERE s.id = b.id AND s.idp = b.idp AND s.subject = b.subject AND s.application_id = b.application_id
            AND s.ended_at IS NULL AND s.expires_at > now() - make_interval(secs => b.grace) AND s.policy_epoch = b.epoch
         RETURNING s.id, s.expires_at`,
          [
            items.map((h) => h.sessionId),
            items.map((h) => h.account.idp),
            items.map((h) => h.account.subject),
            items.map((h) => h.applicationId),
            items.map((h) => h.intervalSeconds),
            items.map((h) => h.graceSeconds),
            items.map((h) => h.policyEpoch),
          ],
          this.pg.heartbeatPool,
        ),
    );
    if (rows instanceof Map) return rows;
    return new Map(rows.map((r) => [r.id, { ok: true, expiresAt: r.expires_at }]));
  }

  async stop(account: AccountKey, applicationId: string, id: string, graceSeconds: number): Promise<boolean> {
    if (!UUID.test(id)) return false;
    this.pg.checkBreaker();
    return this.stops.submit(id.toLowerCase(), { account, applicationId, graceSeconds });
  }

  private async stopBatch(
    batch: Array<{ key: string; item: { account: AccountKey; applicationId: string; graceSeconds: number } }>,
  ): Promise<Map<string, boolean | Failed>> {
    const sorted = sortByKey(batch);
    const rows = await this.batchOrOneByOne(
      batch,
      (one) => this.stopBatch(one),
      () =>
        this.pg.q<{ id: string }>(
          'cm_stop_batch',
          `UPDATE sessions s SET ended_at = now(), end_reason = 'stopped'
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[]) AS b(id, idp, subject, application_id, grace)
          WHERE s.id = b.id AND s.idp = b.idp AND s.subject = b.subject AND s.application_id = b.application_id
            AND s.ended_at IS NULL AND s.expires_at > now() - make_interval(secs => b.grace)
         RETURNING s.id`,
          [
            sorted.map((b) => b.key),
            sorted.map((b) => b.item.account.idp),
            sorted.map((b) => b.item.account.subject),
            sorted.map((b) => b.item.applicationId),
            sorted.map((b) => b.item.graceSeconds),
          ],
        ),
    );
    if (rows instanceof Map) return rows;
    return new Map(rows.map((r) => [r.id, true]));
  }

  /**
   * Runs a batch statement; when it fails for another reason than an unreachable database (a deadlock with a
   * statement that locked the same rows in another order, a value one item got wrong), its items run alone, so one
   * bad item or an unlucky lock order fails nobody else.
   */
  private async batchOrOneByOne<I, R, A>(
    batch: Array<{ key: string; item: I }>,
    alone: (one: Array<{ key: string; item: I }>) => Promise<Map<string, A | Failed>>,
    statement: () => Promise<R[]>,
  ): Promise<R[] | Map<string, A | Failed>> {
    try {
      return await statement();
    } catch (error) {
      if (error instanceof SessionStoreUnavailableError || batch.length === 1) throw error;
      const answers = new Map<string, A | Failed>();
      for (const entry of batch) {
        try {
          for (const [key, answer] of await alone([entry])) answers.set(key, answer);
        } catch (failure) {
          answers.set(entry.key, new Failed(failure));
        }
      }
      return answers;
    }
  }

  async find(account: AccountKey, id: string): Promise<StoredSession | null> {
    const rows = await this.pg.q<SessionRow>('cm_find', `SELECT ${COLUMNS} FROM sessions WHERE id = $1 AND idp = $2 AND subject = $3`, [
      id,
      account.idp,
      account.subject,
    ]);
    return rows[0] ? toSession(rows[0]) : null;
  }

  async running(account: AccountKey, graceSeconds: number): Promise<StoredSession[]> {
    const rows = await this.pg.q<SessionRow>(
      'cm_running',
      `SELECT ${COLUMNS} FROM sessions
        WHERE idp = $1 AND subject = $2 AND ended_at IS NULL AND expires_at > now() - make_interval(secs => $3)
        ORDER BY started_at, id`,
      [account.idp, account.subject, graceSeconds],
    );
    return rows.map(toSession);
  }
}
