import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { ADAPTERS, startTestApp, type TestApp } from '../support/app';
import { adminApi, bearerApi, call, loginAs, type ManagementSession } from '../support/management';

/**
 * Opens the live usage stream; `frame()` resolves with the next SSE frame (comment or event), `ended` once the server
 * closes the stream.
 */
function openStream(t: TestApp, headers: Record<string, string>) {
  const frames: string[] = [];
  const waiting: Array<() => void> = [];
  let status = 0;
  let ended!: () => void;
  const closed = new Promise<void>((resolve) => (ended = resolve));
  const req = httpRequest(`${t.url}/api/v1/usage/stream`, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
    status = res.statusCode ?? 0;
    let buffer = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end).replace(/^\n+/, '');
        buffer = buffer.slice(end + 2);
        if (frame) frames.push(frame);
        waiting.splice(0).forEach((wake) => wake());
      }
    });
    res.on('end', ended);
    res.on('close', ended);
  });
  req.on('error', () => ended());
  req.end();
  return {
    status: () => status,
    closed,
    /** Waits for a `data:` frame (a snapshot). */
    snapshot: async (): Promise<string> => {
      for (;;) {
        const found = frames.findIndex((f) => f.split('\n').some((line) => line.startsWith('data:')));
        if (found >= 0) return frames.splice(found, 1)[0];
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
    },
    destroy: () => req.destroy(),
  };
}

/** Issue 17: what an attacker of the management API found, each fixed. */
describe.each(ADAPTERS)('management API hardening on %s', (adapter) => {
  let t: TestApp;
  let admin: ManagementSession;
  beforeAll(async () => {
    t = await startTestApp({ adapter });
    admin = await adminApi(t);
  });
  afterAll(() => t.close());

  describe('tokens created with a token', () => {
    it('expire no later than their parent', async () => {
      const viewer = await loginAs(t, 'viewer');
      const parentExpiry = new Date(Date.now() + 3600_000);
      const parent = await viewer.api('POST', '/tokens', { name: 'parent', expiresAt: parentExpiry.toISOString() });
      expect(parent.status).toBe(201);
      const asParent = bearerApi(t, parent.body.token);
      const unbounded = await asParent('POST', '/tokens', { name: 'child without expiry' });
      expect(unbounded.status).toBe(201);
      expect(Date.parse(unbounded.body.expiresAt)).toBe(Date.parse(parent.body.expiresAt));
      const later = await asParent('POST', '/tokens', {
        name: 'child asking for more',
        expiresAt: new Date(Date.now() + 7200_000).toISOString(),
      });
      expect(Date.parse(later.body.expiresAt)).toBe(Date.parse(parent.body.expiresAt));
      const sooner = new Date(Date.now() + 600_000);
      const shorter = await asParent('POST', '/tokens', { name: 'child asking for less', expiresAt: sooner.toISOString() });
      expect(Date.parse(shorter.body.expiresAt)).toBe(sooner.getTime());
      // A token made from a signed-in session is not bound to it.
      expect((await viewer.cookieApi('POST', '/tokens', { name: 'from the console' })).body.expiresAt).toBeNull();
    });

    it('die with their parent: revoking a token revokes the tokens made with it, grandchildren included', async () => {
      const viewer = await loginAs(t, 'viewer');
      const parent = (await viewer.api('POST', '/tokens', { name: 'parent' })).body;
      const child = (await bearerApi(t, parent.token)('POST', '/tokens', { name: 'child' })).body;
      const grandchild = (await bearerApi(t, child.token)('POST', '/tokens', { name: 'grandchild' })).body;
      expect((await bearerApi(t, grandchild.token)('GET', '/auth/me')).status).toBe(200);
      expect((await viewer.api('DELETE', `/tokens/${parent.id}`)).status).toBe(204);
      for (const token of [parent.token, child.token, grandchild.token]) {
        expect((await bearerApi(t, token)('GET', '/auth/me')).status).toBe(401);
      }
      // The viewer's own token (made from their session) is untouched.
      expect((await viewer.api('GET', '/auth/me')).status).toBe(200);
    });
  });

  describe('passwords', () => {
    it('your own password never changes without the current one, not even through PATCH /operators', async () => {
      const tenantAdmin = await loginAs(t, 'tenant-admin');
      const self = await tenantAdmin.api('PATCH', `/operators/${tenantAdmin.actor.operatorId}`, {
        password: 'a password chosen by a thief',
      });
      expect(self.status).toBe(400);
      expect(self.body.errors).toEqual([{ field: 'password', message: expect.stringMatching(/auth\/password/) }]);
      expect((await call(t, 'POST', '/auth/login', { email: tenantAdmin.email, password: 'a password chosen by a thief' })).status).toBe(
        401,
      );
      expect((await call(t, 'POST', '/auth/login', { email: tenantAdmin.email, password: tenantAdmin.password })).status).toBe(200);
      // Setting someone else's password is an admin reset, and still works.
      const viewer = await loginAs(t, 'viewer', tenantAdmin.actor.tenantId!);
      expect((await tenantAdmin.api('PATCH', `/operators/${viewer.actor.operatorId}`, { password: 'set by my tenant-admin' })).status).toBe(
        200,
      );
      expect((await call(t, 'POST', '/auth/login', { email: viewer.email, password: 'set by my tenant-admin' })).status).toBe(200);
    });
  });

  describe('live usage stream', () => {
    it('ends within a snapshot once its API token is revoked', async () => {
      const viewer = await loginAs(t, 'viewer');
      const stream = openStream(t, { authorization: `Bearer ${viewer.token}` });
      await stream.snapshot();
      expect(stream.status()).toBe(200);
      const tokenId = (await viewer.api('GET', '/auth/me')).body.tokenId as string;
      expect((await viewer.cookieApi('DELETE', `/tokens/${tokenId}`)).status).toBe(204);
      await stream.closed;
    });

    it('ends once its login session is signed out', async () => {
      const viewer = await loginAs(t, 'viewer');
      const stream = openStream(t, { cookie: viewer.cookie });
      await stream.snapshot();
      expect((await viewer.cookieApi('POST', '/auth/logout')).status).toBe(204);
      await stream.closed;
    });

    it('keeps streaming while the credentials work', async () => {
      const viewer = await loginAs(t, 'viewer');
      const stream = openStream(t, { authorization: `Bearer ${viewer.token}` });
      await stream.snapshot();
      await stream.snapshot();
      stream.destroy();
    });
  });

  describe("answers never reveal another tenant's objects", () => {
    it('an email taken in another tenant is a generic conflict', async () => {
      const mine = await loginAs(t, 'tenant-admin');
      const theirs = await loginAs(t, 'tenant-admin');
      const taken = await mine.api('POST', '/operators', { email: theirs.email, password: 'long enough password', role: 'viewer' });
      const alsoTaken = await mine.api('POST', '/operators', { email: mine.email, password: 'long enough password', role: 'viewer' });
      expect(taken.status).toBe(409);
      expect(taken.body.detail).not.toContain(theirs.email);
      expect(taken.body.detail).not.toMatch(/exists/);
      expect(taken.body).toEqual(alsoTaken.body);
    });

    it('sharing answers the same whether or not a tenant exists; a refused un-share names no application', async () => {
      const owner = await loginAs(t, 'tenant-admin');
      const other = await loginAs(t, 'tenant-admin');
      const policy = (
        await owner.api('POST', `/tenants/${owner.actor.tenantId}/policies`, { name: 'shared', rules: [{ name: 'r', limit: 2 }] })
      ).body;
      const existing = await owner.api('PUT', `/policies/${policy.id}/shares`, { tenantIds: [other.actor.tenantId] });
      const missing = await owner.api('PUT', `/policies/${policy.id}/shares`, { tenantIds: ['0190a000-0000-7000-8000-000000000000'] });
      expect([existing.status, missing.status]).toEqual([200, 200]);
      await owner.api('PUT', `/policies/${policy.id}/shares`, { tenantIds: [other.actor.tenantId] });
      const appId = `their-app-${randomBytes(3).toString('hex')}`;
      expect(
        (await other.api('POST', `/tenants/${other.actor.tenantId}/applications`, { id: appId, name: 'Their secret app' })).status,
      ).toBe(201);
      expect((await other.api('PUT', `/applications/${appId}/policies`, { policyIds: [policy.id] })).status).toBe(200);
      const refused = await owner.api('PUT', `/policies/${policy.id}/shares`, { tenantIds: [] });
      expect(refused.status).toBe(409);
      expect(refused.text).not.toContain(appId);
      // An admin, who sees every tenant, is told which tenant ids are unknown and which applications hold on.
      expect((await admin.api('PUT', `/policies/${policy.id}/shares`, { tenantIds: [] })).text).toContain(appId);
      expect(
        (await admin.api('PUT', `/policies/${policy.id}/shares`, { tenantIds: ['0190a000-0000-7000-8000-000000000000'] })).status,
      ).toBe(404);
    });
  });
});
