import { Cluster } from 'ioredis';
import { bucketOf, hashSlot, RedisKeys } from '@cm/sessions';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { player } from '../support/app';
import { startRedisCluster, type LocalRedisCluster } from '../support/redis-cluster';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { STORES } from '../support/stores';

const ACCOUNTS = 30;
const LIMIT = 3; // demo-app's "3 streams cap"

/** SIGKILL of a Redis Cluster master under load: its replica takes over, nothing acknowledged is lost. */
(STORES.includes('redis') ? describe : describe.skip)('Redis Cluster: a master killed under load', () => {
  let database: TestDatabase;
  let cluster: LocalRedisCluster;
  const servers: ServerProcess[] = [];
  let redis: Cluster;

  beforeAll(async () => {
    database = await createTestDatabase('failover');
    cluster = await startRedisCluster();
    redis = new Cluster(cluster.seeds.split(',').map((s) => ({ host: '127.0.0.1', port: Number(s.split(':')[1]) })));
  });
  afterAll(async () => {
    for (const s of servers) s.child.kill('SIGKILL');
    redis?.disconnect();
    await cluster?.stop();
    await database.drop();
  });

  it('promotes the replica, loses no acknowledged init, admits nobody over the limit, answers again within 15 s', async () => {
    const prefix = 'cmf';
    const keys = new RedisKeys(prefix);
    const env = {
      DATABASE_URL: database.url,
      CM_SESSION_STORE: 'redis',
      CM_REDIS_CLUSTER_NODES: cluster.seeds,
      CM_REDIS_KEY_PREFIX: prefix,
      CM_THROTTLE_ACCOUNT_INITS_PER_MINUTE: '100000',
      CM_THROTTLE_SESSION_PER_MINUTE: '100000',
    };
    const a = await startServerProcess(env);
    const b = await startServerProcess(env);
    servers.push(a, b);

    const subjects = Array.from({ length: ACCOUNTS }, (_, i) => `acct-${i}`);
    const slotOf = (subject: string) => hashSlot(keys.base(bucketOf({ idp: 'idp', subject })));
    // The master to kill serves some of the accounts; those accounts tell when the API answers again.
    const victim = await cluster.masterOf(slotOf(subjects[0]));
    const owners = await Promise.all(subjects.map(async (s) => ({ s, port: await cluster.masterOf(slotOf(s)) })));
    const onVictim = owners.filter((o) => o.port === victim).map((o) => o.s);

    const acknowledged = new Map<string, string>(); // sessionId -> subject
    let killedAt = 0;
    let answeredAgainAt = 0;
    let decidedAfterKill = 0; // 202s and 409s after the kill (accounts at their limit answer 409)
    let stop = false;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const subject = subjects[(w * 7 + i) % ACCOUNTS];
        const p = player((i % 2 ? a : b).url, 'demo-app');
        const sentAfterKill = killedAt > 0; // a call in flight at the kill does not tell whether the API is back
        const res = await p.init('idp', subject, {}).catch(() => null);
        if (res?.status === 202) {
          acknowledged.set(res.body.sessionId, subject);
          // Keep the account turning over: stop one stream in three, heartbeat the others.
          if (i % 3 === 0) await p.stop('idp', subject, res.body.sessionId).catch(() => null);
          else await p.heartbeat('idp', subject, res.body.sessionId).catch(() => null);
        }
        const decided = res?.status === 202 || res?.status === 409;
        if (sentAfterKill && decided) decidedAfterKill++;
        if (sentAfterKill && !answeredAgainAt && onVictim.includes(subject) && decided) answeredAgainAt = Date.now();
        if (res && res.status !== 202 && res.status !== 409 && res.status !== 503) {
          const logged = [a, b].flatMap((s) => s.output().split('\n')).filter((line) => /"level":(50|60)/.test(line));
          throw new Error(`unexpected ${res.status} ${res.text}\nserver errors:\n${logged.join('\n')}`);
        }
      }
    };
    const load = Promise.all(Array.from({ length: 12 }, (_, w) => worker(w)));
    await new Promise((r) => setTimeout(r, 2000));
    const before = acknowledged.size;
    await cluster.kill(victim);
    killedAt = Date.now();
    const deadline = killedAt + 20_000;
    while (!answeredAgainAt && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1500)); // some load on the new topology
    stop = true;
    await load;

    console.log(
      `failover: ${before} inits acknowledged before the kill, ${acknowledged.size} in all, ${decidedAfterKill} decided after it; ` +
        `accounts on the killed master answered again after ${answeredAgainAt - killedAt} ms`,
    );
    expect(onVictim.length).toBeGreaterThan(0);
    expect(answeredAgainAt).toBeGreaterThan(0);
    expect(answeredAgainAt - killedAt).toBeLessThan(15_000);
    expect(decidedAfterKill).toBeGreaterThan(0);

    // Every acknowledged init is still there (running, stopped or otherwise ended: stored either way).
    const missing: string[] = [];
    for (const [id, subject] of acknowledged) {
      const bucket = bucketOf({ idp: 'idp', subject });
      if ((await redis.exists(keys.session(bucket, id))) !== 1) missing.push(id);
    }
    expect(missing).toEqual([]);

    // No account has more than its limit of unended sessions.
    for (const subject of subjects) {
      const account = await redis.hgetall(keys.account(bucketOf({ idp: 'idp', subject }), { idp: 'idp', subject }));
      const unended = Object.entries(account).filter(([k, v]) => k !== 'v' && v === '1');
      expect({ subject, unended: unended.length <= LIMIT }).toEqual({ subject, unended: true });
    }
  });
});
