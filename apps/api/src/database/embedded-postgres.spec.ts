import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres';

jest.setTimeout(120_000);

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

describe(startEmbeddedPostgres.name, () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cm-embedded-pg-'));
    await fs.chmod(dataDir, 0o755); // as root, PostgreSQL runs as `postgres` and must be able to enter it
  });

  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('leaves SIGINT, SIGTERM and SIGHUP to the app, so it can close its pool before awaiting stop()', async () => {
    // First test on purpose: embedded-postgres registers its hooks when first loaded.
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    const before = signals.map((signal) => process.listenerCount(signal));
    const sut = await startEmbeddedPostgres({ dataDir });
    try {
      expect(signals.map((signal) => process.listenerCount(signal))).toEqual(before);
    } finally {
      await sut.stop();
    }
  });

  it('serves the cm database and keeps data and password across restarts', async () => {
    const lines: string[] = [];
    const first = await startEmbeddedPostgres({ dataDir, log: (line) => lines.push(line) });
    try {
      expect(first.url).toBe(`postgres://postgres:${new URL(first.url).password}@127.0.0.1:${first.port}/cm`);
      expect(await query(first.url, 'select 1 as one')).toEqual([{ one: 1 }]);
      await query(first.url, 'create table kept (v int); insert into kept values (42)');
      expect(lines.some((line) => line.includes('ready to accept connections'))).toBe(true);
    } finally {
      await first.stop();
    }
    await first.stop();

    const second = await startEmbeddedPostgres({ dataDir });
    try {
      expect(new URL(second.url).password).toBe(new URL(first.url).password);
      expect(await query(second.url, 'select v from kept')).toEqual([{ v: 42 }]);
    } finally {
      await second.stop();
    }
    const passwordFile = await fs.stat(path.join(dataDir, 'pg-password'));
    expect(passwordFile.mode & 0o777).toBe(0o600);
  });

  it('refuses a data directory that a running server uses', async () => {
    const running = await startEmbeddedPostgres({ dataDir });
    try {
      await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(/another Concurrency Monitor seems to be using .*CM_DATA_DIR/);
    } finally {
      await running.stop();
    }
  });

  it('starts over a postmaster.pid left behind by a dead server', async () => {
    await fs.writeFile(path.join(dataDir, 'pg', 'postmaster.pid'), '999999999\n');
    const sut = await startEmbeddedPostgres({ dataDir });
    await sut.stop();
  });

  it('reports why PostgreSQL failed to start', async () => {
    const conf = path.join(dataDir, 'pg', 'postgresql.auto.conf');
    const original = await fs.readFile(conf, 'utf8');
    await fs.appendFile(conf, 'no_such_setting = 1\n');
    try {
      await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(/unrecognized configuration parameter "no_such_setting"/);
    } finally {
      await fs.writeFile(conf, original);
    }
  });
});
