import { ADAPTERS, player, startTestApp, type TestApp } from '../support/app';
import { type Api, apiAs, eventually, unique } from './management-helpers';

const problemType = /^application\/problem\+json/;

describe.each(ADAPTERS)('management API resources on %s', (adapter) => {
  let t: TestApp;
  let admin: Api;

  beforeAll(async () => {
    t = await startTestApp({ adapter });
    admin = await apiAs(t, 'admin');
  });
  afterAll(() => t.close());

  async function newTenant() {
    const res = await admin('POST', '/api/v1/tenants', { slug: unique('t'), name: 'A tenant' });
    expect(res.status).toBe(201);
    return res.body as { id: string; slug: string; name: string };
  }

  describe('tenants', () => {
    it('creates, lists, reads, renames and deletes a tenant', async () => {
      const slug = unique('acme');
      const created = await admin('POST', '/api/v1/tenants', { slug, name: 'Acme' });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        slug,
        name: 'Acme',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const id = created.body.id;
      expect((await admin('GET', '/api/v1/tenants')).body.map((x: { slug: string }) => x.slug)).toEqual(
        expect.arrayContaining(['demo', slug]),
      );
      expect((await admin('GET', `/api/v1/tenants/${id}`)).body.name).toBe('Acme');
      const renamed = await admin('PATCH', `/api/v1/tenants/${id}`, { name: 'Acme Inc.' });
      expect(renamed.status).toBe(200);
      expect(renamed.body.name).toBe('Acme Inc.');
      expect((await admin('DELETE', `/api/v1/tenants/${id}`)).status).toBe(204);
      expect((await admin('GET', `/api/v1/tenants/${id}`)).status).toBe(404);
    });

    it('answers 409 naming slug for a duplicate slug', async () => {
      const res = await admin('POST', '/api/v1/tenants', { slug: 'demo', name: 'Again' });
      expect(res.status).toBe(409);
      expect(res.headers.get('content-type')).toMatch(problemType);
      expect(res.body.errors).toEqual([{ field: 'slug', message: expect.stringContaining('demo') }]);
    });

    it.each([
      ['an unknown field', { slug: 'okslug', name: 'x', extra: 1 }, 'extra'],
      ['a missing name', { slug: 'okslug' }, 'name'],
      ['a slug with capitals', { slug: 'Bad', name: 'x' }, 'slug'],
      ['a number as name', { slug: 'okslug', name: 5 }, 'name'],
    ])('answers 400 naming the field for %s', async (_, body, field) => {
      const res = await admin('POST', '/api/v1/tenants', body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(problemType);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('answers 400 for a malformed id and 404 for an unknown one', async () => {
      expect((await admin('GET', '/api/v1/tenants/not-a-uuid')).status).toBe(400);
      expect((await admin('GET', '/api/v1/tenants/0190a000-0000-7000-8000-000000000000')).status).toBe(404);
    });

    it('refuses to delete a tenant that still has applications or policies (409)', async () => {
      const tenant = await newTenant();
      const policy = await admin('POST', `/api/v1/tenants/${tenant.id}/policies`, { name: 'p', rules: [{ name: 'r', limit: 1 }] });
      const blockedByPolicy = await admin('DELETE', `/api/v1/tenants/${tenant.id}`);
      expect(blockedByPolicy.status).toBe(409);
      expect(blockedByPolicy.body.detail).toMatch(/polic/);
      await admin('POST', `/api/v1/tenants/${tenant.id}/applications`, { name: 'app' });
      const blockedByApp = await admin('DELETE', `/api/v1/tenants/${tenant.id}`);
      expect(blockedByApp.status).toBe(409);
      expect(blockedByApp.body.detail).toMatch(/application/);
      expect((await admin('DELETE', `/api/v1/policies/${policy.body.id}`)).status).toBe(204);
    });
  });

  describe('applications', () => {
    it('creates an application with a secret shown once; players must send it', async () => {
      const tenant = await newTenant();
      const id = unique('app');
      const res = await admin('POST', `/api/v1/tenants/${tenant.id}/applications`, {
        id,
        name: 'Web',
        platform: 'web',
        heartbeatIntervalSeconds: 30,
        requireSecret: true,
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        id,
        tenantId: tenant.id,
        name: 'Web',
        heartbeatIntervalSeconds: 30,
        requireSecret: true,
        enabled: true,
      });
      expect(res.body.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const read = await admin('GET', `/api/v1/applications/${id}`);
      expect(read.body.secret).toBeUndefined();
      expect(JSON.stringify(read.body)).not.toMatch(/hash/i);
      expect((await player(t.url, id, res.body.secret).init('idp', 'secret-user')).status).toBe(202);
      expect((await player(t.url, id, 'wrong').init('idp', 'secret-user')).status).toBe(401);

      const rotated = await admin('POST', `/api/v1/applications/${id}/secret`);
      expect(rotated.status).toBe(200);
      expect(rotated.body.secret).not.toBe(res.body.secret);
      const initWith = (secret?: string) => () => player(t.url, id, secret).init('idp', 'secret-user');
      expect((await eventually(initWith(rotated.body.secret), (r) => r.status === 202)).status).toBe(202);
      expect((await initWith(res.body.secret)()).status).toBe(401);

      const open = await admin('PATCH', `/api/v1/applications/${id}`, { requireSecret: false });
      expect(open.body).toMatchObject({ requireSecret: false });
      expect((await eventually(initWith(), (r) => r.status === 202)).status).toBe(202);
      const audit = await t.sql<{ text: string }>(`SELECT row_to_json(a)::text AS text FROM audit_log a`);
      for (const row of audit) {
        expect(row.text).not.toContain(res.body.secret);
        expect(row.text).not.toContain(rotated.body.secret);
      }
    });

    it('lists, updates (heartbeat interval reaches the player) and disables an application', async () => {
      const tenant = await newTenant();
      const created = await admin('POST', `/api/v1/tenants/${tenant.id}/applications`, { name: 'TV' });
      expect(created.body.secret).toBeUndefined();
      const id = created.body.id;
      expect((await admin('GET', `/api/v1/tenants/${tenant.id}/applications`)).body.map((a: { id: string }) => a.id)).toEqual([id]);
      const updated = await admin('PATCH', `/api/v1/applications/${id}`, { name: 'Living room TV', heartbeatIntervalSeconds: 120 });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ name: 'Living room TV', heartbeatIntervalSeconds: 120 });
      const init = await eventually(
        () => player(t.url, id).init('idp', 'interval'),
        (r) => r.body.expires - Date.now() > 100_000,
      );
      expect(init.body.expires - Date.now()).toBeGreaterThan(100_000);
      expect((await admin('PATCH', `/api/v1/applications/${id}`, { enabled: false })).body.enabled).toBe(false);
      expect(
        (
          await eventually(
            () => player(t.url, id).init('idp', 'interval'),
            (r) => r.status === 401,
          )
        ).status,
      ).toBe(401);
    });

    it.each([
      ['a heartbeat interval below 10', { name: 'x', heartbeatIntervalSeconds: 5 }, 'heartbeatIntervalSeconds'],
      ['a heartbeat interval above 3600', { name: 'x', heartbeatIntervalSeconds: 3601 }, 'heartbeatIntervalSeconds'],
      ['a fractional heartbeat interval', { name: 'x', heartbeatIntervalSeconds: 10.5 }, 'heartbeatIntervalSeconds'],
      ['a bad id', { id: 'a b', name: 'x' }, 'id'],
      ['requireSecret as text', { name: 'x', requireSecret: 'yes' }, 'requireSecret'],
      ['an unknown field', { name: 'x', secret: 'mine' }, 'secret'],
    ])('answers 400 naming the field for %s', async (_, body, field) => {
      const tenant = await newTenant();
      const res = await admin('POST', `/api/v1/tenants/${tenant.id}/applications`, body);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('answers 409 naming id for a taken application id', async () => {
      const tenant = await newTenant();
      const res = await admin('POST', `/api/v1/tenants/${tenant.id}/applications`, { id: 'demo-app', name: 'Copy' });
      expect(res.status).toBe(409);
      expect(res.body.errors).toEqual([{ field: 'id', message: expect.any(String) }]);
    });

    it('answers 404 for an application of an unknown tenant', async () => {
      const res = await admin('POST', '/api/v1/tenants/0190a000-0000-7000-8000-000000000000/applications', { name: 'x' });
      expect(res.status).toBe(404);
    });

    it('deleting an application ends its running sessions as killed by the operator console', async () => {
      const tenant = await newTenant();
      const app = (await admin('POST', `/api/v1/tenants/${tenant.id}/applications`, { name: 'Doomed' })).body;
      const s = await player(t.url, app.id).init('idp', 'doomed');
      expect(s.status).toBe(202);
      expect((await admin('DELETE', `/api/v1/applications/${app.id}`)).status).toBe(204);
      expect((await admin('GET', `/api/v1/applications/${app.id}`)).status).toBe(404);
      const rows = await t.sql<{ end_reason: string; end_detail: any }>('SELECT end_reason, end_detail FROM sessions WHERE id = $1', [
        s.body.sessionId,
      ]);
      expect(rows[0].end_reason).toBe('killed');
      expect(rows[0].end_detail.associatedAdvice[0].terminator.applicationName).toBe('Operator console');
      expect(
        (
          await eventually(
            () => player(t.url, app.id).init('idp', 'doomed'),
            (r) => r.status === 401,
          )
        ).status,
      ).toBe(401);
    });
  });

  describe('policies', () => {
    const rule = { name: '2 devices per channel', limit: 2, countBy: 'deviceId', scope: ['channel'], onConflict: 'evict-oldest' };

    it('creates, reads, replaces (keeping versions), attaches, detaches and deletes a policy', async () => {
      const tenant = await newTenant();
      const created = await admin('POST', `/api/v1/tenants/${tenant.id}/policies`, { name: 'devices', description: 'd', rules: [rule] });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ tenantId: tenant.id, name: 'devices', description: 'd', version: 1, rules: [rule] });
      const id = created.body.id;
      const replaced = await admin('PUT', `/api/v1/policies/${id}`, { name: 'devices v2', rules: [{ ...rule, limit: 3 }] });
      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({ name: 'devices v2', description: '', version: 2 });
      const versions = await admin('GET', `/api/v1/policies/${id}/versions`);
      expect(versions.body.map((v: { version: number; name: string }) => [v.version, v.name])).toEqual([
        [2, 'devices v2'],
        [1, 'devices'],
      ]);
      const app = (await admin('POST', `/api/v1/tenants/${tenant.id}/applications`, { name: 'App' })).body;
      const attached = await admin('PUT', `/api/v1/applications/${app.id}/policies`, { policyIds: [id] });
      expect(attached.status).toBe(200);
      expect(attached.body).toEqual({ policyIds: [id] });
      expect((await admin('GET', `/api/v1/policies/${id}`)).body.attachedApplicationIds).toEqual([app.id]);
      const needs = await eventually(
        () => player(t.url, app.id).metadata(),
        (r) => r.body.length === 2,
      );
      expect(needs.body).toEqual(['channel', 'deviceId']);
      const inUse = await admin('DELETE', `/api/v1/policies/${id}`);
      expect(inUse.status).toBe(409);
      expect(inUse.body.detail).toContain(app.id);
      expect((await admin('PUT', `/api/v1/applications/${app.id}/policies`, { policyIds: [] })).body).toEqual({ policyIds: [] });
      expect(
        (
          await eventually(
            () => player(t.url, app.id).metadata(),
            (r) => r.body.length === 0,
          )
        ).body,
      ).toEqual([]);
      expect((await admin('DELETE', `/api/v1/policies/${id}`)).status).toBe(204);
      expect((await admin('GET', `/api/v1/policies/${id}`)).status).toBe(404);
    });

    it.each([
      ['a negative limit', [{ name: 'r', limit: -1 }], 'rules[0].limit'],
      ['an unknown onConflict', [{ name: 'r', limit: 1, onConflict: 'coin-flip' }], 'rules[0].onConflict'],
      ['an unknown rule field', [{ name: 'r', limit: 1, colour: 'red' }], 'rules[0].colour'],
      ['a bad where op', [{ name: 'r', limit: 1, where: [{ attribute: 'a', op: 'like', value: 'x' }] }], 'rules[0].where[0].op'],
      ['a limit as text', [{ name: 'r', limit: '2' }], 'rules[0].limit'],
      ['no rules', [], 'rules'],
      ['rules that are not a list', 'many', 'rules'],
    ])('answers 400 naming the field for %s', async (_, rules, field) => {
      const tenant = await newTenant();
      const res = await admin('POST', `/api/v1/tenants/${tenant.id}/policies`, { name: 'bad', rules });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(problemType);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('answers 409 naming name for a duplicate policy name in the tenant', async () => {
      const tenant = await newTenant();
      await admin('POST', `/api/v1/tenants/${tenant.id}/policies`, { name: 'same', rules: [{ name: 'r', limit: 1 }] });
      const res = await admin('POST', `/api/v1/tenants/${tenant.id}/policies`, { name: 'same', rules: [{ name: 'r', limit: 1 }] });
      expect(res.status).toBe(409);
      expect(res.body.errors).toEqual([{ field: 'name', message: expect.any(String) }]);
    });

    it('shares a policy: the other tenant lists it flagged and may attach it; unknown tenants are named', async () => {
      const owner = await newTenant();
      const other = await newTenant();
      const policy = (await admin('POST', `/api/v1/tenants/${owner.id}/policies`, { name: 'shared', rules: [{ name: 'r', limit: 1 }] }))
        .body;
      const app = (await admin('POST', `/api/v1/tenants/${other.id}/applications`, { name: 'Other app' })).body;
      expect((await admin('PUT', `/api/v1/applications/${app.id}/policies`, { policyIds: [policy.id] })).status).toBe(404);
      const unknownTenant = '0190a000-0000-7000-8000-000000000000';
      const bad = await admin('PUT', `/api/v1/policies/${policy.id}/shares`, { tenantIds: [other.id, unknownTenant] });
      expect(bad.status).toBe(404);
      expect(bad.body.errors).toEqual([{ field: 'tenantIds[1]', message: expect.stringContaining(unknownTenant) }]);
      expect((await admin('PUT', `/api/v1/policies/${policy.id}/shares`, { tenantIds: ['nope'] })).status).toBe(400);
      const shared = await admin('PUT', `/api/v1/policies/${policy.id}/shares`, { tenantIds: [other.id] });
      expect(shared.body).toEqual({ tenantIds: [other.id] });
      const listed = await admin('GET', `/api/v1/tenants/${other.id}/policies`);
      expect(listed.body).toEqual([expect.objectContaining({ id: policy.id, shared: true, tenantId: owner.id })]);
      expect((await admin('PUT', `/api/v1/applications/${app.id}/policies`, { policyIds: [policy.id] })).status).toBe(200);
      const unshare = await admin('PUT', `/api/v1/policies/${policy.id}/shares`, { tenantIds: [] });
      expect(unshare.status).toBe(409);
    });

    it('a policy change reaches a running session at its next heartbeat (409)', async () => {
      const tenant = await newTenant();
      const app = (await admin('POST', `/api/v1/tenants/${tenant.id}/applications`, { name: 'Live' })).body;
      const policy = (await admin('POST', `/api/v1/tenants/${tenant.id}/policies`, { name: 'cap', rules: [{ name: 'cap', limit: 2 }] }))
        .body;
      await admin('PUT', `/api/v1/applications/${app.id}/policies`, { policyIds: [policy.id] });
      const p = player(t.url, app.id);
      const first = await p.init('idp', 'lowered');
      const second = await p.init('idp', 'lowered');
      expect([first.status, second.status]).toEqual([202, 202]);
      expect((await p.heartbeat('idp', 'lowered', second.body.sessionId)).status).toBe(202);
      const put = await admin('PUT', `/api/v1/policies/${policy.id}`, {
        name: 'cap',
        rules: [{ name: 'cap', limit: 1, message: 'Only one now' }],
      });
      expect(put.status).toBe(200);
      const hb = await p.heartbeat('idp', 'lowered', second.body.sessionId);
      expect(hb.status).toBe(409);
      expect(hb.body.associatedAdvice[0]).toMatchObject({ message: 'Only one now', threshold: 1, policyName: 'cap' });
      expect((await p.heartbeat('idp', 'lowered', first.body.sessionId)).status).toBe(202);
    });
  });

  describe('simulate', () => {
    it('admits with the init body', async () => {
      const res = await admin('POST', '/api/v1/policies/simulate', {
        rules: [{ name: 'cap', limit: 2 }],
        sessions: [{ metadata: {} }],
        candidate: { metadata: { channel: 'news' } },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ decision: 'admit', status: 202, dismissed: [] });
      expect(res.body.body).toEqual({
        sessionId: expect.any(String),
        terminationCode: expect.stringMatching(/^[0-9a-f]{8}$/),
        expires: expect.any(Number),
      });
    });

    it('denies with the exact 409 body, using a real policy and application name', async () => {
      const res = await admin('POST', '/api/v1/policies/simulate', {
        policyIds: [(await t.policies.findByName((await t.tenants.findBySlug('demo'))!.id, 'demo-policy'))!.id],
        sessions: [1, 2, 3].map((i) => ({ terminationCode: `0000000${i}`, metadata: { channel: `c${i}` } })),
        candidate: { applicationId: 'demo-app', metadata: {} },
      });
      expect(res.body).toMatchObject({ decision: 'deny', status: 409, dismissed: [] });
      const advice = res.body.body.associatedAdvice[0];
      expect(advice).toMatchObject({
        type: 'rule-violation',
        policyName: 'demo-policy',
        ruleName: '3 streams cap',
        threshold: 3,
        attribute: 'streamId',
      });
      expect(Object.values(advice.conflicts).flat()).toContainEqual(
        expect.objectContaining({ terminationCode: '00000001', channel: 'c1', applicationName: 'Demo application' }),
      );
      expect(res.body.body.obligations).toEqual([]);
    });

    it('lists the sessions latest-wins would evict, with their next heartbeat body', async () => {
      const res = await admin('POST', '/api/v1/policies/simulate', {
        rules: [{ name: '2 devices per channel', limit: 2, countBy: 'deviceId', scope: ['channel'], onConflict: 'evict-oldest' }],
        sessions: [
          { sessionId: 'oldest', metadata: { channel: 'news', deviceId: 'tv' } },
          { sessionId: 'middle', metadata: { channel: 'news', deviceId: 'phone' } },
          { sessionId: 'elsewhere', metadata: { channel: 'sports', deviceId: 'tablet' } },
        ],
        candidate: { metadata: { channel: 'news', deviceId: 'laptop' } },
      });
      expect(res.body.decision).toBe('admit');
      expect(res.body.dismissed).toEqual([
        expect.objectContaining({
          sessionId: 'oldest',
          reason: 'dismissed',
          status: 409,
          body: expect.objectContaining({ obligations: [] }),
        }),
      ]);
      expect(Object.keys(res.body.dismissed[0].body.associatedAdvice[0].conflicts).sort()).toEqual(['laptop', 'phone']);
    });

    it('answers missing-metadata with the refresh obligation', async () => {
      const res = await admin('POST', '/api/v1/policies/simulate', {
        rules: [{ name: 'per channel', limit: 1, scope: ['channel'] }],
        candidate: { metadata: {} },
      });
      expect(res.body).toMatchObject({
        decision: 'missing-metadata',
        status: 400,
        missing: ['channel'],
        body: { associatedAdvice: [], obligations: [{ namespace: 'adobe.primetime.cm', action: 'refresh', arguments: ['metadata'] }] },
      });
    });

    it.each([
      ['neither rules nor policyIds', { candidate: { metadata: {} } }, 'rules'],
      ['both rules and policyIds', { rules: [{ name: 'r', limit: 1 }], policyIds: [], candidate: { metadata: {} } }, 'policyIds'],
      ['a bad rule', { rules: [{ name: 'r', limit: -3 }], candidate: { metadata: {} } }, 'rules[0].limit'],
      ['no candidate', { rules: [{ name: 'r', limit: 1 }] }, 'candidate'],
      [
        'a bad metadata key',
        { rules: [{ name: 'r', limit: 1 }], candidate: { metadata: { 'bad key': 'x' } } },
        'candidate.metadata.bad key',
      ],
      [
        'a bad startedAt',
        { rules: [{ name: 'r', limit: 1 }], sessions: [{ startedAt: 'yesterday', metadata: {} }], candidate: { metadata: {} } },
        'sessions[0].startedAt',
      ],
      [
        'an unknown session field',
        { rules: [{ name: 'r', limit: 1 }], sessions: [{ metadata: {}, colour: 1 }], candidate: { metadata: {} } },
        'sessions[0].colour',
      ],
    ])('answers 400 naming the field for %s', async (_, body, field) => {
      const res = await admin('POST', '/api/v1/policies/simulate', body);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });
  });

  describe('accounts', () => {
    it('looks up running and ended sessions with reasons, and an operator kill reaches the player (410)', async () => {
      const demo = player(t.url, 'demo-app');
      const a = await demo.init('look up', 'user/1', { channel: 'news', deviceName: 'Phone' });
      const b = await demo.init('look up', 'user/1', {});
      expect((await demo.stop('look up', 'user/1', b.body.sessionId)).status).toBe(202);

      const look = await admin('GET', `/api/v1/subjects/${encodeURIComponent('look up')}/${encodeURIComponent('user/1')}/sessions`);
      expect(look.status).toBe(200);
      expect(look.body).toMatchObject({ idp: 'look up', subject: 'user/1' });
      expect(look.body.running).toEqual([
        expect.objectContaining({
          id: a.body.sessionId,
          applicationId: 'demo-app',
          applicationName: 'Demo application',
          terminationCode: a.body.terminationCode,
          metadata: { channel: 'news', deviceName: 'Phone' },
          startedAt: expect.any(String),
          expiresAt: expect.any(String),
          lastHeartbeatAt: null,
        }),
      ]);
      expect(look.body.ended).toEqual([
        expect.objectContaining({ id: b.body.sessionId, endReason: 'stopped', endedAt: expect.any(String) }),
      ]);

      expect((await admin('DELETE', `/api/v1/sessions/${a.body.sessionId}`)).status).toBe(204);
      const hb = await demo.heartbeat('look up', 'user/1', a.body.sessionId);
      expect(hb.status).toBe(410);
      expect(hb.body).toEqual({
        associatedAdvice: [
          {
            type: 'remote-termination',
            message: 'This session was terminated by a remote user',
            terminator: {
              channel: 'Unknown',
              startedAt: expect.any(String),
              deviceName: 'Operator console',
              applicationName: 'Operator console',
            },
          },
        ],
        obligations: [],
      });
      expect((await admin('DELETE', `/api/v1/sessions/${a.body.sessionId}`)).status).toBe(409);
      expect((await admin('DELETE', '/api/v1/sessions/0190a000-0000-7000-8000-000000000000')).status).toBe(404);
      expect((await admin('DELETE', '/api/v1/sessions/nope')).status).toBe(404);
      const after = await admin('GET', `/api/v1/subjects/${encodeURIComponent('look up')}/${encodeURIComponent('user/1')}/sessions`);
      expect(after.body.running).toEqual([]);
      expect(after.body.ended.map((s: { endReason: string }) => s.endReason).sort()).toEqual(['killed', 'stopped']);
      expect(after.body.ended.find((s: { endReason: string }) => s.endReason === 'killed')).toMatchObject({ killedBy: 'operator' });
      const audit = await admin('GET', `/api/v1/audit?targetId=${a.body.sessionId}`);
      expect(audit.body.items[0]).toMatchObject({ action: 'session.kill', before: { idp: 'look up', subject: 'user/1' } });
    });

    it('tells "ended by another device" (X-Terminate) from "killed by an operator", naming the device', async () => {
      const demo = player(t.url, 'demo-app');
      const old = await demo.init('look up', 'user/2', { deviceName: 'Old TV' });
      const taker = await demo.init(
        'look up',
        'user/2',
        { deviceName: 'New phone', channel: 'news' },
        { 'X-Terminate': old.body.terminationCode },
      );
      expect(taker.status).toBe(202);
      const look = await admin('GET', `/api/v1/subjects/${encodeURIComponent('look up')}/${encodeURIComponent('user/2')}/sessions`);
      expect(look.body.ended).toEqual([
        expect.objectContaining({
          id: old.body.sessionId,
          endReason: 'killed',
          killedBy: 'another-device',
          terminator: expect.objectContaining({ deviceName: 'New phone', channel: 'news', applicationName: 'Demo application' }),
        }),
      ]);
    });
  });
});
