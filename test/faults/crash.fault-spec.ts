import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { player } from '../support/app';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { RedisTestAccess, redisTarget, type StoredView, storeEnv, STORES, type StoreTarget } from '../support/stores';

const ACCOUNTS = 25;
const subjects = [...Array.from({ length: ACCOUNTS }, (_, i) => `acct-${i}`), 'after-restart'];

describe.each(STORES)('kill -9 of an api process under load, sessions in %s', (kind) => {
  let database: TestDatabase;
  let sql: Client;
  let redis: RedisTestAccess | undefined;
  let target: StoreTarget;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('crash');
    sql = new Client({ connectionString: database.url });
    await sql.connect();
    target = kind === 'redis' ? redisTarget() : { kind };
    if (kind === 'redis') redis = new RedisTestAccess(target);
  });
  afterAll(async () => {
    for (const s of servers) s.child.kill('SIGKILL');
    await sql.end().catch(() => undefined);
    await redis?.dropKeys();
    await redis?.close();
    await database.drop();
  });

  /** Every kept session of the test's accounts, whichever the store. */
  const stored = async (): Promise<StoredView[]> => {
    if (redis) return (await Promise.all(subjects.map((subject) => redis!.accountSessions({ idp: 'idp', subject })))).flat();
    const rows = await sql.query<{
      id: string;
      subject: string;
      expires_at: Date;
      ended_at: Date | null;
      end_reason: StoredView['endReason'];
    }>('SELECT id, subject, expires_at, ended_at, end_reason FROM sessions');
    return rows.rows.map((r) => ({
      id: r.id,
      idp: 'idp',
      subject: r.subject,
      applicationId: 'demo-app',
      metadata: {},
      expiresAt: r.expires_at,
      endedAt: r.ended_at,
      endReason: r.end_reason,
      endDetail: null,
    }));
  };

  it('loses no acknowledged session and leaves no account over its limit', async () => {
    const env = { DATABASE_URL: database.url, CM_SWEEP_INTERVAL_SECONDS: '1', CM_GRACE_SECONDS: '0', ...storeEnv(target) };
    const a = await startServerProcess(env);
    const b = await startServerProcess(env);
    servers.push(a, b);

    const acknowledged = new Map<string, string>(); // sessionId -> subject
    let stop = false;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const server = i % 2 ? a : b;
        const subject = `acct-${(w * 7 + i) % ACCOUNTS}`;
        const p = player(server.url, 'demo-app');
        const res = await p.init('idp', subject, {}).catch(() => null);
        if (res?.status === 202) {
          acknowledged.set(res.body.sessionId, subject);
          await p.heartbeat('idp', subject, res.body.sessionId).catch(() => null);
        }
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
    // Kill once the load is under way: after 20 acknowledged starts (a busy CI machine made 14 in a fixed 1.5 s).
    const underWay = Date.now() + 30_000;
    while (acknowledged.size <= 20 && Date.now() < underWay) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    a.child.kill('SIGKILL');
    await a.exited;
    await new Promise((r) => setTimeout(r, 1000));
    stop = true;
    await load;

    expect(acknowledged.size).toBeGreaterThan(20);
    const sessions = await stored();
    const ids = new Set(sessions.map((s) => s.id));
    expect([...acknowledged.keys()].filter((id) => !ids.has(id))).toEqual([]);

    const now = Date.now();
    const running = new Map<string, number>();
    for (const s of sessions)
      if (s.endedAt === null && s.expiresAt.getTime() > now) running.set(s.subject, (running.get(s.subject) ?? 0) + 1);
    expect([...running].filter(([, n]) => n > 3)).toEqual([]);

    // Restarted, the process serves again, and the sweepers of both processes expire silent sessions once each.
    const restarted = await startServerProcess(env);
    servers.push(restarted);
    expect((await player(restarted.url, 'demo-app').init('idp', 'after-restart', {})).status).toBe(202);
    const unended = (await stored()).filter((s) => s.endedAt === null);
    if (redis) for (const s of unended) await redis.backdate(s.id, 60);
    else await sql.query(`UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE ended_at IS NULL`);
    const deadline = Date.now() + 15_000;
    let left = -1;
    while (Date.now() < deadline) {
      left = (await stored()).filter((s) => s.endedAt === null).length;
      if (left === 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(left).toBe(0);
    const reasons = new Set((await stored()).map((s) => s.endReason));
    expect(reasons).toContain('expired');
  });
});
