import { createTestDatabase, type TestDatabase } from '../support/database';
import { type Adapter, givenApplication, player, startTestApp, STORES, type StoreKind, type TestApp } from '../support/app';
import { DevicesService, HouseholdsRetention, NetworksService } from '@cm/households';
import { redisTarget } from '../support/stores';
import { type Api, apiAs, unique } from './management-helpers';

/**
 * Households and devices (issue 16 parts 1 and 2) on both session stores and both HTTP adapters: the device cap,
 * the viewer's swap quota, removal ending the device's streams, the race on registration, networks through a trusted
 * proxy in household rules, and network.* metadata refused from players.
 */
const CASES: Array<[StoreKind, Adapter]> = STORES.flatMap((store) =>
  (['express', 'fastify'] as Adapter[]).map((a): [StoreKind, Adapter] => [store, a]),
);

const deviceRule = (limit: number, swap?: { max: number; windowDays: number }) => ({
  type: 'device-registration',
  name: `${limit} devices`,
  limit,
  ...(swap ? { swap } : {}),
});

describe.each(CASES)('households, sessions in %s, %s adapter', (store, adapter) => {
  let database: TestDatabase;
  let t: TestApp;
  let admin: Api;

  beforeAll(async () => {
    database = await createTestDatabase('households');
    t = await startTestApp({
      database,
      adapter,
      store: store === 'redis' ? redisTarget() : { kind: store },
      env: { CM_TRUST_PROXY: 'loopback', CM_THROTTLE_ACCOUNT_INITS_PER_MINUTE: '100000' },
    });
    admin = await apiAs(t, 'admin');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  const from = (address: string) => ({ 'x-forwarded-for': address });

  it('registers devices up to the cap, then answers 409 device-limit listing them; a registered device still plays', async () => {
    const { application } = await givenApplication(t, [deviceRule(2), { name: 'cap 10', limit: 10 }]);
    const p = player(t.url, application.id);
    expect((await p.metadata()).body).toEqual(['deviceId']);
    expect((await p.init('idp', 'cap', {})).status).toBe(400);

    expect((await p.init('idp', 'cap', { deviceId: 'tv', deviceName: 'Living room TV', platform: 'tvOS' })).status).toBe(202);
    expect((await p.init('idp', 'cap', { deviceId: 'phone', deviceName: 'Phone' })).status).toBe(202);
    const denied = await p.init('idp', 'cap', { deviceId: 'laptop', deviceName: 'Laptop' });
    expect(denied.status).toBe(409);
    const advice = denied.body.associatedAdvice[0];
    expect(advice).toMatchObject({ type: 'device-limit', ruleName: '2 devices', attribute: 'deviceId', threshold: 2 });
    expect(advice.devices.map((d: { deviceId: string; name: string; platform: string }) => [d.deviceId, d.name, d.platform])).toEqual([
      ['tv', 'Living room TV', 'tvOS'],
      ['phone', 'Phone', 'web'],
    ]);
    expect(Date.parse(advice.devices[0].firstSeen)).not.toBeNaN();
    expect(Date.parse(advice.devices[0].lastSeen)).not.toBeNaN();

    expect((await p.init('idp', 'cap', { deviceId: 'tv' })).status).toBe(202);
    const list = await p.raw('GET', '/v2/devices/idp/cap');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ limit: 2, swap: null });
    expect(list.body.devices.map((d: { deviceId: string }) => d.deviceId)).toEqual(['tv', 'phone']);
    // Another account has its own register.
    expect((await p.init('idp', 'other', { deviceId: 'laptop' })).status).toBe(202);
  });

  it('lets the viewer remove devices within the swap quota; removal ends the device streams (410 device-removed)', async () => {
    const { application } = await givenApplication(t, [deviceRule(1, { max: 1, windowDays: 30 })]);
    const p = player(t.url, application.id);
    const tv = await p.init('idp', 'swap', { deviceId: 'tv' });
    expect(tv.status).toBe(202);
    expect((await p.init('idp', 'swap', { deviceId: 'phone' })).status).toBe(409);

    expect((await p.raw('DELETE', '/v2/devices/idp/swap/nope')).status).toBe(404);
    expect((await p.raw('DELETE', '/v2/devices/idp/swap/tv')).status).toBe(202);
    const hb = await p.heartbeat('idp', 'swap', tv.body.sessionId);
    expect(hb.status).toBe(410);
    expect(hb.body.associatedAdvice[0]).toMatchObject({ type: 'device-removed', deviceId: 'tv', removedBy: 'viewer' });

    expect((await p.init('idp', 'swap', { deviceId: 'phone' })).status).toBe(202);
    const refused = await p.raw('DELETE', '/v2/devices/idp/swap/phone');
    expect(refused.status).toBe(409);
    const advice = refused.body.associatedAdvice[0];
    expect(advice).toMatchObject({ type: 'swap-limit', max: 1, windowDays: 30 });
    const next = Date.parse(advice.nextRemovalAt);
    expect(next).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect(next).toBeLessThan(Date.now() + 31 * 86_400_000);
    const list = (await p.raw('GET', '/v2/devices/idp/swap')).body;
    expect(list.devices.map((d: { deviceId: string }) => d.deviceId)).toEqual(['phone']);
    expect(list.swap).toMatchObject({ max: 1, windowDays: 30, used: 1, nextRemovalAt: advice.nextRemovalAt });

    // The operator sees and removes the device without the viewer's quota; audited; the stream ends.
    const phone = await p.init('idp', 'swap', { deviceId: 'phone' });
    const seen = await admin('GET', '/api/v1/subjects/idp/swap/devices');
    expect(seen.status).toBe(200);
    expect(seen.body.devices).toEqual([expect.objectContaining({ deviceId: 'phone', ruleName: '1 devices', limit: 1 })]);
    expect((await admin('DELETE', '/api/v1/subjects/idp/swap/devices/phone')).status).toBe(204);
    expect((await admin('DELETE', '/api/v1/subjects/idp/swap/devices/phone')).status).toBe(404);
    const after = await p.heartbeat('idp', 'swap', phone.body.sessionId);
    expect(after.status).toBe(410);
    expect(after.body.associatedAdvice[0]).toMatchObject({ type: 'device-removed', removedBy: 'operator' });
    const look = await admin('GET', '/api/v1/subjects/idp/swap/sessions');
    expect(look.body.ended.find((s: { id: string }) => s.id === phone.body.sessionId)).toMatchObject({ killedBy: 'device-removed' });
    const audit = await admin('GET', '/api/v1/audit?targetType=device&targetId=phone');
    expect(audit.body.items).toEqual([expect.objectContaining({ action: 'device.remove' })]);
    expect((await admin('GET', '/api/v1/subjects/idp/swap/devices')).body.devices).toEqual([]);
  });

  it("shows a shared policy's register to the operators of the tenants it is shared with, and to no one else", async () => {
    const owner = await givenApplication(t, [deviceRule(2)]);
    const user = await t.tenants.create({ slug: unique('user'), name: 'user' });
    expect((await admin('PUT', `/api/v1/policies/${owner.policy.id}/shares`, { tenantIds: [user.id] })).status).toBe(200);
    const { application } = await t.applications.create(user.id, { name: 'Shared-policy app' });
    expect((await admin('PUT', `/api/v1/applications/${application.id}/policies`, { policyIds: [owner.policy.id] })).status).toBe(200);
    const subject = unique('shared');
    const played = await player(t.url, application.id).init('idp', subject, { deviceId: 'tv' });
    expect(played.status).toBe(202);

    const userAdmin = await apiAs(t, 'tenant-admin', user.id);
    const seen = await userAdmin('GET', `/api/v1/subjects/idp/${subject}/devices`);
    expect(seen.body.devices).toEqual([expect.objectContaining({ deviceId: 'tv', ruleName: '2 devices' })]);
    const ownerAdmin = await apiAs(t, 'tenant-admin', owner.tenant.id);
    expect((await ownerAdmin('GET', `/api/v1/subjects/idp/${subject}/devices`)).body.devices).toHaveLength(1);
    const stranger = await apiAs(t, 'tenant-admin', (await t.tenants.create({ slug: unique('else'), name: 'else' })).id);
    expect((await stranger('GET', `/api/v1/subjects/idp/${subject}/devices`)).body.devices).toEqual([]);
    expect((await stranger('DELETE', `/api/v1/subjects/idp/${subject}/devices/tv`)).status).toBe(404);

    expect((await userAdmin('DELETE', `/api/v1/subjects/idp/${subject}/devices/tv`)).status).toBe(204);
    expect((await player(t.url, application.id).heartbeat('idp', subject, played.body.sessionId)).status).toBe(410);
    // The removal is in the audit log of the register's owner and in the remover's tenant's, each under its tenant.
    const removals = async (api: Api) =>
      (await api('GET', '/api/v1/audit?targetType=device&targetId=tv')).body.items.filter(
        (e: { before: { subject: string } }) => e.before.subject === subject,
      );
    expect(await removals(ownerAdmin)).toEqual([expect.objectContaining({ action: 'device.remove', tenantId: owner.tenant.id })]);
    expect(await removals(userAdmin)).toEqual([expect.objectContaining({ action: 'device.remove', tenantId: user.id })]);
    expect(await removals(stranger)).toEqual([]);
  });

  it('registers exactly one of many new devices starting at once at limit - 1', async () => {
    const { application } = await givenApplication(t, [deviceRule(3)]);
    const p = player(t.url, application.id);
    expect((await p.init('idp', 'race', { deviceId: 'd0' })).status).toBe(202);
    expect((await p.init('idp', 'race', { deviceId: 'd1' })).status).toBe(202);
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => p.init('idp', 'race', { deviceId: `new-${i}` })));
    expect(answers.map((a) => a.status).sort()).toEqual([202, ...Array<number>(11).fill(409)]);
    expect((await p.raw('GET', '/v2/devices/idp/race')).body.devices).toHaveLength(3);
  });

  it('gives starts network attributes from the trusted proxy: home network, country and ASN in household rules', async () => {
    const { application, tenant } = await givenApplication(t, [
      { name: 'one stream away', limit: 1, where: [{ attribute: 'network.home', op: 'eq', value: 'false' }] },
      { name: '2 households', limit: 2, countBy: 'network.id' },
    ]);
    const p = player(t.url, application.id);
    const subject = unique('home');
    // Players are not asked for the server's attributes.
    expect((await p.metadata()).body).toEqual([]);
    const home = await p.init('idp', subject, {}, from('81.2.69.142'));
    expect(home.status).toBe(202);
    expect((await p.init('idp', subject, {}, from('81.2.69.7'))).status).toBe(202);
    const away = await p.init('idp', subject, {}, from('8.8.8.8'));
    expect(away.status).toBe(202);
    // A second stream away from home: over "one stream away".
    const second = await p.init('idp', subject, {}, from('8.8.4.4'));
    expect(second.status).toBe(409);
    expect(second.body.associatedAdvice.map((a: { ruleName: string }) => a.ruleName)).toEqual(['one stream away', '2 households']);

    const look = (await admin('GET', `/api/v1/subjects/idp/${subject}/sessions`)).body;
    const byId = new Map(look.running.map((s: { id: string; metadata: Record<string, string> }) => [s.id, s.metadata]));
    expect(byId.get(home.body.sessionId)).toMatchObject({
      'network.id': '81.2.69.0/24',
      'network.home': 'true',
      'network.country': 'GB',
      'network.asn': '20712',
    });
    expect(byId.get(away.body.sessionId)).toMatchObject({
      'network.id': '8.8.8.0/24',
      'network.home': 'false',
      'network.country': 'US',
      'network.asn': '15169',
    });

    const networks = (await admin('GET', `/api/v1/subjects/idp/${subject}/networks`)).body;
    expect(networks.tenants).toHaveLength(1);
    expect(networks.tenants[0]).toMatchObject({ tenantId: tenant.id, tenantName: tenant.name });
    expect(networks.tenants[0].home).toEqual({ networkId: '81.2.69.0/24', source: 'playback' });
    expect(
      networks.tenants[0].networks.map((n: { networkId: string; starts: number; home: boolean }) => [n.networkId, n.starts, n.home]),
    ).toEqual([
      ['81.2.69.0/24', 2, true],
      ['8.8.8.0/24', 1, false],
    ]);

    // An operator of a tenant whose applications never played for the account sees no network and sets no home.
    const stranger = await apiAs(t, 'tenant-admin', (await t.tenants.create({ slug: unique('other'), name: 'other' })).id);
    expect((await stranger('GET', `/api/v1/subjects/idp/${subject}/networks`)).body).toEqual({ idp: 'idp', subject, tenants: [] });
    expect((await stranger('PUT', `/api/v1/subjects/idp/${subject}/home-network`, { networkId: '8.8.4.0/24' })).status).toBe(404);

    // The operator moves the home: 8.8.4.0/24 is home now, so a stream there is not "away".
    const set = await admin('PUT', `/api/v1/subjects/idp/${subject}/home-network`, { networkId: '8.8.4.9' });
    expect(set.status).toBe(200);
    expect(set.body.tenants[0].home).toEqual({ networkId: '8.8.4.0/24', source: 'operator' });
    expect((await admin('PUT', `/api/v1/subjects/idp/${subject}/home-network`, { networkId: '10.0.0.0/8' })).status).toBe(400);
    // Attributes are those of the start: running streams keep theirs. With the away stream stopped, 8.8.4.0/24 is
    // the second household, and at home.
    expect((await p.stop('idp', subject, away.body.sessionId)).status).toBe(202);
    expect((await p.init('idp', subject, {}, from('8.8.4.4'))).status).toBe(202);
    expect((await p.init('idp', subject, {}, from('8.8.8.8'))).status).toBe(409);
    const audit = await admin('GET', `/api/v1/audit?targetType=account&targetId=${encodeURIComponent(`idp/${subject}`)}`);
    expect(audit.body.items[0]).toMatchObject({
      action: 'account.home-network',
      tenantId: tenant.id,
      after: { homeNetwork: '8.8.4.0/24' },
    });
  });

  it("keeps home networks per tenant: another tenant's operators and starts neither read nor move them (issue 24)", async () => {
    const away = { name: 'one stream away', limit: 1, where: [{ attribute: 'network.home', op: 'eq', value: 'false' }] };
    const a = await givenApplication(t, [away]);
    const b = await givenApplication(t, [{ name: 'cap 10', limit: 10 }]);
    const pa = player(t.url, a.application.id);
    const pb = player(t.url, b.application.id);
    const subject = unique('tenants');
    const path = `/api/v1/subjects/idp/${subject}`;
    const aAdmin = await apiAs(t, 'tenant-admin', a.tenant.id);
    const bAdmin = await apiAs(t, 'tenant-admin', b.tenant.id);
    const bViewer = await apiAs(t, 'viewer', b.tenant.id);

    // A's player plays at home once; B's players start and stop five times from elsewhere (more than A's starts).
    const first = await pa.init('idp', subject, {}, from('81.2.69.142'));
    expect(first.status).toBe(202);
    expect((await pa.stop('idp', subject, first.body.sessionId)).status).toBe(202);
    for (let i = 0; i < 5; i++) {
      const s = await pb.init('idp', subject, {}, from('8.8.8.8'));
      expect(s.status).toBe(202);
      expect((await pb.stop('idp', subject, s.body.sessionId)).status).toBe(202);
    }

    // B's admin sets a home: B's own. A's is neither read nor changed through B.
    const set = await bAdmin('PUT', `${path}/home-network`, { networkId: '8.8.4.0/24' });
    expect(set.status).toBe(200);
    expect(set.body.tenants).toEqual([
      expect.objectContaining({ tenantId: b.tenant.id, home: { networkId: '8.8.4.0/24', source: 'operator' } }),
    ]);
    expect((await bAdmin('PUT', `${path}/home-network`, { networkId: '8.8.4.0/24', tenantId: a.tenant.id })).status).toBe(404);
    expect((await bAdmin('GET', `${path}/networks?tenantId=${a.tenant.id}`)).status).toBe(404);
    expect((await bViewer('GET', `${path}/networks?tenantId=${a.tenant.id}`)).status).toBe(404);
    expect((await bViewer('PUT', `${path}/home-network`, { networkId: '8.8.4.0/24' })).status).toBe(403);
    const bView = (await bViewer('GET', `${path}/networks`)).body;
    expect(bView.tenants.map((v: { tenantId: string }) => v.tenantId)).toEqual([b.tenant.id]);
    expect(bView.tenants[0].networks.map((n: { networkId: string; starts: number }) => [n.networkId, n.starts])).toEqual([
      ['8.8.8.0/24', 5],
    ]);

    // A's two streams at home stay at home: 202, 202 (B's choice and B's starts do not move A's home).
    const home1 = await pa.init('idp', subject, {}, from('81.2.69.7'));
    const home2 = await pa.init('idp', subject, {}, from('81.2.69.8'));
    expect([home1.status, home2.status]).toEqual([202, 202]);
    expect((await t.stored(home2.body.sessionId))?.metadata).toMatchObject({ 'network.home': 'true' });
    const aView = (await aAdmin('GET', `${path}/networks`)).body;
    expect(aView.tenants).toEqual([
      expect.objectContaining({ tenantId: a.tenant.id, home: { networkId: '81.2.69.0/24', source: 'playback' } }),
    ]);
    expect(aView.tenants[0].networks.map((n: { networkId: string }) => n.networkId)).toEqual(['81.2.69.0/24']);
    // An admin sees each tenant's own home.
    const all = (await admin('GET', `${path}/networks`)).body.tenants;
    const homes = Object.fromEntries(all.map((v: { tenantId: string; home: { networkId: string } }) => [v.tenantId, v.home.networkId]));
    expect(homes).toEqual({ [a.tenant.id]: '81.2.69.0/24', [b.tenant.id]: '8.8.4.0/24' });
    // With two tenants' networks, an admin names the tenant whose home to set.
    const ambiguous = await admin('PUT', `${path}/home-network`, { networkId: '81.2.69.0/24' });
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.body.errors).toEqual([expect.objectContaining({ field: 'tenantId' })]);

    // Each change is in its own tenant's audit log only, under that tenant.
    expect((await aAdmin('PUT', `${path}/home-network`, { networkId: '81.2.69.0/24' })).status).toBe(200);
    const audit = async (api: Api) =>
      (await api('GET', `/api/v1/audit?targetType=account&targetId=${encodeURIComponent(`idp/${subject}`)}`)).body.items;
    expect(await audit(aAdmin)).toEqual([
      expect.objectContaining({ action: 'account.home-network', tenantId: a.tenant.id, after: { homeNetwork: '81.2.69.0/24' } }),
    ]);
    expect(await audit(bAdmin)).toEqual([
      expect.objectContaining({ action: 'account.home-network', tenantId: b.tenant.id, after: { homeNetwork: '8.8.4.0/24' } }),
    ]);
  });

  it('forgets network days past the 30-day window and device removals past every swap window (the hourly sweep)', async () => {
    const { application } = await givenApplication(t, [deviceRule(3, { max: 5, windowDays: 30 })]);
    const p = player(t.url, application.id);
    const subject = unique('sweep');
    expect((await p.init('idp', subject, { deviceId: 'tv' }, from('81.2.69.142'))).status).toBe(202);
    expect((await p.init('idp', subject, { deviceId: 'phone' }, from('8.8.8.8'))).status).toBe(202);
    expect((await p.raw('DELETE', `/v2/devices/idp/${subject}/phone`)).status).toBe(202);
    expect((await admin('GET', `/api/v1/subjects/idp/${subject}/networks`)).body.tenants[0].networks).toHaveLength(2);
    // The 8.8.8.0/24 day is 30 days old, the removal 366 days: both past their windows.
    await t.sql(`UPDATE account_networks SET day = day - 30 WHERE subject = $1 AND network_id = '8.8.8.0/24'`, [subject]);
    await t.sql(`UPDATE device_removals SET removed_at = removed_at - interval '366 days' WHERE subject = $1`, [subject]);
    const deleted = await t.app.get(HouseholdsRetention).sweep();
    expect(deleted.networkDays).toBeGreaterThanOrEqual(1);
    expect(deleted.removals).toBeGreaterThanOrEqual(1);
    const networks = (await admin('GET', `/api/v1/subjects/idp/${subject}/networks`)).body;
    expect(networks.tenants[0].networks.map((n: { networkId: string }) => n.networkId)).toEqual(['81.2.69.0/24']);
    expect((await t.sql(`SELECT 1 FROM device_removals WHERE subject = $1`, [subject])).length).toBe(0);
    // The register itself stays.
    expect((await p.raw('GET', `/v2/devices/idp/${subject}`)).body.devices.map((d: { deviceId: string }) => d.deviceId)).toEqual(['tv']);
  });

  it('refuses network.* metadata from players (400), at init and heartbeat', async () => {
    const { application } = await givenApplication(t, [{ name: 'cap 5', limit: 5 }]);
    const p = player(t.url, application.id);
    const init = await p.init('idp', 'spoof', { 'network.home': 'true' });
    expect(init.status).toBe(400);
    expect(init.body.detail).toMatch(/network\.home.*reserved/);
    const ok = await p.init('idp', 'spoof', {});
    expect((await p.heartbeat('idp', 'spoof', ok.body.sessionId, { 'network.country': 'US' })).status).toBe(400);
  });

  it('validates device-registration rules, naming the field', async () => {
    const tenant = await t.tenants.create({ slug: unique('dev'), name: 'dev' });
    const bad = await admin('POST', `/api/v1/tenants/${tenant.id}/policies`, {
      name: 'bad',
      rules: [
        { type: 'device-registration', name: 'a', limit: 2, swap: { max: -1, windowDays: 30 } },
        { type: 'device-registration', name: 'b', limit: 2, by: 'network.id' },
        { type: 'households', name: 'c', limit: 1 },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'rules[0].swap.max',
      'rules[1].by',
      'rules[2].type',
      'rules[1].type',
    ]);
  });
});

describe('households without a trusted proxy', () => {
  let t: TestApp;
  afterAll(async () => t?.close());

  it('ignores X-Forwarded-For: the network is the socket address', async () => {
    t = await startTestApp();
    const { application } = await givenApplication(t, [{ name: '5 countries', limit: 5, countBy: 'network.country' }]);
    const p = player(t.url, application.id);
    const s = await p.init('idp', 'direct', {}, { 'x-forwarded-for': '81.2.69.142' });
    expect(s.status).toBe(202);
    const admin = await apiAs(t, 'admin');
    const look = (await admin('GET', '/api/v1/subjects/idp/direct/sessions')).body;
    expect(look.running[0].metadata).toMatchObject({ 'network.id': '127.0.0.0/24', 'network.country': 'ZZ', 'network.asn': '0' });
  });
});

/**
 * Write-behind never jams (issue 24): the households buffers written off the request path (start counts per network,
 * device last-seen times) set aside a row the database refuses, count it in cm_writebehind_rejected_total, and write
 * the others. The database refuses text with a NUL byte (SQLSTATE 22021).
 */
describe('households write-behind', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  }, 60_000);
  afterAll(async () => t?.close());

  const rejected = async (buffer: string) => {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`cm_writebehind_rejected_total{buffer="${buffer}"} `));
    return line === undefined ? undefined : Number(line.split(' ')[1]);
  };

  it('writes the valid start counts of a batch with one the database refuses', async () => {
    const networks = t.app.get(NetworksService);
    const tenant = await t.tenants.create({ slug: unique('wb'), name: 'wb' });
    const network = { address: '81.2.69.142', networkId: '81.2.69.0/24', country: 'GB', asn: 20712 };
    expect(await rejected('network-counts')).toBe(0);
    networks.recordStart({ idp: 'wb', subject: 'first' }, tenant.id, network);
    networks.recordStart({ idp: 'wb', subject: 'bad\u0000subject' }, tenant.id, network);
    networks.recordStart({ idp: 'wb', subject: 'second' }, tenant.id, network);
    networks.recordStart({ idp: 'wb', subject: 'second' }, tenant.id, network);
    await networks.flush();
    const rows = await t.sql<{ subject: string; starts: number }>(
      `SELECT subject, starts FROM account_networks WHERE idp = 'wb' ORDER BY subject`,
    );
    expect(rows).toEqual([
      { subject: 'first', starts: 1 },
      { subject: 'second', starts: 2 },
    ]);
    expect(await rejected('network-counts')).toBe(1);
    // The buffer goes on: later starts are written.
    networks.recordStart({ idp: 'wb', subject: 'first' }, tenant.id, network);
    await networks.flush();
    expect((await t.sql(`SELECT starts FROM account_networks WHERE idp = 'wb' AND subject = 'first'`))[0]).toEqual({ starts: 2 });
  });

  it('keeps start counts for the next flush when the write fails for another reason, and counts them once', async () => {
    const networks = t.app.get(NetworksService);
    const tenant = await t.tenants.create({ slug: unique('wb'), name: 'wb' });
    const network = { address: '8.8.8.8', networkId: '8.8.8.0/24', country: 'US', asn: 15169 };
    const before = (await rejected('network-counts'))!;
    // The table is away (42P01, not the rows' fault): nothing is set aside, the counts wait.
    await t.sql(`ALTER TABLE account_networks RENAME TO account_networks_away`);
    try {
      networks.recordStart({ idp: 'wb-keep', subject: 'kept' }, tenant.id, network);
      networks.recordStart({ idp: 'wb-keep', subject: 'bad\u0000subject' }, tenant.id, network);
      await networks.flush();
    } finally {
      await t.sql(`ALTER TABLE account_networks_away RENAME TO account_networks`);
    }
    expect(await rejected('network-counts')).toBe(before);
    networks.recordStart({ idp: 'wb-keep', subject: 'kept' }, tenant.id, network);
    await networks.flush();
    expect(await t.sql(`SELECT subject, starts FROM account_networks WHERE idp = 'wb-keep'`)).toEqual([{ subject: 'kept', starts: 2 }]);
    expect(await rejected('network-counts')).toBe(before + 1);
  });

  it("forgets a deleted tenant's start counts and home networks", async () => {
    const networks = t.app.get(NetworksService);
    const tenant = await t.tenants.create({ slug: unique('gone'), name: 'gone' });
    const account = { idp: 'wb-gone', subject: 'viewer' };
    networks.recordStart(account, tenant.id, { address: '8.8.8.8', networkId: '8.8.8.0/24', country: 'US', asn: 15169 });
    await networks.setHome(account, tenant.id, '8.8.4.0/24', 'test');
    expect(await networks.tenantsWithNetworks(account, 'all')).toEqual([tenant.id]);
    await t.tenants.delete(tenant.id);
    expect(await networks.tenantsWithNetworks(account, 'all')).toEqual([]);
    expect(await t.sql(`SELECT 1 FROM home_networks WHERE tenant_id = $1`, [tenant.id])).toEqual([]);
  });

  it('writes the valid device sightings of a batch with one the database refuses', async () => {
    const { application, policy } = await givenApplication(t, [deviceRule(3)]);
    const p = player(t.url, application.id);
    expect((await p.init('idp', 'wb-a', { deviceId: 'tv', deviceName: 'TV' })).status).toBe(202);
    expect((await p.init('idp', 'wb-b', { deviceId: 'tv', deviceName: 'TV' })).status).toBe(202);
    const devices = t.app.get(DevicesService);
    const policies = [{ id: policy.id, name: policy.name, rules: policy.rules }];
    expect(await rejected('device-last-seen')).toBe(0);
    // Both devices are registered: a start writes nothing, its sighting (name, last seen) waits in the buffer.
    expect(await devices.admit(policies, { idp: 'idp', subject: 'wb-a' }, { deviceId: 'tv', deviceName: 'bad\u0000name' }, 'web')).toEqual({
      ok: true,
    });
    expect(await devices.admit(policies, { idp: 'idp', subject: 'wb-b' }, { deviceId: 'tv', deviceName: 'Living room' }, 'tvOS')).toEqual({
      ok: true,
    });
    await devices.flush();
    const names = await t.sql<{ subject: string; name: string; platform: string }>(
      `SELECT subject, name, platform FROM devices WHERE policy_id = $1 ORDER BY subject`,
      [policy.id],
    );
    expect(names).toEqual([
      { subject: 'wb-a', name: 'TV', platform: 'web' },
      { subject: 'wb-b', name: 'Living room', platform: 'tvOS' },
    ]);
    expect(await rejected('device-last-seen')).toBe(1);
  });
});
