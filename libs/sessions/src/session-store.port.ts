import type { EndReason, Metadata } from '@cm/contracts';

export interface AccountKey {
  idp: string;
  subject: string;
}

export interface StoredSession {
  id: string;
  idp: string;
  subject: string;
  applicationId: string;
  terminationCode: string;
  metadata: Metadata;
  startedAt: Date;
  expiresAt: Date;
  endedAt: Date | null;
  endReason: EndReason | null;
  endDetail: unknown;
}

export interface NewSession {
  id: string;
  account: AccountKey;
  applicationId: string;
  terminationCode: string;
  metadata: Metadata;
  intervalSeconds: number;
  /** The application's policy epoch the decision used; stored with the session (see `SessionStore.heartbeat`). */
  policyEpoch: number;
}

export interface SessionEnd {
  id: string;
  reason: Exclude<EndReason, 'stopped'>;
  detail: unknown;
}

/**
 * What a decision may read and write while it holds the account's lock. Everything it writes becomes visible
 * together when `withAccount`'s work resolves, and not at all when it throws.
 */
export interface AccountTransaction {
  /** The store's clock when the lock was taken: the start of a session inserted by this decision. */
  readonly now: Date;
  /**
   * Sessions not ended yet, oldest first, each flagged `running` when its expiry + grace has not passed
   * (the silent rest still hold their termination codes until the sweeper ends them).
   */
  unended(graceSeconds: number): Promise<Array<StoredSession & { running: boolean }>>;
  /**
   * The account's session `id` as stored, ended or not (null when the account has none by that id). Read with the
   * unended sessions when `withAccount` was asked for it (`options.session`), so it costs no round trip of its own.
   */
  find(id: string): Promise<StoredSession | null>;
  /** Inserts a session; returns its start and expiry as stored. */
  insert(session: NewSession): Promise<{ startedAt: Date; expiresAt: Date }>;
  end(ends: SessionEnd[]): Promise<void>;
  /**
   * Extends a running session (expiry = now + interval, last heartbeat = now), stores `policyEpoch` as the epoch it
   * was checked against and, when given, replaces its metadata. Returns the new expiry.
   */
  refresh(id: string, intervalSeconds: number, policyEpoch: number, metadata?: Metadata): Promise<Date>;
}

/** A heartbeat with nothing to re-check: no metadata update, and the caller's view of the application's epoch. */
export interface HeartbeatRequest {
  account: AccountKey;
  applicationId: string;
  sessionId: string;
  intervalSeconds: number;
  graceSeconds: number;
  /** The application's current policy epoch, as the caller knows it (ApplicationDirectory). */
  policyEpoch: number;
}

export type HeartbeatFastResult = { ok: true; expiresAt: Date } | { ok: false };

/**
 * Where sessions live: PostgreSQL (PostgresSessionStore) or Redis, one node or a Cluster (RedisSessionStore),
 * chosen by CM_SESSION_STORE. Decisions for one account are serialised by `withAccount`, across every process
 * using the same store.
 *
 * Policy epochs are opaque numbers the caller hands in: the store never reads configuration. It keeps, per session,
 * the epoch the session was last checked against (`NewSession.policyEpoch`, `refresh`) and compares it in `heartbeat`.
 * Times (`startedAt`, `expiresAt`, "now" in grace checks) are the store's own clock, one clock for every process.
 */
export interface SessionStore {
  /**
   * Runs one decision for the account, atomically with respect to every other decision for it. `work` may run more
   * than once (the Redis store decides optimistically and decides again when another process got there first), so
   * it must act only through `tx` and return what happened. `options.session`: a session `tx.find` will be asked for.
   */
  withAccount<T>(account: AccountKey, work: (tx: AccountTransaction) => Promise<T>, options?: { session?: string }): Promise<T>;
  /**
   * The common heartbeat, in one step: when the session exists with this account and application, is not ended,
   * its expiry + grace has not passed, and its stored policy epoch equals `policyEpoch`, set its expiry to now +
   * interval (last heartbeat = now) and answer `{ ok: true, expiresAt }`. Otherwise change nothing and answer
   * `{ ok: false }` ("look closer": ended, unknown, silent too long, or checked against an older epoch) — the caller
   * then takes the slow path under `withAccount`. Many may be in flight at once; a store may batch them.
   */
  heartbeat(request: HeartbeatRequest): Promise<HeartbeatFastResult>;
  /** Ends a running session as stopped; false when it was not running. */
  stop(account: AccountKey, applicationId: string, id: string, graceSeconds: number): Promise<boolean>;
  find(account: AccountKey, id: string): Promise<StoredSession | null>;
  /** Running sessions of an account (ended_at null and expiry + grace not passed), oldest first. */
  running(account: AccountKey, graceSeconds: number): Promise<StoredSession[]>;
}

/**
 * The sessions as the expiry sweeper, the operator console, live usage and readiness see them: queries off the CM
 * hot path, across accounts. The Redis store implements both ports in one class; PostgreSQL has one class each.
 */
export interface SessionRecords {
  /** Marks silent sessions expired; returns them. Safe to run on several processes at once. */
  expireSilent(graceSeconds: number, batchSize: number): Promise<StoredSession[]>;
  /** Deletes sessions ended before the cut-off; returns how many. */
  purgeEnded(endedBefore: Date, batchSize: number): Promise<number>;
  /** One session by id, whatever its account (operator look-up and kill). */
  findById(id: string, graceSeconds: number): Promise<SessionRecord | null>;
  /** Every kept session of an account (running and ended, within retention), newest first. */
  listByAccount(account: AccountKey, graceSeconds: number, limit: number): Promise<SessionRecord[]>;
  /** Ends an application's unended sessions (it is being deleted) with this reason and body; returns them. */
  endByApplication(applicationId: string, reason: SessionEnd['reason'], detail: unknown): Promise<StoredSession[]>;
  /** Running sessions per application, across every process (live usage and /metrics). */
  runningByApplication(graceSeconds: number): Promise<Map<string, number>>;
  /** Readiness: resolves when the store answers within `timeoutMs`, rejects otherwise. */
  ping(timeoutMs: number): Promise<void>;
}

/** A session as the operator console shows it. */
export interface SessionRecord extends StoredSession {
  lastHeartbeatAt: Date | null;
  /** Not ended and expiry + grace not passed. */
  running: boolean;
}

export const SESSION_STORE = Symbol('SessionStore');
export const SESSION_RECORDS = Symbol('SessionRecords');
