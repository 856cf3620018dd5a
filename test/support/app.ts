import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PoliciesService } from '@cm/policies';
import { ExpirySweeper } from '@cm/sessions';
import { ApplicationsService, TenantsService } from '@cm/tenants';
import { createApp } from '../../apps/api/src/bootstrap';
import { loadEnv } from '../../apps/api/src/config/env';
import { createTestDatabase, type TestDatabase } from './database';
import { RedisTestAccess, redisTarget, type StoredView, storeEnv, type StoreKind, type StoreTarget } from './stores';

export { STORES, type StoreKind } from './stores';

export type Adapter = 'express' | 'fastify';
export const ADAPTERS: Adapter[] = ['express', 'fastify'];

export interface TestApp {
  app: INestApplication;
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  databaseUrl: string;
  /** SQL on the suite's own database (for setting up time travel, reading what is stored). */
  sql: <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;
  tenants: TenantsService;
  applications: ApplicationsService;
  policies: PoliciesService;
  sweeper: ExpirySweeper;
  /** Where its sessions live. */
  store: StoreTarget;
  /** Redis stores only: direct access to the keys. */
  redis?: RedisTestAccess;
  /** A stored session as the store holds it, whichever the store (null when unknown). */
  stored: (id: string) => Promise<StoredView | null>;
  /** Every kept session of an account (running, silent and ended). */
  accountSessions: (idp: string, subject: string) => Promise<StoredView[]>;
  /** How many sessions the store holds (any state). */
  sessionCount: () => Promise<number>;
  /** Moves a session's expiry `secondsAgo` before now: time travel for expiry tests. */
  backdate: (id: string, secondsAgo: number) => Promise<void>;
  close: () => Promise<void>;
}

const VIEW_COLUMNS = 'id, idp, subject, application_id, metadata, expires_at, ended_at, end_reason, end_detail';
interface SessionRow {
  id: string;
  idp: string;
  subject: string;
  application_id: string;
  metadata: Record<string, string>;
  expires_at: Date;
  ended_at: Date | null;
  end_reason: StoredView['endReason'];
  end_detail: unknown;
}

/** Starts the real application (migrations, seed, chosen adapter) on a port of its own. */
export async function startTestApp(
  options: { adapter?: Adapter; env?: Record<string, string>; database?: TestDatabase; store?: StoreKind | StoreTarget } = {},
): Promise<TestApp & { database: TestDatabase }> {
  const database = options.database ?? (await createTestDatabase(expect.getState().testPath?.split('/').pop()?.split('.')[0] ?? 'e2e'));
  const target: StoreTarget =
    typeof options.store === 'object' ? options.store : options.store === 'redis' ? redisTarget() : { kind: 'postgres' };
  const env = loadEnv({ CM_HTTP_ADAPTER: options.adapter ?? 'express', CM_DB_POOL_SIZE: '10', ...storeEnv(target), ...options.env });
  const app = await createApp(env, database.url, process.env.CM_TEST_LOG ? {} : { logger: false });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
  const dataSource = app.get(DataSource);
  const sql = <T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]> => dataSource.query(text, params);
  const redis = target.kind === 'redis' ? new RedisTestAccess(target) : undefined;
  const fromRow = (r: SessionRow): StoredView => ({
    id: r.id,
    idp: r.idp,
    subject: r.subject,
    applicationId: r.application_id,
    metadata: r.metadata,
    expiresAt: r.expires_at,
    endedAt: r.ended_at,
    endReason: r.end_reason,
    endDetail: r.end_detail,
  });
  return {
    app,
    url,
    database,
    databaseUrl: database.url,
    sql,
    store: target,
    redis,
    stored: async (id) =>
      redis
        ? redis.session(id)
        : ((await sql<SessionRow>(`SELECT ${VIEW_COLUMNS} FROM sessions WHERE id = $1`, [id])).map(fromRow)[0] ?? null),
    accountSessions: async (idp, subject) =>
      redis
        ? redis.accountSessions({ idp, subject })
        : (await sql<SessionRow>(`SELECT ${VIEW_COLUMNS} FROM sessions WHERE idp = $1 AND subject = $2`, [idp, subject])).map(fromRow),
    sessionCount: async () => (redis ? redis.sessionCount() : (await sql<{ n: number }>('SELECT count(*)::int AS n FROM sessions'))[0].n),
    backdate: async (id, secondsAgo) => {
      if (redis) await redis.backdate(id, secondsAgo);
      else await sql(`UPDATE sessions SET expires_at = now() - make_interval(secs => $2) WHERE id = $1`, [id, secondsAgo]);
    },
    tenants: app.get(TenantsService),
    applications: app.get(ApplicationsService),
    policies: app.get(PoliciesService),
    sweeper: app.get(ExpirySweeper),
    close: async () => {
      await app.close();
      if (redis) {
        await redis.dropKeys(); // apps sharing a prefix: the first to close ends the suite's use of it
        await redis.close();
      }
      if (!options.database) await database.drop();
    },
  };
}

/** A small CM v2 client over fetch, for readable tests. */
export function player(baseUrl: string, applicationId: string, secret = '') {
  const auth = `Basic ${Buffer.from(`${applicationId}:${secret}`).toString('base64')}`;
  const path = (...parts: string[]) => parts.map(encodeURIComponent).join('/');
  const call = async (method: string, url: string, init: { headers?: Record<string, string>; body?: string } = {}) => {
    const res = await fetch(`${baseUrl}${url}`, { method, headers: { authorization: auth, ...init.headers }, body: init.body });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, body: json as any };
  };
  const qs = (metadata: Record<string, string> = {}) => {
    const s = new URLSearchParams(metadata).toString();
    return s ? `?${s}` : '';
  };
  return {
    metadata: () => call('GET', '/v2/metadata'),
    init: (idp: string, subject: string, metadata: Record<string, string> = {}, headers: Record<string, string> = {}) =>
      call('POST', `/v2/sessions/${path(idp, subject)}${qs(metadata)}`, { headers }),
    heartbeat: (idp: string, subject: string, sessionId: string, metadata: Record<string, string> = {}) =>
      call('POST', `/v2/sessions/${path(idp, subject, sessionId)}${qs(metadata)}`),
    stop: (idp: string, subject: string, sessionId: string) => call('DELETE', `/v2/sessions/${path(idp, subject, sessionId)}`),
    running: (idp: string, subject: string) => call('GET', `/v2/runningStreams/${path(idp, subject)}`),
    raw: call,
  };
}

/** Creates a tenant with one application carrying one policy made of `rules`. */
export async function givenApplication(
  t: TestApp,
  rules: unknown[],
  options: { tenantSlug?: string; appId?: string; appName?: string; requireSecret?: boolean; heartbeatIntervalSeconds?: number } = {},
) {
  const slug = options.tenantSlug ?? `t-${Math.random().toString(16).slice(2, 10)}`;
  const tenant = (await t.tenants.findBySlug(slug)) ?? (await t.tenants.create({ slug, name: slug }));
  const { application, secret } = await t.applications.create(tenant.id, {
    id: options.appId,
    name: options.appName ?? 'Test app',
    requireSecret: options.requireSecret,
    heartbeatIntervalSeconds: options.heartbeatIntervalSeconds,
  });
  const policy = await t.policies.create(tenant.id, { name: `policy-${application.id}`, rules });
  await t.policies.attachToApplication(application.id, [policy.id]);
  return { tenant, application, secret, policy };
}
