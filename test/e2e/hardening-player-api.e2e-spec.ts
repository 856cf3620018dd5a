import { randomBytes } from 'node:crypto';
import { ADAPTERS, givenApplication, player, startTestApp, type TestApp } from '../support/app';
import { inParallel, retainedHeapBytes } from '../support/memory';

const basic = (user: string, password = '') => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Issue 17: what an attacker of the open player API found, each fixed. */
describe.each(ADAPTERS)('player API hardening on %s', (adapter) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ adapter });
  });
  afterAll(() => t.close());

  it('keeps memory flat under tens of thousands of unknown application ids', async () => {
    const send = async (id: string) => {
      const res = await fetch(`${t.url}/v2/metadata`, { headers: { authorization: basic(id) } });
      await res.arrayBuffer();
      expect(res.status).toBe(401);
    };
    // Warm up the server's code paths, so what follows measures what unknown ids leave behind.
    await inParallel(300, 16, () => send(randomBytes(4500).toString('hex')));
    const before = await retainedHeapBytes();
    // 10,000 ids: two in three of 9 KB (none can be an application id), the others well-formed but unknown.
    await inParallel(10_000, 16, (i) =>
      send(i % 3 === 2 ? `unknown-${randomBytes(24).toString('hex')}` : randomBytes(4500).toString('hex')),
    );
    const grown = (await retainedHeapBytes()) - before;
    expect(grown).toBeLessThan(20 * 1024 * 1024);
    // The service still knows its applications.
    expect((await player(t.url, 'demo-app').metadata()).status).toBe(200);
  }, 180_000);

  it('answers an unknown application id and a wrong secret with one identical 401', async () => {
    const { application } = await givenApplication(t, [{ name: 'cap', limit: 5 }], { requireSecret: true });
    const answers = await Promise.all(
      [basic(`no-such-app-${randomBytes(4).toString('hex')}`, 'secret'), basic(application.id, 'wrong-secret')].map(
        async (authorization) => {
          const res = await fetch(`${t.url}/v2/metadata`, { headers: { authorization } });
          return {
            status: res.status,
            authenticate: res.headers.get('www-authenticate'),
            type: res.headers.get('content-type'),
            body: await res.text(),
          };
        },
      ),
    );
    expect(answers[0].status).toBe(401);
    expect(answers[0]).toEqual(answers[1]);
  });
});
