import { checkConfiguration, type DesiredConfiguration } from './document';
import { planConfiguration } from './plan';
import type { ApplicationState, PolicyState, ServerView, TenantState } from './server-state';

const ACME = '0190a000-0000-7000-8000-00000000000a';
const PARTNER = '0190a000-0000-7000-8000-00000000000b';
const OUTSIDER = '0190a000-0000-7000-8000-00000000000c';
const CAP = '0190a000-0000-7000-8000-0000000000c1';
const SHARED = '0190a000-0000-7000-8000-0000000000c2';

function desired(input: unknown): DesiredConfiguration {
  const result = checkConfiguration(input);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.configuration;
}

const app = (id: string, tenantId: string, policyIds: string[] = [], name = 'Web'): ApplicationState => ({
  id,
  tenantId,
  settings: {
    name,
    platform: 'web',
    heartbeatIntervalSeconds: 60,
    requireSecret: false,
    enabled: true,
    playbackTokens: { enabled: false },
    entitlements: null,
  },
  policyIds,
});

const policy = (id: string, tenantId: string, name: string, extra: Partial<PolicyState> = {}): PolicyState => ({
  id,
  tenantId,
  name,
  description: '',
  rules: [{ name: 'r', limit: 2, onConflict: 'reject' }],
  sharedWith: [],
  attachedTo: [],
  ...extra,
});

/** A server holding these tenants (all visible), plus `others` known only by reference. */
function view(states: TenantState[], others: { policies?: PolicyState[]; applications?: ApplicationState[] } = {}): ServerView {
  const policies = [...states.flatMap((s) => s.policies), ...(others.policies ?? [])];
  const applications = [...states.flatMap((s) => s.applications), ...(others.applications ?? [])];
  return {
    states: new Map(states.map((s) => [s.slug, s])),
    tenants: [
      { id: ACME, slug: 'acme', visible: true },
      { id: PARTNER, slug: 'partner', visible: true },
      { id: OUTSIDER, slug: 'outsider', visible: false },
    ],
    policies: new Map(policies.map((p) => [p.id, p])),
    applicationTenants: new Map(applications.map((a) => [a.id, a.tenantId])),
    openApplicationsAllowed: true,
    revealsTenants: true,
  };
}

const acmeFile = (limit = 2, extra: Record<string, unknown> = {}) => ({
  version: 1,
  tenants: [
    {
      slug: 'acme',
      name: 'Acme',
      applications: [{ id: 'acme-web', name: 'Web', policies: ['cap'] }],
      policies: [{ name: 'cap', rules: [{ name: 'r', limit }], ...extra }],
    },
  ],
});

const acmeState = (
  policies: PolicyState[] = [policy(CAP, ACME, 'cap', { attachedTo: ['acme-web'] })],
  apps = [app('acme-web', ACME, [CAP])],
) => ({
  id: ACME,
  slug: 'acme',
  name: 'Acme',
  applications: apps,
  policies,
});

const summary = (plan: ReturnType<typeof planConfiguration>) =>
  plan.tenants.flatMap((t) =>
    t.changes.map(
      (c) =>
        `${c.action} ${c.kind} ${c.key}${c.fields.length && c.action === 'update' ? ` ${c.fields.map((f) => f.field).join(',')}` : ''}`,
    ),
  );

describe(planConfiguration.name, () => {
  it('creates everything on an empty server, resolving references inside the file', () => {
    const plan = planConfiguration(desired(acmeFile()), view([]), { prune: false });
    expect(plan.errors).toEqual([]);
    expect(summary(plan)).toEqual(['create tenant acme', 'create policy cap', 'create application acme-web']);
    const [t] = plan.tenants;
    expect(t.version).toBe('absent');
    expect(t.work.attachments).toEqual([{ applicationId: 'acme-web', policyKeys: ['new-policy:acme:cap'] }]);
  });

  it('has no changes when the server already matches, and one field when a limit moves', () => {
    expect(summary(planConfiguration(desired(acmeFile()), view([acmeState()]), { prune: false }))).toEqual([]);
    const plan = planConfiguration(desired(acmeFile(1)), view([acmeState()]), { prune: false });
    expect(plan.tenants[0].changes).toEqual([
      {
        action: 'update',
        kind: 'policy',
        key: 'cap',
        id: CAP,
        path: 'tenants[0].policies[0]',
        fields: [{ field: 'rules[0].limit', before: 2, after: 1 }],
      },
    ]);
    expect(plan.tenants[0].work.policyUpdates).toEqual([
      { id: CAP, name: 'cap', description: '', rules: [{ name: 'r', limit: 1, onConflict: 'reject' }] },
    ]);
  });

  it('changes an application setting field by field, and updates only the settings that moved', () => {
    const file = acmeFile() as any;
    file.tenants[0].applications[0].playbackTokens = { enabled: true };
    file.tenants[0].applications[0].heartbeatIntervalSeconds = 30;
    const plan = planConfiguration(desired(file), view([acmeState()]), { prune: false });
    expect(plan.tenants[0].changes[0].fields).toEqual([
      { field: 'heartbeatIntervalSeconds', before: 60, after: 30 },
      { field: 'playbackTokens.enabled', before: false, after: true },
    ]);
    expect(plan.tenants[0].work.applicationUpdates).toEqual([
      { id: 'acme-web', settings: { heartbeatIntervalSeconds: 30, playbackTokens: { enabled: true } } },
    ]);
  });

  it('leaves requireSecret to the server: required by default in production, and false refused there', () => {
    const production = { ...view([]), openApplicationsAllowed: false };
    const plan = planConfiguration(desired(acmeFile()), production, { prune: false });
    expect(plan.errors).toEqual([]);
    expect(plan.tenants[0].work.applicationCreates[0].settings.requireSecret).toBe(true);
    const open = acmeFile() as any;
    open.tenants[0].applications[0].requireSecret = false;
    expect(planConfiguration(desired(open), production, { prune: false }).errors).toEqual([
      {
        field: 'tenants[0].applications[0].requireSecret',
        message: expect.stringContaining('refuses applications without a secret'),
        reason: 'invalid',
      },
    ]);
    expect(
      planConfiguration(desired(acmeFile()), view([]), { prune: false }).tenants[0].work.applicationCreates[0].settings.requireSecret,
    ).toBe(false);
  });

  it('renames a policy named by its id, without touching the applications that use it', () => {
    const file = acmeFile(2, { id: CAP });
    file.tenants[0].policies[0].name = 'renamed';
    file.tenants[0].applications[0].policies = ['renamed'];
    const plan = planConfiguration(desired(file), view([acmeState()]), { prune: false });
    expect(summary(plan)).toEqual(['update policy renamed name']);
  });

  it('keeps what the file does not list, and deletes it only with prune', () => {
    const state = acmeState(
      [policy(CAP, ACME, 'cap', { attachedTo: ['acme-web'] }), policy(SHARED, ACME, 'old')],
      [app('acme-web', ACME, [CAP]), app('acme-tv', ACME)],
    );
    const kept = planConfiguration(desired(acmeFile()), view([state]), { prune: false });
    expect(summary(kept)).toEqual([]);
    expect(kept.tenants[0].absent).toEqual([
      { kind: 'application', key: 'acme-tv', id: 'acme-tv' },
      { kind: 'policy', key: 'old', id: SHARED },
    ]);
    const pruned = planConfiguration(desired(acmeFile()), view([state]), { prune: true });
    expect(summary(pruned)).toEqual(['delete application acme-tv', 'delete policy old']);
    expect(pruned.tenants[0].work).toMatchObject({ applicationDeletes: ['acme-tv'], policyDeletes: [SHARED] });
  });

  it('refuses ids another tenant holds, and policies it neither owns nor is shared', () => {
    const file = acmeFile(2, { id: SHARED }) as any;
    file.tenants[0].applications.push({ id: 'partner-app', name: 'Taken' }, { id: 'acme-x', name: 'X', policies: [CAP] });
    const partner = { id: PARTNER, slug: 'partner', name: 'Partner', applications: [app('partner-app', PARTNER)], policies: [] };
    const plan = planConfiguration(
      desired(file),
      view([], { policies: [policy(SHARED, PARTNER, 'theirs'), policy(CAP, PARTNER, 'not shared')], applications: partner.applications }),
      {
        prune: false,
      },
    );
    expect(plan.errors).toEqual([
      { field: 'tenants[0].policies[0].id', message: `policy ${SHARED} belongs to another tenant`, reason: 'conflict' },
      {
        field: 'tenants[0].applications[2].policies[0]',
        message: `no policy ${CAP} is owned by or shared with tenant acme`,
        reason: 'not-found',
      },
      { field: 'tenants[0].applications[1].id', message: 'application id "partner-app" is taken by another tenant', reason: 'conflict' },
    ]);
  });

  it("answers another tenant's ids exactly as unknown ones to a caller who cannot see every tenant", () => {
    const UNKNOWN = '0190a000-0000-7000-8000-0000000000ff';
    const others = { policies: [policy(SHARED, OUTSIDER, 'theirs', { sharedWith: [] })] };
    const tenantAdmin = (states: TenantState[]) => ({ ...view(states, others), revealsTenants: false });
    const planWith = (policyId: string, shareWith: string) =>
      planConfiguration(desired(acmeFile(2, { id: policyId, sharedWith: [shareWith] })), tenantAdmin([acmeState()]), { prune: false });
    const foreign = planWith(SHARED, OUTSIDER);
    const unknown = planWith(UNKNOWN, UNKNOWN);
    expect(foreign.errors).toEqual([]);
    expect(unknown.errors).toEqual([]);
    // The same change, field for field, once the tenant ids shown are the ones the caller sent.
    const shown = (plan: typeof foreign, id: string) => JSON.stringify(plan.tenants[0].changes).replaceAll(id, '<tenant>');
    expect(shown(foreign, OUTSIDER)).toBe(shown(unknown, UNKNOWN));
    // Neither id is honoured: the file's policy is the tenant's own "cap", matched by name.
    expect(foreign.tenants[0].work.policyUpdates.map((u) => u.id)).toEqual(unknown.tenants[0].work.policyUpdates.map((u) => u.id));
    // With no policy of that name, both create one with a new id.
    const fresh = (policyId: string) =>
      planConfiguration(desired(acmeFile(2, { id: policyId })), tenantAdmin([acmeState([])]), { prune: false }).tenants[0].work
        .policyCreates;
    expect(fresh(SHARED)).toEqual(fresh(UNKNOWN));
    expect(fresh(SHARED)[0]).not.toHaveProperty('id');
    // An admin, who sees every tenant, is told.
    const admin = planConfiguration(desired(acmeFile(2, { id: SHARED, sharedWith: [UNKNOWN] })), view([acmeState()], others), {
      prune: false,
    });
    expect(admin.errors.map((e) => e.reason)).toEqual(['conflict', 'not-found']);
  });

  it('lets an application attach a policy another tenant of the file shares in the same file, in one group', () => {
    const file = {
      version: 1,
      tenants: [
        {
          slug: 'acme',
          name: 'Acme',
          policies: [{ id: SHARED, name: 'shared', rules: [{ name: 'r', limit: 1 }], sharedWith: ['partner'] }],
        },
        { slug: 'partner', name: 'Partner', applications: [{ id: 'partner-app', name: 'App', policies: [SHARED] }] },
        { slug: 'alone', name: 'Alone' },
      ],
    };
    const plan = planConfiguration(desired(file), view([]), { prune: false });
    expect(plan.errors).toEqual([]);
    expect(plan.tenants.map((t) => t.group)).toEqual([0, 0, 1]);
    expect(plan.tenants[0].work.shares).toEqual([{ policyKey: SHARED, current: [], desired: ['new-tenant:partner'] }]);
    expect(plan.tenants[1].work.attachments).toEqual([{ applicationId: 'partner-app', policyKeys: [SHARED] }]);

    const unshared = {
      ...file,
      tenants: [{ ...file.tenants[0], policies: [{ ...file.tenants[0].policies![0], sharedWith: [] }] }, file.tenants[1]],
    };
    expect(planConfiguration(desired(unshared), view([]), { prune: false }).errors).toEqual([
      {
        field: 'tenants[1].applications[0].policies[0]',
        message: `no policy ${SHARED} is owned by or shared with tenant partner`,
        reason: 'not-found',
      },
    ]);
  });

  it('refuses to un-share or prune a policy that applications outside the file still use', () => {
    const state = acmeState([policy(CAP, ACME, 'cap', { sharedWith: [OUTSIDER], attachedTo: ['acme-web', 'outsider-app'] })]);
    const others = { applications: [app('outsider-app', OUTSIDER, [CAP])] };
    const unshare = planConfiguration(desired(acmeFile()), view([state], others), { prune: false });
    expect(unshare.errors).toEqual([
      {
        field: 'tenants[0].policies[0].sharedWith',
        message: expect.stringContaining('applications outsider-app of a tenant it would no longer be shared with still use it'),
        reason: 'conflict',
      },
    ]);
    const keep = planConfiguration(desired(acmeFile(2, { sharedWith: [OUTSIDER] })), view([state], others), { prune: false });
    expect(keep.errors).toEqual([]);
    expect(summary(keep)).toEqual([]);

    const without = { version: 1, tenants: [{ slug: 'acme', name: 'Acme', applications: [{ id: 'acme-web', name: 'Web' }] }] };
    const prune = planConfiguration(desired(without), view([state], others), { prune: true });
    expect(prune.errors).toEqual([
      {
        field: 'tenants[0]',
        message: expect.stringContaining(
          'policy "cap" is not in the file, so --prune deletes it, but applications outsider-app still use it',
        ),
        reason: 'conflict',
      },
    ]);
  });

  it('names tenants a caller cannot see by id, and refuses slugs it cannot see', () => {
    const plan = planConfiguration(desired(acmeFile(2, { sharedWith: [OUTSIDER] })), view([acmeState()]), { prune: false });
    expect(plan.tenants[0].changes[0].fields).toEqual([{ field: 'sharedWith', before: [], after: [OUTSIDER] }]);
    const bySlug = planConfiguration(desired(acmeFile(2, { sharedWith: ['outsider'] })), view([acmeState()]), { prune: false });
    expect(bySlug.errors).toEqual([
      { field: 'tenants[0].policies[0].sharedWith[0]', message: 'no tenant with slug "outsider"', reason: 'not-found' },
    ]);
  });
});
