import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PoliciesService } from '@cm/policies';
import { ExpirySweeper } from '@cm/sessions';
import { ApplicationsService, TenantsService } from '@cm/tenants';
import { createApp } from '../../apps/api/src/bootstrap';
import { loadEnv } from '../../apps/api/src/config/env';
import { createTestDatabase, type TestDatabase } from './database';

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
  close: () => Promise<void>;
}

/** Starts the real application (migrations, seed, chosen adapter) on a port of its own. */
export async function startTestApp(
  options: { adapter?: Adapter; env?: Record<string, string>; database?: TestDatabase } = {},
): Promise<TestApp & { database: TestDatabase }> {
  const database = options.database ?? (await createTestDatabase(expect.getState().testPath?.split('/').pop()?.split('.')[0] ?? 'e2e'));
  const env = loadEnv({ CM_HTTP_ADAPTER: options.adapter ?? 'express', CM_DB_POOL_SIZE: '10', ...options.env });
  const app = await createApp(env, database.url, process.env.CM_TEST_LOG ? {} : { logger: false });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
  const dataSource = app.get(DataSource);
  return {
    app,
    url,
    database,
    databaseUrl: database.url,
    sql: (text, params) => dataSource.query(text, params),
    tenants: app.get(TenantsService),
    applications: app.get(ApplicationsService),
    policies: app.get(PoliciesService),
    sweeper: app.get(ExpirySweeper),
    close: async () => {
      await app.close();
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
