import { Client } from 'pg';
import { createTestDatabase } from './database';

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

async function databaseExists(name: string): Promise<boolean> {
  const server = await connect(process.env.CM_TEST_SERVER_URL!);
  try {
    const { rowCount } = await server.query('select 1 from pg_database where datname = $1', [name]);
    return rowCount === 1;
  } finally {
    await server.end();
  }
}

describe(createTestDatabase.name, () => {
  it('creates a fresh database and drops it even while a client is still connected', async () => {
    const sut = await createTestDatabase('harness', { empty: true });
    expect(sut.name).toMatch(/^cm_test_harness_[0-9a-f]{8}$/);

    const client = await connect(sut.url);
    client.on('error', () => undefined); // the drop terminates this connection
    const { rows } = await client.query(
      `select current_database() as name, count(*)::int as tables from pg_tables where schemaname = 'public'`,
    );
    expect(rows).toEqual([{ name: sut.name, tables: 0 }]);

    await sut.drop();
    await sut.drop();
    expect(await databaseExists(sut.name)).toBe(false);
    await client.end().catch(() => undefined);
  });

  it('gives every call its own database', async () => {
    const [a, b] = await Promise.all([createTestDatabase('Same Prefix!'), createTestDatabase('Same Prefix!')]);
    try {
      expect(a.name).toMatch(/^cm_test_same_prefix__[0-9a-f]{8}$/);
      expect(a.name).not.toBe(b.name);
    } finally {
      await Promise.all([a.drop(), b.drop()]);
    }
  });

  it('clones a template database', async () => {
    const template = await createTestDatabase('template', { empty: true });
    const client = await connect(template.url);
    await client.query("create table marker (v text); insert into marker values ('migrated')");
    await client.end();

    const sut = await createTestDatabase('from_template', { template: template.name });
    try {
      const copy = await connect(sut.url);
      const { rows } = await copy.query('select v from marker');
      await copy.end();
      expect(rows).toEqual([{ v: 'migrated' }]);
    } finally {
      await Promise.all([sut.drop(), template.drop()]);
    }
  });

  it("clones the run's migrated template by default, so a suite starts on the current schema", async () => {
    const sut = await createTestDatabase('migrated');
    try {
      const client = await connect(sut.url);
      const { rows } = await client.query<{ n: number }>('select count(*)::int as n from migrations');
      await client.end();
      expect(rows[0].n).toBeGreaterThan(0);
    } finally {
      await sut.drop();
    }
  });
});
