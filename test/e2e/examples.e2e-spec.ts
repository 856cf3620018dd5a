import { ADAPTERS, startTestApp, type TestApp } from '../support/app';

/**
 * `/examples/players/` in development mode (the default): the pages, the committed test stream, the SDK's script-tag
 * build (`npm run build:client`, run by `npm test`) and the players from node_modules, with a CSP that lets Media
 * Source Extensions and the players' workers use blob: URLs. Nothing else of the tree.
 */
describe.each(ADAPTERS)('player examples on %s', (adapter) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ adapter });
  });
  afterAll(() => t?.close());

  it.each([
    ['', 'text/html; charset=utf-8'],
    ['hlsjs.html', 'text/html; charset=utf-8'],
    ['example.js', 'text/javascript; charset=utf-8'],
    ['stream/index.m3u8', 'application/vnd.apple.mpegurl'],
    ['stream/init.mp4', 'video/mp4'],
    ['stream/segment-0.m4s', 'video/iso.segment'],
    ['lib/cm-hlsjs.min.js', 'text/javascript; charset=utf-8'],
    ['vendor/hls.min.js', 'text/javascript; charset=utf-8'],
    ['vendor/video-js.min.css', 'text/css; charset=utf-8'],
  ])('serves /examples/players/%s as %s', async (path, type) => {
    const res = await fetch(`${t.url}/examples/players/${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
    expect(res.headers.get('content-security-policy')).toContain("media-src 'self' blob:");
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });

  it.each([
    '..%2Fpackage.json',
    'vendor/jest.js',
    'stream/..%2F..%2F..%2Fpackage.json',
    'nothing.html',
    'lib/cm-nothing.min.js',
    'make-stream.sh',
  ])('answers 404 for %s', async (path) => {
    const res = await fetch(`${t.url}/examples/players/${path}`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('concurrency-monitor');
  });
});
