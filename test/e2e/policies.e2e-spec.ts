import { ADAPTERS, givenApplication, player, startTestApp, type TestApp } from '../support/app';

type Player = ReturnType<typeof player>;

describe.each(ADAPTERS)('policy semantics on %s', (adapter) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ adapter });
  });
  afterAll(() => t.close());

  async function appWith(rules: unknown[]): Promise<{ p: Player; policyId: string; tenantId: string; appId: string }> {
    const { application, policy, tenant } = await givenApplication(t, rules);
    return { p: player(t.url, application.id), policyId: policy.id, tenantId: tenant.id, appId: application.id };
  }

  describe('onConflict evict-oldest (latest wins)', () => {
    it('admits the new stream and dismisses the oldest, whose heartbeats then get 409', async () => {
      const { p } = await appWith([{ name: 'two, latest wins', limit: 2, onConflict: 'evict-oldest', message: 'Too many screens' }]);
      const a = await p.init('idp', 'evict', { deviceName: 'Phone' });
      const b = await p.init('idp', 'evict', {});
      const c = await p.init('idp', 'evict', { channel: 'sports' });
      expect([a.status, b.status, c.status]).toEqual([202, 202, 202]);

      const dismissed = await p.heartbeat('idp', 'evict', a.body.sessionId);
      expect(dismissed.status).toBe(409);
      const advice = dismissed.body.associatedAdvice[0];
      expect(advice).toMatchObject({
        type: 'rule-violation',
        message: 'Too many screens',
        ruleName: 'two, latest wins',
        threshold: 2,
        attribute: 'streamId',
      });
      expect(advice.conflicts[c.body.sessionId][0]).toMatchObject({ terminationCode: c.body.terminationCode, channel: 'sports' });
      expect((await p.heartbeat('idp', 'evict', a.body.sessionId)).status).toBe(409);
      expect((await p.heartbeat('idp', 'evict', b.body.sessionId)).status).toBe(202);
      expect((await p.heartbeat('idp', 'evict', c.body.sessionId)).status).toBe(202);
      const rows = await t.sql<{ end_reason: string }>('SELECT end_reason FROM sessions WHERE id = $1', [a.body.sessionId]);
      expect(rows[0].end_reason).toBe('dismissed');
    });
  });

  describe('countBy', () => {
    it('counts distinct values: two streams on one device count once', async () => {
      const { p } = await appWith([{ name: '2 devices', limit: 2, countBy: 'deviceId', message: 'Too many devices' }]);
      expect((await p.init('idp', 'devices', { deviceId: 'tv' })).status).toBe(202);
      expect((await p.init('idp', 'devices', { deviceId: 'tv' })).status).toBe(202);
      expect((await p.init('idp', 'devices', { deviceId: 'phone' })).status).toBe(202);
      expect((await p.init('idp', 'devices', { deviceId: 'phone' })).status).toBe(202);
      const denied = await p.init('idp', 'devices', { deviceId: 'tablet' });
      expect(denied.status).toBe(409);
      const advice = denied.body.associatedAdvice[0];
      expect(advice.attribute).toBe('deviceId');
      expect(Object.keys(advice.conflicts).sort()).toEqual(['phone', 'tv']);
      expect(advice.conflicts.tv).toHaveLength(2);
    });
  });

  describe('scope', () => {
    it('applies the limit separately per channel', async () => {
      const { p } = await appWith([{ name: '1 per channel', limit: 1, scope: ['channel'] }]);
      expect((await p.init('idp', 'scope', { channel: 'news' })).status).toBe(202);
      expect((await p.init('idp', 'scope', { channel: 'sports' })).status).toBe(202);
      const denied = await p.init('idp', 'scope', { channel: 'news' });
      expect(denied.status).toBe(409);
      expect(denied.body.associatedAdvice[0].scope).toEqual(['channel']);
    });

    it('"2 devices per channel, latest wins" evicts per channel only', async () => {
      const { p } = await appWith([
        { name: '2 devices per channel', limit: 2, countBy: 'deviceId', scope: ['channel'], onConflict: 'evict-oldest' },
      ]);
      const a = await p.init('idp', 'dpc', { channel: 'news', deviceId: 'd1' });
      const b = await p.init('idp', 'dpc', { channel: 'news', deviceId: 'd2' });
      const other = await p.init('idp', 'dpc', { channel: 'sports', deviceId: 'd3' });
      const c = await p.init('idp', 'dpc', { channel: 'news', deviceId: 'd4' });
      expect([a.status, b.status, other.status, c.status]).toEqual([202, 202, 202, 202]);
      expect((await p.heartbeat('idp', 'dpc', a.body.sessionId)).status).toBe(409);
      expect((await p.heartbeat('idp', 'dpc', b.body.sessionId)).status).toBe(202);
      expect((await p.heartbeat('idp', 'dpc', other.body.sessionId)).status).toBe(202);
    });
  });

  describe('where', () => {
    it('only counts streams matching the conditions', async () => {
      const { p } = await appWith([{ name: '1 live', limit: 1, where: [{ attribute: 'contentType', op: 'eq', value: 'live' }] }]);
      expect((await p.init('idp', 'where', { contentType: 'live' })).status).toBe(202);
      expect((await p.init('idp', 'where', { contentType: 'vod' })).status).toBe(202);
      expect((await p.init('idp', 'where', { contentType: 'vod' })).status).toBe(202);
      expect((await p.init('idp', 'where', { contentType: 'live' })).status).toBe(409);
    });
  });

  describe('X-Terminate', () => {
    it('ends the named sessions to make room and marks the new one as superseding', async () => {
      const { p } = await appWith([{ name: 'cap 2', limit: 2 }]);
      const a = await p.init('idp', 'xt', { channel: 'a' });
      const b = await p.init('idp', 'xt', {});
      expect((await p.init('idp', 'xt', {})).status).toBe(409);
      const c = await p.init('idp', 'xt', { channel: 'c', deviceName: 'Living room' }, { 'X-Terminate': a.body.terminationCode });
      expect(c.status).toBe(202);

      const killed = await p.heartbeat('idp', 'xt', a.body.sessionId);
      expect(killed.status).toBe(410);
      expect(killed.body).toEqual({
        associatedAdvice: [
          {
            type: 'remote-termination',
            message: 'This session was terminated by a remote user',
            terminator: { channel: 'c', startedAt: expect.any(String), deviceName: 'Living room', applicationName: 'Test app' },
          },
        ],
        obligations: [],
      });
      expect((await p.stop('idp', 'xt', a.body.sessionId)).status).toBe(410);
      expect((await p.heartbeat('idp', 'xt', b.body.sessionId)).status).toBe(202);
      const running = await p.running('idp', 'xt');
      const mine = running.body.runningStreams.find((s: { sessionId: string }) => s.sessionId === c.body.sessionId);
      expect(mine.metadata.superseded).toBe(a.body.terminationCode);
    });

    it('accepts several codes, comma-separated', async () => {
      const { p } = await appWith([{ name: 'cap 2', limit: 2 }]);
      const a = await p.init('idp', 'xt2', {});
      const b = await p.init('idp', 'xt2', {});
      const c = await p.init('idp', 'xt2', {}, { 'X-Terminate': `${a.body.terminationCode}, ${b.body.terminationCode}` });
      expect(c.status).toBe(202);
      expect((await p.heartbeat('idp', 'xt2', a.body.sessionId)).status).toBe(410);
      expect((await p.heartbeat('idp', 'xt2', b.body.sessionId)).status).toBe(410);
    });

    it('is atomic: when the new stream is still denied, nothing is ended', async () => {
      const { p } = await appWith([{ name: '1 per channel', limit: 1, scope: ['channel'] }]);
      await p.init('idp', 'xt-atomic', { channel: 'x' });
      const y = await p.init('idp', 'xt-atomic', { channel: 'y' });
      const denied = await p.init('idp', 'xt-atomic', { channel: 'x' }, { 'X-Terminate': y.body.terminationCode });
      expect(denied.status).toBe(409);
      expect((await p.heartbeat('idp', 'xt-atomic', y.body.sessionId)).status).toBe(202);
    });

    it('ignores codes that name no running session of the account', async () => {
      const { p } = await appWith([{ name: 'cap 1', limit: 1 }]);
      const other = await p.init('idp', 'xt-someone', {});
      await p.init('idp', 'xt-mine', {});
      const res = await p.init('idp', 'xt-mine', {}, { 'X-Terminate': `${other.body.terminationCode},zzzz` });
      expect(res.status).toBe(409);
      expect((await p.heartbeat('idp', 'xt-someone', other.body.sessionId)).status).toBe(202);
    });
  });

  describe('policy change reaches running sessions at their next heartbeat', () => {
    it('lowering a first-wins limit keeps the earliest sessions', async () => {
      const { p, policyId } = await appWith([{ name: 'cap', limit: 3 }]);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await p.init('idp', 'lower', {})).body.sessionId);
      await t.policies.update(policyId, { name: 'lowered', rules: [{ name: 'cap', limit: 1 }] });
      expect((await p.heartbeat('idp', 'lower', ids[0])).status).toBe(202);
      const second = await p.heartbeat('idp', 'lower', ids[1]);
      expect(second.status).toBe(409);
      expect(second.body.associatedAdvice[0]).toMatchObject({ policyName: 'lowered', threshold: 1 });
      expect((await p.heartbeat('idp', 'lower', ids[2])).status).toBe(409);
      expect((await p.heartbeat('idp', 'lower', ids[0])).status).toBe(202);
    });

    it('lowering a latest-wins limit keeps the latest sessions', async () => {
      const { p, policyId } = await appWith([{ name: 'cap', limit: 3, onConflict: 'evict-oldest' }]);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await p.init('idp', 'lower-latest', {})).body.sessionId);
      await t.policies.update(policyId, { name: 'lowered-latest', rules: [{ name: 'cap', limit: 1, onConflict: 'evict-oldest' }] });
      expect((await p.heartbeat('idp', 'lower-latest', ids[0])).status).toBe(409);
      expect((await p.heartbeat('idp', 'lower-latest', ids[1])).status).toBe(409);
      expect((await p.heartbeat('idp', 'lower-latest', ids[2])).status).toBe(202);
    });

    it('an unrelated configuration change leaves compliant sessions running', async () => {
      const { p } = await appWith([{ name: 'cap', limit: 2 }]);
      const a = await p.init('idp', 'unrelated', {});
      await appWith([{ name: 'other', limit: 1 }]);
      expect((await p.heartbeat('idp', 'unrelated', a.body.sessionId)).status).toBe(202);
    });
  });

  describe('a policy attached to several applications', () => {
    it("counts the account's streams on every application carrying it", async () => {
      const { p, policyId, tenantId } = await appWith([{ name: 'cap 2 across apps', limit: 2 }]);
      const { application: second } = await t.applications.create(tenantId, { name: 'Second app' });
      await t.policies.attachToApplication(second.id, [policyId]);
      const q = player(t.url, second.id);
      expect((await p.init('idp', 'shared', {})).status).toBe(202);
      expect((await q.init('idp', 'shared', {})).status).toBe(202);
      const denied = await q.init('idp', 'shared', {});
      expect(denied.status).toBe(409);
      const names = Object.values(denied.body.associatedAdvice[0].conflicts).flatMap((c) =>
        (c as Array<{ applicationName: string }>).map((s) => s.applicationName),
      );
      expect(names.sort()).toEqual(['Second app', 'Test app']);
    });
  });

  describe('expiry', () => {
    it('a silent session within the grace period still counts; past it, it does not, and the sweeper ends it as expired', async () => {
      const { p } = await appWith([{ name: 'cap 1', limit: 1 }]);
      const a = await p.init('idp', 'expiry', {});
      // Fall silent: the session's expiry passed 10 s ago (grace is 30 s).
      await t.sql(`UPDATE sessions SET expires_at = now() - interval '10 seconds' WHERE id = $1`, [a.body.sessionId]);
      expect((await p.init('idp', 'expiry', {})).status).toBe(409);
      expect((await p.heartbeat('idp', 'expiry', a.body.sessionId)).status).toBe(202);

      await t.sql(`UPDATE sessions SET expires_at = now() - interval '31 seconds' WHERE id = $1`, [a.body.sessionId]);
      const running = await p.running('idp', 'expiry');
      expect(running.body.runningStreams).toEqual([]);
      await t.sweeper.sweep();
      const rows = await t.sql<{ end_reason: string }>('SELECT end_reason FROM sessions WHERE id = $1', [a.body.sessionId]);
      expect(rows[0].end_reason).toBe('expired');
      const hb = await p.heartbeat('idp', 'expiry', a.body.sessionId);
      expect(hb.status).toBe(410);
      expect(hb.text).toBe('');
      expect((await p.init('idp', 'expiry', {})).status).toBe(202);
    });

    it('a heartbeat past expiry + grace, before the sweeper ran, answers 410', async () => {
      const { p } = await appWith([{ name: 'cap 1', limit: 1 }]);
      const a = await p.init('idp', 'late', {});
      await t.sql(`UPDATE sessions SET expires_at = now() - interval '1 hour' WHERE id = $1`, [a.body.sessionId]);
      expect((await p.heartbeat('idp', 'late', a.body.sessionId)).status).toBe(410);
      const rows = await t.sql<{ end_reason: string }>('SELECT end_reason FROM sessions WHERE id = $1', [a.body.sessionId]);
      expect(rows[0].end_reason).toBe('expired');
    });
  });
});

describe('throttling', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { CM_THROTTLE_SESSION_PER_MINUTE: '3', CM_THROTTLE_ACCOUNT_INITS_PER_MINUTE: '2' } });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After and Expires past the per-session limit', async () => {
    const p = player(t.url, 'demo-app');
    const a = await p.init('idp', 'busy-session', {});
    for (let i = 0; i < 3; i++) expect((await p.heartbeat('idp', 'busy-session', a.body.sessionId)).status).toBe(202);
    const res = await p.heartbeat('idp', 'busy-session', a.body.sessionId);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(res.headers.get('expires')).toBeTruthy();
  });

  it('answers 429 past the per-account init limit', async () => {
    const p = player(t.url, 'demo-app');
    expect((await p.init('idp', 'busy-account', {})).status).toBe(202);
    expect((await p.init('idp', 'busy-account', {})).status).toBe(202);
    expect((await p.init('idp', 'busy-account', {})).status).toBe(429);
    expect((await p.init('idp', 'another-account', {})).status).toBe(202);
  });
});
