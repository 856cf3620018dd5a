import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { ADAPTERS, givenApplication, player, startTestApp, STORES, type TestApp } from '../support/app';
import { adminApi, type ManagementSession } from '../support/management';
import { eventually } from './management-helpers';

/**
 * Text PostgreSQL cannot store (a NUL; a lone UTF-16 surrogate, which JSON's \uXXXX escapes can carry) is refused at
 * the edge with a 400 naming the field, on both stores and both adapters, and nothing is stored. Before, the
 * PostgreSQL store answered 500 and the Redis store stored it (and a later flush of the decision log failed on it).
 */
const VARIANTS = STORES.flatMap((store) => ADAPTERS.map((adapter) => [adapter, store] as const));

const LONE_HIGH = '\ud800';
const LONE_LOW = '\udfff';

describe.each(VARIANTS)('text inputs on %s, sessions in %s', (adapter, store) => {
  let t: TestApp;
  let admin: ManagementSession;

  beforeAll(async () => {
    t = await startTestApp({ adapter, store });
    admin = await adminApi(t);
  });
  afterAll(() => t.close());

  const json = (value: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });
  const form = (text: string) => ({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: text });

  it('answers 400 naming the metadata key for a lone surrogate or NUL at init, in JSON, form and query', async () => {
    const { application } = await givenApplication(t, [{ name: 'one', limit: 1 }]);
    const cm = player(t.url, application.id);
    const attempts = [
      () => cm.raw('POST', '/v2/sessions/dlog/attacker', json({ deviceName: LONE_HIGH })),
      () => cm.raw('POST', '/v2/sessions/dlog/attacker', json({ deviceName: `x${LONE_LOW}y` })),
      () => cm.raw('POST', '/v2/sessions/dlog/attacker', json({ deviceName: 'a\u0000b' })),
      () => cm.raw('POST', '/v2/sessions/dlog/attacker', form('deviceName=a%00b')),
      () => cm.raw('POST', '/v2/sessions/dlog/attacker?deviceName=a%00b'),
    ];
    for (const attempt of attempts) {
      const res = await attempt();
      expect([res.status, res.text]).toEqual([400, expect.stringContaining('deviceName')]);
      expect(res.text).toMatch(/NUL|lone surrogate/);
    }
    expect(await t.accountSessions('dlog', 'attacker')).toEqual([]);
  });

  it('answers 400 for such an idp or subject, and for such metadata on a heartbeat, leaving the session as it was', async () => {
    const { application } = await givenApplication(t, [{ name: 'two', limit: 2 }]);
    const cm = player(t.url, application.id);
    expect((await cm.raw('POST', '/v2/sessions/demo-idp/a%00b')).status).toBe(400);
    const started = await cm.init('demo-idp', 'carol', { deviceName: 'tv' });
    expect(started.status).toBe(202);
    const id = started.body.sessionId as string;
    const beat = await cm.raw('POST', `/v2/sessions/demo-idp/carol/${id}`, json({ deviceName: `x${LONE_LOW}` }));
    expect([beat.status, beat.text]).toEqual([400, expect.stringContaining('deviceName')]);
    expect((await t.stored(id))?.metadata).toMatchObject({ deviceName: 'tv' });
    expect((await cm.heartbeat('demo-idp', 'carol', id)).status).toBe(202);
  });

  it('answers 400 naming the field on the management API and the configuration apply, storing nothing', async () => {
    const tenant = await t.tenants.create({ slug: `text-${adapter}-${store}`, name: 'Text' });
    const policy = await admin.api('POST', `/tenants/${tenant.id}/policies`, { name: `x${LONE_HIGH}`, rules: [{ name: 'r', limit: 1 }] });
    expect([policy.status, policy.body.errors]).toEqual([
      400,
      [{ field: 'name', message: expect.stringMatching(/^name .*lone surrogate/) }],
    ]);
    const nul = await admin.api('POST', `/tenants/${tenant.id}/policies`, { name: 'ok', rules: [{ name: 'r\u0000', limit: 1 }] });
    expect([nul.status, nul.body.errors?.[0]?.field]).toEqual([400, 'rules[0].name']);
    const key = await admin.api('POST', `/tenants/${tenant.id}/policies`, { name: 'ok', rules: [{ name: 'r', limit: 1 }], [LONE_HIGH]: 1 });
    expect(key.status).toBe(400);
    expect((await admin.api('GET', `/tenants/${tenant.id}/policies`)).body.items ?? []).toEqual([]);

    const plan = await admin.api('POST', '/configuration/apply', {
      dryRun: true,
      configuration: { version: 1, tenants: [{ slug: tenant.slug, name: `T${LONE_LOW}`, applications: [], policies: [] }] },
    });
    expect([plan.status, plan.text]).toEqual([400, expect.stringContaining('lone surrogate')]);
    const query = await admin.api('GET', '/audit?targetType=a%00');
    expect(query.status).toBe(400);
  });

  it('answers 400 naming the claim when an entitlement claim a policy reads holds a NUL', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    const given = await givenApplication(t, [{ name: 'tier', limit: 1, where: [{ attribute: 'claims.tier', op: 'eq', value: 'gold' }] }]);
    const entitlements = { issuer: 'https://id.example.com', audience: 'cm', jwks: { keys: [jwk] } };
    expect((await admin.api('PATCH', `/applications/${given.application.id}`, { entitlements })).status).toBe(200);
    const cm = player(t.url, given.application.id);
    await eventually(
      () => cm.metadata(),
      (r) => (r.body as string[]).includes('entitlement'),
    );
    const token = await new SignJWT({ tier: 'go\u0000ld' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer('https://id.example.com')
      .setAudience('cm')
      .setExpirationTime('10m')
      .sign(privateKey);
    const res = await cm.init('demo-idp', 'dave', {}, { 'x-cm-entitlement': token });
    expect([res.status, res.body?.detail]).toEqual([400, `The entitlement's "tier" claim contains a NUL character`]);
    expect(await t.accountSessions('demo-idp', 'dave')).toEqual([]);
  });
});
