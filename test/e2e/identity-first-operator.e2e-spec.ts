import { createApp } from '../../apps/api/src/bootstrap';
import { loadEnv } from '../../apps/api/src/config/env';
import { ADAPTERS } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/database';

async function login(url: string, email: string, password: string) {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  return { status: res.status, body: (await res.json()) as { email: string; role: string } };
}

describe.each(ADAPTERS)('first operator on %s', (adapter) => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of databases) await db.drop();
  });

  async function start(env: Record<string, string>, printed: string[]) {
    const database = await createTestDatabase('first_operator');
    databases.push(database);
    const app = await createApp(loadEnv({ CM_HTTP_ADAPTER: adapter, CM_DB_POOL_SIZE: '4', ...env }), database.url, {
      logger: false,
      print: (text) => printed.push(text),
    });
    await app.listen(0, '127.0.0.1');
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
    return { app, url, database };
  }

  it('creates the first admin from CM_ADMIN_EMAIL and CM_ADMIN_PASSWORD, printing no password', async () => {
    const printed: string[] = [];
    const { app, url } = await start({ CM_ADMIN_EMAIL: 'Boss@Example.org', CM_ADMIN_PASSWORD: 'a very long password' }, printed);
    try {
      expect(printed).toEqual([]);
      const res = await login(url, 'boss@example.org', 'a very long password');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ email: 'boss@example.org', role: 'admin' });
    } finally {
      await app.close();
    }
  });

  it('otherwise creates admin@example.com with a generated password printed once, and not again on restart', async () => {
    const printed: string[] = [];
    const { app, url, database } = await start({}, printed);
    let password: string;
    try {
      expect(printed).toHaveLength(1);
      expect(printed[0]).toMatch(/shown only once/);
      password = /password: (\S+)/.exec(printed[0])![1];
      expect(password.length).toBeGreaterThanOrEqual(20);
      expect((await login(url, 'admin@example.com', password)).status).toBe(200);
    } finally {
      await app.close();
    }
    // A second start (or a second process) on the same database creates nothing and prints nothing.
    const again: string[] = [];
    const second = await createApp(loadEnv({ CM_HTTP_ADAPTER: adapter, CM_DB_POOL_SIZE: '4' }), database.url, {
      logger: false,
      print: (text) => again.push(text),
    });
    await second.close();
    expect(again).toEqual([]);
  });
});
