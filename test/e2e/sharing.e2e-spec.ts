import { createTestDatabase, type TestDatabase } from '../support/database';
import { type Adapter, givenApplication, player, startTestApp, STORES, type StoreKind, type TestApp } from '../support/app';
import { SharingRecorder } from '@cm/sharing';
import { loadEnv } from '../../apps/api/src/config/env';
import { redisTarget } from '../support/stores';
import { type Api, apiAs, apiToken, unique } from './management-helpers';

/**
 * Sharing signals (issue 16 part 3, docs/sharing.md) on both session stores and both HTTP adapters: players start
 * streams through a trusted proxy (X-Forwarded-For), the real IP databases place them (country and ASN from the
 * households databases, city and coordinates from DB-IP's city database), and the management API shows the scores,
 * the evidence and the timeline. Addresses (DB-IP, 2026-06):
 * - 80.8.12.34 / 80.8.12.99: Orange S.A. (AS3215), Paris, FR — a home line
 * - 58.160.12.34: Telstra (AS1221), Sydney, AU — a home line
 * - 24.221.5.6 (Atlanta) and 65.76.5.6 (Bellevue, WA): T-Mobile USA (AS21928) — a mobile carrier
 * - 104.131.0.10: DigitalOcean (AS14061) — hosting / VPN exits
 * - 2a01:cb1c:100::1: Orange S.A. (AS5511) over IPv6, placed in Uchaux, FR (600 km from Paris) — a dual-stack home
 */
const CASES: Array<[StoreKind, Adapter]> = STORES.flatMap((store) =>
  (['express', 'fastify'] as Adapter[]).map((a): [StoreKind, Adapter] => [store, a]),
);

const PARIS = '80.8.12.34';
const PARIS_SAME_NETWORK = '80.8.12.99';
const SYDNEY = '58.160.12.34';
const MOBILE_ATLANTA = '24.221.5.6';
const MOBILE_BELLEVUE = '65.76.5.6';
const HOSTING = '104.131.0.10';
const PARIS_IPV6_ELSEWHERE = '2a01:cb1c:100::1';

interface Evidence {
  signal: string;
  points: number;
  summary: string;
  details: any;
}

describe.each(CASES)('sharing signals, sessions in %s, %s adapter', (store, adapter) => {
  let database: TestDatabase;
  let t: TestApp;
  let admin: Api;

  beforeAll(async () => {
    database = await createTestDatabase('sharing');
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
  const path = (idp: string, subject: string) => `/api/v1/sharing/accounts/${encodeURIComponent(idp)}/${encodeURIComponent(subject)}`;

  it('scores impossible travel between Paris and Sydney a minute apart, with both places, in the list and the timeline', async () => {
    const { application, tenant } = await givenApplication(t, [{ name: 'cap 10', limit: 10 }], { appName: 'Travel app' });
    const p = player(t.url, application.id);
    const subject = unique('travel');
    const paris = await p.init('idp', subject, { deviceId: 'tv' }, from(PARIS));
    expect(paris.status).toBe(202);
    const sydney = await p.init('idp', subject, { deviceId: 'phone' }, from(SYDNEY));
    expect(sydney.status).toBe(202);
    expect((await p.stop('idp', subject, paris.body.sessionId)).status).toBe(202);

    const list = await admin('GET', `/api/v1/sharing/accounts?tenantId=${tenant.id}`);
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 1, limit: 50, offset: 0 });
    const item = list.body.items[0];
    expect(item).toMatchObject({
      idp: 'idp',
      subject,
      tenantId: tenant.id,
      tenantName: tenant.name,
      countries24h: 2,
      networks24h: 2,
      reviewed: null,
    });
    const travel = item.evidence.find((e: Evidence) => e.signal === 'impossible-travel');
    expect(travel.points).toBe(25);
    expect(travel.summary).toMatch(/Started in Sydney, AU .* after a start in Paris, FR: 16,9\d\d km apart/);
    expect(travel.details.from).toMatchObject({
      address: PARIS,
      networkId: '80.8.12.0/24',
      city: 'Paris',
      country: 'FR',
      asn: 3215,
      organisation: 'Orange S.A.',
    });
    expect(travel.details.to).toMatchObject({ address: SYDNEY, networkId: '58.160.12.0/24', city: 'Sydney', country: 'AU', asn: 1221 });
    expect(travel.details.from.latitude).toBeCloseTo(48.86, 1);
    expect(travel.details.to.longitude).toBeCloseTo(151.21, 1);
    expect(travel.details.speedKmh).toBeGreaterThan(900);
    // The streams overlapped on two networks before the Paris one stopped.
    expect(item.evidence.find((e: Evidence) => e.signal === 'concurrent-networks')).toMatchObject({ points: 15 });
    expect(item.evidence.find((e: Evidence) => e.signal === 'countries-24h')).toMatchObject({ points: 15 });
    expect(item.score).toBe(55);
    expect(item.evidence.reduce((sum: number, e: Evidence) => sum + e.points, 0)).toBe(55);

    const detail = await admin('GET', path('idp', subject));
    expect(detail.status).toBe(200);
    expect(detail.body.score).toBe(55);
    expect(
      detail.body.timeline.map((s: any) => [s.sessionId, s.city, s.country, s.deviceId, s.running, s.kind, s.applicationName]),
    ).toEqual([
      [sydney.body.sessionId, 'Sydney', 'AU', 'phone', true, 'fixed', 'Travel app'],
      [paris.body.sessionId, 'Paris', 'FR', 'tv', false, 'fixed', 'Travel app'],
    ]);
    expect(detail.body.timeline[1].endedAt).not.toBeNull();
  });

  it('handles the known false positives: same network seen twice, a mobile carrier changing addresses, a VPN exit', async () => {
    const { application, tenant } = await givenApplication(t, [{ name: 'cap 10', limit: 10 }]);
    const p = player(t.url, application.id);
    const home = unique('home');
    for (const address of [PARIS, PARIS_SAME_NETWORK, PARIS]) expect((await p.init('idp', home, {}, from(address))).status).toBe(202);
    const mobile = unique('mobile');
    for (const address of [MOBILE_ATLANTA, MOBILE_BELLEVUE, MOBILE_ATLANTA]) {
      const s = await p.init('idp', mobile, {}, from(address));
      expect(s.status).toBe(202);
      expect((await p.stop('idp', mobile, s.body.sessionId)).status).toBe(202);
    }
    const vpn = unique('vpn');
    const atHome = await p.init('idp', vpn, {}, from(PARIS));
    const viaVpn = await p.init('idp', vpn, {}, from(HOSTING));
    expect([atHome.status, viaVpn.status]).toEqual([202, 202]);

    // One home over IPv4 and IPv6 at once: two TVs; the database places the IPv6 address 600 km away.
    const dual = unique('dual');
    for (const address of [PARIS, PARIS_IPV6_ELSEWHERE]) expect((await p.init('idp', dual, {}, from(address))).status).toBe(202);

    const all = await admin('GET', `/api/v1/sharing/accounts?tenantId=${tenant.id}&minScore=0`);
    const bySubject = new Map(all.body.items.map((i: any) => [i.subject, i]));
    expect(bySubject.get(home)).toMatchObject({ score: 0, evidence: [], networks24h: 1 });
    const m: any = bySubject.get(mobile);
    expect(m).toMatchObject({ score: 0, evidence: [], networks24h: 1, countries24h: 1 });
    expect(m.flags).toEqual([
      expect.objectContaining({ flag: 'mobile-grouped', details: expect.objectContaining({ starts: 3, prefixes: 2, travelSkipped: 2 }) }),
    ]);
    expect(m.flags[0].summary).toContain('T-Mobile USA');
    const v: any = bySubject.get(vpn);
    expect(v).toMatchObject({ score: 0, evidence: [], networks24h: 1, countries24h: 1 });
    expect(v.flags).toEqual([
      expect.objectContaining({
        flag: 'hosting',
        details: { starts: 1, asns: [{ asn: 14061, organisation: expect.stringMatching(/DigitalOcean/) }] },
      }),
    ]);
    const d: any = bySubject.get(dual);
    expect(d).toMatchObject({ score: 0, evidence: [], networks24h: 1 });
    expect(d.flags).toEqual([
      expect.objectContaining({ flag: 'dual-stack', details: { networks: ['2a01:cb1c:100::/56'], travelSkipped: 1 } }),
    ]);
    const dualTimeline = (await admin('GET', path('idp', dual))).body.timeline;
    expect(dualTimeline.map((s: any) => [s.city, s.asn])).toEqual([
      ['Uchaux', 5511],
      ['Paris', 3215],
    ]);
    // Accounts without a point are left out by default.
    expect((await admin('GET', `/api/v1/sharing/accounts?tenantId=${tenant.id}`)).body).toMatchObject({ items: [], total: 0 });
    const vpnTimeline = (await admin('GET', path('idp', vpn))).body.timeline;
    expect(vpnTimeline.map((s: any) => [s.address, s.kind])).toEqual([
      [HOSTING, 'hosting'],
      [PARIS, 'fixed'],
    ]);
  });

  it('filters, pages, exports CSV, and hides reviewed accounts until their score rises', async () => {
    const { application, tenant } = await givenApplication(t, [{ name: 'cap 10', limit: 10 }]);
    const other = await givenApplication(t, [{ name: 'cap 10', limit: 10 }], { tenantSlug: tenant.slug, appName: 'Other app' });
    const p = player(t.url, application.id);
    const q = player(t.url, other.application.id);
    const a = unique('a');
    const b = unique('b');
    for (const [who, pl] of [
      [a, p],
      [b, q],
    ] as const) {
      expect((await pl.init('idp', who, {}, from(PARIS))).status).toBe(202);
      expect((await pl.init('idp', who, {}, from(SYDNEY))).status).toBe(202);
    }
    // b travels once more: a higher score.
    expect((await q.init('idp', b, {}, from(PARIS))).status).toBe(202);
    const page1 = await admin('GET', `/api/v1/sharing/accounts?tenantId=${tenant.id}&limit=1`);
    expect(page1.body).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect(page1.body.items.map((i: any) => i.subject)).toEqual([b]);
    const page2 = await admin('GET', `/api/v1/sharing/accounts?tenantId=${tenant.id}&limit=1&offset=1`);
    expect(page2.body.items.map((i: any) => i.subject)).toEqual([a]);
    expect(page2.body.items[0].score).toBeLessThan(page1.body.items[0].score);
    const byApp = await admin('GET', `/api/v1/sharing/accounts?applicationId=${encodeURIComponent(application.id)}`);
    expect(byApp.body.items.map((i: any) => i.subject)).toEqual([a]);
    const high = await admin('GET', `/api/v1/sharing/accounts?tenantId=${tenant.id}&minScore=${page1.body.items[0].score}`);
    expect(high.body.items.map((i: any) => i.subject)).toEqual([b]);

    for (const csv of [
      await fetchText(`/api/v1/sharing/accounts?tenantId=${tenant.id}&format=csv`),
      await fetchText(`/api/v1/sharing/accounts?tenantId=${tenant.id}`, 'text/csv'),
    ]) {
      expect(csv.status).toBe(200);
      expect(csv.type).toMatch(/^text\/csv/);
      const lines = csv.text.trim().split('\r\n');
      expect(lines[0]).toBe(
        'idp,subject,tenantId,tenantName,score,networks24h,networks30d,countries24h,countries30d,devicesNew7d,lastStartAt,computedAt,signals,flags,reviewedBy,reviewedAt,scoreAtReview',
      );
      expect(lines).toHaveLength(3);
      expect(lines[1]).toContain(`idp,${b},${tenant.id}`);
      expect(lines[1]).toMatch(/impossible-travel:25/);
    }

    // Review a: audited; hidden from "needs review" until its score rises.
    const reviewed = await admin('POST', `${path('idp', a)}/review`, { note: 'Called the customer: travels for work' });
    expect(reviewed.status).toBe(200);
    expect(reviewed.body.reviewed).toMatchObject({ scoreAtReview: reviewed.body.score, note: 'Called the customer: travels for work' });
    expect(reviewed.body.reviewed.by).toMatch(/@/);
    const pending = await admin('GET', `/api/v1/sharing/accounts?tenantId=${tenant.id}&reviewed=false`);
    expect(pending.body.items.map((i: any) => i.subject)).toEqual([b]);
    const done = await admin('GET', `/api/v1/sharing/accounts?tenantId=${tenant.id}&reviewed=true`);
    expect(done.body.items.map((i: any) => [i.subject, i.reviewed.note])).toEqual([[a, 'Called the customer: travels for work']]);
    const audit = await admin('GET', `/api/v1/audit?targetType=account&targetId=${encodeURIComponent(`idp/${a}`)}`);
    expect(audit.body.items[0]).toMatchObject({ action: 'sharing.review', after: { scoreAtReview: reviewed.body.score } });
    // a travels again: its score rises above the reviewed one, and it needs review again.
    expect((await p.init('idp', a, {}, from(PARIS))).status).toBe(202);
    const again = await admin('GET', `/api/v1/sharing/accounts?tenantId=${tenant.id}&reviewed=false`);
    expect(again.body.items.map((i: any) => i.subject).sort()).toEqual([a, b].sort());
  });

  it('shows operators only their tenants’ accounts (404 elsewhere), refuses viewers a review (403) and bad parameters (400)', async () => {
    const mine = await givenApplication(t, [{ name: 'cap 10', limit: 10 }]);
    const theirs = await givenApplication(t, [{ name: 'cap 10', limit: 10 }]);
    const subject = unique('iso');
    const other = unique('iso-other');
    const p = player(t.url, mine.application.id);
    const q = player(t.url, theirs.application.id);
    for (const address of [PARIS, SYDNEY]) {
      expect((await p.init('idp', subject, {}, from(address))).status).toBe(202);
      expect((await q.init('idp', other, {}, from(address))).status).toBe(202);
    }
    // The same account on the other tenant too: each tenant has its own view.
    expect((await q.init('idp', subject, {}, from(PARIS))).status).toBe(202);

    const operator = await apiAs(t, 'tenant-admin', mine.tenant.id);
    const viewer = await apiAs(t, 'viewer', mine.tenant.id);
    const list = await operator('GET', '/api/v1/sharing/accounts?minScore=0');
    expect(list.body.items.map((i: any) => [i.subject, i.tenantId])).toEqual([[subject, mine.tenant.id]]);
    expect((await operator('GET', `/api/v1/sharing/accounts?tenantId=${theirs.tenant.id}&minScore=0`)).body).toMatchObject({
      items: [],
      total: 0,
    });
    expect((await operator('GET', path('idp', other))).status).toBe(404);
    expect((await operator('GET', `${path('idp', subject)}?tenantId=${theirs.tenant.id}`)).status).toBe(404);
    expect((await operator('POST', `${path('idp', other)}/review`, {})).status).toBe(404);
    const own = await operator('GET', path('idp', subject));
    expect(own.status).toBe(200);
    expect(own.body.timeline).toHaveLength(2);
    expect((await viewer('GET', path('idp', subject))).status).toBe(200);
    expect((await viewer('POST', `${path('idp', subject)}/review`, {})).status).toBe(403);
    expect((await operator('POST', `${path('idp', subject)}/review`, {})).status).toBe(200);

    // An admin sees both tenants' views of the account, and must say which one.
    const ambiguous = await admin('GET', path('idp', subject));
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.body.errors).toEqual([expect.objectContaining({ field: 'tenantId' })]);
    const theirView = await admin('GET', `${path('idp', subject)}?tenantId=${theirs.tenant.id}`);
    expect(theirView.body).toMatchObject({ tenantId: theirs.tenant.id, score: 0 });
    expect(theirView.body.timeline).toHaveLength(1);
    expect((await admin('GET', path('idp', unique('nobody')))).status).toBe(404);

    for (const bad of [
      'minScore=101',
      'minScore=x',
      'limit=0',
      'limit=201',
      'offset=-1',
      'tenantId=nope',
      'reviewed=maybe',
      'format=xml',
      'unknown=1',
    ]) {
      const answer = await admin('GET', `/api/v1/sharing/accounts?${bad}`);
      expect([bad, answer.status, answer.headers.get('content-type')]).toEqual([bad, 400, expect.stringMatching(/problem\+json/)]);
    }
    expect((await admin('GET', `${path('idp', subject)}?tenantId=nope`)).status).toBe(400);
    expect((await admin('POST', `${path('idp', subject)}/review`, { tenantId: mine.tenant.id, note: 'x'.repeat(1001) })).status).toBe(400);
    expect((await admin('POST', `${path('idp', subject)}/review`, { tenantId: mine.tenant.id, note: 5 })).status).toBe(400);
    expect((await admin('GET', path('idp', 'a\u0001b'))).status).toBe(400);
  });

  it('forgets starts after 30 days (the hourly sweep), and the account with them', async () => {
    const { application, tenant } = await givenApplication(t, [{ name: 'cap 10', limit: 10 }]);
    const p = player(t.url, application.id);
    const subject = unique('old');
    expect((await p.init('idp', subject, {}, from(PARIS))).status).toBe(202);
    expect((await p.init('idp', subject, {}, from(SYDNEY))).status).toBe(202);
    expect((await admin('GET', path('idp', subject))).body).toMatchObject({ score: 55, countries24h: 2 });
    const listed = async () => (await admin('GET', `/api/v1/sharing/accounts?tenantId=${tenant.id}&minScore=0`)).body;
    // Two days later the hourly sweep recomputes the score: the 24-hour signals are gone, the 30-day ones stay.
    await t.sql(`UPDATE sharing_starts SET started_at = started_at - interval '2 days' WHERE tenant_id = $1`, [tenant.id]);
    await t.sql(`UPDATE sharing_scores SET computed_at = computed_at - interval '2 hours' WHERE tenant_id = $1`, [tenant.id]);
    await t.app.get(SharingRecorder).applyRetention();
    const later = (await listed()).items[0];
    expect(later).toMatchObject({ subject, countries24h: 0, networks24h: 0, countries30d: 2, score: 40 });
    expect(later.evidence.map((e: Evidence) => e.signal)).toEqual(['impossible-travel', 'concurrent-networks']);
    // Time travel: the starts were 31 days ago.
    await t.sql(`UPDATE sharing_starts SET started_at = started_at - interval '31 days' WHERE tenant_id = $1`, [tenant.id]);
    expect(await t.app.get(SharingRecorder).applyRetention()).toBeGreaterThanOrEqual(2);
    expect((await admin('GET', path('idp', subject))).status).toBe(404);
    expect(await listed()).toMatchObject({ items: [], total: 0 });
  });

  async function fetchText(url: string, accept?: string): Promise<{ status: number; type: string; text: string }> {
    const res = await fetch(`${t.url}${url}`, {
      headers: { authorization: `Bearer ${await apiToken(t, 'admin')}`, ...(accept ? { accept } : {}) },
    });
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
  }
});

describe('sharing signals turned off (CM_SHARING_SIGNALS=false)', () => {
  let t: TestApp;
  afterAll(async () => t?.close());

  it('records nothing and answers 404 SHARING_DISABLED on every sharing route, saying how to turn them on', async () => {
    t = await startTestApp({ env: { CM_SHARING_SIGNALS: 'false', CM_TRUST_PROXY: 'loopback' } });
    const { application } = await givenApplication(t, [{ name: 'cap 5', limit: 5 }]);
    const p = player(t.url, application.id);
    for (const address of [PARIS, SYDNEY]) expect((await p.init('idp', 'off', {}, { 'x-forwarded-for': address })).status).toBe(202);
    const admin = await apiAs(t, 'admin');
    for (const [method, path] of [
      ['GET', '/api/v1/sharing/accounts'],
      ['GET', '/api/v1/sharing/accounts/idp/off'],
      ['POST', '/api/v1/sharing/accounts/idp/off/review'],
    ]) {
      const answer = await admin(method, path, method === 'POST' ? {} : undefined);
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ code: 'SHARING_DISABLED', detail: expect.stringContaining('CM_SHARING_SIGNALS=false') });
    }
  });

  it('refuses a value that is not a boolean at start-up', () => {
    expect(() => loadEnv({ CM_SHARING_SIGNALS: 'sometimes' })).toThrow(/CM_SHARING_SIGNALS must be true or false/);
  });
});
