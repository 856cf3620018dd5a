import { createTestDatabase, type TestDatabase } from '../support/database';
import { givenApplication, player, startTestApp, STORES, type TestApp } from '../support/app';
import { startRedisCluster, type LocalRedisCluster } from '../support/redis-cluster';
import { redisTarget, type StoreTarget } from '../support/stores';

/** Both stores, and Redis also as a local Redis Cluster (3 masters + 3 replicas). */
const KINDS = STORES.includes('redis') ? [...STORES, 'redis-cluster' as const] : STORES;

const INITS = 200;

// 200 decisions on one account queue behind each other: on a busy machine that takes longer than the default 30 s.
jest.setTimeout(120_000);

async function raceInits(urls: string[], appId: string, subject: string, metadata: (i: number) => Record<string, string> = () => ({})) {
  const results = await Promise.all(
    Array.from({ length: INITS }, (_, i) => player(urls[i % urls.length], appId).init('idp', subject, metadata(i))),
  );
  const statuses = results.map((r) => r.status);
  return { results, admitted: results.filter((r) => r.status === 202), statuses };
}

describe.each(KINDS)(`${INITS} simultaneous inits on one account, sessions in %s`, (kind) => {
  let database: TestDatabase;
  let cluster: LocalRedisCluster | undefined;
  let one: TestApp;
  let two: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase('race');
    if (kind === 'redis-cluster') cluster = await startRedisCluster();
    // Two app instances sharing the database and, for Redis, the same keys.
    const store: StoreTarget = kind === 'postgres' ? { kind } : redisTarget({ clusterNodes: cluster?.seeds });
    one = await startTestApp({ database, store });
    two = await startTestApp({ database, store, adapter: 'fastify' });
  });
  afterAll(async () => {
    await one?.redis?.dropKeys();
    await one?.close();
    await two?.close();
    await cluster?.stop();
    await database.drop();
  });

  /** Sessions not ended (running or silent), as stored. */
  const running = async (subject: string) => (await one.accountSessions('idp', subject)).filter((s) => s.endedAt === null);

  it('admit exactly 3 on one process with a limit of 3', async () => {
    const { admitted, statuses } = await raceInits([one.url], 'demo-app', 'race-one');
    expect(admitted).toHaveLength(3);
    expect(statuses.filter((s) => s !== 202 && s !== 409)).toEqual([]);
    const stored = await running('race-one');
    expect(stored.map((s) => s.id).sort()).toEqual(admitted.map((r) => r.body.sessionId).sort());
  });

  it('admit exactly 3 across two app instances sharing the database', async () => {
    const { admitted, statuses } = await raceInits([one.url, two.url], 'demo-app', 'race-two');
    expect(admitted).toHaveLength(3);
    expect(statuses.filter((s) => s !== 202 && s !== 409)).toEqual([]);
    expect((await running('race-two')).map((s) => s.id).sort()).toEqual(admitted.map((r) => r.body.sessionId).sort());
  });

  it('never exceed a countBy + scope limit across two instances', async () => {
    const { application } = await givenApplication(one, [
      { name: '2 devices per channel', limit: 2, countBy: 'deviceId', scope: ['channel'] },
    ]);
    const { admitted } = await raceInits([one.url, two.url], application.id, 'race-countby', (i) => ({
      channel: `c${i % 2}`,
      deviceId: `d${i % 7}`,
    }));
    expect(admitted.length).toBeGreaterThanOrEqual(4);
    const stored = await running('race-countby');
    for (const channel of ['c0', 'c1']) {
      const devices = new Set(stored.filter((s) => s.metadata.channel === channel).map((s) => s.metadata.deviceId));
      expect(devices.size).toBe(2);
    }
  });

  it('with evict-oldest, end with exactly the limit running, and every 202 stored', async () => {
    const { application } = await givenApplication(one, [{ name: 'latest 3', limit: 3, onConflict: 'evict-oldest' }]);
    const { admitted } = await raceInits([one.url, two.url], application.id, 'race-evict');
    expect(admitted).toHaveLength(INITS);
    const stored = await one.accountSessions('idp', 'race-evict');
    expect(stored).toHaveLength(INITS);
    expect(stored.filter((s) => s.endedAt === null)).toHaveLength(3);
  });

  it('with X-Terminate racing, never exceed the limit', async () => {
    const { application } = await givenApplication(one, [{ name: 'cap 2', limit: 2 }]);
    const p = player(one.url, application.id);
    const a = await p.init('idp', 'race-xt', {});
    const b = await p.init('idp', 'race-xt', {});
    const codes = [a.body.terminationCode, b.body.terminationCode];
    const results = await Promise.all(
      Array.from({ length: INITS }, (_, i) =>
        player(i % 2 ? one.url : two.url, application.id).init('idp', 'race-xt', {}, { 'X-Terminate': codes[i % 2] }),
      ),
    );
    expect(results.filter((r) => r.status === 202).length).toBeGreaterThanOrEqual(1);
    expect((await running('race-xt')).length).toBeLessThanOrEqual(2);
  });

  it('concurrent heartbeats and stops never resurrect an ended session', async () => {
    const p = player(one.url, 'demo-app');
    const q = player(two.url, 'demo-app');
    const a = await p.init('idp', 'race-stop', {});
    const calls = Array.from({ length: 60 }, (_, i) =>
      i === 30 ? p.stop('idp', 'race-stop', a.body.sessionId) : (i % 2 ? p : q).heartbeat('idp', 'race-stop', a.body.sessionId),
    );
    await Promise.all(calls);
    expect((await one.stored(a.body.sessionId))?.endReason).toBe('stopped');
    expect((await p.heartbeat('idp', 'race-stop', a.body.sessionId)).status).toBe(410);
  });
});
