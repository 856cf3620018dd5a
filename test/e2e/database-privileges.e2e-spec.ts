import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createApp } from '../../apps/api/src/bootstrap';
import { loadEnv } from '../../apps/api/src/config/env';
import { player } from '../support/app';

/** README "Production → Database": a role that owns its database, without superuser, runs the server and its migrations. */
describe('database privileges', () => {
  const server = process.env.CM_TEST_SERVER_URL!;
  const suffix = randomBytes(4).toString('hex');
  const role = `cm_owner_${suffix}`;
  const database = `cm_test_privileges_${suffix}`;
  const password = randomBytes(12).toString('hex');

  const asSuperuser = async (sql: string) => {
    const client = new Client({ connectionString: server });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    await asSuperuser(`CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${password}'`);
    await asSuperuser(`CREATE DATABASE ${database} OWNER ${role}`);
  });
  afterAll(async () => {
    await asSuperuser(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await asSuperuser(`DROP ROLE IF EXISTS ${role}`);
  });

  it('a non-superuser role that owns the database migrates it and serves', async () => {
    const url = new URL(server);
    url.username = role;
    url.password = password;
    url.pathname = `/${database}`;
    const app = await createApp(loadEnv({ CM_DB_POOL_SIZE: '4' }), url.toString(), { logger: false });
    try {
      await app.listen(0, '127.0.0.1');
      const base = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
      expect((await player(base, 'demo-app').init('idp', 'owner', { channel: 'news' })).status).toBe(202);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
