import { ADAPTERS, startTestApp, type TestApp } from '../support/app';
import { findConsoleDir } from '../../apps/api/src/http/console.module';

/** The api serves the built console at / on both adapters, without shadowing the API paths (HTTP only, no browser). */
describe.each(ADAPTERS)('console served by the api on %s', (adapter) => {
  let t: TestApp;
  beforeAll(async () => {
    if (!findConsoleDir()) throw new Error('The console is not built: run `npm run build:admin` (npm test does it first)');
    t = await startTestApp({ adapter });
  });
  afterAll(() => t?.close());

  const get = (path: string) => fetch(`${t.url}${path}`);

  it('answers index.html at / and for client-side routes, revalidated', async () => {
    for (const path of ['/', '/policies/0190-abc', '/accounts?idp=a&subject=b']) {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('<div id="root"></div>');
    }
  });

  it('serves the hashed bundles as immutable, and a missing one as 404', async () => {
    const html = await (await get('/')).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1];
    const res = await get(script);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect((await get('/assets/missing-0000.js')).status).toBe(404);
  });

  it('never shadows the API, health and metrics paths', async () => {
    for (const path of ['/api/v1/no-such-route', '/v2/no-such-route', '/api/nothing']) {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    expect((await get('/healthz')).headers.get('content-type')).toMatch(/^application\/json/);
    expect((await get('/metrics')).headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await get('/api/v1/auth/me')).status).toBe(401);
  });
});
