import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { createLicenceGate } from '../../examples/licence-gate/gate';
import { ADAPTERS, givenApplication, player, startTestApp, type TestApp } from '../support/app';
import { adminApi } from '../support/management';
import { eventually } from './management-helpers';

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};
const close = (server: Server) => new Promise((resolve) => server.close(resolve));

/** A stand-in DRM licence server: answers every request with what it received. */
function licenceServer() {
  const seen: Array<{ method: string; url: string; headers: IncomingHttpHeaders; body: string }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(`licence for ${String(req.headers['x-cm-session-id'])}`);
    });
  });
  return { server, seen };
}

/** A service on the gate's host that no request through the gate may reach (an admin port, cloud metadata…). */
function internalService() {
  const reached: string[] = [];
  const server = createServer((req, res) => {
    reached.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'text/plain', 'access-control-allow-origin': '*' });
    res.end('internal secret');
  });
  server.on('connection', () => reached.push('connection'));
  return { server, reached };
}

/** One raw request: the path goes out byte for byte (fetch would normalise `/./`, `\\` and `..`). */
function raw(gateUrl: string, method: string, path: string, headers: Record<string, string>, body?: string) {
  const { hostname, port } = new URL(gateUrl);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ hostname, port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe.each(ADAPTERS)('licence gate in front of a licence server, on %s', (adapter) => {
  let t: TestApp;
  let upstream: ReturnType<typeof licenceServer>;
  let gate: Server;
  let gateUrl: string;
  let appId: string;
  let otherAppId: string;
  /** The gate's clock runs this far ahead of the real one (to judge a token after its expiry without waiting). */
  let clockAheadMs = 0;
  const cm = () => player(t.url, appId);

  beforeAll(async () => {
    t = await startTestApp({ adapter });
    const admin = await adminApi(t);
    const given = await givenApplication(t, [{ name: 'two streams', limit: 2 }], { heartbeatIntervalSeconds: 30 });
    const other = await givenApplication(t, [{ name: 'two streams', limit: 2 }]);
    appId = given.application.id;
    otherAppId = other.application.id;
    for (const id of [appId, otherAppId]) {
      expect((await admin.api('PATCH', `/applications/${id}`, { playbackTokens: { enabled: true } })).status).toBe(200);
    }
    for (const id of [appId, otherAppId]) {
      await eventually(
        () => player(t.url, id).init('idp', `warm-${Math.random()}`),
        (r) => r.headers.has('x-cm-playback-token'),
      );
    }
    upstream = licenceServer();
    const upstreamUrl = await listen(upstream.server);
    gate = createLicenceGate({
      upstream: upstreamUrl,
      jwksUrl: `${t.url}/.well-known/jwks.json?gate=${adapter}`,
      audience: [appId],
      issuer: t.url,
      clockToleranceSeconds: 0,
      now: () => new Date(Date.now() + clockAheadMs),
    });
    gateUrl = await listen(gate);
  });
  afterAll(async () => {
    await close(gate);
    await close(upstream.server);
    await t.close();
  });
  beforeEach(() => {
    clockAheadMs = 0;
  });

  const licence = (token: string | undefined, init: { query?: string; headers?: Record<string, string> } = {}) =>
    fetch(`${gateUrl}/widevine/licence${init.query ?? ''}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', ...(token ? { 'x-cm-playback-token': token } : {}), ...init.headers },
      body: 'challenge-bytes',
    });

  it('forwards the licence request of an admitted stream, telling the licence server whose session it is', async () => {
    const init = await cm().init('idp', 'alice');
    expect(init.status).toBe(202);
    const res = await licence(init.body.playbackToken);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(`licence for ${init.body.sessionId}`);
    const received = upstream.seen.at(-1)!;
    expect(received).toMatchObject({ method: 'POST', url: '/widevine/licence', body: 'challenge-bytes' });
    expect(received.headers).toMatchObject({ 'x-cm-application': appId, 'x-cm-subject': 'alice', 'x-cm-idp': 'idp' });
    expect(received.headers['x-cm-playback-token']).toBeUndefined();
  });

  it('accepts the token as ?cm_token= (segment URLs) and as a Bearer header, and never forwards it', async () => {
    const init = await cm().init('idp', 'segments');
    const token = init.body.playbackToken as string;
    const viaQuery = await fetch(`${gateUrl}/video/seg-1.m4s?quality=hd&cm_token=${token}`);
    expect(viaQuery.status).toBe(200);
    expect(upstream.seen.at(-1)!.url).toBe('/video/seg-1.m4s?quality=hd');
    const viaBearer = await fetch(`${gateUrl}/video/seg-2.m4s`, { headers: { authorization: `Bearer ${token}` } });
    expect(viaBearer.status).toBe(200);
    expect(upstream.seen.at(-1)!.headers.authorization).toBeUndefined();
  });

  it('a stream killed through X-Terminate gets no new token: its next licence request after the expiry is refused', async () => {
    const first = await cm().init('idp', 'bob', { deviceName: 'Kitchen TV' });
    const beat = await cm().heartbeat('idp', 'bob', first.body.sessionId);
    const lastToken = beat.headers.get('x-cm-playback-token')!;
    expect((await licence(lastToken)).status).toBe(200);

    const second = await cm().init('idp', 'bob', { deviceName: 'Phone' }, { 'x-terminate': first.body.terminationCode });
    expect(second.status).toBe(202);
    const killed = await cm().heartbeat('idp', 'bob', first.body.sessionId);
    expect(killed.status).toBe(410);
    expect(killed.headers.has('x-cm-playback-token')).toBe(false);

    // The patched player keeps asking for licences with the last token it had: refused once that token expired.
    clockAheadMs = decodeJwt(lastToken).exp! * 1000 - Date.now() + 1000;
    const refused = await licence(lastToken);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: 'expired', message: 'The playback token has expired' });
    // The stream that took its place keeps getting licences (its heartbeat renews its token).
    clockAheadMs = 0;
    const renewed = await cm().heartbeat('idp', 'bob', second.body.sessionId);
    expect((await licence(renewed.headers.get('x-cm-playback-token')!)).status).toBe(200);
  });

  it('refuses forged tokens', async () => {
    const init = await cm().init('idp', 'mallory');
    const token = init.body.playbackToken as string;
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());

    // Claims changed after signing (another subject): the signature no longer matches.
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url')}.${signature}`;
    // Signed by a key of the attacker's own, under the real key's kid.
    const attacker = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const ownKey = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', kid: decodeProtectedHeader(token).kid })
      .sign(attacker.privateKey);
    // An unknown kid.
    const unknownKid = await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: 'made-up' }).sign(attacker.privateKey);
    // HMAC with the public key as the secret (algorithm confusion), and no signature at all.
    const publicJwk = await exportJWK(attacker.publicKey);
    const hmac = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(String(publicJwk.x)));
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${payload}.`;

    for (const [what, forged, reason] of [
      ['tampered', tampered, 'signature'],
      ['own key', ownKey, 'signature'],
      ['unknown kid', unknownKid, 'signature'],
      ['hs256', hmac, 'malformed'],
      ['alg none', unsigned, 'malformed'],
      ['garbage', 'not-a-token', 'malformed'],
    ] as const) {
      const res = await licence(forged);
      expect({ what, status: res.status, error: ((await res.json()) as { error: string }).error }).toEqual({
        what,
        status: 403,
        error: reason,
      });
    }
    const missing = await licence(undefined);
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: string }).error).toBe('missing');
  });

  it('refuses expired tokens and tokens of another application', async () => {
    const init = await cm().init('idp', 'dave');
    clockAheadMs = (Number(decodeJwt(init.body.playbackToken as string).exp) + 1) * 1000 - Date.now();
    const expired = await licence(init.body.playbackToken);
    expect(expired.status).toBe(403);
    expect(((await expired.json()) as { error: string }).error).toBe('expired');

    clockAheadMs = 0;
    const foreign = await player(t.url, otherAppId).init('idp', 'dave');
    expect(foreign.status).toBe(202);
    const wrongAudience = await licence(foreign.body.playbackToken);
    expect(wrongAudience.status).toBe(403);
    expect(await wrongAudience.json()).toEqual({ error: 'audience', message: 'The playback token is for another application' });
  });

  describe('forwards to the upstream only, whatever the path', () => {
    let internal: ReturnType<typeof internalService>;
    let internalHost: string;
    let basedGate: Server;
    let basedGateUrl: string;

    beforeAll(async () => {
      internal = internalService();
      internalHost = new URL(await listen(internal.server)).host;
      basedGate = createLicenceGate({
        upstream: `${upstreamUrlOf()}/licences/`,
        jwksUrl: `${t.url}/.well-known/jwks.json`,
        audience: [appId],
      });
      basedGateUrl = await listen(basedGate);
    });
    afterAll(async () => {
      await close(basedGate);
      await close(internal.server);
    });
    const upstreamUrlOf = () => `http://127.0.0.1:${(upstream.server.address() as AddressInfo).port}`;

    /** Path shapes that resolve to another host or leave the base path when read as a URL reference. */
    const shapes = (host: string) => ({
      // Joined as text, these stay paths on the licence server.
      forwarded: [`//${host}/admin?x=1`, `///${host}/admin`, `/%2f%2f${host}/admin`, `/%2F%2F${host}/admin?x=1`],
      // Dot segments, backslashes and absolute URLs are refused with 400.
      refused: [
        `/.//${host}/admin?x=1`,
        `/./${host}/admin`,
        `/..//${host}/admin`,
        `/video/../..//${host}/admin`,
        `/%2e%2e//${host}/admin`,
        `/.%2E//${host}/admin`,
        `/..;//${host}/admin`,
        `/\\${host}/admin`,
        `/\\\\${host}/admin`,
        `http://${host}/admin`,
        `https://${host}/admin`,
        `//user@${host}/..//${host}/admin`,
      ],
    });

    it.each([['without a base path'], ['under a base path']])(
      'never reaches a service on another port (%s): GET and POST with a token, OPTIONS preflight without one',
      async (where) => {
        const based = where === 'under a base path';
        const url = based ? basedGateUrl : gateUrl;
        const init = await cm().init('idp', `proxy-${based}`);
        const token = init.body.playbackToken as string;
        const { forwarded, refused } = shapes(internalHost);
        for (const path of [...forwarded, ...refused]) {
          const answers = [
            await raw(url, 'GET', path, { 'x-cm-playback-token': token }),
            await raw(url, 'POST', path, { 'x-cm-playback-token': token, 'content-type': 'application/octet-stream' }, 'challenge-bytes'),
            await raw(url, 'OPTIONS', path, { origin: 'https://player.example', 'access-control-request-method': 'POST' }),
          ];
          for (const answer of answers) {
            expect({ path, body: answer.body }).not.toEqual({ path, body: 'internal secret' });
            if (refused.includes(path)) expect({ path, status: answer.status }).toEqual({ path, status: 400 });
            else expect({ path, status: answer.status }).toEqual({ path, status: 200 });
          }
          if (forwarded.includes(path)) {
            // The licence server got it, as a path under its own (base) path.
            expect(upstream.seen.at(-1)!.url).toBe(`${based ? '/licences' : ''}${path}`);
            expect(upstream.seen.at(-2)!).toMatchObject({ method: 'POST', body: 'challenge-bytes' });
          }
        }
        expect(internal.reached).toEqual([]);
      },
    );

    it('refuses dot segments with a reason, and keeps forwarding ordinary paths and queries as sent', async () => {
      const init = await cm().init('idp', 'proxy-plain');
      const token = init.body.playbackToken as string;
      const refused = await raw(gateUrl, 'GET', '/video/../admin', { 'x-cm-playback-token': token });
      expect(refused.status).toBe(400);
      expect(JSON.parse(refused.body)).toEqual({ error: 'bad-path', message: 'The request path must not contain "." or ".." segments' });
      const signed = await raw(gateUrl, 'GET', `/video/seg.m4s?sig=a%2Fb+c&cm_token=${token}&e=1`, {});
      expect(signed.status).toBe(200);
      expect(upstream.seen.at(-1)!.url).toBe('/video/seg.m4s?sig=a%2Fb+c&e=1');
      expect((await raw(basedGateUrl, 'GET', '/widevine', { 'x-cm-playback-token': token })).status).toBe(200);
      expect(upstream.seen.at(-1)!.url).toBe('/licences/widevine');
    });
  });

  it('binds a request to its session when it names one', async () => {
    const a = await cm().init('idp', 'erin');
    const b = await cm().init('idp', 'erin');
    expect((await licence(a.body.playbackToken, { headers: { 'x-cm-session': a.body.sessionId } })).status).toBe(200);
    const mixed = await licence(a.body.playbackToken, { query: `?cm_session=${b.body.sessionId}` });
    expect(mixed.status).toBe(403);
    expect(((await mixed.json()) as { error: string }).error).toBe('session');
  });
});
