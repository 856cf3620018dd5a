import { ADAPTERS, player, startTestApp, type TestApp } from '../support/app';
import { adminApi, loginAs, type ManagementSession } from '../support/management';

/** A file of one tenant: one application carrying one policy of `limit` streams. */
function fileOf(slug: string, options: { limit?: number; appId?: string; extraApp?: boolean; name?: string } = {}) {
  const appId = options.appId ?? `${slug}-web`;
  return {
    version: 1,
    tenants: [
      {
        slug,
        name: options.name ?? `Tenant ${slug}`,
        applications: [
          { id: appId, name: 'Web', policies: ['cap'] },
          ...(options.extraApp ? [{ id: `${slug}-tv`, name: 'TV', platform: 'tv' }] : []),
        ],
        policies: [{ name: 'cap', rules: [{ name: 'streams', limit: options.limit ?? 3 }] }],
      },
    ],
  };
}

const unique = (prefix: string) => `${prefix}-${Math.random().toString(16).slice(2, 8)}`;

describe.each(ADAPTERS)('configuration API on %s', (adapter) => {
  let t: TestApp;
  let admin: ManagementSession;

  beforeAll(async () => {
    t = await startTestApp({ adapter });
    admin = await adminApi(t);
  });
  afterAll(() => t.close());

  const apply = (who: ManagementSession, body: unknown) => who.api('POST', '/configuration/apply', body);

  it('plans without writing, applies, and records one audit entry per tenant and apply, holding the diff', async () => {
    const slug = unique('cfg');
    const dry = await apply(admin, { configuration: fileOf(slug), dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, changes: true, secrets: [] });
    expect(dry.body.tenants[0]).toMatchObject({ slug, version: 'absent' });
    expect(dry.body.tenants[0].changes.map((c: any) => `${c.action} ${c.kind} ${c.key}`)).toEqual([
      `create tenant ${slug}`,
      'create policy cap',
      `create application ${slug}-web`,
    ]);
    expect(await t.tenants.findBySlug(slug)).toBeNull();

    const done = await apply(admin, { configuration: fileOf(slug), expectedVersions: [{ slug, version: 'absent' }] });
    expect(done.status).toBe(200);
    const tenant = (await t.tenants.findBySlug(slug))!;
    expect(done.body.tenants[0]).toMatchObject({
      slug,
      id: tenant.id,
      version: 'absent',
      versionAfter: expect.stringMatching(/^[0-9a-f]{16}$/),
    });

    const lowered = await apply(admin, { configuration: fileOf(slug, { limit: 1 }) });
    expect(lowered.body.tenants[0].changes).toEqual([
      {
        action: 'update',
        kind: 'policy',
        key: 'cap',
        id: expect.any(String),
        path: 'tenants[0].policies[0]',
        fields: [{ field: 'rules[0].limit', before: 3, after: 1 }],
      },
    ]);
    const audit = await admin.api('GET', `/audit?targetType=tenant&targetId=${tenant.id}`);
    const entries = audit.body.items.filter((e: any) => e.action === 'configuration.apply');
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      tenantId: tenant.id,
      actorEmail: admin.email,
      before: { version: done.body.tenants[0].versionAfter },
      after: { version: lowered.body.tenants[0].versionAfter, prune: false, changes: lowered.body.tenants[0].changes },
    });
    // Nothing to do: no write, no entry.
    const again = await apply(admin, { configuration: fileOf(slug, { limit: 1 }) });
    expect(again.body.changes).toBe(false);
    expect((await admin.api('GET', `/audit?targetType=tenant&targetId=${tenant.id}`)).body.items).toHaveLength(entries.length);
  });

  it('refuses (409 CONFIGURATION_CHANGED) when the tenant moved past the expected version, and writes nothing', async () => {
    const slug = unique('cfg');
    const first = await apply(admin, { configuration: fileOf(slug) });
    const version = first.body.tenants[0].versionAfter;
    await admin.cookieApi('PATCH', `/applications/${slug}-web`, { name: 'Renamed in the console' });
    const refused = await apply(admin, { configuration: fileOf(slug, { limit: 9 }), expectedVersions: [{ slug, version }] });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'CONFIGURATION_CHANGED', errors: [{ field: 'expectedVersions' }] });
    expect(refused.body.detail).toContain(slug);
    const policy = (await t.policies.listByTenant((await t.tenants.findBySlug(slug))!.id))[0];
    expect(policy.rules[0].limit).toBe(3);
  });

  it('answers 400 naming the field for an unknown field or an invalid rule, and changes nothing', async () => {
    const slug = unique('cfg');
    const unknownField = fileOf(slug) as any;
    unknownField.tenants[0].applications[0].colour = 'blue';
    const a = await apply(admin, { configuration: unknownField });
    expect(a.status).toBe(400);
    expect(a.body.errors).toEqual([expect.objectContaining({ field: 'configuration.tenants[0].applications[0].colour' })]);

    const badRule = await apply(admin, { configuration: fileOf(slug, { limit: -1 }) });
    expect(badRule.status).toBe(400);
    expect(badRule.body).toMatchObject({
      code: 'INVALID_CONFIGURATION',
      errors: [{ field: 'configuration.tenants[0].policies[0].rules[0].limit', message: 'must be an integer between 0 and 10000' }],
    });
    expect(await t.tenants.findBySlug(slug)).toBeNull();
  });

  it('scopes a tenant-admin to their tenant: export shows only it, another tenant answers 404, a viewer may only plan', async () => {
    const own = await apply(admin, { configuration: fileOf(unique('own')) });
    const ownSlug = own.body.tenants[0].slug;
    const other = unique('other');
    await apply(admin, { configuration: fileOf(other) });
    const tenantAdmin = await loginAs(t, 'tenant-admin', own.body.tenants[0].id);

    const exported = await tenantAdmin.api('GET', '/configuration');
    expect(exported.status).toBe(200);
    expect(exported.body.tenants.map((x: any) => x.slug)).toEqual([ownSlug]);
    expect((await tenantAdmin.api('GET', `/configuration?tenant=${other}`)).status).toBe(404);

    // Their own export applies as "no changes" (round trip), a change applies, another tenant is "not found".
    expect((await apply(tenantAdmin, { configuration: exported.body })).body.changes).toBe(false);
    const mine = fileOf(ownSlug, { limit: 5, name: exported.body.tenants[0].name });
    mine.tenants[0].applications[0].id = exported.body.tenants[0].applications[0].id;
    expect((await apply(tenantAdmin, { configuration: mine })).status).toBe(200);
    const foreign = await apply(tenantAdmin, { configuration: fileOf(other, { limit: 0 }) });
    expect(foreign.status).toBe(404);
    expect(foreign.body.errors).toEqual([{ field: 'configuration.tenants[0].slug', message: `no tenant "${other}" that you can see` }]);
    const newTenant = await apply(tenantAdmin, { configuration: fileOf(unique('new')) });
    expect(newTenant.status).toBe(404);

    const viewer = await loginAs(t, 'viewer', own.body.tenants[0].id);
    expect((await apply(viewer, { configuration: mine, dryRun: true })).status).toBe(200);
    expect((await apply(viewer, { configuration: mine })).status).toBe(403);
  });

  it("answers a viewer's or tenant-admin's plan alike whether another tenant's ids exist or not", async () => {
    const own = await apply(admin, { configuration: fileOf(unique('seer')) });
    const ownSlug = own.body.tenants[0].slug as string;
    const ownId = own.body.tenants[0].id as string;
    const other = await apply(admin, { configuration: fileOf(unique('hidden')) });
    const otherId = other.body.tenants[0].id as string;
    const otherSlug = other.body.tenants[0].slug as string;
    const otherPolicyId = (await admin.api('GET', `/configuration?tenant=${otherSlug}`)).body.tenants[0].policies[0].id as string;
    const unknownId = '0190a000-0000-7000-8000-0000000000ff';
    const exported = (await admin.api('GET', `/configuration?tenant=${ownSlug}`)).body;
    const withIds = (policyId: string, tenantId: string) => {
      const file = structuredClone(exported);
      file.tenants[0].policies[0].id = policyId;
      file.tenants[0].policies[0].sharedWith = [tenantId];
      return file;
    };
    for (const role of ['viewer', 'tenant-admin'] as const) {
      const caller = await loginAs(t, role, ownId);
      const foreign = await apply(caller, { configuration: withIds(otherPolicyId, otherId), dryRun: true });
      const unknown = await apply(caller, { configuration: withIds(unknownId, unknownId), dryRun: true });
      expect([role, foreign.status, unknown.status]).toEqual([role, 200, 200]);
      expect(JSON.stringify(foreign.body).replaceAll(otherId, '<id>')).toBe(JSON.stringify(unknown.body).replaceAll(unknownId, '<id>'));
    }
    // The admin sees every tenant, and is told.
    expect((await apply(admin, { configuration: withIds(otherPolicyId, otherId), dryRun: true })).status).toBe(409);
    expect((await apply(admin, { configuration: withIds(unknownId, unknownId), dryRun: true })).status).toBe(404);
  });

  it('refuses to prune a policy another tenant still uses, before writing anything', async () => {
    const owner = unique('owner');
    const user = unique('user');
    const shared = await apply(admin, {
      configuration: {
        version: 1,
        tenants: [
          { slug: owner, name: owner, policies: [{ name: 'shared', rules: [{ name: 'one', limit: 1 }], sharedWith: [user] }] },
          { slug: user, name: user },
        ],
      },
    });
    expect(shared.status).toBe(200);
    const policyId = (await t.policies.listByTenant(shared.body.tenants[0].id))[0].id;
    const attach = await apply(admin, {
      configuration: {
        version: 1,
        tenants: [{ slug: user, name: user, applications: [{ id: `${user}-app`, name: 'App', policies: [policyId] }] }],
      },
    });
    expect(attach.status).toBe(200);
    const p = player(t.url, `${user}-app`);
    expect((await p.init('idp', 'someone')).status).toBe(202);
    expect((await p.init('idp', 'someone')).status).toBe(409);

    const prune = await apply(admin, {
      configuration: { version: 1, tenants: [{ slug: owner, name: owner, applications: [] }] },
      prune: true,
    });
    expect(prune.status).toBe(409);
    expect(prune.body.code).toBe('CONFIGURATION_CONFLICT');
    expect(prune.body.errors[0].message).toContain(`${user}-app`);
    const unshare = await apply(admin, {
      configuration: {
        version: 1,
        tenants: [{ slug: owner, name: owner, policies: [{ name: 'shared', rules: [{ name: 'one', limit: 1 }] }] }],
      },
    });
    expect(unshare.status).toBe(409);
    expect(unshare.body.errors[0].field).toBe('configuration.tenants[0].policies[0].sharedWith');
    expect((await t.policies.get(policyId)).name).toBe('shared');
  });
});
