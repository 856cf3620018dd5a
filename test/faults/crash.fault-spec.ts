import { createTestDatabase, type TestDatabase } from '../support/database';
import { player } from '../support/app';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { Client } from 'pg';

describe('kill -9 of an api process under load', () => {
  let database: TestDatabase;
  let sql: Client;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('crash');
    sql = new Client({ connectionString: database.url });
  });
  afterAll(async () => {
    for (const s of servers) s.child.kill('SIGKILL');
    await sql.end().catch(() => undefined);
    await database.drop();
  });

  it('loses no acknowledged session and leaves no account over its limit', async () => {
    const env = { DATABASE_URL: database.url, CM_SWEEP_INTERVAL_SECONDS: '1', CM_GRACE_SECONDS: '0' };
    const a = await startServerProcess(env);
    const b = await startServerProcess(env);
    servers.push(a, b);
    await sql.connect();

    const acknowledged = new Map<string, string>(); // sessionId -> subject
    let stop = false;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const server = i % 2 ? a : b;
        const subject = `acct-${(w * 7 + i) % 25}`;
        const p = player(server.url, 'demo-app');
        const res = await p.init('idp', subject, {}).catch(() => null);
        if (res?.status === 202) {
          acknowledged.set(res.body.sessionId, subject);
          await p.heartbeat('idp', subject, res.body.sessionId).catch(() => null);
        }
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
    await new Promise((r) => setTimeout(r, 1500));
    a.child.kill('SIGKILL');
    await a.exited;
    await new Promise((r) => setTimeout(r, 1000));
    stop = true;
    await load;

    expect(acknowledged.size).toBeGreaterThan(20);
    const rows = await sql.query<{ id: string }>('SELECT id FROM sessions WHERE id = ANY($1::uuid[])', [[...acknowledged.keys()]]);
    expect(rows.rows).toHaveLength(acknowledged.size);

    const over = await sql.query(
      `SELECT subject, count(*) FROM sessions WHERE ended_at IS NULL AND expires_at > now() GROUP BY subject HAVING count(*) > 3`,
    );
    expect(over.rows).toEqual([]);

    // Restarted, the process serves again, and the sweepers of both processes expire silent sessions once each.
    const restarted = await startServerProcess(env);
    servers.push(restarted);
    expect((await player(restarted.url, 'demo-app').init('idp', 'after-restart', {})).status).toBe(202);
    await sql.query(`UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE ended_at IS NULL`);
    const deadline = Date.now() + 15_000;
    let left = -1;
    while (Date.now() < deadline) {
      left = Number((await sql.query(`SELECT count(*) FROM sessions WHERE ended_at IS NULL`)).rows[0].count);
      if (left === 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(left).toBe(0);
    const reasons = await sql.query(`SELECT end_reason, count(*)::int AS n FROM sessions GROUP BY end_reason ORDER BY end_reason`);
    expect(reasons.rows.map((r: { end_reason: string }) => r.end_reason)).toContain('expired');
  });
});
