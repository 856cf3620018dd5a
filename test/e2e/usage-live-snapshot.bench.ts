/**
 * Measures GET /api/v1/usage/live with 1,000,000 running sessions (not part of `npm test`; prints, asserts no
 * timing). Run against the machine's PostgreSQL, in a scratch database of its own:
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx jest --testMatch '<rootDir>/test/e2e/*.bench.ts' test/e2e/usage-live-snapshot.bench.ts
 */
import { Client } from 'pg';
import { startTestApp, type TestApp } from '../support/app';
import { adminApi } from '../support/management';

const SESSIONS = 1_000_000;
const APPLICATIONS = 10;
const RUNS = 20;

async function timeSnapshots(t: TestApp, label: string): Promise<void> {
  const admin = await adminApi(t);
  for (let i = 0; i < 3; i++) await admin.api('GET', '/usage/live'); // warm-up
  const ms: number[] = [];
  let running = 0;
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const res = await admin.api('GET', '/usage/live');
    ms.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (res.status !== 200) throw new Error(`GET /usage/live answered ${res.status}: ${res.text}`);
    running = res.body.running;
  }
  ms.sort((a, b) => a - b);
  const pct = (p: number) => ms[Math.min(ms.length - 1, Math.floor((p / 100) * ms.length))].toFixed(1);
  console.log(
    `${label}: running=${running}, ${RUNS} sequential GET /api/v1/usage/live: min ${pct(0)} ms, median ${pct(50)} ms, p95 ${pct(95)} ms, max ${pct(100)} ms`,
  );
}

/** Bulk SQL on a connection of its own (the app's pool times queries out after 5 s). */
async function seed(t: TestApp, work: (db: Client) => Promise<unknown>): Promise<void> {
  const db = new Client({ connectionString: t.databaseUrl });
  await db.connect();
  try {
    await work(db);
  } finally {
    await db.end();
  }
}

describe('live snapshot at 1,000,000 running sessions', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { CM_SWEEP_INTERVAL_SECONDS: '3600' } });
    const tenant = (await t.tenants.findBySlug('demo'))!;
    const apps = ['demo-app'];
    for (let i = 1; i < APPLICATIONS; i++)
      apps.push((await t.applications.create(tenant.id, { id: `bench-app-${i}`, name: `Bench ${i}` })).application.id);
    const started = Date.now();
    await seed(t, (db) =>
      db.query(
        `INSERT INTO sessions (id, idp, subject, application_id, termination_code, metadata, started_at, expires_at, policy_epoch)
       SELECT gen_random_uuid(), 'bench-idp', 'subject-' || g, ($1::text[])[1 + g % $2], lpad(to_hex(g), 8, '0'), '{"channel":"news"}',
              now() - (g % 3600) * interval '1 second', now() + interval '10 minutes', 1
         FROM generate_series(1, ${SESSIONS}) g`,
        [apps, APPLICATIONS],
      ),
    );
    await seed(t, (db) => db.query('VACUUM ANALYZE sessions'));
    console.log(`seeded ${SESSIONS} running sessions on ${APPLICATIONS} applications in ${Date.now() - started} ms`);
  }, 600_000);
  afterAll(() => t?.close(), 120_000);

  it('answers after VACUUM (the steady state autovacuum keeps)', () => timeSnapshots(t, 'vacuumed'), 300_000);

  it('answers right after every session heartbeated once (no vacuum since)', async () => {
    await seed(t, (db) =>
      db.query(
        `UPDATE sessions SET expires_at = expires_at + interval '1 minute', last_heartbeat_at = now() WHERE subject LIKE 'subject-%'`,
      ),
    );
    await timeSnapshots(t, 'after a full heartbeat wave');
  }, 600_000);
});
