import type { INestApplication } from '@nestjs/common';
import { createApp } from '../../apps/api/src/bootstrap';
import { ConfigError, loadEnv, PRODUCTION_METRICS_PORT } from '../../apps/api/src/config/env';
import { MetricsListener } from '../../apps/api/src/http/metrics-access';
import { ADAPTERS, type Adapter, player, startTestApp, type TestApp } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { loginAs } from '../support/management';

describe('production mode: the environment', () => {
  it('NODE_ENV=production (or CM_ENV=production) turns off the demo seed and moves metrics to 127.0.0.1:9464', () => {
    for (const source of [{ NODE_ENV: 'production' }, { CM_ENV: 'production' }]) {
      const env = loadEnv(source);
      expect(env).toMatchObject({ CM_ENV: 'production', CM_DEMO_SEED: false, CM_METRICS_PORT: PRODUCTION_METRICS_PORT });
      expect(env.CM_METRICS_HOST).toBe('127.0.0.1');
      expect(env.CM_ALLOW_OPEN_APPLICATIONS).toBe(false);
      expect(env.CM_ALLOW_PRIVATE_URLS).toBe(false);
    }
  });

  it('a newcomer (no NODE_ENV) keeps the demo and the metrics on the public port', () => {
    for (const source of [{}, { NODE_ENV: 'test' }, { NODE_ENV: 'production', CM_ENV: 'development' }]) {
      const env = loadEnv(source);
      expect(env).toMatchObject({ CM_ENV: 'development', CM_DEMO_SEED: true });
      expect(env.CM_METRICS_PORT).toBeUndefined();
    }
  });

  it('a metrics token keeps production metrics on the public port, behind the token', () => {
    const env = loadEnv({ CM_ENV: 'production', CM_METRICS_TOKEN: 'a-long-enough-token' });
    expect(env.CM_METRICS_PORT).toBeUndefined();
  });

  it('asking for the demo in production needs CM_ALLOW_OPEN_APPLICATIONS (the demo application has no secret)', () => {
    expect(() => loadEnv({ CM_ENV: 'production', CM_DEMO_SEED: 'true' })).toThrow(/CM_DEMO_SEED=true .*CM_ALLOW_OPEN_APPLICATIONS=true/);
    expect(loadEnv({ CM_ENV: 'production', CM_DEMO_SEED: 'true', CM_ALLOW_OPEN_APPLICATIONS: 'true' }).CM_DEMO_SEED).toBe(true);
  });

  it('bad values name the variable, never showing a token', () => {
    expect(() => loadEnv({ CM_ENV: 'staging' })).toThrow(/CM_ENV="staging": CM_ENV must be development or production/);
    expect(() => loadEnv({ CM_METRICS_HOST: 'localhost' })).toThrow(/CM_METRICS_HOST/);
    expect(() => loadEnv({ CM_METRICS_PORT: '70000' })).toThrow(/CM_METRICS_PORT/);
    expect(() => loadEnv({ CM_ALLOW_PRIVATE_URLS: 'sometimes' })).toThrow(
      /CM_ALLOW_PRIVATE_URLS="sometimes": CM_ALLOW_PRIVATE_URLS must be true or false/,
    );
    expect(loadEnv({ CM_ENV: 'production', CM_ALLOW_PRIVATE_URLS: 'true' }).CM_ALLOW_PRIVATE_URLS).toBe(true);
    let message = '';
    try {
      loadEnv({ CM_METRICS_TOKEN: 'short-secret' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('CM_METRICS_TOKEN=(hidden): CM_METRICS_TOKEN must be at least 16 characters');
    expect(message).not.toContain('short-secret');
  });
});

/** Starts the app the way main.ts does, on a database of the test's choosing. */
async function start(adapter: Adapter, database: TestDatabase, env: Record<string, string>): Promise<INestApplication> {
  const app = await createApp(loadEnv({ CM_HTTP_ADAPTER: adapter, CM_DB_POOL_SIZE: '4', ...env }), database.url, { logger: false });
  await app.listen(0, '127.0.0.1');
  return app;
}

const urlOf = async (app: INestApplication) => (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');

describe.each(ADAPTERS)('production mode on %s', (adapter) => {
  let t: TestApp;

  beforeAll(async () => {
    // Like NODE_ENV=production with nothing else set, except that the metrics listener takes a free port.
    t = await startTestApp({ adapter, env: { CM_ENV: 'production', CM_METRICS_PORT: '0' } });
  });
  afterAll(() => t?.close());

  it('has no demo application, and its first operator', async () => {
    expect(await t.sql('SELECT id FROM applications')).toEqual([]);
    expect(await t.sql('SELECT slug FROM tenants')).toEqual([]);
    expect((await player(t.url, 'demo-app').metadata()).status).toBe(401);
    expect(await t.sql(`SELECT email, role FROM operators`)).toEqual([{ email: 'admin@example.com', role: 'admin' }]);
  });

  it('serves no player examples (their players are devDependencies)', async () => {
    for (const path of ['hlsjs.html', 'stream/index.m3u8', 'vendor/hls.min.js']) {
      expect((await fetch(`${t.url}/examples/players/${path}`)).status).toBe(404);
    }
  });

  it('serves no metrics on the public port; they are on 127.0.0.1 on their own listener', async () => {
    const pub = await fetch(`${t.url}/metrics`);
    expect(pub.status).toBe(404);
    expect(await pub.text()).not.toContain('cm_decisions_total');

    const address = t.app.get(MetricsListener).address!;
    expect(address.address).toBe('127.0.0.1');
    expect(address.port).not.toBe(new URL(t.url).port);
    const res = await fetch(`http://127.0.0.1:${address.port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toContain('# TYPE cm_decisions_total counter');
    expect((await fetch(`http://127.0.0.1:${address.port}/`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${address.port}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('creates applications with a secret by default and refuses open ones, naming CM_ALLOW_OPEN_APPLICATIONS', async () => {
    const { api } = await loginAs(t, 'admin');

    const tenant = await api('POST', '/tenants', { slug: `prod-${adapter}`, name: 'Prod' });
    expect(tenant.status).toBe(201);
    const created = await api('POST', `/tenants/${tenant.body.id}/applications`, { id: `web-${adapter}`, name: 'Web' });
    expect(created.status).toBe(201);
    expect(created.body.requireSecret).toBe(true);
    expect(created.body.secret).toMatch(/\S{20,}/);
    expect((await player(t.url, `web-${adapter}`, created.body.secret as string).metadata()).status).toBe(200);

    const open = await api('POST', `/tenants/${tenant.body.id}/applications`, {
      id: `open-${adapter}`,
      name: 'Open',
      requireSecret: false,
    });
    expect(open.status).toBe(400);
    expect(open.body.detail).toContain('CM_ALLOW_OPEN_APPLICATIONS=true');
    expect(open.body.errors).toEqual([expect.objectContaining({ field: 'requireSecret' })]);

    const opened = await api('PATCH', `/applications/web-${adapter}`, { requireSecret: false });
    expect(opened.status).toBe(400);
    expect(opened.body.detail).toContain('CM_ALLOW_OPEN_APPLICATIONS=true');
    expect(await t.sql('SELECT id FROM applications WHERE secret_hash IS NULL')).toEqual([]);
  });
});

describe.each(ADAPTERS)('production start-up with an application that has no secret, on %s', (adapter) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('production_open');
    // A database that was run in development: the demo application has no secret.
    const dev = await start(adapter, database, {});
    await dev.close();
  });
  afterAll(() => database?.drop());

  it('refuses to start, naming the applications and the variable', async () => {
    const error: unknown = await start(adapter, database, { CM_ENV: 'production', CM_METRICS_PORT: '0' }).then(
      async (app) => {
        await app.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^Refusing to start in production: this application has no secret/);
    expect((error as Error).message).toContain(': demo-app.');
    expect((error as Error).message).toContain('CM_ALLOW_OPEN_APPLICATIONS=true');
  });

  it('starts with CM_ALLOW_OPEN_APPLICATIONS=true and serves it', async () => {
    const app = await start(adapter, database, { CM_ENV: 'production', CM_METRICS_PORT: '0', CM_ALLOW_OPEN_APPLICATIONS: 'true' });
    try {
      const res = await player(await urlOf(app), 'demo-app').init('idp', 'prod-open', { channel: 'news' });
      expect(res.status).toBe(202);
    } finally {
      await app.close();
    }
  });
});
