import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { ConcurrencyClient, ConcurrencyError } from '@cm/client';
import { ADAPTERS, givenApplication, player, startTestApp, type TestApp } from '../support/app';
import { adminApi, type ManagementSession } from '../support/management';
import { eventually } from './management-helpers';

const ISSUER = 'https://id.example.com';
const AUDIENCE = 'concurrency-monitor';

/** The operator's identity system: a key pair, its public JWKS, and tokens it signs. */
async function identitySystem(alg: 'RS256' | 'EdDSA' = 'RS256') {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `${alg}-${Math.random().toString(16).slice(2, 8)}`;
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg };
  const sign = (
    claims: Record<string, unknown>,
    options: { iss?: string; aud?: string; exp?: number; nbf?: number; key?: CryptoKey } = {},
  ) => {
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg, kid })
      .setIssuer(options.iss ?? ISSUER)
      .setAudience(options.aud ?? AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(options.exp ?? Math.floor(Date.now() / 1000) + 600);
    if (options.nbf !== undefined) jwt.setNotBefore(options.nbf);
    return jwt.sign(options.key ?? privateKey);
  };
  return { publicJwk, privateJwk, sign, jwks: { keys: [publicJwk] } };
}

const countSessions = async (t: TestApp, subject: string) =>
  Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM sessions WHERE subject = $1', [subject]))[0].n);

describe.each(ADAPTERS)('entitlements on %s', (adapter) => {
  let t: TestApp;
  let admin: ManagementSession;
  let idp: Awaited<ReturnType<typeof identitySystem>>;

  beforeAll(async () => {
    t = await startTestApp({ adapter });
    admin = await adminApi(t);
    idp = await identitySystem();
  });
  afterAll(() => t.close());

  /** An application with `rules` and entitlements from `idp`, set through the management API. */
  async function withEntitlements(rules: unknown[], settings: Record<string, unknown> = {}) {
    const given = await givenApplication(t, rules);
    const entitlements = { issuer: ISSUER, audience: AUDIENCE, jwks: idp.jwks, ...settings };
    const patched = await admin.api('PATCH', `/applications/${given.application.id}`, { entitlements });
    expect(patched.status).toBe(200);
    const cm = player(t.url, given.application.id);
    // The CM API's cached settings follow within its one-second epoch poll.
    await eventually(
      () => cm.metadata(),
      (r) => (r.body as string[]).includes('entitlement'),
    );
    return { ...given, cm, entitlement: (claims: Record<string, unknown> = {}) => idp.sign(claims) };
  }

  it("plays the README's worked example: Basic gets one stream, Premium the plan's screens", async () => {
    const { cm } = await withEntitlements([
      { name: 'basic', limit: 1, where: [{ attribute: 'claims.tier', op: 'eq', value: 'basic' }] },
      {
        name: 'premium screens',
        limit: 2,
        limitClaim: 'screens',
        maxLimit: 6,
        where: [{ attribute: 'claims.tier', op: 'eq', value: 'premium' }],
      },
    ]);
    expect((await cm.metadata()).body).toEqual(['entitlement']);
    const premium = await idp.sign({ tier: 'premium', screens: 3 });
    for (let i = 0; i < 3; i++) expect((await cm.init('demo-idp', 'alice', {}, { 'x-cm-entitlement': premium })).status).toBe(202);
    const fourth = await cm.init('demo-idp', 'alice', {}, { 'x-cm-entitlement': premium });
    expect(fourth.status).toBe(409);
    expect(fourth.body.associatedAdvice[0]).toMatchObject({ ruleName: 'premium screens', threshold: 3 });
    expect((await cm.running('demo-idp', 'alice')).body.runningStreams[0].metadata).toEqual({
      'claims.tier': 'premium',
      'claims.screens': '3',
    });
    const basic = await idp.sign({ tier: 'basic' });
    expect((await cm.init('demo-idp', 'bob', {}, { 'x-cm-entitlement': basic })).status).toBe(202);
    expect((await cm.init('demo-idp', 'bob', {}, { 'x-cm-entitlement': basic })).status).toBe(409);
    const none = await cm.init('demo-idp', 'alice');
    expect(none.status).toBe(401);
    expect(none.body).toEqual({
      type: 'about:blank',
      title: 'Unauthorized',
      status: 401,
      code: 'ENTITLEMENT_REJECTED',
      reason: 'missing',
      detail: 'This application needs an entitlement token: send it in X-CM-Entitlement',
    });
  });

  it('configures entitlements (public keys only) and lists them as required metadata', async () => {
    const { application, cm } = await withEntitlements([
      { name: 'tiered', limit: 1, scope: ['channel'], where: [{ attribute: 'claims.tier', op: 'eq', value: 'basic' }] },
    ]);
    const app = (await admin.api('GET', `/applications/${application.id}`)).body;
    expect(app.entitlements).toEqual({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [idp.publicJwk] } });
    expect((await cm.metadata()).body).toEqual(['channel', 'entitlement']);
    const audit = await admin.api('GET', `/audit?targetType=application&targetId=${application.id}&limit=5`);
    expect(audit.body.items[0]).toMatchObject({ action: 'application.update', after: { entitlements: { issuer: ISSUER } } });
  });

  it('refuses bad entitlement settings with a 400 naming the field, and stores nothing', async () => {
    const { application } = await givenApplication(t, [{ name: 'one', limit: 1 }]);
    const secret = new TextEncoder().encode('a shared secret');
    const base = { issuer: ISSUER, audience: AUDIENCE };
    for (const [entitlements, field] of [
      [{ ...base, jwks: { keys: [idp.privateJwk] } }, 'entitlements.jwks.keys[0]'],
      [{ ...base, jwks: { keys: [{ kty: 'oct', k: Buffer.from(secret).toString('base64url') }] } }, 'entitlements.jwks.keys[0]'],
      [{ ...base, jwks: { keys: [{ kty: 'RSA', n: 'AQAB', e: 'AQAB', alg: 'HS256' }] } }, 'entitlements.jwks.keys[0]'],
      [{ ...base, jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'bad', y: 'bad' }] } }, 'entitlements.jwks.keys[0]'],
      [{ ...base, jwks: { keys: [] } }, 'entitlements.jwks.keys'],
      [{ ...base, jwks: { keys: 'none' } }, 'entitlements.jwks.keys'],
      [base, 'entitlements'],
      [{ ...base, jwks: idp.jwks, jwksUrl: 'https://id.example.com/jwks' }, 'entitlements'],
      [{ ...base, jwksUrl: 'http://id.example.com/jwks' }, 'entitlements.jwksUrl'],
      [{ ...base, jwksUrl: 'not a url' }, 'entitlements.jwksUrl'],
      [{ ...base, jwks: idp.jwks, subjectClaim: 'a b' }, 'entitlements.subjectClaim'],
      [{ ...base, jwks: idp.jwks, extra: 1 }, 'entitlements.extra'],
      [{ issuer: ISSUER, jwks: idp.jwks }, 'entitlements.audience'],
      [{ ...base, issuer: '' }, 'entitlements.issuer'],
    ] as const) {
      const res = await admin.api('PATCH', `/applications/${application.id}`, { entitlements });
      expect({ field, status: res.status, named: res.body.errors?.[0]?.field }).toEqual({ field, status: 400, named: field });
    }
    expect((await admin.api('GET', `/applications/${application.id}`)).body.entitlements).toBeNull();
  });

  it('answers 401 with the reason for a missing or bad token at init, never 5xx, and stores nothing', async () => {
    const { cm } = await withEntitlements([{ name: 'one', limit: 1 }]);
    const other = await identitySystem('EdDSA');
    const now = Math.floor(Date.now() / 1000);
    const good = await idp.sign({ sub: 'x' });
    const [header, payload, signature] = good.split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), tier: 'gold' })).toString('base64url')}.${signature}`;
    const hmac = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode('secret'));
    const cases: Array<[string, string | undefined, string]> = [
      ['missing', undefined, 'missing'],
      ['empty', '', 'missing'],
      ['garbage', 'not.a.jwt', 'malformed'],
      ['forged by another key', await other.sign({}), 'signature'],
      ['signed with another key under our kid', await idp.sign({}, { key: (await generateKeyPair('RS256')).privateKey }), 'signature'],
      ['tampered', tampered, 'signature'],
      ['hs256', hmac, 'malformed'],
      ['expired', await idp.sign({}, { exp: now - 3600 }), 'expired'],
      ['not yet valid', await idp.sign({}, { nbf: now + 3600 }), 'not-yet-valid'],
      ['wrong issuer', await idp.sign({}, { iss: 'https://evil.example.com' }), 'issuer'],
      ['wrong audience', await idp.sign({}, { aud: 'another-service' }), 'audience'],
    ];
    for (const [what, token, reason] of cases) {
      const subject = `bad-${reason}-${Math.random().toString(16).slice(2, 6)}`;
      const res = await cm.init('idp', subject, {}, token === undefined ? {} : { 'x-cm-entitlement': token });
      expect({ what, status: res.status, reason: res.body?.reason, code: res.body?.code }).toEqual({
        what,
        status: 401,
        reason,
        code: 'ENTITLEMENT_REJECTED',
      });
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.headers.get('www-authenticate')).toMatch(/^Entitlement /);
      expect(res.body.detail).toEqual(expect.any(String));
      expect(await countSessions(t, subject)).toBe(0);
    }
    expect((await cm.init('idp', 'good', {}, { 'x-cm-entitlement': good })).status).toBe(202);
  });

  it('fuzzed entitlement headers always answer 401, never 5xx, and store nothing', async () => {
    const { cm } = await withEntitlements([{ name: 'one', limit: 1, countBy: 'claims.household' }]);
    const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
    const json = fc.jsonValue({ maxDepth: 2 });
    const header = fc.oneof(
      json,
      fc.record(
        {
          alg: fc.constantFrom('RS256', 'EdDSA', 'none', 'HS256', 'ES512', 'RSA-OAEP', 7),
          kid: fc.oneof(fc.string(), fc.constant(idp.publicJwk.kid), json),
          crit: json,
          b64: fc.boolean(),
          jwk: json,
        },
        { requiredKeys: ['alg'] },
      ),
    );
    const token = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.tuple(header, json, fc.string({ maxLength: 60 })).map(([h, p, sig]) => `${b64(h)}.${b64(p)}.${b64(sig)}`),
      fc.tuple(header, json).map(([h, p]) => `${b64(h)}.${b64(p)}`),
      fc.array(fc.base64String({ maxLength: 40 }), { maxLength: 6 }).map((parts) => parts.join('.')),
    );
    await fc.assert(
      fc.asyncProperty(token, async (value) => {
        const res = await cm.init('idp', 'fuzzed', {}, { 'x-cm-entitlement': value.replace(/[\r\n\0]/g, '') });
        expect(res.status).toBe(401);
      }),
      { numRuns: 150 },
    );
    expect(await countSessions(t, 'fuzzed')).toBe(0);
  });

  it('keeps the claims the rules read as claims.* attributes; players cannot send them', async () => {
    const { cm, application } = await withEntitlements([
      { name: 'basic: 1 per channel', limit: 1, scope: ['channel'], where: [{ attribute: 'claims.tier', op: 'eq', value: 'basic' }] },
    ]);
    const token = await idp.sign({ tier: 'basic', email: 'viewer@example.com', groups: ['a'] });
    const init = await cm.init('idp', 'claims', { channel: 'news' }, { 'x-cm-entitlement': token });
    expect(init.status).toBe(202);
    const running = await cm.running('idp', 'claims');
    expect(running.body.runningStreams[0].metadata).toEqual({ channel: 'news', 'claims.tier': 'basic' });

    for (const res of [
      await cm.init('idp', 'claims', { channel: 'sport', 'claims.tier': 'premium' }, { 'x-cm-entitlement': token }),
      await cm.heartbeat('idp', 'claims', init.body.sessionId, { 'claims.tier': 'premium' }),
      await player(t.url, 'demo-app').init('idp', 'claims', { 'claims.tier': 'premium' }),
    ]) {
      expect(res.status).toBe(400);
      expect(res.body.detail).toMatch(/claims\.tier.*reserved/);
    }
    // A claim the rules name, missing from a valid token: 401 naming it.
    const noTier = await cm.init('idp', 'claims-missing', { channel: 'news' }, { 'x-cm-entitlement': await idp.sign({}) });
    expect(noTier.status).toBe(401);
    expect(noTier.body).toMatchObject({ reason: 'claims', detail: expect.stringContaining('"tier"') });
    expect(application.id).toBeTruthy();
  });

  it('decides by claims: where on claims.tier, countBy and scope on claims', async () => {
    const { cm } = await withEntitlements([
      { name: 'basic: 1 stream', limit: 1, where: [{ attribute: 'claims.tier', op: 'eq', value: 'basic' }] },
      { name: '2 households per account', limit: 2, countBy: 'claims.household', scope: ['claims.region'] },
    ]);
    const as = (claims: Record<string, unknown>) => idp.sign({ region: 'eu', household: 'h1', ...claims });
    const start = async (subject: string, claims: Record<string, unknown>) =>
      (await cm.init('idp', subject, {}, { 'x-cm-entitlement': await as(claims) })).status;

    expect(await start('basic', { tier: 'basic' })).toBe(202);
    expect(await start('basic', { tier: 'basic' })).toBe(409);
    expect(await start('premium', { tier: 'premium' })).toBe(202);
    expect(await start('premium', { tier: 'premium' })).toBe(202);

    expect(await start('houses', { tier: 'premium', household: 'h1' })).toBe(202);
    expect(await start('houses', { tier: 'premium', household: 'h2' })).toBe(202);
    expect(await start('houses', { tier: 'premium', household: 'h1' })).toBe(202);
    const third = await cm.init('idp', 'houses', {}, { 'x-cm-entitlement': await as({ tier: 'premium', household: 'h3' }) });
    expect(third.status).toBe(409);
    expect(third.body.associatedAdvice[0]).toMatchObject({ attribute: 'claims.household', threshold: 2, scope: ['claims.region'] });
    expect(Object.keys(third.body.associatedAdvice[0].conflicts).sort()).toEqual(['h1', 'h2']);
    expect(await start('houses', { tier: 'premium', household: 'h3', region: 'us' })).toBe(202);
  });

  it('takes the limit from a claim (capped by maxLimit), else the rule limit', async () => {
    const { cm } = await withEntitlements([{ name: 'plan', limit: 2, limitClaim: 'climit', maxLimit: 4 }]);
    const fill = async (subject: string, claims: Record<string, unknown>) => {
      const token = await idp.sign(claims);
      let admitted = 0;
      let last: Awaited<ReturnType<typeof cm.init>> | undefined;
      for (let i = 0; i < 6; i++) {
        last = await cm.init('idp', subject, {}, { 'x-cm-entitlement': token });
        if (last.status === 202) admitted++;
      }
      return { admitted, threshold: last?.body.associatedAdvice?.[0]?.threshold };
    };
    expect(await fill('plan-3', { climit: 3 })).toEqual({ admitted: 3, threshold: 3 });
    expect(await fill('plan-none', {})).toEqual({ admitted: 2, threshold: 2 });
    expect(await fill('plan-text', { climit: '1' })).toEqual({ admitted: 1, threshold: 1 });
    expect(await fill('plan-big', { climit: 10 })).toEqual({ admitted: 4, threshold: 4 });
    expect(await fill('plan-bad', { climit: 'lots' })).toEqual({ admitted: 2, threshold: 2 });
  });

  it('a heartbeat may bring a newer entitlement; a refused one changes nothing', async () => {
    const { cm } = await withEntitlements([{ name: 'plan', limit: 1, limitClaim: 'climit' }]);
    const first = await cm.init('idp', 'upgrade', {}, { 'x-cm-entitlement': await idp.sign({ climit: 1 }) });
    expect(first.status).toBe(202);
    expect((await cm.init('idp', 'upgrade', {}, { 'x-cm-entitlement': await idp.sign({ climit: 1 }) })).status).toBe(409);
    const beat = await cm.raw('POST', `/v2/sessions/idp/upgrade/${first.body.sessionId}`, {
      headers: { 'x-cm-entitlement': await idp.sign({ climit: 2 }) },
    });
    expect(beat.status).toBe(202);
    expect((await cm.running('idp', 'upgrade')).body.runningStreams[0].metadata).toEqual({ 'claims.climit': '2' });
    expect((await cm.init('idp', 'upgrade', {}, { 'x-cm-entitlement': await idp.sign({ climit: 2 }) })).status).toBe(202);

    const refused = await cm.raw('POST', `/v2/sessions/idp/upgrade/${first.body.sessionId}`, {
      headers: { 'x-cm-entitlement': await idp.sign({ climit: 9 }, { exp: Math.floor(Date.now() / 1000) - 600 }) },
    });
    expect(refused.status).toBe(401);
    expect(refused.body.reason).toBe('expired');
    expect((await cm.heartbeat('idp', 'upgrade', first.body.sessionId)).status).toBe(202);
    expect((await cm.running('idp', 'upgrade')).body.runningStreams[0].metadata).toEqual({ 'claims.climit': '2' });
  });

  it('ties a token to its subject when subjectClaim is set', async () => {
    const { cm } = await withEntitlements([{ name: 'one', limit: 1 }], { subjectClaim: 'sub' });
    expect((await cm.init('idp', 'alice', {}, { 'x-cm-entitlement': await idp.sign({ sub: 'alice' }) })).status).toBe(202);
    const stolen = await cm.init('idp', 'mallory', {}, { 'x-cm-entitlement': await idp.sign({ sub: 'alice' }) });
    expect(stolen.status).toBe(401);
    expect(stolen.body.reason).toBe('subject');
  });

  it('fetches the keys from a JWKS URL; 503 while it cannot be reached', async () => {
    const remote = await identitySystem('EdDSA');
    const server: Server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(remote.jwks));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
    try {
      const { cm, application } = await withEntitlements([{ name: 'one', limit: 1 }], { jwks: undefined, jwksUrl });
      expect((await admin.api('GET', `/applications/${application.id}`)).body.entitlements).toEqual({
        issuer: ISSUER,
        audience: AUDIENCE,
        jwksUrl,
      });
      expect((await cm.init('idp', 'remote', {}, { 'x-cm-entitlement': await remote.sign({}) })).status).toBe(202);
      expect((await cm.init('idp', 'remote-2', {}, { 'x-cm-entitlement': await idp.sign({}) })).body.reason).toBe('signature');

      const closed = await withEntitlements([{ name: 'one', limit: 1 }], { jwks: undefined, jwksUrl: 'http://127.0.0.1:1/jwks.json' });
      const unreachable = await closed.cm.init('idp', 'nowhere', {}, { 'x-cm-entitlement': await remote.sign({}) });
      expect(unreachable.status).toBe(503);
      expect(unreachable.headers.get('retry-after')).toBeTruthy();
      expect(await countSessions(t, 'nowhere')).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('answers the same 503 whatever the JWKS URL does: closed port, refused connection, error status, not JSON, too large', async () => {
    const remote = await identitySystem('EdDSA');
    const servers: Server[] = [];
    /** A local server whose every connection meets `handle`; its JWKS URL. */
    const serving = async (handle: (req: IncomingMessage, res: ServerResponse) => void) => {
      const server = createServer(handle);
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
    };
    const closedPort = await serving(() => undefined);
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const targets = {
      'closed port': closedPort,
      'connection reset': await serving((req) => req.socket.destroy()),
      'answers 401': await serving((_req, res) => res.writeHead(401, { 'www-authenticate': 'Basic' }).end('no')),
      'answers 404': await serving((_req, res) => res.writeHead(404).end()),
      'answers a redirect': await serving((_req, res) => res.writeHead(302, { location: 'http://169.254.169.254/' }).end()),
      'answers HTML': await serving((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>admin</h1>')),
      'answers JSON that is no key set': await serving((_req, res) => res.writeHead(200).end('{"status":"ok"}')),
      'answers 1 MiB': await serving((_req, res) => res.writeHead(200).end(JSON.stringify({ keys: [], pad: 'x'.repeat(1 << 20) }))),
    };
    try {
      const answers: Record<string, unknown> = {};
      for (const [what, jwksUrl] of Object.entries(targets)) {
        const { cm } = await withEntitlements([{ name: 'one', limit: 1 }], { jwks: undefined, jwksUrl });
        const res = await cm.init('idp', `port-${what}`, {}, { 'x-cm-entitlement': await remote.sign({}) });
        answers[what] = { status: res.status, retryAfter: res.headers.get('retry-after'), detail: res.body.detail, code: res.body.code };
      }
      const same = {
        status: 503,
        retryAfter: '5',
        detail: "The identity system's keys could not be fetched; retry shortly",
        code: 'UNAVAILABLE',
      };
      expect(answers).toEqual(Object.fromEntries(Object.keys(targets).map((what) => [what, same])));
    } finally {
      for (const server of servers) await new Promise((resolve) => server.close(resolve));
    }
  });

  it('an application whose rules read claims but has no entitlements answers 401 not-configured', async () => {
    const { application } = await givenApplication(t, [{ name: 'tier', limit: 1, countBy: 'claims.household' }]);
    const cm = player(t.url, application.id);
    expect((await cm.metadata()).body).toEqual(['entitlement']);
    const res = await cm.init('idp', 'unconfigured', {}, { 'x-cm-entitlement': await idp.sign({ household: 'h' }) });
    expect(res.status).toBe(401);
    expect(res.body.reason).toBe('not-configured');
  });

  it('without entitlements, a sent token is ignored and the answers are the Adobe-compatible ones', async () => {
    const { application } = await givenApplication(t, [{ name: 'one', limit: 1 }]);
    const cm = player(t.url, application.id);
    expect((await cm.metadata()).body).toEqual([]);
    const res = await cm.init('idp', 'ignored', { channel: 'news' }, { 'x-cm-entitlement': 'whatever' });
    expect(res.status).toBe(202);
    expect(Object.keys(res.body).sort()).toEqual(['expires', 'sessionId', 'terminationCode']);
    expect((await cm.running('idp', 'ignored')).body.runningStreams[0].metadata).toEqual({ channel: 'news' });
  });

  it('lets browsers send the entitlement header (CORS)', async () => {
    const res = await fetch(`${t.url}/v2/sessions/idp/cors`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://player.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,x-cm-entitlement',
      },
    });
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-cm-entitlement');
  });

  it('the simulator accepts claims and answers what the CM API would', async () => {
    const rules = [{ name: 'plan', limit: 1, limitClaim: 'climit', where: [{ attribute: 'claims.tier', op: 'eq', value: 'premium' }] }];
    const run = (body: Record<string, unknown>) => admin.api('POST', '/policies/simulate', { rules, ...body });
    const admitted = await run({
      sessions: [{ metadata: {}, claims: { tier: 'premium', climit: 2 } }],
      candidate: { metadata: {}, claims: { tier: 'premium', climit: 2, email: 'a@b.c' } },
    });
    expect(admitted.status).toBe(200);
    expect(admitted.body.decision).toBe('admit');
    const denied = await run({
      sessions: [
        { metadata: {}, claims: { tier: 'premium', climit: 2 } },
        { metadata: {}, claims: { tier: 'premium', climit: 2 } },
      ],
      candidate: { metadata: {}, claims: { tier: 'premium', climit: 2 } },
    });
    expect(denied.body).toMatchObject({ decision: 'deny', status: 409, body: { associatedAdvice: [{ threshold: 2 }] } });
    const missing = await run({ candidate: { metadata: {} } });
    expect(missing.body).toMatchObject({ decision: 'missing-claims', status: 401, missing: ['claims.tier'] });
    const reserved = await run({ candidate: { metadata: { 'claims.tier': 'premium' } } });
    expect(reserved.status).toBe(400);
    expect(reserved.body.errors[0].field).toBe('candidate.metadata.claims.tier');
  });

  it('the SDK sends the entitlement and reports a refused one as kind "entitlement"', async () => {
    const { application } = await withEntitlements([{ name: 'plan', limit: 1, limitClaim: 'climit' }]);
    const client = new ConcurrencyClient({ baseUrl: t.url, applicationId: application.id });
    const refused = await client.start({ idp: 'idp', subject: 'sdk' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConcurrencyError);
    expect(refused).toMatchObject({ kind: 'entitlement', status: 401, body: { reason: 'missing' } });
    const started = await client.start({ idp: 'idp', subject: 'sdk', entitlement: await idp.sign({ climit: 1 }) });
    expect(started.admitted).toBe(true);
    if (!started.admitted) return;
    started.session.updateEntitlement(await idp.sign({ climit: 3 }));
    expect(await started.session.heartbeatNow()).toBe('playing');
    expect((await started.session.runningStreams()).runningStreams[0].metadata).toEqual({ 'claims.climit': '3' });
    await started.session.stop();
  });
});
