import { ADAPTERS, player, startTestApp, type TestApp } from '../support/app';
import { type Api, apiAs, type Role, unique } from './management-helpers';

/** One tenant's objects; `fresh*` make throw-away ones for routes that destroy or change what they touch. */
interface Side {
  tenantId: string;
  appId: string;
  policyId: string;
  freshApp: () => Promise<string>;
  freshPolicy: () => Promise<string>;
  freshSession: () => Promise<string>;
}

type Target = 'own' | 'other';
interface Route {
  name: string;
  call: (api: Api, side: Side) => Promise<{ status: number }>;
  /** Expected status for admin, tenant-admin and viewer, on their own tenant's object and on another's. */
  expect: Record<Role, Record<Target, number>>;
}

const read = (ok = 200) => ({ admin: { own: ok, other: ok }, 'tenant-admin': { own: ok, other: 404 }, viewer: { own: ok, other: 404 } });
const write = (ok: number) => ({
  admin: { own: ok, other: ok },
  'tenant-admin': { own: ok, other: 404 },
  viewer: { own: 403, other: 403 },
});
const adminOnly = (ok: number) => ({
  admin: { own: ok, other: ok },
  'tenant-admin': { own: 403, other: 403 },
  viewer: { own: 403, other: 403 },
});

const ROUTES: Route[] = [
  { name: 'GET /tenants/{id}', call: (api, s) => api('GET', `/api/v1/tenants/${s.tenantId}`), expect: read() },
  { name: 'PATCH /tenants/{id}', call: (api, s) => api('PATCH', `/api/v1/tenants/${s.tenantId}`, { name: 'Renamed' }), expect: write(200) },
  // 409: the tenant still has applications (so the matrix destroys nothing).
  { name: 'DELETE /tenants/{id}', call: (api, s) => api('DELETE', `/api/v1/tenants/${s.tenantId}`), expect: adminOnly(409) },
  { name: 'GET /tenants/{id}/applications', call: (api, s) => api('GET', `/api/v1/tenants/${s.tenantId}/applications`), expect: read() },
  {
    name: 'POST /tenants/{id}/applications',
    call: (api, s) => api('POST', `/api/v1/tenants/${s.tenantId}/applications`, { name: 'New' }),
    expect: write(201),
  },
  { name: 'GET /applications/{id}', call: (api, s) => api('GET', `/api/v1/applications/${s.appId}`), expect: read() },
  {
    name: 'PATCH /applications/{id}',
    call: (api, s) => api('PATCH', `/api/v1/applications/${s.appId}`, { platform: 'web' }),
    expect: write(200),
  },
  {
    name: 'POST /applications/{id}/secret',
    call: async (api, s) => api('POST', `/api/v1/applications/${await s.freshApp()}/secret`),
    expect: write(200),
  },
  {
    name: 'DELETE /applications/{id}',
    call: async (api, s) => api('DELETE', `/api/v1/applications/${await s.freshApp()}`),
    expect: write(204),
  },
  { name: 'GET /applications/{id}/policies', call: (api, s) => api('GET', `/api/v1/applications/${s.appId}/policies`), expect: read() },
  {
    name: 'PUT /applications/{id}/policies',
    call: (api, s) => api('PUT', `/api/v1/applications/${s.appId}/policies`, { policyIds: [s.policyId] }),
    expect: write(200),
  },
  { name: 'GET /tenants/{id}/policies', call: (api, s) => api('GET', `/api/v1/tenants/${s.tenantId}/policies`), expect: read() },
  {
    name: 'POST /tenants/{id}/policies',
    call: (api, s) => api('POST', `/api/v1/tenants/${s.tenantId}/policies`, { name: unique('p'), rules: [{ name: 'r', limit: 5 }] }),
    expect: write(201),
  },
  { name: 'GET /policies/{id}', call: (api, s) => api('GET', `/api/v1/policies/${s.policyId}`), expect: read() },
  {
    name: 'PUT /policies/{id}',
    call: (api, s) => api('PUT', `/api/v1/policies/${s.policyId}`, { name: 'cap', rules: [{ name: 'cap', limit: 50 }] }),
    expect: write(200),
  },
  { name: 'DELETE /policies/{id}', call: async (api, s) => api('DELETE', `/api/v1/policies/${await s.freshPolicy()}`), expect: write(204) },
  { name: 'GET /policies/{id}/versions', call: (api, s) => api('GET', `/api/v1/policies/${s.policyId}/versions`), expect: read() },
  {
    name: 'PUT /policies/{id}/shares',
    call: (api, s) => api('PUT', `/api/v1/policies/${s.policyId}/shares`, { tenantIds: [] }),
    expect: write(200),
  },
  {
    name: 'POST /policies/simulate (policyIds)',
    call: (api, s) => api('POST', '/api/v1/policies/simulate', { policyIds: [s.policyId], candidate: { metadata: {} } }),
    expect: read(200),
  },
  {
    name: 'DELETE /sessions/{id}',
    call: async (api, s) => api('DELETE', `/api/v1/sessions/${await s.freshSession()}`),
    expect: write(204),
  },
];

describe.each(ADAPTERS)('management API isolation matrix on %s', (adapter) => {
  let t: TestApp;
  let root: Api;
  const sides = {} as Record<Target, Side>;
  const apis = {} as Record<Role, Api>;

  async function side(): Promise<Side> {
    const tenantId = (await root('POST', '/api/v1/tenants', { slug: unique('iso'), name: 'Isolated' })).body.id as string;
    const freshApp = async () => (await root('POST', `/api/v1/tenants/${tenantId}/applications`, { name: 'Throw-away' })).body.id as string;
    const freshPolicy = async () =>
      (await root('POST', `/api/v1/tenants/${tenantId}/policies`, { name: unique('p'), rules: [{ name: 'r', limit: 5 }] })).body
        .id as string;
    const appId = await freshApp();
    const policyId = (await root('POST', `/api/v1/tenants/${tenantId}/policies`, { name: 'cap', rules: [{ name: 'cap', limit: 50 }] })).body
      .id as string;
    await root('PUT', `/api/v1/applications/${appId}/policies`, { policyIds: [policyId] });
    const freshSession = async () => (await player(t.url, appId).init('iso-idp', unique('viewer'))).body.sessionId as string;
    return { tenantId, appId, policyId, freshApp, freshPolicy, freshSession };
  }

  beforeAll(async () => {
    t = await startTestApp({ adapter });
    root = await apiAs(t, 'admin');
    sides.own = await side();
    sides.other = await side();
    apis.admin = root;
    apis['tenant-admin'] = await apiAs(t, 'tenant-admin', sides.own.tenantId);
    apis.viewer = await apiAs(t, 'viewer', sides.own.tenantId);
  });
  afterAll(() => t.close());

  const cases = ROUTES.flatMap((route) =>
    (['admin', 'tenant-admin', 'viewer'] as Role[]).flatMap((role) =>
      (['own', 'other'] as Target[]).map((target) => [route.name, role, target, route.expect[role][target], route] as const),
    ),
  );

  it.each(cases)('%s as %s on the %s tenant → %i', async (_name, role, target, expected, route) => {
    const res = await route.call(apis[role], sides[target]);
    expect(res.status).toBe(expected);
  });

  it.each([
    ['POST /tenants', 'admin', 201],
    ['POST /tenants', 'tenant-admin', 403],
    ['POST /tenants', 'viewer', 403],
  ] as const)('%s as %s → %i', async (_, role, expected) => {
    expect((await apis[role]('POST', '/api/v1/tenants', { slug: unique('new'), name: 'New' })).status).toBe(expected);
  });

  it('lists only the caller’s tenant for tenant-admins and viewers; everything for admins', async () => {
    for (const role of ['tenant-admin', 'viewer'] as const) {
      const res = await apis[role]('GET', '/api/v1/tenants');
      expect(res.body.map((x: { id: string }) => x.id)).toEqual([sides.own.tenantId]);
    }
    const all = (await apis.admin('GET', '/api/v1/tenants')).body.map((x: { id: string }) => x.id);
    expect(all).toEqual(expect.arrayContaining([sides.own.tenantId, sides.other.tenantId]));
  });

  it('shows an account only the sessions of the caller’s tenants', async () => {
    const subject = unique('shared-account');
    const mine = await player(t.url, sides.own.appId).init('iso-idp', subject);
    const theirs = await player(t.url, sides.other.appId).init('iso-idp', subject);
    const path = `/api/v1/subjects/iso-idp/${subject}/sessions`;
    for (const role of ['tenant-admin', 'viewer'] as const) {
      expect((await apis[role]('GET', path)).body.running.map((s: { id: string }) => s.id)).toEqual([mine.body.sessionId]);
    }
    const all = (await apis.admin('GET', path)).body.running.map((s: { id: string }) => s.id).sort();
    expect(all).toEqual([mine.body.sessionId, theirs.body.sessionId].sort());
  });

  it('lets a tenant read a policy shared with it but not change it (403)', async () => {
    const shared = await sides.other.freshPolicy();
    await root('PUT', `/api/v1/policies/${shared}/shares`, { tenantIds: [sides.own.tenantId] });
    expect((await apis['tenant-admin']('GET', `/api/v1/policies/${shared}`)).status).toBe(200);
    expect(
      (await apis['tenant-admin']('PUT', `/api/v1/policies/${shared}`, { name: 'mine', rules: [{ name: 'r', limit: 1 }] })).status,
    ).toBe(403);
    expect((await apis['tenant-admin']('DELETE', `/api/v1/policies/${shared}`)).status).toBe(403);
  });

  it('records an audit entry for every write, without secrets', async () => {
    const before = Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM audit_log'))[0].n);
    const created = await apis['tenant-admin']('POST', `/api/v1/tenants/${sides.own.tenantId}/applications`, {
      name: 'Audited',
      requireSecret: true,
    });
    const rows = await t.sql<{ action: string; text: string }>(
      `SELECT action, row_to_json(a)::text AS text FROM audit_log a ORDER BY id DESC LIMIT 1`,
    );
    expect(Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM audit_log'))[0].n)).toBe(before + 1);
    expect(rows[0].action).toBe('application.create');
    expect(rows[0].text).toContain(created.body.id);
    expect(rows[0].text).not.toContain(created.body.secret);
  });
});
