import { createTestDatabase, type TestDatabase } from '../support/database';
import { player, startTestApp, type TestApp } from '../support/app';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { redisTarget, type StoreKind, STORES, testRedisUrl } from '../support/stores';

const LIMIT_MS = 6000;

async function timed<T>(call: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await call();
  return { ms: performance.now() - start, value };
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/**
 * An app whose session store sits behind a proxy the test controls: the database itself (postgres), or the Redis
 * node (redis; the database stays reachable).
 */
async function appBehindProxy(store: StoreKind, name: string, env: Record<string, string> = {}) {
  const database = await createTestDatabase(name);
  if (store === 'postgres') {
    const u = new URL(database.url);
    const proxy = await startTcpProxy({ host: u.hostname, port: Number(u.port || 5432) });
    const t = await startTestApp({ database: { ...database, url: proxy.via(database.url) }, env });
    return { database, proxy, t };
  }
  const u = new URL(testRedisUrl());
  const proxy = await startTcpProxy({ host: u.hostname, port: Number(u.port || 6379) });
  const t = await startTestApp({ database, store: redisTarget(), env: { ...env, CM_REDIS_URL: proxy.via(testRedisUrl()) } });
  return { database, proxy, t };
}

const CLOSED = STORES.flatMap((store) => (['blackhole', 'refuse'] as const).map((mode) => [mode, store] as const));

describe.each(CLOSED)('store outage (%s, sessions in %s) with CM_FAIL_MODE=closed', (mode, store) => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let t: TestApp;

  beforeAll(async () => {
    ({ database, proxy, t } = await appBehindProxy(store, `outage_${mode}`));
  });
  afterAll(async () => {
    await proxy.restore().catch(() => undefined);
    await t?.close();
    await proxy.close();
    await database.drop();
  });

  it('answers 503 with Retry-After within 6 s, keeps /healthz up, and recovers by itself', async () => {
    const p = player(t.url, 'demo-app');
    const running = await p.init('idp', 'outage', {});
    expect(running.status).toBe(202);
    await proxy.cut(mode);

    const calls = [
      () => p.init('idp', 'outage', {}),
      () => p.heartbeat('idp', 'outage', running.body.sessionId),
      () => p.running('idp', 'outage'),
      () => p.stop('idp', 'outage', running.body.sessionId),
      () => p.init('idp', 'outage-other', {}),
    ];
    const results = await Promise.all([...calls, ...calls].map((c) => timed(c)));
    for (const { ms, value } of results) {
      expect(value.status).toBe(503);
      expect(value.headers.get('retry-after')).toBeTruthy();
      expect(ms).toBeLessThan(LIMIT_MS);
    }
    const slowest = Math.max(...results.map((r) => r.ms));
    console.log(`[${mode}, ${store}] slowest 503 during the outage: ${slowest.toFixed(0)} ms`);

    const ready = await timed(() => fetch(`${t.url}/readyz`));
    expect(ready.value.status).toBe(503);
    expect(ready.ms).toBeLessThan(LIMIT_MS);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);

    await proxy.restore();
    expect(await until(async () => (await fetch(`${t.url}/readyz`)).status === 200, 15_000)).toBe(true);
    expect(await until(async () => (await p.heartbeat('idp', 'outage', running.body.sessionId)).status === 202, 15_000)).toBe(true);
    expect((await p.init('idp', 'outage', {})).status).toBe(202);
  });
});

describe.each(STORES)('store outage (sessions in %s) with CM_FAIL_MODE=open', (store) => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let t: TestApp;

  beforeAll(async () => {
    ({ database, proxy, t } = await appBehindProxy(store, 'outage_open', { CM_FAIL_MODE: 'open', CM_DEGRADED_EXPIRES_SECONDS: '20' }));
  });
  afterAll(async () => {
    await proxy.restore().catch(() => undefined);
    await t?.close();
    await proxy.close();
    await database.drop();
  });

  it('keeps playback going with degraded 202s, then decides those sessions after recovery', async () => {
    const p = player(t.url, 'demo-app');
    const before = await p.init('idp', 'open', {});
    expect(before.status).toBe(202);
    await proxy.cut('refuse');

    const init = await timed(() => p.init('idp', 'open', { channel: 'news' }));
    expect(init.value.status).toBe(202);
    expect(init.value.headers.get('x-cm-degraded')).toBe('1');
    expect(init.ms).toBeLessThan(LIMIT_MS);
    const expires = Date.parse(init.value.headers.get('expires')!);
    expect(expires - Date.now()).toBeLessThanOrEqual(21_000);
    const hb = await p.heartbeat('idp', 'open', before.body.sessionId);
    expect(hb.status).toBe(202);
    expect(hb.headers.get('x-cm-degraded')).toBe('1');

    await proxy.restore();
    const healthy = async () => {
      const r = await p.heartbeat('idp', 'open', before.body.sessionId);
      return r.status === 202 && r.headers.get('x-cm-degraded') === null;
    };
    expect(await until(healthy, 15_000)).toBe(true);
    const adopted = await p.heartbeat('idp', 'open', init.value.body.sessionId);
    expect(adopted.status).toBe(202);
    expect(adopted.headers.get('x-cm-degraded')).toBeNull();
    const streams = await p.running('idp', 'open');
    expect(streams.body.runningStreams.map((s: { sessionId: string }) => s.sessionId).sort()).toEqual(
      [before.body.sessionId, init.value.body.sessionId].sort(),
    );
  });
});
