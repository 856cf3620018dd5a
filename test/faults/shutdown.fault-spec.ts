import { createTestDatabase, type TestDatabase } from '../support/database';
import { player } from '../support/app';
import { startServerProcess } from '../support/server-process';

describe.each(['express', 'fastify'])('graceful shutdown on SIGTERM (%s)', (adapter) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(`shutdown_${adapter}`);
  });
  afterAll(() => database.drop());

  it('answers every request that arrived before the signal, then exits 0', async () => {
    const server = await startServerProcess({ DATABASE_URL: database.url, CM_HTTP_ADAPTER: adapter });
    const p = player(server.url, 'demo-app');
    // A burst on one account: decisions queue on the account lock, so many are still in flight at the signal.
    const inFlight = Array.from({ length: 150 }, (_, i) => p.init('idp', 'shutdown', { n: String(i) }));
    await new Promise((r) => setTimeout(r, 150));
    server.child.kill('SIGTERM');
    const results = await Promise.allSettled(inFlight);
    const statuses = results.map((r) => (r.status === 'fulfilled' ? r.value.status : 'network error'));
    expect(statuses.filter((s) => s !== 202 && s !== 409)).toEqual([]);
    expect(statuses.filter((s) => s === 202)).toHaveLength(3);
    expect(await server.exited).toBe(0);
    expect(server.output()).not.toMatch(/ERROR|unhandled/i);
    // Once stopped it accepts nothing.
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});
