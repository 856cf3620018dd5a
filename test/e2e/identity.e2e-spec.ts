import { ADAPTERS, startTestApp, type TestApp } from '../support/app';
import { adminApi, call, cookieApi, loginAs, type ManagementSession, uniqueEmail } from '../support/management';

const PASSWORD = 'correct horse battery';

describe.each(ADAPTERS)('identity on %s', (adapter) => {
  let t: TestApp;
  let admin: ManagementSession;

  beforeAll(async () => {
    t = await startTestApp({ adapter });
    admin = await adminApi(t);
  });
  afterAll(() => t.close());

  /** An operator created by the admin; returns its id. */
  async function operator(role: 'admin' | 'tenant-admin' | 'viewer', tenantId?: string, email = uniqueEmail(role)) {
    const res = await admin.api('POST', '/operators', { email, password: PASSWORD, role, ...(tenantId ? { tenantId } : {}) });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, email };
  }

  const newTenant = async () => {
    const slug = `t-${Math.random().toString(16).slice(2, 10)}`;
    return (await t.tenants.create({ slug, name: slug })).id;
  };

  describe('login, me, logout', () => {
    it('sets an httpOnly, SameSite=Strict, Path=/ session cookie and answers the actor', async () => {
      const { email } = await operator('admin');
      const res = await call(t, 'POST', '/auth/login', { email: email.toUpperCase(), password: PASSWORD });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ kind: 'operator', operatorId: expect.any(String), email, role: 'admin', tenantId: null });
      const setCookie = res.headers.get('set-cookie')!;
      expect(setCookie).toMatch(/^cm_session=[A-Za-z0-9_-]{43};/);
      expect(setCookie).toMatch(/HttpOnly/i);
      expect(setCookie).toMatch(/SameSite=Strict/i);
      expect(setCookie).toMatch(/Path=\//);
      expect(setCookie).not.toMatch(/Secure/i);
      expect(res.headers.get('cache-control')).toBe('no-store');

      const cookie = setCookie.split(';')[0];
      const me = await call(t, 'GET', '/auth/me', undefined, { cookie });
      expect(me.status).toBe(200);
      expect(me.body).toEqual(res.body);
      expect(JSON.stringify(me.body)).not.toMatch(/hash|password/i);

      const out = await call(t, 'POST', '/auth/logout', undefined, { cookie, origin: t.url });
      expect(out.status).toBe(204);
      expect(out.headers.get('set-cookie')).toMatch(/^cm_session=;.*Max-Age=0/i);
      const after = await call(t, 'GET', '/auth/me', undefined, { cookie });
      expect(after.status).toBe(401);
      expect(after.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(after.body.detail).toMatch(/session has expired or was ended/);
    });

    it('marks the cookie Secure when the request came over https (X-Forwarded-Proto)', async () => {
      const { email } = await operator('admin');
      const res = await call(t, 'POST', '/auth/login', { email, password: PASSWORD }, { 'x-forwarded-proto': 'https' });
      expect(res.status).toBe(200);
      expect(res.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
    });

    it('answers the same 401 for an unknown email and a wrong password', async () => {
      const { email } = await operator('viewer', await newTenant());
      const wrong = await call(t, 'POST', '/auth/login', { email, password: 'not the password' });
      const unknown = await call(t, 'POST', '/auth/login', { email: uniqueEmail('nobody'), password: PASSWORD });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body).toEqual(unknown.body);
      expect(wrong.body.detail).toBe('Wrong email or password');
      expect(wrong.headers.get('set-cookie')).toBeNull();
    });

    it('answers 401 without credentials, with a bad Authorization header, and with an unknown token', async () => {
      expect((await call(t, 'GET', '/auth/me')).status).toBe(401);
      const basic = await call(t, 'GET', '/auth/me', undefined, { authorization: 'Basic abc' });
      expect(basic.status).toBe(401);
      expect(basic.body.detail).toMatch(/Bearer/);
      const unknown = await call(t, 'GET', '/auth/me', undefined, { authorization: 'Bearer cmt_nope' });
      expect(unknown.status).toBe(401);
      expect(unknown.body.detail).toMatch(/unknown, revoked or expired/);
    });

    it('makes an address that keeps failing for an account wait (429 + Retry-After), even with the right password', async () => {
      const { email } = await operator('viewer', await newTenant());
      for (let i = 0; i < 5; i++) {
        expect((await call(t, 'POST', '/auth/login', { email, password: `wrong-${i}` })).status).toBe(401);
      }
      // Five more failures of the account from elsewhere: this address now waits 32 s after its own last failure.
      await t.sql(`INSERT INTO login_failures (id, email, ip) SELECT gen_random_uuid(), $1, '198.51.100.1' FROM generate_series(1, 5)`, [
        email,
      ]);
      const blocked = await call(t, 'POST', '/auth/login', { email, password: PASSWORD });
      expect(blocked.status).toBe(429);
      const retryAfter = Number(blocked.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      expect(blocked.body.detail).toMatch(/Too many failed logins/);
      // Another account from the same address is still fine.
      const other = await operator('viewer', await newTenant());
      expect((await call(t, 'POST', '/auth/login', { email: other.email, password: PASSWORD })).status).toBe(200);
      await t.sql('DELETE FROM login_failures');
    });

    it('refuses logins from an address after 20 failures across accounts', async () => {
      for (let i = 0; i < 20; i++) {
        expect((await call(t, 'POST', '/auth/login', { email: uniqueEmail('spray'), password: 'guess' })).status).toBe(401);
      }
      const blocked = await call(t, 'POST', '/auth/login', { email: admin.email, password: admin.password });
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      await t.sql('DELETE FROM login_failures');
      expect((await call(t, 'POST', '/auth/login', { email: admin.email, password: admin.password })).status).toBe(200);
    });

    it('names the bad fields of a login body', async () => {
      const res = await call(t, 'POST', '/auth/login', { email: 'not-an-email', extra: 1 });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const fields = res.body.errors.map((e: { field: string }) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['email', 'password', 'extra']));
    });
  });

  describe('API tokens', () => {
    it('shows a token once, authenticates with it, records last use, and refuses it once revoked', async () => {
      const viewer = await loginAs(t, 'viewer', await newTenant());
      const created = await viewer.cookieApi('POST', '/tokens', { name: 'ci', expiresAt: new Date(Date.now() + 3600_000).toISOString() });
      expect(created.status).toBe(201);
      expect(created.body.token).toMatch(/^cmt_[A-Za-z0-9_-]{43}$/);
      expect(created.body.prefix).toBe(created.body.token.slice(0, 10));
      expect(created.body.lastUsedAt).toBeNull();
      const token = created.body.token as string;
      const bearer = (method: string, path: string, body?: unknown) => call(t, method, path, body, { authorization: `Bearer ${token}` });

      const me = await bearer('GET', '/auth/me');
      expect(me.status).toBe(200);
      expect(me.body).toEqual({ ...viewer.actor, kind: 'token', tokenId: created.body.id });

      const listed = await viewer.api('GET', '/tokens');
      expect(listed.status).toBe(200);
      const mine = listed.body.find((x: { id: string }) => x.id === created.body.id);
      expect(mine).toMatchObject({ name: 'ci', prefix: created.body.prefix, operatorEmail: viewer.email });
      expect(mine.lastUsedAt).not.toBeNull();
      expect(mine.token).toBeUndefined();
      expect(JSON.stringify(listed.body)).not.toContain(token);
      const stored = await t.sql<{ secret_hash: string }>('SELECT secret_hash FROM api_tokens WHERE id = $1', [created.body.id]);
      expect(stored[0].secret_hash).toMatch(/^[0-9a-f]{64}$/);

      expect((await viewer.api('DELETE', `/tokens/${created.body.id}`)).status).toBe(204);
      const after = await bearer('GET', '/auth/me');
      expect(after.status).toBe(401);
      expect((await viewer.api('DELETE', `/tokens/${created.body.id}`)).status).toBe(404);
    });

    it('lists only your own tokens, an admin sees all; another operator cannot revoke yours (404)', async () => {
      const tenant = await newTenant();
      const a = await loginAs(t, 'tenant-admin', tenant);
      const b = await loginAs(t, 'tenant-admin', tenant);
      const aTokens = (await a.api('GET', '/tokens')).body.map((x: { operatorId: string }) => x.operatorId);
      expect(new Set(aTokens)).toEqual(new Set([a.actor.operatorId]));
      const all = (await admin.api('GET', '/tokens')).body.map((x: { operatorId: string }) => x.operatorId);
      expect(all).toEqual(expect.arrayContaining([a.actor.operatorId, b.actor.operatorId]));
      const bToken = (await b.api('GET', '/tokens')).body[0];
      expect((await a.api('DELETE', `/tokens/${bToken.id}`)).status).toBe(404);
    });

    it('refuses an expiry in the past and a token that has expired', async () => {
      const past = await admin.api('POST', '/tokens', { name: 'old', expiresAt: '2001-01-01T00:00:00Z' });
      expect(past.status).toBe(400);
      expect(past.body.errors).toEqual([{ field: 'expiresAt', message: 'expiresAt must be in the future' }]);
      const bad = await admin.api('POST', '/tokens', { name: '', expiresAt: 'tomorrow' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['name', 'expiresAt']));
      const soon = await admin.api('POST', '/tokens', { name: 'soon', expiresAt: new Date(Date.now() + 60_000).toISOString() });
      await t.sql(`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [soon.body.id]);
      expect((await call(t, 'GET', '/auth/me', undefined, { authorization: `Bearer ${soon.body.token}` })).status).toBe(401);
    });

    it('refuses a second live token of the same name (409 naming the field); the name is free again once revoked or expired', async () => {
      const first = await admin.api('POST', '/tokens', { name: 'nightly' });
      expect(first.status).toBe(201);
      const again = await admin.api('POST', '/tokens', { name: 'Nightly' });
      expect(again.status).toBe(409);
      expect(again.body.errors).toEqual([{ field: 'name', message: expect.stringContaining('already have a token named "Nightly"') }]);
      // Another operator may use the name.
      expect((await (await loginAs(t, 'viewer')).api('POST', '/tokens', { name: 'nightly' })).status).toBe(201);
      expect((await admin.api('DELETE', `/tokens/${first.body.id}`)).status).toBe(204);
      expect((await admin.api('POST', '/tokens', { name: 'nightly' })).status).toBe(201);
    });
  });

  describe('operators and roles', () => {
    it('lets an admin create, read, update and delete operators, storing only an argon2id hash', async () => {
      const tenant = await newTenant();
      const email = uniqueEmail('crud');
      const created = await admin.api('POST', '/operators', {
        email: email.toUpperCase(),
        password: PASSWORD,
        role: 'viewer',
        tenantId: tenant,
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        email,
        role: 'viewer',
        tenantId: tenant,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const [row] = await t.sql<{ password_hash: string }>('SELECT password_hash FROM operators WHERE id = $1', [created.body.id]);
      expect(row.password_hash).toMatch(/^\$argon2id\$/);

      const dup = await admin.api('POST', '/operators', { email: email.replace('crud', 'CRUD'), password: PASSWORD, role: 'admin' });
      expect(dup.status).toBe(409);
      expect(dup.body.errors[0].field).toBe('email');

      expect((await admin.api('GET', `/operators/${created.body.id}`)).body.email).toBe(email);
      expect((await admin.api('GET', '/operators')).body.map((o: { id: string }) => o.id)).toContain(created.body.id);

      const patched = await admin.api('PATCH', `/operators/${created.body.id}`, { role: 'tenant-admin' });
      expect(patched.status).toBe(200);
      expect(patched.body.role).toBe('tenant-admin');

      expect((await admin.api('DELETE', `/operators/${created.body.id}`)).status).toBe(204);
      expect((await admin.api('GET', `/operators/${created.body.id}`)).status).toBe(404);
    });

    it('ends the sessions of an operator whose password changes', async () => {
      const { id, email } = await operator('viewer', await newTenant());
      const login = await call(t, 'POST', '/auth/login', { email, password: PASSWORD });
      const cookie = login.headers.get('set-cookie')!.split(';')[0];
      expect((await call(t, 'GET', '/auth/me', undefined, { cookie })).status).toBe(200);
      expect((await admin.api('PATCH', `/operators/${id}`, { password: 'a brand new password' })).status).toBe(200);
      expect((await call(t, 'GET', '/auth/me', undefined, { cookie })).status).toBe(401);
      expect((await call(t, 'POST', '/auth/login', { email, password: 'a brand new password' })).status).toBe(200);
    });

    it('checks role and tenant consistency and names the field', async () => {
      const noTenant = await admin.api('POST', '/operators', { email: uniqueEmail(), password: PASSWORD, role: 'viewer' });
      expect(noTenant.status).toBe(400);
      expect(noTenant.body.errors).toEqual([{ field: 'tenantId', message: 'A viewer needs a tenantId' }]);
      const unknownTenant = await admin.api('POST', '/operators', {
        email: uniqueEmail(),
        password: PASSWORD,
        role: 'viewer',
        tenantId: '0190a0a0-0000-7000-8000-000000000000',
      });
      expect(unknownTenant.status).toBe(400);
      expect(unknownTenant.body.errors[0].field).toBe('tenantId');
      const bad = await admin.api('POST', '/operators', { email: 'x', password: 'short', role: 'root', tenantId: 'abc', extra: true });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'extra', 'password', 'role', 'tenantId']);
      expect(bad.body.detail).toMatch(/extra/);
      expect((await admin.api('GET', '/operators/not-a-uuid')).status).toBe(400);
    });

    it('refuses to delete or demote the last admin', async () => {
      const admins = (await admin.api('GET', '/operators')).body.filter((o: { role: string }) => o.role === 'admin');
      await t.sql(`DELETE FROM operators WHERE role = 'admin' AND id <> $1`, [admin.actor.operatorId]);
      try {
        const res = await admin.api('DELETE', `/operators/${admin.actor.operatorId}`);
        expect(res.status).toBe(409);
        expect(res.body.code).toBe('LAST_ADMIN');
        const demote = await admin.api('PATCH', `/operators/${admin.actor.operatorId}`, { role: 'viewer', tenantId: await newTenant() });
        expect(demote.status).toBe(409);
      } finally {
        expect(admins.length).toBeGreaterThan(0);
      }
    });

    it('gives a viewer 403 on writes and on operators, and lets it read', async () => {
      const viewer = await loginAs(t, 'viewer', await newTenant());
      const write = await viewer.api('POST', '/operators', { email: uniqueEmail(), password: PASSWORD, role: 'viewer' });
      expect(write.status).toBe(403);
      expect(write.body.detail).toMatch(/admin or tenant-admin; you are viewer/);
      expect((await viewer.api('GET', '/operators')).status).toBe(403);
      expect((await viewer.api('GET', '/auth/me')).status).toBe(200);
      expect((await viewer.api('GET', '/audit')).status).toBe(200);
    });

    it('lets a tenant-admin manage its own tenant only; other tenants answer 404', async () => {
      const tenant = await newTenant();
      const other = await operator('viewer', await newTenant());
      const ta = await loginAs(t, 'tenant-admin', tenant);
      const created = await ta.api('POST', '/operators', { email: uniqueEmail(), password: PASSWORD, role: 'viewer' });
      expect(created.status).toBe(201);
      expect(created.body.tenantId).toBe(tenant);
      const makeAdmin = await ta.api('POST', '/operators', { email: uniqueEmail(), password: PASSWORD, role: 'admin' });
      expect(makeAdmin.status).toBe(403);
      const elsewhere = await ta.api('POST', '/operators', {
        email: uniqueEmail(),
        password: PASSWORD,
        role: 'viewer',
        tenantId: await newTenant(),
      });
      expect(elsewhere.status).toBe(400);
      const list = (await ta.api('GET', '/operators')).body;
      expect(list.every((o: { tenantId: string }) => o.tenantId === tenant)).toBe(true);
      expect((await ta.api('GET', `/operators/${other.id}`)).status).toBe(404);
      expect((await ta.api('PATCH', `/operators/${other.id}`, { role: 'tenant-admin' })).status).toBe(404);
      expect((await ta.api('DELETE', `/operators/${other.id}`)).status).toBe(404);
      expect((await ta.api('GET', `/operators/${admin.actor.operatorId}`)).status).toBe(404);
      expect((await ta.api('DELETE', `/operators/${created.body.id}`)).status).toBe(204);
    });

    it('removes the operators of a deleted tenant', async () => {
      const tenant = await newTenant();
      const { id } = await operator('viewer', tenant);
      await t.sql('DELETE FROM tenants WHERE id = $1', [tenant]);
      expect((await admin.api('GET', `/operators/${id}`)).status).toBe(404);
    });
  });

  describe('CSRF on cookie-authenticated writes', () => {
    // A new name each time: an operator's live tokens have distinct names (409 otherwise).
    const body = () => ({ name: `csrf ${Math.random().toString(36).slice(2, 8)}` });

    it('refuses a write without Origin or Referer', async () => {
      const res = await call(t, 'POST', '/tokens', body(), { cookie: admin.cookie });
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body.detail).toMatch(/needs an Origin or Referer/);
    });

    it('refuses a foreign Origin, and a foreign Referer', async () => {
      const origin = await call(t, 'POST', '/tokens', body(), { cookie: admin.cookie, origin: 'https://evil.example' });
      expect(origin.status).toBe(403);
      expect(origin.body.detail).toMatch(/Cross-site request refused: Origin "https:\/\/evil.example"/);
      const referer = await call(t, 'POST', '/tokens', body(), { cookie: admin.cookie, referer: 'https://evil.example/page' });
      expect(referer.status).toBe(403);
    });

    it('refuses a non-JSON body', async () => {
      const res = await call(t, 'POST', '/tokens', 'name=csrf', {
        cookie: admin.cookie,
        origin: t.url,
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(res.status).toBe(403);
      expect(res.body.detail).toMatch(/application\/json/);
    });

    it('accepts the right Origin with JSON, or the right Referer; reads need neither', async () => {
      expect((await call(t, 'POST', '/tokens', body(), { cookie: admin.cookie, origin: t.url })).status).toBe(201);
      expect((await call(t, 'POST', '/tokens', body(), { cookie: admin.cookie, referer: `${t.url}/console/tokens` })).status).toBe(201);
      expect((await call(t, 'GET', '/tokens', undefined, { cookie: admin.cookie })).status).toBe(200);
    });

    it('lets a bearer token write without Origin', async () => {
      expect((await admin.api('POST', '/tokens', body())).status).toBe(201);
      expect((await admin.api('POST', '/tokens', body(), { origin: 'https://evil.example' })).status).toBe(201);
    });
  });

  describe('audit log', () => {
    it('records operator and token writes with before/after and no secrets', async () => {
      const tenant = await newTenant();
      const ta = await loginAs(t, 'tenant-admin', tenant);
      const created = await ta.api('POST', '/operators', { email: uniqueEmail('audited'), password: PASSWORD, role: 'viewer' });
      await ta.api('PATCH', `/operators/${created.body.id}`, { role: 'tenant-admin', password: 'another long password' });
      await ta.api('DELETE', `/operators/${created.body.id}`);

      const page = await ta.api('GET', `/audit?targetType=operator&targetId=${created.body.id}`);
      expect(page.status).toBe(200);
      expect(page.body.items.map((e: { action: string }) => e.action)).toEqual(['operator.delete', 'operator.update', 'operator.create']);
      const [del, update, create] = page.body.items;
      expect(create).toMatchObject({
        actorId: ta.actor.operatorId,
        actorEmail: ta.email,
        actorTokenId: expect.any(String),
        tenantId: tenant,
        before: null,
        after: { id: created.body.id, email: created.body.email, role: 'viewer', tenantId: tenant },
      });
      expect(update.before).toMatchObject({ role: 'viewer', passwordChanged: false });
      expect(update.after).toMatchObject({ role: 'tenant-admin', passwordChanged: true });
      expect(del.before).toMatchObject({ id: created.body.id, role: 'tenant-admin' });
      expect(del.after).toBeNull();

      const tokens = await ta.api('GET', `/audit?actorId=${ta.actor.operatorId}&targetType=token`);
      expect(tokens.body.items.map((e: { action: string }) => e.action)).toContain('token.create');

      const everything = JSON.stringify((await admin.api('GET', '/audit?limit=500')).body);
      expect(everything).not.toMatch(/argon2|cmt_[A-Za-z0-9_-]{20}|another long password|secret_?hash/i);
      expect(everything).not.toContain(PASSWORD);
    });

    it('shows non-admins only their tenant and pages newest first', async () => {
      const tenant = await newTenant();
      const ta = await loginAs(t, 'tenant-admin', tenant);
      for (let i = 0; i < 3; i++) await ta.api('POST', '/operators', { email: uniqueEmail('page'), password: PASSWORD, role: 'viewer' });
      const all = (await ta.api('GET', '/audit')).body.items;
      expect(all.length).toBeGreaterThanOrEqual(3);
      expect(all.every((e: { tenantId: string }) => e.tenantId === tenant)).toBe(true);
      expect((await ta.api('GET', `/audit?tenantId=${await newTenant()}`)).body.items).toEqual([]);

      const first = await ta.api('GET', '/audit?limit=2');
      expect(first.body.items).toHaveLength(2);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await ta.api('GET', `/audit?limit=2&cursor=${first.body.nextCursor}`);
      const ids = [...first.body.items, ...second.body.items].map((e: { id: string }) => e.id);
      expect(ids).toEqual(all.slice(0, ids.length).map((e: { id: string }) => e.id));
      const times = all.map((e: { at: string }) => Date.parse(e.at));
      expect([...times].sort((a, b) => b - a)).toEqual(times);

      const adminView = await admin.api('GET', `/audit?tenantId=${tenant}`);
      expect(adminView.body.items.map((e: { id: string }) => e.id)).toEqual(all.map((e: { id: string }) => e.id));
    });

    it('names bad query parameters', async () => {
      const res = await admin.api('GET', '/audit?limit=0&from=yesterday&tenantId=x&bogus=1');
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['bogus', 'from', 'limit', 'tenantId']);
      expect((await admin.api('GET', '/audit?cursor=zzz')).status).toBe(400);
    });
  });

  describe('errors across /api/v1', () => {
    it('answers 404 problem+json for an unknown route', async () => {
      const res = await admin.api('GET', '/no-such-thing');
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 404, title: 'Not Found' });
    });

    it('answers 400 problem+json for malformed JSON', async () => {
      const res = await call(t, 'POST', '/auth/login', '{"email": ', { 'content-type': 'application/json' });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });

    it('keeps the CM v2 API working under the validation pipe', async () => {
      const res = await call(t, 'POST', '/v2/sessions/idp/validation-check?channel=news', undefined, {
        authorization: `Basic ${Buffer.from('demo-app:').toString('base64')}`,
      });
      expect(res.status).toBe(202);
    });
  });

  it('uses the same-origin cookie client of the test helpers', async () => {
    const res = await cookieApi(t, admin.cookie)('GET', '/auth/me');
    expect(res.body.email).toBe(admin.email);
  });
});
