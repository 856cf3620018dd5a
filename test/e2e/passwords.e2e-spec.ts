import { execFile } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ADAPTERS, startTestApp, type TestApp } from '../support/app';
import { adminApi, call, cookieApi, loginAs, type ManagementSession, uniqueEmail } from '../support/management';
import { startServerProcess } from '../support/server-process';

const PASSWORD = 'correct horse battery';
const ROOT = path.resolve(__dirname, '..', '..');
/** `npm run cm` (runs apps/cli from the sources in a development tree). */
const CM = path.join(ROOT, 'bin', 'cm.js');

/** Signs in; returns the answer and a cookie client (same origin, like the console). */
async function login(t: TestApp, email: string, password: string) {
  const res = await call(t, 'POST', '/auth/login', { email, password });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  return { status: res.status, body: res.body, cookie, api: cookieApi(t, cookie) };
}

describe.each(ADAPTERS)('passwords on %s', (adapter) => {
  let t: TestApp;
  let admin: ManagementSession;

  beforeAll(async () => {
    t = await startTestApp({ adapter });
    admin = await adminApi(t);
  });
  afterAll(() => t?.close());

  async function operator(role: 'admin' | 'tenant-admin' | 'viewer', tenantId?: string) {
    const email = uniqueEmail(role);
    const res = await admin.api('POST', '/operators', { email, password: PASSWORD, role, ...(tenantId ? { tenantId } : {}) });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, email };
  }

  describe('change my password (POST /api/v1/auth/password)', () => {
    it('needs the current password, then ends my other sessions and keeps this one', async () => {
      const tenantId = (await t.tenants.create({ slug: `pw-${adapter}`, name: 'pw' })).id;
      const { id, email } = await operator('viewer', tenantId);
      const here = await login(t, email, PASSWORD);
      const elsewhere = await login(t, email, PASSWORD);

      const wrong = await here.api('POST', '/auth/password', { currentPassword: 'not my password', newPassword: 'a brand new password' });
      expect(wrong.status).toBe(400);
      expect(wrong.body.errors).toEqual([expect.objectContaining({ field: 'currentPassword' })]);
      const short = await here.api('POST', '/auth/password', { currentPassword: PASSWORD, newPassword: 'short' });
      expect(short.status).toBe(400);
      expect(short.body.errors).toEqual([expect.objectContaining({ field: 'newPassword' })]);
      const same = await here.api('POST', '/auth/password', { currentPassword: PASSWORD, newPassword: PASSWORD });
      expect(same.status).toBe(400);
      expect(same.body.detail).toMatch(/differ/);
      const missing = await here.api('POST', '/auth/password', { newPassword: 'a brand new password' });
      expect(missing.status).toBe(400);

      const changed = await here.api('POST', '/auth/password', { currentPassword: PASSWORD, newPassword: 'a brand new password' });
      expect(changed.status).toBe(204);
      expect((await here.api('GET', '/auth/me')).status).toBe(200);
      expect((await elsewhere.api('GET', '/auth/me')).status).toBe(401);
      expect((await login(t, email, PASSWORD)).status).toBe(401);
      expect((await login(t, email, 'a brand new password')).status).toBe(200);

      const audit = await admin.api('GET', `/audit?targetType=operator&targetId=${id}`);
      const entry = audit.body.items.find((e: { action: string }) => e.action === 'operator.change-password');
      expect(entry).toMatchObject({ actorId: id, actorEmail: email, after: { passwordChanged: true } });
      expect(JSON.stringify(audit.body)).not.toContain('a brand new password');
    });

    it('a cookie write from another origin is refused (CSRF), and signed-out callers get 401', async () => {
      const { email } = await operator('admin');
      const here = await login(t, email, PASSWORD);
      const foreign = await call(
        t,
        'POST',
        '/auth/password',
        { currentPassword: PASSWORD, newPassword: 'a brand new password' },
        { cookie: here.cookie, origin: 'https://evil.example' },
      );
      expect(foreign.status).toBe(403);
      expect((await call(t, 'POST', '/auth/password', { currentPassword: PASSWORD, newPassword: 'a brand new password' })).status).toBe(
        401,
      );
      expect((await login(t, email, PASSWORD)).status).toBe(200);
    });
  });

  describe("reset another operator's password (POST /api/v1/operators/{id}/password-reset)", () => {
    it('gives a one-time password: sessions end, and nothing but changing it works until it is changed', async () => {
      const { id, email } = await operator('tenant-admin', (await t.tenants.create({ slug: `rs-${adapter}`, name: 'rs' })).id);
      const before = await login(t, email, PASSWORD);
      expect((await before.api('GET', '/operators')).status).toBe(200);

      const reset = await admin.api('POST', `/operators/${id}/password-reset`);
      expect(reset.status).toBe(200);
      expect(reset.body.operator).toMatchObject({ id, email, role: 'tenant-admin' });
      const oneTime = reset.body.password as string;
      expect(oneTime.length).toBeGreaterThanOrEqual(20);

      expect((await before.api('GET', '/auth/me')).status).toBe(401);
      expect((await login(t, email, PASSWORD)).status).toBe(401);
      const pending = await login(t, email, oneTime);
      expect(pending.status).toBe(200);
      expect(pending.body).toMatchObject({ email, mustChangePassword: true });
      expect((await pending.api('GET', '/auth/me')).body).toMatchObject({ mustChangePassword: true });
      const blocked = await pending.api('GET', '/operators');
      expect(blocked.status).toBe(403);
      expect(blocked.body.detail).toContain('POST /api/v1/auth/password');

      expect((await pending.api('POST', '/auth/password', { currentPassword: oneTime, newPassword: 'my own new password' })).status).toBe(
        204,
      );
      const me = await pending.api('GET', '/auth/me');
      expect(me.body.mustChangePassword).toBeUndefined();
      expect((await pending.api('GET', '/operators')).status).toBe(200);
      expect((await login(t, email, oneTime)).status).toBe(401);

      const audit = await admin.api('GET', `/audit?targetType=operator&targetId=${id}`);
      const entry = audit.body.items.find((e: { action: string }) => e.action === 'operator.reset-password');
      expect(entry).toMatchObject({ actorId: admin.actor.operatorId, after: { passwordChanged: true, mustChangePassword: true } });
      expect(JSON.stringify(audit.body)).not.toContain(oneTime);
    });

    it('follows who may manage whom: not yourself, not as a viewer, not across tenants', async () => {
      expect((await admin.api('POST', `/operators/${admin.actor.operatorId}/password-reset`)).status).toBe(400);
      const tenantA = (await t.tenants.create({ slug: `ra-${adapter}`, name: 'a' })).id;
      const tenantB = (await t.tenants.create({ slug: `rb-${adapter}`, name: 'b' })).id;
      const ta = await loginAs(t, 'tenant-admin', tenantA);
      const viewerA = await operator('viewer', tenantA);
      const viewerB = await operator('viewer', tenantB);
      const anotherAdmin = await operator('admin');
      expect((await ta.api('POST', `/operators/${viewerA.id}/password-reset`)).status).toBe(200);
      expect((await ta.api('POST', `/operators/${viewerB.id}/password-reset`)).status).toBe(404);
      expect((await ta.api('POST', `/operators/${anotherAdmin.id}/password-reset`)).status).toBe(404);
      const viewer = await loginAs(t, 'viewer', tenantA);
      expect((await viewer.api('POST', `/operators/${viewerA.id}/password-reset`)).status).toBe(403);
      expect((await admin.api('POST', `/operators/not-a-uuid/password-reset`)).status).toBe(400);
      expect((await admin.api('POST', `/operators/00000000-0000-4000-8000-000000000000/password-reset`)).status).toBe(404);
    });
  });

  if (adapter === 'express') {
    describe('npm run cm -- reset-password EMAIL (DATABASE_URL)', () => {
      const run = (args: string[], env: Record<string, string>) =>
        promisify(execFile)(process.execPath, [CM, ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } }).then(
          ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
          (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
        );

      it('prints a one-time password that signs in and must be changed; audited as the command line', async () => {
        const { id, email } = await operator('admin');
        const out = await run(['reset-password', email.toUpperCase()], { DATABASE_URL: t.databaseUrl });
        expect(out).toMatchObject({ code: 0, stderr: '' });
        expect(out.stdout).toContain(`One-time password for ${email} (admin)`);
        const oneTime = /Shown only once:\s+(\S+)/.exec(out.stdout)![1];
        const session = await login(t, email, oneTime);
        expect(session.status).toBe(200);
        expect(session.body.mustChangePassword).toBe(true);
        const audit = await admin.api('GET', `/audit?targetType=operator&targetId=${id}`);
        expect(audit.body.items.find((e: { action: string }) => e.action === 'operator.reset-password')).toMatchObject({
          actorId: null,
          actorEmail: expect.stringMatching(/^cli:reset-password \(/),
        });
      });

      it('an unknown email fails with the admins listed; no email prints the usage', async () => {
        const out = await run(['reset-password', 'nobody@example.test'], { DATABASE_URL: t.databaseUrl });
        expect(out.code).toBe(1);
        expect(out.stderr).toContain('cm reset-password: No operator with email nobody@example.test');
        expect(out.stderr).toContain(admin.email);
        const usage = await run(['reset-password'], { DATABASE_URL: t.databaseUrl });
        expect(usage.code).toBe(1);
        expect(usage.stderr).toContain("the operator's EMAIL is missing");
        expect(usage.stderr).toContain('Usage: cm reset-password EMAIL');
        expect((await run(['help'], {})).stdout).toMatch(/reset-password +Give an operator a one-time password/);
      });
    });

    describe('npm run cm -- reset-password EMAIL beside a running server on the embedded PostgreSQL', () => {
      it('finds the server’s PostgreSQL under CM_DATA_DIR; the running server accepts the one-time password', async () => {
        // A fresh cluster (initdb), removed afterwards: the server process starts it, the command finds it.
        const dataDir = path.join(ROOT, '.data', `cli-embedded-${process.pid}`);
        mkdirSync(dataDir, { recursive: true });
        const env = {
          CM_DATA_DIR: dataDir,
          DATABASE_URL: '',
          CM_ADMIN_EMAIL: 'root@example.test',
          CM_ADMIN_PASSWORD: 'a lost admin password',
        };
        const server = await startServerProcess(env);
        try {
          const { stdout } = await promisify(execFile)(process.execPath, [CM, 'reset-password', 'root@example.test'], {
            cwd: ROOT,
            env: { PATH: process.env.PATH ?? '', CM_DATA_DIR: dataDir },
          });
          const oneTime = /Shown only once:\s+(\S+)/.exec(stdout)![1];
          const res = await call({ url: server.url } as TestApp, 'POST', '/auth/login', { email: 'root@example.test', password: oneTime });
          expect(res.status).toBe(200);
          expect(res.body.mustChangePassword).toBe(true);
        } finally {
          server.child.kill('SIGTERM');
          await server.exited;
          rmSync(dataDir, { recursive: true, force: true });
        }
      }, 120_000);
    });
  }
});
