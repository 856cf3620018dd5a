import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { player } from '../support/app';
import { startServerProcess, type ServerProcess } from '../support/server-process';

const DURATION_MS = Number(process.env.SOAK_SECONDS ?? 120) * 1000;
const WARM_UP_MS = Math.min(30_000, DURATION_MS / 4);
const CONCURRENCY = 16;

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/**
 * The realistic mix (per player: 1 init, 20 heartbeats, 1 stop) for a bounded time against a real server process:
 * no error answers, and neither memory nor database connections grow after warm-up.
 */
describe('soak: realistic mix', () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let sql: Client;

  beforeAll(async () => {
    database = await createTestDatabase('soak');
    server = await startServerProcess({
      DATABASE_URL: database.url,
      CM_THROTTLE_SESSION_PER_MINUTE: '1000000',
      CM_THROTTLE_ACCOUNT_INITS_PER_MINUTE: '1000000',
    });
    sql = new Client({ connectionString: database.url });
    await sql.connect();
  });
  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await server?.exited;
    await sql?.end();
    await database.drop();
  });

  it(`runs ${DURATION_MS / 1000} s without errors or growth`, async () => {
    const p = player(server.url, 'demo-app');
    const pid = server.child.pid!;
    const statuses = new Map<number, number>();
    const count = (s: number) => statuses.set(s, (statuses.get(s) ?? 0) + 1);
    const samples: Array<{ at: number; rss: number; connections: number }> = [];
    const start = Date.now();
    let done = false;

    const sampler = (async () => {
      while (!done) {
        const connections = Number(
          (
            await sql.query(
              `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'concurrency-monitor'`,
            )
          ).rows[0].count,
        );
        samples.push({ at: Date.now() - start, rss: rssMb(pid), connections });
        await new Promise((r) => setTimeout(r, 2000));
      }
    })();

    const playerLoop = async (w: number) => {
      for (let round = 0; Date.now() - start < DURATION_MS; round++) {
        const subject = `soak-${w}-${round % 50}`;
        const init = await p.init('idp', subject, { channel: `c${w % 4}` });
        count(init.status);
        if (init.status !== 202) continue;
        for (let i = 0; i < 20 && Date.now() - start < DURATION_MS; i++)
          count((await p.heartbeat('idp', subject, init.body.sessionId)).status);
        count((await p.stop('idp', subject, init.body.sessionId)).status);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => playerLoop(w)));
    done = true;
    await sampler;

    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    const afterWarmUp = samples.filter((s) => s.at >= WARM_UP_MS);
    const first = afterWarmUp[0];
    const last = afterWarmUp[afterWarmUp.length - 1];
    const maxConnections = Math.max(...afterWarmUp.map((s) => s.connections));
    console.log(
      `soak: ${total} requests in ${DURATION_MS / 1000} s (${Math.round(total / (DURATION_MS / 1000))}/s), statuses ${JSON.stringify(Object.fromEntries(statuses))}; ` +
        `RSS after warm-up ${first.rss.toFixed(1)} MB -> ${last.rss.toFixed(1)} MB (peak ${Math.max(...afterWarmUp.map((s) => s.rss)).toFixed(1)} MB); ` +
        `database connections ${first.connections} -> ${last.connections} (max ${maxConnections})`,
    );
    expect([...statuses.keys()].filter((s) => s !== 202)).toEqual([]);
    // RSS moves with V8's lazy collection; a leak shows as a rising floor. Compare the two halves after warm-up.
    const half = Math.floor(afterWarmUp.length / 2);
    const floor = (xs: typeof afterWarmUp) => Math.min(...xs.map((x) => x.rss));
    console.log(
      `soak: RSS floor first half ${floor(afterWarmUp.slice(0, half)).toFixed(1)} MB, second half ${floor(afterWarmUp.slice(half)).toFixed(1)} MB`,
    );
    expect(floor(afterWarmUp.slice(half))).toBeLessThan(floor(afterWarmUp.slice(0, half)) * 1.25 + 25);
    // The pools' configured ceiling: CM_DB_POOL_SIZE (20) plus the heartbeat pool (half of it).
    expect(maxConnections).toBeLessThanOrEqual(30);
    expect(last.connections).toBeLessThanOrEqual(first.connections + 5);
  });
});
