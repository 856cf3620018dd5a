import { randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import type { EndReason, Metadata } from '@cm/contracts';
import { BUCKETS, bucketOf, RedisKeys } from '@cm/sessions';

/**
 * The session stores the suites run on. `redis` needs a Redis node: CM_TEST_REDIS_URL (set by .ci/run; set by
 * global-setup.ts to the machine's 127.0.0.1:6379 when one answers there). Without it the Redis variants are skipped
 * with a notice — never silently in CI, which sets the variable.
 */
export type StoreKind = 'postgres' | 'redis';

export const STORES: StoreKind[] = process.env.CM_TEST_REDIS_URL ? ['postgres', 'redis'] : ['postgres'];

if (!process.env.CM_TEST_REDIS_URL && !process.env.CM_TEST_REDIS_NOTICE_SHOWN) {
  process.env.CM_TEST_REDIS_NOTICE_SHOWN = '1';
  console.warn('CM_TEST_REDIS_URL is not set and no Redis answers on 127.0.0.1:6379: the Redis store variants are skipped');
}

/** Where a test app's sessions go: PostgreSQL (its database) or Redis with a key prefix of its own. */
export interface StoreTarget {
  kind: StoreKind;
  /** Redis only: the key prefix (shared by apps that must see the same sessions). */
  prefix?: string;
  /** Redis only: cluster seed nodes instead of CM_TEST_REDIS_URL. */
  clusterNodes?: string;
}

export function redisTarget(options: { clusterNodes?: string } = {}): StoreTarget {
  return { kind: 'redis', prefix: `cmt-${randomBytes(5).toString('hex')}`, clusterNodes: options.clusterNodes };
}

/** The environment that points an app at the target. */
export function storeEnv(target: StoreTarget): Record<string, string> {
  if (target.kind === 'postgres') return { CM_SESSION_STORE: 'postgres' };
  const where: Record<string, string> = target.clusterNodes
    ? { CM_REDIS_CLUSTER_NODES: target.clusterNodes }
    : { CM_REDIS_URL: testRedisUrl() };
  return { CM_SESSION_STORE: 'redis', CM_REDIS_KEY_PREFIX: target.prefix!, ...where };
}

export function testRedisUrl(): string {
  const url = process.env.CM_TEST_REDIS_URL;
  if (!url) throw new Error('CM_TEST_REDIS_URL is not set');
  return url;
}

/** What a test reads of a stored session, whichever the store. */
export interface StoredView {
  id: string;
  idp: string;
  subject: string;
  applicationId: string;
  metadata: Metadata;
  expiresAt: Date;
  endedAt: Date | null;
  endReason: EndReason | null;
  endDetail: unknown;
}

/** Direct access to a Redis target's keys, for what a test sets up (time travel) or checks beneath the API. */
export class RedisTestAccess {
  readonly client: Redis | Cluster;
  readonly keys: RedisKeys;

  constructor(target: StoreTarget) {
    this.keys = new RedisKeys(target.prefix!);
    this.client = target.clusterNodes
      ? new Cluster(
          target.clusterNodes.split(',').map((n) => ({ host: n.split(':')[0], port: Number(n.split(':')[1]) })),
          { enableReadyCheck: true },
        )
      : new Redis(testRedisUrl());
  }

  /** The bucket holding session `id` (every bucket asked). */
  async bucketOfSession(id: string): Promise<number | null> {
    const found = await Promise.all(Array.from({ length: BUCKETS }, (_, b) => this.client.exists(this.keys.session(b, id))));
    const bucket = found.findIndex((n) => n === 1);
    return bucket < 0 ? null : bucket;
  }

  async session(id: string, account?: { idp: string; subject: string }): Promise<StoredView | null> {
    const bucket = account ? bucketOf(account) : await this.bucketOfSession(id);
    if (bucket === null) return null;
    const f = await this.client.hgetall(this.keys.session(bucket, id));
    if (!f.a) return null;
    return {
      id,
      idp: f.i,
      subject: f.u,
      applicationId: f.a,
      metadata: JSON.parse(f.m) as Metadata,
      expiresAt: new Date(Number(f.ex)),
      endedAt: f.en ? new Date(Number(f.en)) : null,
      endReason: (f.r as EndReason | undefined) ?? null,
      endDetail: f.d ? (JSON.parse(f.d) as unknown) : null,
    };
  }

  /** Every kept session of an account. */
  async accountSessions(account: { idp: string; subject: string }): Promise<StoredView[]> {
    const bucket = bucketOf(account);
    const ids = Object.keys(await this.client.hgetall(this.keys.account(bucket, account))).filter((k) => k !== 'v');
    const views = await Promise.all(ids.map((id) => this.session(id, account)));
    return views.filter((v): v is StoredView => v !== null);
  }

  /** Moves a session's expiry to `secondsAgo` before now (as the PostgreSQL suites do with UPDATE). */
  async backdate(id: string, secondsAgo: number): Promise<void> {
    const bucket = await this.bucketOfSession(id);
    if (bucket === null) throw new Error(`no session ${id}`);
    const [seconds, micros] = await this.client.time();
    const ex = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - secondsAgo * 1000;
    await this.client.hset(this.keys.session(bucket, id), 'ex', String(ex));
    await this.client.zadd(this.keys.expiry(bucket), ex, id);
  }

  /** How many sessions are stored under the prefix (single node). */
  async sessionCount(): Promise<number> {
    let count = 0;
    for await (const keys of this.scan(`${this.keys.prefix}{*}:s:*`)) count += keys.length;
    return count;
  }

  private async *scan(match: string): AsyncGenerator<string[]> {
    if (!(this.client instanceof Redis)) throw new Error('key scans are for a single node');
    let cursor = '0';
    do {
      const [next, keys] = await this.client.scan(cursor, 'MATCH', match, 'COUNT', 1000);
      cursor = next;
      yield keys;
    } while (cursor !== '0');
  }

  /** Deletes every key of the prefix (single node; a cluster harness removes its whole cluster). */
  async dropKeys(): Promise<void> {
    if (!(this.client instanceof Redis)) return;
    for await (const keys of this.scan(`${this.keys.prefix}{*`)) if (keys.length > 0) await this.client.unlink(...keys);
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
