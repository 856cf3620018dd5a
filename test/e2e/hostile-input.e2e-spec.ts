import fc from 'fast-check';
import { request } from 'node:http';
import { ADAPTERS, startTestApp, STORES, type TestApp } from '../support/app';
import { hostileString } from '../support/hostile-text';
import { adminApi } from '../support/management';

interface RawResponse {
  status: number;
  body: string;
}

/** Sends bytes as they are (no client-side normalisation of the path, headers or body). */
function raw(url: string, method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, method, path, headers, insecureHTTPParser: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (body) req.end(body);
    else req.end();
  });
}

const demoAuth = `Basic ${Buffer.from('demo-app:').toString('base64')}`;

const segment = fc.oneof(
  fc.constantFrom(
    '..',
    '.',
    '%2e%2e',
    '%00',
    '%ff',
    '%',
    '%2F',
    'demo-idp',
    'alice',
    '01a21dc2-59e6-74ec-b37e-90e84456a4f3',
    "' OR 1=1 --",
    '<script>alert(1)</script>',
    '${jndi:x}',
    '\u00e9t\u00e9',
  ),
  fc.string({ maxLength: 30 }).map((s) => encodeURIComponent(s)),
  fc.nat({ max: 600 }).map((n) => 'x'.repeat(n)),
);

const path = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('/v2/sessions', '/v2/runningStreams', '/v2/metadata', '/v2', '/healthz', '/readyz', '/'),
      fc.array(segment, { maxLength: 4 }),
    )
    .map(([base, segs]) => [base, ...segs].join('/')),
  fc.constantFrom(
    '/v2/sessions/a/b?x=1&x=2',
    '/v2/sessions/a/b?a[b][c]=1',
    '/v2/sessions/a/b?__proto__=1',
    '/v2/sessions/a/b?constructor[prototype][x]=1',
    '/v2/sessions/a/b?' + 'k=v&'.repeat(200),
  ),
);

const jsonish: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    hostileString(),
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileString(10), tie('value'), { maxKeys: 4 }),
  ),
})).value;

const body = fc.oneof(
  fc.constant(undefined),
  jsonish.map((v) => ({ type: 'application/json', data: Buffer.from(JSON.stringify(v) ?? 'null') })),
  fc.uint8Array({ maxLength: 300 }).map((b) => ({ type: 'application/json', data: Buffer.from(b) })),
  fc.uint8Array({ maxLength: 300 }).map((b) => ({ type: 'application/x-www-form-urlencoded', data: Buffer.from(b) })),
  fc.string({ maxLength: 200 }).map((s) => ({ type: 'text/plain', data: Buffer.from(s) })),
  fc.constant({ type: 'application/json', data: Buffer.from('['.repeat(5000) + ']'.repeat(5000)) }),
  fc.constant({ type: 'application/json', data: Buffer.from(JSON.stringify({ channel: 'x'.repeat(200_000) })) }),
  fc.constant({ type: 'application/x-www-form-urlencoded', data: Buffer.from('channel=%ZZ&deviceId=%E0%A4%A') }),
  fc.constant({ type: 'application/x-www-form-urlencoded', data: Buffer.from('deviceName=a%00b&channel=%ED%A0%80') }),
  fc.constant({ type: 'application/json', data: Buffer.from('{"deviceName":"\\ud800"}') }),
  fc.constant({ type: 'application/json', data: Buffer.from('{"channel":"x\\udfff","\\u0000":"y"}') }),
);

const headers = fc.record({
  authorization: fc.oneof(
    fc.constant(demoAuth),
    fc.constant(undefined),
    fc.string({ maxLength: 40 }),
    fc.constant('Basic %%%'),
    fc.constant(`Basic ${Buffer.from(':').toString('base64')}`),
  ),
  'x-terminate': fc.oneof(
    fc.constant(undefined),
    fc.string({ maxLength: 60 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
  ),
});

const VARIANTS = STORES.flatMap((store) => ADAPTERS.map((adapter) => [adapter, store] as const));

describe.each(VARIANTS)('hostile input on %s, sessions in %s', (adapter, store) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      adapter,
      store,
      env: { CM_THROTTLE_ACCOUNT_INITS_PER_MINUTE: '100000', CM_THROTTLE_SESSION_PER_MINUTE: '100000' },
    });
  });
  afterAll(() => t.close());

  it('never answers 5xx, and stores exactly the sessions it acknowledged', async () => {
    let acknowledged = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD'),
        path,
        headers,
        body,
        async (method, p, h, b) => {
          const sent: Record<string, string> = {};
          for (const [k, v] of Object.entries(h)) if (v !== undefined) sent[k] = v;
          if (b) sent['content-type'] = b.type;
          const res = await raw(t.url, method, p, sent, b?.data).catch(async (error: Error) => {
            // The server may close the connection on a malformed request (e.g. a preflight it refuses while the
            // body is still being written). That is fine as long as it keeps serving.
            expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
            return { status: 0, body: error.message };
          });
          if (res.status >= 500) throw new Error(`${method} ${p.slice(0, 120)} -> ${res.status} ${res.body.slice(0, 300)}`);
          if (method === 'POST' && res.status === 202 && res.body.includes('terminationCode')) acknowledged++;
        },
      ),
      { numRuns: 400 },
    );
    expect(await t.sessionCount()).toBe(acknowledged);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it('answers a deeply nested JSON body with 400 (never 500) on the management API, sign-in included', async () => {
    const { token } = await adminApi(t);
    const json = { 'content-type': 'application/json' };
    for (const depth of [40, 5_000, 40_000]) {
      const arrays = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const objects = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      const calls: Array<[string, Record<string, string>, string]> = [
        ['/api/v1/auth/login', json, `{"email":"a@example.com","password":"x","extra":${arrays}}`],
        ['/api/v1/auth/login', json, `{"email":${objects},"password":"x"}`],
        ['/api/v1/tenants', { ...json, authorization: `Bearer ${token}` }, `{"slug":"deep","name":${objects}}`],
        ['/api/v1/policies/simulate', { ...json, authorization: `Bearer ${token}` }, `{"policies":${arrays}}`],
      ];
      for (const [path, headers, body] of calls) {
        const res = await raw(t.url, 'POST', path, headers, Buffer.from(body));
        expect([path, depth, res.status]).toEqual([path, depth, path === '/api/v1/auth/login' && body.length > 8192 ? 413 : 400]);
        expect(res.body).toMatch(/deeper than|at most 8192 bytes/);
      }
    }
  });

  it('answers an oversized body with 413 and oversized headers with 431', async () => {
    const big = await raw(
      t.url,
      'POST',
      '/v2/sessions/a/b',
      { authorization: demoAuth, 'content-type': 'application/json' },
      Buffer.from(JSON.stringify({ channel: 'a'.repeat(300_000) })),
    );
    expect(big.status).toBe(413);
    const headersTooBig = await raw(t.url, 'GET', '/v2/metadata', { authorization: demoAuth, 'x-junk': 'h'.repeat(40_000) }).catch(() => ({
      status: 431,
      body: '',
    }));
    expect(headersTooBig.status).toBe(431);
  });
});
