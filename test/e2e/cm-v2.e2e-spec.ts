import { ADAPTERS, givenApplication, player, startTestApp, STORES, type TestApp } from '../support/app';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const VARIANTS = STORES.flatMap((store) => ADAPTERS.map((adapter) => [adapter, store] as const));

describe.each(VARIANTS)('CM v2 API on %s, sessions in %s', (adapter, store) => {
  let t: TestApp;
  let demo: ReturnType<typeof player>;

  beforeAll(async () => {
    t = await startTestApp({ adapter, store });
    demo = player(t.url, 'demo-app');
  });
  afterAll(() => t.close());

  describe('first-run seed', () => {
    it('seeds the demo tenant, application and a 3-stream policy', async () => {
      const tenant = await t.tenants.findBySlug('demo');
      expect(tenant?.name).toBe('Demo');
      const app = await t.applications.get('demo-app');
      expect(app).toMatchObject({ name: 'Demo application', heartbeatIntervalSeconds: 60, requireSecret: false, enabled: true });
      const policy = await t.policies.findByName(tenant!.id, 'demo-policy');
      expect(policy?.rules).toEqual([
        { name: '3 streams cap', limit: 3, onConflict: 'reject', message: 'Number of active streams exceeded' },
      ]);
      expect(await t.policies.attachedPolicyIds('demo-app')).toEqual([policy!.id]);
    });
  });

  describe('init', () => {
    it('answers 202 with Location, Expires, Date, no-store and the session body', async () => {
      const before = Date.now();
      const res = await demo.init('idp1', 'init-202', { channel: 'news' });
      expect(res.status).toBe(202);
      expect(res.body.sessionId).toMatch(UUID_V7);
      expect(res.body.terminationCode).toMatch(/^[0-9a-f]{8}$/);
      expect(res.headers.get('location')).toBe(res.body.sessionId);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('date')).toBeTruthy();
      const expires = Date.parse(res.headers.get('expires')!);
      expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 59_000);
      expect(expires).toBeLessThanOrEqual(Date.now() + 61_000);
      expect(Math.abs(res.body.expires - expires)).toBeLessThan(1000);
    });

    it('denies the fourth stream of an account with the exact 409 body', async () => {
      const ids = [];
      for (let i = 0; i < 3; i++) {
        const r = await demo.init('idp1', 'four', { channel: `c${i}` });
        expect(r.status).toBe(202);
        ids.push(r.body);
      }
      const res = await demo.init('idp1', 'four', { channel: 'c3' });
      expect(res.status).toBe(409);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.body.obligations).toEqual([]);
      expect(res.body.associatedAdvice).toHaveLength(1);
      const advice = res.body.associatedAdvice[0];
      expect(advice).toMatchObject({
        type: 'rule-violation',
        message: 'Number of active streams exceeded',
        policyName: 'demo-policy',
        ruleName: '3 streams cap',
        attribute: 'streamId',
        threshold: 3,
        scope: [],
      });
      expect(Object.keys(advice.conflicts).sort()).toEqual(ids.map((s) => s.sessionId).sort());
      const first = advice.conflicts[ids[0].sessionId][0];
      expect(first).toEqual({
        terminationCode: ids[0].terminationCode,
        metadata: { channel: 'c0' },
        channel: 'c0',
        startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        deviceName: 'Unknown',
        applicationName: 'Demo application',
      });
    });

    it('accepts metadata as a form body and as JSON', async () => {
      const form = await demo.raw('POST', '/v2/sessions/idp1/bodies', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'channel=form&deviceName=Kitchen%20TV',
      });
      expect(form.status).toBe(202);
      const json = await demo.raw('POST', '/v2/sessions/idp1/bodies', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ channel: 'json' }),
      });
      expect(json.status).toBe(202);
      const running = await demo.running('idp1', 'bodies');
      expect(running.body.runningStreams.map((s: { metadata: object }) => s.metadata)).toEqual([
        { channel: 'form', deviceName: 'Kitchen TV' },
        { channel: 'json' },
      ]);
    });

    it('URL-decodes idp and subject (+, spaces, %2F)', async () => {
      const res = await demo.init('a+b c/d', 'user 1/2', {});
      expect(res.status).toBe(202);
      const running = await demo.running('a+b c/d', 'user 1/2');
      expect(running.body.runningStreams).toHaveLength(1);
      const stored = await t.stored(res.body.sessionId);
      expect(stored).toMatchObject({ idp: 'a+b c/d', subject: 'user 1/2' });
    });

    it.each([
      ['a key with bad characters', '?bad%20key=1', /bad key/],
      ['a key over 64 characters', `?${'k'.repeat(65)}=1`, /kkkk/],
      ['a value over 256 characters', `?channel=${'v'.repeat(257)}`, /channel/],
      ['more than 50 keys', `?${Array.from({ length: 51 }, (_, i) => `k${i}=1`).join('&')}`, /50/],
      ['a repeated key', '?channel=a&channel=b', /channel/],
    ])('answers 400 problem+json naming the key for %s', async (_, query, detail) => {
      const res = await demo.raw('POST', `/v2/sessions/idp1/badmeta${query}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body.detail).toMatch(detail);
    });

    it('rejects a control character in idp or subject with 400', async () => {
      const res = await demo.raw('POST', '/v2/sessions/idp%00x/subject');
      expect(res.status).toBe(400);
    });
  });

  describe('metadata', () => {
    it('lists the attributes the policies need, sorted, with Last-Modified', async () => {
      const { application } = await givenApplication(t, [
        {
          name: 'per channel',
          limit: 2,
          countBy: 'deviceId',
          scope: ['channel'],
          where: [{ attribute: 'contentType', op: 'eq', value: 'live' }],
        },
      ]);
      const res = await player(t.url, application.id).metadata();
      expect(res.status).toBe(200);
      expect(res.body).toEqual(['channel', 'contentType', 'deviceId']);
      expect(Date.parse(res.headers.get('last-modified')!)).toBeGreaterThan(Date.now() - 60_000);
      const seeded = await demo.metadata();
      expect(seeded.body).toEqual([]);
    });

    it('answers 400 with the refresh obligation when required metadata is missing', async () => {
      const { application } = await givenApplication(t, [{ name: 'per channel', limit: 1, scope: ['channel'] }]);
      const res = await player(t.url, application.id).init('idp1', 'missing', { deviceId: 'x' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        associatedAdvice: [],
        obligations: [{ namespace: 'adobe.primetime.cm', action: 'refresh', arguments: ['metadata'] }],
      });
    });
  });

  describe('authentication', () => {
    it.each([
      ['no credentials', undefined],
      ['an unknown application', `Basic ${Buffer.from('nope:').toString('base64')}`],
      ['a malformed header', 'Bearer abc'],
    ])('answers 401 with WWW-Authenticate for %s', async (_, authorization) => {
      const res = await fetch(`${t.url}/v2/metadata`, { headers: authorization ? { authorization } : {} });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="cm"');
    });

    it('checks the secret of an application that requires one', async () => {
      const { application, secret } = await givenApplication(t, [{ name: 'cap', limit: 5 }], { requireSecret: true });
      expect(secret).toBeTruthy();
      expect((await player(t.url, application.id).metadata()).status).toBe(401);
      expect((await player(t.url, application.id, 'wrong').metadata()).status).toBe(401);
      expect((await player(t.url, application.id, secret).init('idp1', 'secret', {})).status).toBe(202);
    });

    it('refuses a password for an application without a secret', async () => {
      expect((await player(t.url, 'demo-app', 'unexpected').metadata()).status).toBe(401);
    });
  });

  describe('heartbeat', () => {
    it('extends a running session: 202, empty body, a later Expires', async () => {
      const init = await demo.init('idp1', 'hb', { channel: 'a' });
      await new Promise((r) => setTimeout(r, 1100));
      const res = await demo.heartbeat('idp1', 'hb', init.body.sessionId);
      expect(res.status).toBe(202);
      expect(res.text).toBe('');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(Date.parse(res.headers.get('expires')!)).toBeGreaterThan(Date.parse(init.headers.get('expires')!));
    });

    it('may add metadata keys but not change identifying ones', async () => {
      const init = await demo.init('idp1', 'hb-meta', { channel: 'a' });
      expect((await demo.heartbeat('idp1', 'hb-meta', init.body.sessionId, { assetId: 'x1', quality: 'hd' })).status).toBe(202);
      expect((await demo.heartbeat('idp1', 'hb-meta', init.body.sessionId, { quality: 'sd' })).status).toBe(202);
      const changed = await demo.heartbeat('idp1', 'hb-meta', init.body.sessionId, { channel: 'b' });
      expect(changed.status).toBe(400);
      expect(changed.body.detail).toMatch(/channel/);
      const changedAsset = await demo.heartbeat('idp1', 'hb-meta', init.body.sessionId, { assetId: 'x2' });
      expect(changedAsset.status).toBe(400);
      const running = await demo.running('idp1', 'hb-meta');
      expect(running.body.runningStreams[0].metadata).toEqual({ channel: 'a', assetId: 'x1', quality: 'sd' });
    });

    // Unknown, malformed and foreign ids (404) and ended ones (410): test/e2e/cm-v2-fidelity.e2e-spec.ts
  });

  describe('stop', () => {
    it('stops a running session (202), then 410 for heartbeat and stop', async () => {
      const init = await demo.init('idp1', 'stop', {});
      const stop = await demo.stop('idp1', 'stop', init.body.sessionId);
      expect(stop.status).toBe(202);
      expect((await demo.stop('idp1', 'stop', init.body.sessionId)).status).toBe(410);
      const hb = await demo.heartbeat('idp1', 'stop', init.body.sessionId);
      expect(hb.status).toBe(410);
      expect(hb.text).toBe('');
      expect((await t.stored(init.body.sessionId))?.endReason).toBe('stopped');
    });

    it('frees the place for a new stream', async () => {
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await demo.init('idp1', 'stop-frees', {})).body.sessionId);
      expect((await demo.init('idp1', 'stop-frees', {})).status).toBe(409);
      await demo.stop('idp1', 'stop-frees', ids[1]);
      expect((await demo.init('idp1', 'stop-frees', {})).status).toBe(202);
    });

    it('POST …/stop (our extension) stops like DELETE, with Basic auth or, for sendBeacon, form credentials', async () => {
      const stopUrl = (id: string) => `${t.url}/v2/sessions/idp1/post-stop/${id}/stop`;
      const withHeader = (await demo.init('idp1', 'post-stop', {})).body.sessionId;
      const basic = await demo.raw('POST', `/v2/sessions/idp1/post-stop/${withHeader}/stop`);
      expect(basic.status).toBe(202);
      expect(basic.text).toBe('');
      expect((await t.stored(withHeader))?.endReason).toBe('stopped');
      expect((await demo.raw('POST', `/v2/sessions/idp1/post-stop/${withHeader}/stop`)).status).toBe(410);

      // What navigator.sendBeacon(url, new URLSearchParams({ applicationId })) sends: no Authorization header.
      const beacon = (id: string, form: Record<string, string>) =>
        fetch(stopUrl(id), { method: 'POST', body: new URLSearchParams(form), headers: { origin: 'https://player.example' } });
      const fromBeacon = (await demo.init('idp1', 'post-stop', {})).body.sessionId;
      const noCredentials = await beacon(fromBeacon, {});
      expect(noCredentials.status).toBe(401);
      expect(((await noCredentials.json()) as { detail: string }).detail).toMatch(/form field applicationId/);
      expect((await beacon(fromBeacon, { applicationId: 'no-such-app' })).status).toBe(401);
      expect((await beacon(fromBeacon, { applicationId: 'demo-app', secret: 'not-empty' })).status).toBe(401);
      expect((await t.stored(fromBeacon))?.endedAt).toBeNull();
      const ok = await beacon(fromBeacon, { applicationId: 'demo-app' });
      expect(ok.status).toBe(202);
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://player.example');
      expect((await t.stored(fromBeacon))?.endReason).toBe('stopped');
      expect((await demo.heartbeat('idp1', 'post-stop', fromBeacon)).status).toBe(410);

      // The heartbeat route still takes credentials from the header only.
      const other = (await demo.init('idp1', 'post-stop', {})).body.sessionId;
      const formOnHeartbeat = await fetch(`${t.url}/v2/sessions/idp1/post-stop/${other}`, {
        method: 'POST',
        body: new URLSearchParams({ applicationId: 'demo-app' }),
      });
      expect(formOnHeartbeat.status).toBe(401);
    });
  });

  describe('runningStreams', () => {
    it('lists the running streams with Expires = the earliest expiry', async () => {
      const a = await demo.init('idp1', 'rs', { channel: 'a' });
      const b = await demo.init('idp1', 'rs', { channel: 'b' });
      const res = await demo.running('idp1', 'rs');
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body.otherStreams).toBe(0);
      expect(res.body.runningStreams).toEqual([
        {
          sessionId: a.body.sessionId,
          startTime: expect.any(Number),
          applicationId: 'demo-app',
          applicationName: 'Demo application',
          terminationCode: a.body.terminationCode,
          metadata: { channel: 'a' },
        },
        expect.objectContaining({ sessionId: b.body.sessionId, terminationCode: b.body.terminationCode }),
      ]);
      expect(res.headers.get('expires')).toBe(a.headers.get('expires'));
    });

    it('has no Expires when the account has no streams', async () => {
      const res = await demo.running('idp1', 'nobody');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ runningStreams: [], otherStreams: 0 });
      expect(res.headers.get('expires')).toBeNull();
    });

    it("neither lists nor counts other tenants' unrelated streams", async () => {
      const { application } = await givenApplication(t, [{ name: 'cap', limit: 5 }]);
      await player(t.url, application.id).init('idp1', 'rs-other', {});
      await demo.init('idp1', 'rs-other', {});
      const res = await demo.running('idp1', 'rs-other');
      expect(res.body.runningStreams).toHaveLength(1);
      expect(res.body.otherStreams).toBe(0);
    });
  });

  describe('CORS', () => {
    it('answers preflights on /v2 allowing Authorization and X-Terminate', async () => {
      const res = await fetch(`${t.url}/v2/sessions/idp1/cors`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://player.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,x-terminate',
        },
      });
      expect(res.status).toBeLessThan(300);
      expect(res.headers.get('access-control-allow-origin')).toBe('https://player.example');
      expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toMatch(/authorization.*x-terminate/);
    });

    it('exposes Location, Expires and Date to scripts', async () => {
      const res = await fetch(`${t.url}/v2/sessions/idp1/cors`, {
        method: 'POST',
        headers: { origin: 'https://player.example', authorization: `Basic ${Buffer.from('demo-app:').toString('base64')}` },
      });
      expect(res.status).toBe(202);
      expect(res.headers.get('access-control-expose-headers')?.toLowerCase()).toMatch(/location.*expires.*date/);
    });
  });

  describe('health', () => {
    it('answers /healthz and /readyz', async () => {
      expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${t.url}/readyz`);
      expect(ready.status).toBe(200);
    });
  });
});
