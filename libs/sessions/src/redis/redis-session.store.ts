import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Cluster, type Redis } from 'ioredis';
import type { EndReason, Metadata } from '@cm/contracts';
import type {
  AccountKey,
  AccountTransaction,
  HeartbeatFastResult,
  HeartbeatRequest,
  NewSession,
  SessionEnd,
  SessionRecord,
  SessionStore,
  SessionRecords,
  StoredSession,
} from '../session-store.port';
import { SessionStoreUnavailableError } from '../store-unavailable.error';
import { createRedisClient, isRedirect, isRedisUnavailable, type RedisStoreOptions, type ScriptedClient } from './redis-connection';
import { BUCKETS, bucketOf, hashSlot, RedisKeys } from './redis-keys';

export const REDIS_STORE_OPTIONS = Symbol('RedisStoreOptions');

/** After a failed call, calls fail fast for this long instead of each waiting for its own timeout. */
const BREAKER_OPEN_MS = 1000;
/** Decisions that lost the account's version race decide again, at most this many times. */
const MAX_ATTEMPTS = 50;
/** Buckets walked at once by the cross-account passes (sweeper, counts, look-ups). */
const WALK_CONCURRENCY = 64;

type Fields = Record<string, string>;
type RawSessions = Array<string | string[]>;

const toFields = (flat: string[]): Fields => {
  const f: Fields = {};
  for (let i = 0; i < flat.length; i += 2) f[flat[i]] = flat[i + 1];
  return f;
};

const toSession = (id: string, f: Fields): StoredSession => ({
  id,
  idp: f.i,
  subject: f.u,
  applicationId: f.a,
  terminationCode: f.c,
  metadata: JSON.parse(f.m) as Metadata,
  startedAt: new Date(Number(f.st)),
  expiresAt: new Date(Number(f.ex)),
  endedAt: f.en ? new Date(Number(f.en)) : null,
  endReason: (f.r as EndReason | undefined) ?? null,
  endDetail: f.d ? (JSON.parse(f.d) as unknown) : null,
});

/** `{ id, fields, id, fields, … }` as the scripts return them. */
const pairs = (raw: RawSessions): Array<{ id: string; fields: Fields }> => {
  const out: Array<{ id: string; fields: Fields }> = [];
  for (let i = 0; i < raw.length; i += 2) {
    const fields = raw[i + 1] as string[];
    if (fields.length > 0) out.push({ id: raw[i] as string, fields: toFields(fields) });
  }
  return out;
};

const byStart = (a: StoredSession, b: StoredSession) =>
  a.startedAt.getTime() - b.startedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * SessionStore on Redis — one node or a Redis Cluster (key layout in redis-keys.ts, scripts in redis-scripts.ts).
 *
 * An account decision reads the account (its unended sessions and version) in one script, decides in this process,
 * and commits its writes in a second script only if the account's version has not moved (optimistic concurrency,
 * retried up to MAX_ATTEMPTS times): nothing is ever locked, so a crashed process leaves nothing behind. Inside one
 * process decisions for the same account also queue, so the race is between processes only. Inits, stops,
 * terminations and evictions wait for a replica (WAIT) before they are acknowledged; heartbeats do not.
 */
@Injectable()
export class RedisSessionStore implements SessionStore, SessionRecords, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RedisSessionStore');
  private readonly client: ScriptedClient;
  private readonly keys: RedisKeys;
  /** Replicas of the single node (INFO replication), for waitReplicas 'auto'. */
  private standaloneReplicas = 0;
  private replicaTimer?: NodeJS.Timeout;
  private sweepCursor = 0;
  private purgeCursor = 0;

  constructor(@Inject(REDIS_STORE_OPTIONS) private readonly options: RedisStoreOptions) {
    this.client = createRedisClient(options);
    this.keys = new RedisKeys(options.keyPrefix);
    this.client.on('error', (error: Error) => this.logger.debug(`redis: ${error.message}`));
  }

  async onModuleInit(): Promise<void> {
    // Not fatal: until Redis answers, calls get 503 and /readyz says so; the client keeps reconnecting.
    await this.client.connect().catch((error: unknown) => {
      this.logger.warn(`Redis not reachable at start-up (${error instanceof Error ? error.message : String(error)}); retrying`);
    });
    if (!this.isCluster && this.options.waitReplicas === 'auto') {
      const probe = () =>
        void (this.client as Redis).info('replication').then(
          (info) => (this.standaloneReplicas = Number(/connected_slaves:(\d+)/.exec(info)?.[1] ?? 0)),
          () => undefined,
        );
      probe();
      this.replicaTimer = setInterval(probe, 10_000);
      this.replicaTimer.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.replicaTimer);
    await this.client.quit().catch(() => this.client.disconnect());
  }

  private get isCluster(): boolean {
    return this.client instanceof Cluster;
  }

  // ------------------------------------------------------------------------------------------ failures

  private breakerOpenUntil = 0;

  private unavailable(error: unknown): unknown {
    if (error instanceof SessionStoreUnavailableError) return error;
    if (!isRedisUnavailable(error)) return error;
    const now = Date.now();
    if (now >= this.breakerOpenUntil && error instanceof Error && /timed out/i.test(error.message)) {
      // A silent connection (a dead network path) never answers the commands it swallowed, so every later reply
      // would be waited for in vain: drop it and connect afresh.
      this.logger.warn(`Redis did not answer in time; reconnecting`);
      this.client.disconnect(true);
    }
    this.breakerOpenUntil = now + BREAKER_OPEN_MS;
    return new SessionStoreUnavailableError(error);
  }

  private async call<T>(work: () => Promise<T>): Promise<T> {
    if (Date.now() < this.breakerOpenUntil) {
      throw new SessionStoreUnavailableError(new Error('the last Redis call failed less than a second ago'));
    }
    try {
      return await work();
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  /** Readiness: Redis answers (and in cluster mode every slot is served) within `timeoutMs`. */
  async ping(timeoutMs: number): Promise<void> {
    const check = async () => {
      if (this.client instanceof Cluster) {
        const info = await this.client.cluster('INFO');
        if (!/cluster_state:ok/.test(info)) throw new Error('the Redis Cluster is not serving every slot');
      } else {
        await this.client.ping();
      }
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([check(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  // ------------------------------------------------------------------------------------------ durability

  /** Replicas a durable write to `key` waits for. */
  private replicasFor(key: string): number {
    const wanted = this.options.waitReplicas;
    if (wanted !== 'auto') return wanted;
    if (this.client instanceof Cluster) return (this.client.slots[hashSlot(key)]?.length ?? 1) > 1 ? 1 : 0;
    return this.standaloneReplicas > 0 ? 1 : 0;
  }

  /**
   * Runs one script and, when it wrote something that must survive a failover, WAITs on the same node (one
   * pipeline) until a replica has it. Not confirmed in time → unavailable (the caller answers 503, not 202).
   */
  private async durable<T>(
    key: string,
    run: (p: ReturnType<ScriptedClient['pipeline']>) => unknown,
    wrote: (result: T) => boolean,
  ): Promise<T> {
    const replicas = this.replicasFor(key);
    const send = () => {
      const pipeline = this.client.pipeline();
      run(pipeline);
      if (replicas > 0) pipeline.wait(replicas, this.options.waitTimeoutMs);
      return this.call(() => pipeline.exec());
    };
    let results = await send();
    if (isRedirect(results?.[0]?.[0]) && this.client instanceof Cluster) {
      // A failover moved the slot while the pipeline was on its way: the script did not run. Learn the new map
      // and send it once more; a second redirect answers 503 (the player retries).
      const cluster = this.client;
      await this.call(() => new Promise<void>((resolve, reject) => cluster.refreshSlotsCache((e) => (e ? reject(e) : resolve()))));
      results = await send();
    }
    const [error, result] = results?.[0] ?? [new Error('empty pipeline reply'), null];
    if (error) throw this.unavailable(error);
    if (replicas > 0 && wrote(result as T)) {
      const [waitError, acked] = results?.[1] ?? [new Error('no WAIT reply'), 0];
      if (waitError) throw this.unavailable(waitError);
      if (Number(acked) < replicas) {
        throw new SessionStoreUnavailableError(new Error(`the write was not confirmed by ${replicas} replica(s) in time`));
      }
    }
    return result as T;
  }

  // ------------------------------------------------------------------------------------------ decisions

  /** Per-process queue per account: a burst for one account does not race itself. */
  private readonly accountQueues = new Map<string, Promise<unknown>>();

  withAccount<T>(account: AccountKey, work: (tx: AccountTransaction) => Promise<T>): Promise<T> {
    const key = `${account.idp.length}:${account.idp}${account.subject}`;
    const previous = this.accountQueues.get(key) ?? Promise.resolve();
    const next = previous.then(
      () => this.decide(account, work),
      () => this.decide(account, work),
    );
    const tail = next.catch(() => undefined);
    this.accountQueues.set(key, tail);
    void tail.then(() => {
      if (this.accountQueues.get(key) === tail) this.accountQueues.delete(key);
    });
    return next;
  }

  private async decide<T>(account: AccountKey, work: (tx: AccountTransaction) => Promise<T>): Promise<T> {
    const bucket = bucketOf(account);
    const base = this.keys.base(bucket);
    const accountKey = this.keys.account(bucket, account);
    for (let attempt = 1; ; attempt++) {
      const [now, version, raw] = (await this.call(() => this.client.cmReadAccount(accountKey, base, 'u'))) as [
        number,
        string,
        RawSessions,
      ];
      const unended = pairs(raw)
        .map(({ id, fields }) => toSession(id, fields))
        .sort(byStart);
      const ops = { i: [] as string[][], e: [] as string[][], r: [] as string[][] };
      const tx: AccountTransaction = {
        now: new Date(now),
        // Not among the unended: ended (or unknown), read on its own — only heartbeats of ended sessions get here.
        find: async (id: string) => unended.find((s) => s.id === id) ?? (await this.find(account, id)),
        unended: (graceSeconds) =>
          Promise.resolve(unended.map((s) => ({ ...s, running: s.expiresAt.getTime() > now - graceSeconds * 1000 }))),
        insert: (s: NewSession) => {
          const expiresAt = now + s.intervalSeconds * 1000;
          ops.i.push([
            s.id,
            s.applicationId,
            s.account.idp,
            s.account.subject,
            s.terminationCode,
            JSON.stringify(s.metadata),
            String(expiresAt),
            String(s.policyEpoch),
          ]);
          return Promise.resolve({ startedAt: new Date(now), expiresAt: new Date(expiresAt) });
        },
        end: (ends: SessionEnd[]) => {
          for (const e of ends) ops.e.push([e.id, e.reason, e.detail === undefined ? '' : JSON.stringify(e.detail)]);
          return Promise.resolve();
        },
        refresh: (id, intervalSeconds, epoch, metadata) => {
          const expiresAt = now + intervalSeconds * 1000;
          ops.r.push([id, String(expiresAt), String(epoch), metadata ? JSON.stringify(metadata) : '']);
          return Promise.resolve(new Date(expiresAt));
        },
      };
      const result = await work(tx);
      if (ops.i.length + ops.e.length + ops.r.length === 0) return result; // read-only: decided on a consistent read
      const args = [base, version, String(now), JSON.stringify(ops)];
      const applied = await this.durable<number>(
        accountKey,
        (p) => (p as unknown as ScriptedClient).cmCommit(accountKey, ...args),
        (r) => r === 1 && ops.i.length + ops.e.length > 0,
      );
      if (applied === 1) return result;
      if (attempt >= MAX_ATTEMPTS) {
        throw new SessionStoreUnavailableError(new Error(`account busy: ${MAX_ATTEMPTS} decisions in a row lost to other processes`));
      }
      await sleep(Math.random() * Math.min(2 ** attempt, 50));
    }
  }

  // ------------------------------------------------------------------------------------------ hot path

  async heartbeat(request: HeartbeatRequest): Promise<HeartbeatFastResult> {
    const { account, applicationId, sessionId: id, intervalSeconds, graceSeconds, policyEpoch } = request;
    const bucket = bucketOf(account);
    const expiresAt = (await this.call(() =>
      this.client.cmHeartbeat(
        this.keys.session(bucket, id),
        this.keys.base(bucket),
        id,
        applicationId,
        account.idp,
        account.subject,
        intervalSeconds * 1000,
        graceSeconds * 1000,
        String(policyEpoch),
      ),
    )) as number;
    return expiresAt > 0 ? { ok: true, expiresAt: new Date(expiresAt) } : { ok: false };
  }

  async stop(account: AccountKey, applicationId: string, id: string, graceSeconds: number): Promise<boolean> {
    const bucket = bucketOf(account);
    const key = this.keys.session(bucket, id);
    const args = [this.keys.base(bucket), id, applicationId, account.idp, account.subject, graceSeconds * 1000];
    const stopped = await this.durable<number>(
      key,
      (p) => (p as unknown as ScriptedClient).cmStop(key, ...args),
      (r) => r === 1,
    );
    return stopped === 1;
  }

  async find(account: AccountKey, id: string): Promise<StoredSession | null> {
    const bucket = bucketOf(account);
    const f = await this.call(() => this.client.hgetall(this.keys.session(bucket, id)));
    if (!f.a || f.i !== account.idp || f.u !== account.subject) return null;
    return toSession(id, f);
  }

  async running(account: AccountKey, graceSeconds: number): Promise<StoredSession[]> {
    const bucket = bucketOf(account);
    const [now, , raw] = (await this.call(() =>
      this.client.cmReadAccount(this.keys.account(bucket, account), this.keys.base(bucket), 'u'),
    )) as [number, string, RawSessions];
    return pairs(raw)
      .map(({ id, fields }) => toSession(id, fields))
      .filter((s) => s.expiresAt.getTime() > now - graceSeconds * 1000)
      .sort(byStart);
  }

  // ------------------------------------------------------------------------------------------ across accounts

  /** Runs `work` on every bucket, WALK_CONCURRENCY at a time, from `start` on, until `enough` says stop. */
  private async walk(start: number, work: (bucket: number) => Promise<void>, enough: () => boolean = () => false): Promise<number> {
    let walked = 0;
    while (walked < BUCKETS && !enough()) {
      const chunk = Array.from({ length: Math.min(WALK_CONCURRENCY, BUCKETS - walked) }, (_, i) => (start + walked + i) % BUCKETS);
      await Promise.all(chunk.map(work));
      walked += chunk.length;
    }
    return (start + walked) % BUCKETS;
  }

  async expireSilent(graceSeconds: number, batchSize: number): Promise<StoredSession[]> {
    const expired: StoredSession[] = [];
    this.sweepCursor = await this.walk(
      this.sweepCursor,
      async (bucket) => {
        const raw = (await this.call(() =>
          this.client.cmExpire(this.keys.expiry(bucket), this.keys.base(bucket), graceSeconds * 1000, batchSize),
        )) as RawSessions;
        for (const { id, fields } of pairs(raw)) expired.push(toSession(id, fields));
      },
      () => expired.length >= batchSize,
    );
    return expired;
  }

  async purgeEnded(endedBefore: Date, batchSize: number): Promise<number> {
    let purged = 0;
    this.purgeCursor = await this.walk(
      this.purgeCursor,
      async (bucket) => {
        // Awaited first: `purged += await …` reads `purged` before the await and would lose concurrent additions.
        const n = (await this.call(() =>
          this.client.cmPurge(this.keys.ended(bucket), this.keys.base(bucket), endedBefore.getTime(), batchSize),
        )) as number;
        purged += n;
      },
      () => purged >= batchSize,
    );
    return purged;
  }

  async runningByApplication(graceSeconds: number): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    await this.walk(0, async (bucket) => {
      const flat = (await this.call(() =>
        this.client.cmRunningCounts(this.keys.counts(bucket), this.keys.base(bucket), graceSeconds * 1000),
      )) as Array<string | number>;
      for (let i = 0; i < flat.length; i += 2) {
        const app = String(flat[i]);
        counts.set(app, (counts.get(app) ?? 0) + Number(flat[i + 1]));
      }
    });
    return counts;
  }

  /** The session's bucket is not in its id: ask every bucket (an operator action, not the hot path). */
  async findById(id: string, graceSeconds: number): Promise<SessionRecord | null> {
    let found: number | undefined;
    await this.walk(
      0,
      async (bucket) => {
        if ((await this.call(() => this.client.exists(this.keys.session(bucket, id)))) === 1) found = bucket;
      },
      () => found !== undefined,
    );
    if (found === undefined) return null;
    const bucket = found;
    const [now, flat] = (await this.call(() => this.client.cmGet(this.keys.session(bucket, id), this.keys.base(bucket)))) as [
      number,
      string[],
    ];
    if (flat.length === 0) return null;
    return this.record(id, toFields(flat), now, graceSeconds);
  }

  async listByAccount(account: AccountKey, graceSeconds: number, limit: number): Promise<SessionRecord[]> {
    const bucket = bucketOf(account);
    const [now, , raw] = (await this.call(() =>
      this.client.cmReadAccount(this.keys.account(bucket, account), this.keys.base(bucket), 'a'),
    )) as [number, string, RawSessions];
    return pairs(raw)
      .map(({ id, fields }) => this.record(id, fields, now, graceSeconds))
      .sort((a, b) => -byStart(a, b))
      .slice(0, limit);
  }

  async endByApplication(applicationId: string, reason: SessionEnd['reason'], detail: unknown): Promise<StoredSession[]> {
    const ended: StoredSession[] = [];
    const body = detail === undefined ? '' : JSON.stringify(detail);
    await this.walk(0, async (bucket) => {
      const key = this.keys.byApplication(bucket, applicationId);
      const raw = await this.durable<RawSessions>(
        key,
        (p) => (p as unknown as ScriptedClient).cmEndApplication(key, this.keys.base(bucket), reason, body),
        (r) => r.length > 0,
      );
      for (const { id, fields } of pairs(raw)) ended.push(toSession(id, fields));
    });
    return ended;
  }

  private record(id: string, f: Fields, now: number, graceSeconds: number): SessionRecord {
    const s = toSession(id, f);
    return {
      ...s,
      lastHeartbeatAt: f.hb ? new Date(Number(f.hb)) : null,
      running: s.endedAt === null && s.expiresAt.getTime() > now - graceSeconds * 1000,
    };
  }
}
