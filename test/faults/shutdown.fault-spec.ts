import { createTestDatabase, type TestDatabase } from '../support/database';
import { sendInit } from '../support/raw-init';
import { startServerProcess } from '../support/server-process';
import { RedisTestAccess, redisTarget, storeEnv, STORES } from '../support/stores';

const REQUESTS = 400;

// Both adapters on both session stores, and two workers (one adapter, PostgreSQL): the account lock holds across them.
const VARIANTS = [
  ...STORES.flatMap((store) => (['express', 'fastify'] as const).map((adapter) => [adapter, store, '1'] as const)),
  ['fastify', 'postgres', '2'] as const,
];

describe.each(VARIANTS)('graceful shutdown on SIGTERM (%s, sessions in %s, CM_WORKERS=%s)', (adapter, store, workers) => {
  let database: TestDatabase;
  const target = store === 'redis' ? redisTarget() : { kind: store };
  beforeAll(async () => {
    database = await createTestDatabase(`shutdown_${adapter}_${store}_${workers}`);
  });
  afterAll(async () => {
    if (target.kind === 'redis') {
      const redis = new RedisTestAccess(target);
      await redis.dropKeys();
      await redis.close();
    }
    await database.drop();
  });

  it('answers every request that arrived before the signal, then exits 0', async () => {
    const server = await startServerProcess({
      DATABASE_URL: database.url,
      CM_HTTP_ADAPTER: adapter,
      CM_THROTTLE_ACCOUNT_INITS_PER_MINUTE: '100000',
      ...storeEnv(target),
      CM_WORKERS: workers,
      ...(workers === '1' ? {} : { LOG_LEVEL: 'log' }), // each worker logs its start
    });
    // With two workers, the account lock holds across processes: still exactly 3 admitted (the demo policy).
    if (workers !== '1') await server.ready(Number(workers));
    // A burst on one account: decisions queue on the account lock, so many are still in flight at the signal.
    const demoAuth = `Basic ${Buffer.from('demo-app:').toString('base64')}`;
    const calls = Array.from({ length: REQUESTS }, (_, i) => sendInit(server.url, `/v2/sessions/idp/shutdown?n=${i}`, demoAuth));
    await Promise.all(calls.map((c) => c.written));
    await new Promise((r) => setTimeout(r, 200)); // let the server accept every connection
    server.child.kill('SIGTERM');
    const statuses = await Promise.all(calls.map((c) => c.answered));
    expect(statuses.filter((s) => s !== 202 && s !== 409)).toEqual([]);
    expect(statuses.filter((s) => s === 202)).toHaveLength(3);
    expect(await server.exited).toBe(0);
    expect(server.output()).not.toMatch(/"level":50|unhandled/i);
    // Once stopped it accepts nothing.
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});
