import { DecisionLog } from '@cm/usage';
import { ADAPTERS, givenApplication, player, startTestApp, type TestApp } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { adminApi, loginAs, type ManagementSession } from '../support/management';

const path = (idp: string, subject: string) => `/subjects/${encodeURIComponent(idp)}/${encodeURIComponent(subject)}/decisions`;

/**
 * The per-account decision log ("why was I blocked?"): every denial and dismissal with the rule, its message, the
 * conflicting streams and the device concerned; readable at once, written in batches, shared by processes, scoped by
 * tenant, kept for the ended-session retention.
 */
describe.each(ADAPTERS)('decision log on %s (two api processes, one database)', (adapter) => {
  let database: TestDatabase;
  let one: TestApp;
  let two: TestApp;
  let admin: ManagementSession;
  const flushBoth = () => Promise.all([one.app.get(DecisionLog).flush(), two.app.get(DecisionLog).flush()]);

  beforeAll(async () => {
    database = await createTestDatabase(`decisions-${adapter}`);
    // A long flush interval: what the tests see before a flush comes from the process' unwritten decisions.
    const env = { CM_USAGE_FLUSH_SECONDS: '10', CM_ENDED_RETENTION_HOURS: '24' };
    one = await startTestApp({ database, adapter, env });
    two = await startTestApp({ database, adapter, env });
    admin = await adminApi(one);
  }, 60_000);
  afterAll(async () => {
    await two?.close();
    await one?.close();
    await database?.drop();
  });

  it('records a denial with the rule, its message, the conflicting streams and the device that asked', async () => {
    const p = player(one.url, 'demo-app');
    const subject = `denied-${adapter}`;
    for (const deviceName of ['Living room TV', 'Phone', 'Laptop']) {
      expect((await p.init('Cable_SSO', subject, { deviceName, channel: 'news' })).status).toBe(202);
    }
    const denied = await p.init('Cable_SSO', subject, { deviceName: 'Kitchen tablet', channel: 'sports' });
    expect(denied.status).toBe(409);

    // Before any flush: the process that decided shows it at once.
    const now = await admin.api('GET', path('Cable_SSO', subject));
    expect(now.status).toBe(200);
    expect(now.body.decisions).toHaveLength(1);
    const d = now.body.decisions[0];
    expect(d).toMatchObject({
      outcome: 'denied',
      idp: 'Cable_SSO',
      subject,
      applicationId: 'demo-app',
      applicationName: 'Demo application',
      sessionId: null,
      deviceName: 'Kitchen tablet',
      metadata: { deviceName: 'Kitchen tablet', channel: 'sports' },
    });
    expect(d.rules).toEqual([
      expect.objectContaining({
        policyName: 'demo-policy',
        ruleName: '3 streams cap',
        message: 'Number of active streams exceeded',
        threshold: 3,
        attribute: 'streamId',
        scope: [],
      }),
    ]);
    expect(d.rules[0].conflicts.map((c: { deviceName: string }) => c.deviceName).sort()).toEqual(['Laptop', 'Living room TV', 'Phone']);
    // The same rule and streams the player was told.
    expect(denied.body.associatedAdvice[0].ruleName).toBe(d.rules[0].ruleName);

    // The other process sees it once the deciding process flushed (one batch).
    await flushBoth();
    const stored = await one.sql<{ n: number }>(`SELECT count(*)::int AS n FROM decisions WHERE subject = $1`, [subject]);
    expect(stored[0].n).toBe(1);
    const fromTwo = await fetch(`${two.url}/api/v1${path('Cable_SSO', subject)}`, { headers: { authorization: `Bearer ${admin.token}` } });
    const body = (await fromTwo.json()) as { decisions: Array<{ id: string }> };
    expect(body.decisions.map((x) => x.id)).toEqual([d.id]);
    // Flushed and unwritten copies are not doubled.
    expect((await admin.api('GET', path('Cable_SSO', subject))).body.decisions).toHaveLength(1);
  });

  it('records dismissals: the oldest stream under "latest wins", and a stream a lowered limit no longer allows', async () => {
    const { application, policy, tenant } = await givenApplication(one, [
      { name: '2 devices', limit: 2, countBy: 'deviceId', onConflict: 'evict-oldest', message: 'Too many devices' },
    ]);
    const p = player(one.url, application.id);
    const subject = `dismissed-${adapter}`;
    const first = await p.init('idp', subject, { deviceId: 'tv', deviceName: 'TV' });
    await p.init('idp', subject, { deviceId: 'tablet', deviceName: 'Tablet' });
    expect((await p.init('idp', subject, { deviceId: 'phone', deviceName: 'Phone' })).status).toBe(202);
    // TV was the oldest: dismissed at the third init.
    const evicted = (await admin.api('GET', path('idp', subject))).body.decisions;
    expect(evicted).toHaveLength(1);
    expect(evicted[0]).toMatchObject({
      outcome: 'dismissed',
      sessionId: first.body.sessionId,
      deviceName: 'TV',
      applicationName: 'Test app',
      tenantId: tenant.id,
    });
    expect(evicted[0].rules[0]).toMatchObject({ ruleName: '2 devices', message: 'Too many devices', attribute: 'deviceId', threshold: 2 });
    expect(evicted[0].rules[0].conflicts.map((c: { key: string }) => c.key)).toContain('phone');

    // The limit goes down to 1: the tablet (older of the two left) is dismissed at its heartbeat.
    await one.policies.update(policy.id, {
      name: policy.name,
      rules: [{ name: '1 device', limit: 1, countBy: 'deviceId', onConflict: 'evict-oldest' }],
    });
    const running = (await p.running('idp', subject)).body.runningStreams as Array<{ sessionId: string; metadata: { deviceId: string } }>;
    const tablet = running.find((s) => s.metadata.deviceId === 'tablet')!;
    expect((await player(two.url, application.id).heartbeat('idp', subject, tablet.sessionId)).status).toBe(409);
    await flushBoth();
    const all = (await admin.api('GET', path('idp', subject))).body.decisions;
    expect(all.map((x: { outcome: string; deviceName: string }) => `${x.outcome} ${x.deviceName}`)).toEqual([
      'dismissed Tablet',
      'dismissed TV',
    ]);
    expect(all[0].rules[0].ruleName).toBe('1 device');
  });

  it("shows a tenant only its own applications' decisions; the recent feed names the account", async () => {
    const a = await givenApplication(one, [{ name: 'one stream', limit: 1 }], { appName: 'Tenant A app' });
    const b = await givenApplication(one, [{ name: 'one stream', limit: 1 }], { appName: 'Tenant B app' });
    const subject = `shared-account-${adapter}`;
    for (const app of [a.application, b.application]) {
      const p = player(one.url, app.id);
      await p.init('idp', subject, { deviceName: 'First' });
      expect((await p.init('idp', subject, { deviceName: 'Second' })).status).toBe(409);
    }
    const viewerA = await loginAs(one, 'viewer', a.tenant.id);
    const seenByA = (await viewerA.api('GET', path('idp', subject))).body.decisions;
    expect(seenByA.map((x: { applicationName: string }) => x.applicationName)).toEqual(['Tenant A app']);
    expect((await admin.api('GET', path('idp', subject))).body.decisions).toHaveLength(2);

    const recentA = await viewerA.api('GET', '/usage/decisions?limit=5');
    expect(recentA.status).toBe(200);
    expect(recentA.body.decisions).toHaveLength(1);
    expect(recentA.body.decisions[0]).toMatchObject({ idp: 'idp', subject, outcome: 'denied', deviceName: 'Second' });
    // An admin narrows the feed to one tenant (the console's tenant picker); another tenant's id matches nothing for A.
    const recentB = await admin.api('GET', `/usage/decisions?tenantId=${b.tenant.id}`);
    expect(recentB.body.decisions.map((x: { applicationName: string }) => x.applicationName)).toEqual(['Tenant B app']);
    expect((await viewerA.api('GET', `/usage/decisions?tenantId=${b.tenant.id}`)).body.decisions).toEqual([]);
    await flushBoth();
    expect((await viewerA.api('GET', '/usage/decisions')).body.decisions).toHaveLength(1);
  });

  it('answers 400 for bad input, naming the field', async () => {
    const bad = await admin.api('GET', `/subjects/idp/${encodeURIComponent('a\u0001b')}/decisions`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'subject' })]);
    expect((await admin.api('GET', `/subjects/${'x'.repeat(257)}/s/decisions`)).status).toBe(400);
    for (const query of ['limit=0', 'limit=201', 'limit=ten', 'tenantId=nope', 'color=blue']) {
      const answer = await admin.api('GET', `/usage/decisions?${query}`);
      expect([query, answer.status]).toEqual([query, 400]);
    }
    expect((await admin.api('GET', '/subjects/nobody/none/decisions')).body).toEqual({ idp: 'nobody', subject: 'none', decisions: [] });
  });

  it('forgets decisions older than the ended-session retention', async () => {
    await flushBoth();
    const subject = `old-${adapter}`;
    const p = player(one.url, 'demo-app');
    for (let i = 0; i < 4; i++) await p.init('Old_SSO', subject, {});
    await flushBoth();
    expect((await admin.api('GET', path('Old_SSO', subject))).body.decisions).toHaveLength(1);
    await one.sql(`UPDATE decisions SET at = now() - interval '25 hours' WHERE subject = $1`, [subject]);
    expect(await one.app.get(DecisionLog).applyRetention()).toBeGreaterThanOrEqual(1);
    expect((await admin.api('GET', path('Old_SSO', subject))).body.decisions).toEqual([]);
  });
});
