import { decodeJwt, decodeProtectedHeader } from 'jose';
import { ConcurrencyClient, verifyPlaybackToken } from '@cm/client';
import { ADAPTERS, givenApplication, player, startTestApp, type TestApp } from '../support/app';
import { adminApi, loginAs, type ManagementSession } from '../support/management';
import { eventually } from './management-helpers';

const jwksOf = (t: TestApp) => `${t.url}/.well-known/jwks.json`;
const expiresSeconds = (headers: Headers) => Date.parse(headers.get('expires')!) / 1000;

describe.each(ADAPTERS)('playback tokens on %s', (adapter) => {
  let t: TestApp;
  let admin: ManagementSession;

  beforeAll(async () => {
    t = await startTestApp({ adapter });
    admin = await adminApi(t);
  });
  afterAll(() => t.close());

  /** An application with a 2-stream policy and playback tokens switched on through the management API. */
  async function withTokens(rules: unknown[] = [{ name: 'two', limit: 2 }]) {
    const given = await givenApplication(t, rules);
    const patched = await admin.api('PATCH', `/applications/${given.application.id}`, { playbackTokens: { enabled: true } });
    expect(patched.status).toBe(200);
    expect(patched.body.playbackTokens).toEqual({ enabled: true });
    const cm = player(t.url, given.application.id);
    // The CM API's cached settings follow the change within its one-second epoch poll.
    await eventually(
      () => cm.init('idp', `warm-${Math.random()}`),
      (r) => r.headers.has('x-cm-playback-token'),
    );
    return { ...given, cm };
  }

  it('is off by default: the answers are exactly the Adobe-compatible ones', async () => {
    const { application } = await givenApplication(t, [{ name: 'one', limit: 1 }]);
    expect((await admin.api('GET', `/applications/${application.id}`)).body.playbackTokens).toEqual({ enabled: false });
    const cm = player(t.url, application.id);
    const init = await cm.init('idp', 'plain');
    expect(init.status).toBe(202);
    expect(Object.keys(init.body).sort()).toEqual(['expires', 'sessionId', 'terminationCode']);
    expect(init.headers.has('x-cm-playback-token')).toBe(false);
    const beat = await cm.heartbeat('idp', 'plain', init.body.sessionId);
    expect(beat.status).toBe(202);
    expect(beat.headers.has('x-cm-playback-token')).toBe(false);
  });

  it('signs admitted inits and heartbeats with the session as claims and its expiry as exp', async () => {
    const { application, cm } = await withTokens();
    const before = Math.floor(Date.now() / 1000);
    const init = await cm.init('idp+1', 'alice smith', { channel: 'news' });
    expect(init.status).toBe(202);
    const token = init.headers.get('x-cm-playback-token')!;
    expect(init.body.playbackToken).toBe(token);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'EdDSA', typ: 'JWT', kid: expect.any(String) });
    const claims = await verifyPlaybackToken(token, { jwksUrl: jwksOf(t), audience: application.id, issuer: t.url });
    expect(claims).toEqual({
      iss: t.url,
      aud: application.id,
      sub: 'alice smith',
      idp: 'idp+1',
      sid: init.body.sessionId,
      iat: expect.any(Number),
      exp: expiresSeconds(init.headers),
    });
    expect(claims.iat).toBeGreaterThanOrEqual(before);
    expect(claims.exp).toBe(Math.floor(init.body.expires / 1000));

    const beat = await cm.heartbeat('idp+1', 'alice smith', init.body.sessionId);
    expect(beat.status).toBe(202);
    const refreshed = beat.headers.get('x-cm-playback-token')!;
    expect(beat.text).toBe('');
    const again = await verifyPlaybackToken(refreshed, { jwksUrl: jwksOf(t), audience: application.id, sessionId: init.body.sessionId });
    expect(again.exp).toBe(expiresSeconds(beat.headers));
  });

  it('gives no token to denied, dismissed, terminated, stopped or unknown sessions', async () => {
    const { cm } = await withTokens([{ name: 'one', limit: 1, onConflict: 'evict-oldest' }]);
    const first = await cm.init('idp', 'bob');
    const second = await cm.init('idp', 'bob');
    expect(second.headers.has('x-cm-playback-token')).toBe(true);
    const dismissed = await cm.heartbeat('idp', 'bob', first.body.sessionId);
    expect(dismissed.status).toBe(409);
    expect(dismissed.headers.has('x-cm-playback-token')).toBe(false);

    const third = await cm.init('idp', 'bob', {}, { 'x-terminate': second.body.terminationCode });
    expect(third.status).toBe(202);
    const killed = await cm.heartbeat('idp', 'bob', second.body.sessionId);
    expect(killed.status).toBe(410);
    expect(killed.headers.has('x-cm-playback-token')).toBe(false);

    const stop = await cm.stop('idp', 'bob', third.body.sessionId);
    expect(stop.status).toBe(202);
    expect(stop.headers.has('x-cm-playback-token')).toBe(false);
    const stopped = await cm.heartbeat('idp', 'bob', third.body.sessionId);
    expect(stopped.status).toBe(410);
    expect(stopped.headers.has('x-cm-playback-token')).toBe(false);

    const { cm: strict } = await withTokens([{ name: 'one', limit: 1 }]);
    expect((await strict.init('idp', 'carol')).status).toBe(202);
    const denied = await strict.init('idp', 'carol');
    expect(denied.status).toBe(409);
    expect(denied.headers.has('x-cm-playback-token')).toBe(false);
    expect(denied.body.playbackToken).toBeUndefined();
  });

  it('lets browsers read the token header (CORS)', async () => {
    const { application } = await withTokens();
    const res = await fetch(`${t.url}/v2/sessions/idp/cors`, {
      method: 'POST',
      headers: { origin: 'https://player.example', authorization: `Basic ${Buffer.from(`${application.id}:`).toString('base64')}` },
    });
    expect(res.status).toBe(202);
    expect(res.headers.get('access-control-expose-headers')?.toLowerCase()).toContain('x-cm-playback-token');
  });

  it('publishes the public keys, cacheable, and never a private key', async () => {
    const res = await fetch(jwksOf(t));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/jwk-set\+json/);
    expect(res.headers.get('cache-control')).toMatch(/public, max-age=\d+/);
    const { keys } = (await res.json()) as { keys: Array<Record<string, string>> };
    expect(keys.length).toBeGreaterThanOrEqual(1);
    for (const key of keys) {
      expect(key).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: expect.any(String), alg: 'EdDSA', use: 'sig' });
    }
    const stored = await t.sql<{ d: string }>("SELECT private_jwk->>'d' AS d FROM signing_keys");
    const { application, tenant } = await withTokens();
    const tenantAdmin = await loginAs(t, 'tenant-admin', tenant.id);
    const answers = await Promise.all([
      fetch(jwksOf(t)).then((r) => r.text()),
      admin.api('GET', '/signing-keys').then((r) => r.text),
      admin.api('GET', '/audit?limit=200').then((r) => r.text),
      admin.api('GET', `/applications/${application.id}`).then((r) => r.text),
      tenantAdmin.api('GET', `/applications/${application.id}`).then((r) => r.text),
      player(t.url, application.id)
        .init('idp', 'leak')
        .then((r) => r.text),
    ]);
    for (const { d } of stored) for (const text of answers) expect(text).not.toContain(d);
  });

  it('rotates keys (admin only, audited): the previous key stays published until its tokens expired', async () => {
    const { application, cm, tenant } = await withTokens();
    const oldToken = (await cm.init('idp', 'rotate')).body.playbackToken as string;
    const oldKid = decodeProtectedHeader(oldToken).kid;

    const tenantAdmin = await loginAs(t, 'tenant-admin', tenant.id);
    expect((await tenantAdmin.api('POST', '/signing-keys/rotate')).status).toBe(403);
    expect((await tenantAdmin.api('GET', '/signing-keys')).status).toBe(403);
    expect((await admin.api('POST', '/signing-keys/rotate', { algorithm: 'RS256' })).status).toBe(400);

    const rotated = await admin.api('POST', '/signing-keys/rotate', {});
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({
      kid: expect.any(String),
      algorithm: 'EdDSA',
      active: true,
      createdAt: expect.any(String),
      retiredAt: null,
      publishedUntil: null,
    });
    const newKid = rotated.body.kid as string;
    expect(newKid).not.toBe(oldKid);

    const listed = await admin.api('GET', '/signing-keys');
    expect(listed.body[0]).toMatchObject({ kid: newKid, active: true });
    const retired = listed.body.find((k: { kid: string }) => k.kid === oldKid);
    expect(retired).toMatchObject({ active: false, retiredAt: expect.any(String), publishedUntil: expect.any(String) });
    // Published at least as long as the longest session expiry (an hour) after the rotation.
    expect(Date.parse(retired.publishedUntil) - Date.parse(retired.retiredAt)).toBeGreaterThanOrEqual(3600_000);

    const kids = async () => ((await (await fetch(jwksOf(t))).json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid);
    expect(await kids()).toEqual(expect.arrayContaining([oldKid, newKid]));
    const newToken = (await cm.init('idp', 'rotate')).body.playbackToken as string;
    expect(decodeProtectedHeader(newToken).kid).toBe(newKid);
    await expect(verifyPlaybackToken(newToken, { jwksUrl: jwksOf(t), audience: application.id })).resolves.toBeTruthy();
    await expect(verifyPlaybackToken(oldToken, { jwksUrl: jwksOf(t), audience: application.id })).resolves.toBeTruthy();

    const audit = await admin.api('GET', '/audit?targetType=signing-key&limit=10');
    expect(audit.body.items[0]).toMatchObject({
      action: 'signing-key.rotate',
      targetId: newKid,
      before: { activeKid: oldKid },
      after: { activeKid: newKid, algorithm: 'EdDSA' },
    });

    // Once every token the old key signed has expired, it leaves the JWKS (and the database at the next rotation).
    await t.sql("UPDATE signing_keys SET published_until = now() - interval '1 second' WHERE kid = $1", [oldKid]);
    expect(await kids()).not.toContain(oldKid);
    expect((await admin.api('POST', '/signing-keys/rotate', { algorithm: 'ES256' })).body.algorithm).toBe('ES256');
    expect(await t.sql('SELECT kid FROM signing_keys WHERE kid = $1', [oldKid])).toEqual([]);
    const es256 = (await cm.init('idp', 'rotate-es')).body.playbackToken as string;
    expect(decodeProtectedHeader(es256).alg).toBe('ES256');
  });

  it('refuses bad settings with 400 and changes nothing', async () => {
    const { application } = await givenApplication(t, [{ name: 'one', limit: 1 }]);
    for (const body of [
      { playbackTokens: { enabled: 'yes' } },
      { playbackTokens: {} },
      { playbackTokens: { enabled: true, extra: 1 } },
      { playbackTokens: true },
    ]) {
      const res = await admin.api('PATCH', `/applications/${application.id}`, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.errors?.[0]?.field).toMatch(/^playbackTokens/);
    }
    expect((await admin.api('GET', `/applications/${application.id}`)).body.playbackTokens).toEqual({ enabled: false });
  });

  it('the SDK exposes the latest token while the stream plays', async () => {
    const { application } = await withTokens();
    const client = new ConcurrencyClient({ baseUrl: t.url, applicationId: application.id });
    const result = await client.start({ idp: 'idp', subject: 'sdk' });
    if (!result.admitted) throw new Error('not admitted');
    const { session } = result;
    const first = session.playbackToken!;
    expect(decodeJwt(first).sid).toBe(session.sessionId);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await session.heartbeatNow()).toBe('playing');
    expect(session.playbackToken).not.toBe(first);
    expect(decodeJwt(session.playbackToken!).sid).toBe(session.sessionId);
    expect(await session.stop()).toBe('stopped');
    expect(session.playbackToken).toBeUndefined();
  });
});

describe('playback tokens with CM_PUBLIC_URL and ES256', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { CM_PUBLIC_URL: 'https://cm.example.com/', CM_PLAYBACK_TOKEN_ALGORITHM: 'ES256' } });
  });
  afterAll(() => t.close());

  it('names the public URL as issuer and signs with ES256 from the first key on', async () => {
    const admin = await adminApi(t);
    const { application } = await givenApplication(t, [{ name: 'one', limit: 1 }], { heartbeatIntervalSeconds: 10 });
    await admin.api('PATCH', `/applications/${application.id}`, { playbackTokens: { enabled: true } });
    const cm = player(t.url, application.id);
    const init = await eventually(
      () => cm.init('idp', `p-${Math.random()}`),
      (r) => r.headers.has('x-cm-playback-token'),
    );
    const token = init.headers.get('x-cm-playback-token')!;
    expect(decodeProtectedHeader(token).alg).toBe('ES256');
    const claims = await verifyPlaybackToken(token, {
      jwksUrl: `${t.url}/.well-known/jwks.json`,
      audience: application.id,
      issuer: 'https://cm.example.com',
    });
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(11);
    const { keys } = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as { keys: Array<Record<string, string>> };
    expect(keys[0]).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: expect.any(String),
      y: expect.any(String),
      kid: expect.any(String),
      alg: 'ES256',
      use: 'sig',
    });
  });
});
