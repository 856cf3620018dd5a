import { randomBytes } from 'node:crypto';
import { OperatorsService } from '@cm/identity';
import { ADAPTERS, player, startTestApp, type TestApp } from '../support/app';
import { adminApi, call, uniqueEmail } from '../support/management';

const password = () => `pw-${randomBytes(12).toString('hex')}`;

async function newOperator(t: TestApp): Promise<{ email: string; password: string }> {
  const email = uniqueEmail('login');
  const secret = password();
  await t.app.get(OperatorsService).createUnchecked({ email, password: secret, role: 'admin' });
  return { email, password: secret };
}

const login = (t: TestApp, body: unknown, headers: Record<string, string> = {}) => call(t, 'POST', '/auth/login', body, headers);
const from = (address: string) => ({ 'x-forwarded-for': address });
/** A documentation address (RFC 5737) of its own for each call site. */
const address = () => `198.51.100.${1 + Math.floor(Math.random() * 250)}`;

/** Issue 17: sign-in that slows guessing without locking the owner out, refuses cross-site use, and stays cheap. */
describe.each(ADAPTERS)('sign-in hardening on %s', (adapter) => {
  describe('with no proxy trusted (the default)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ adapter });
    });
    afterAll(() => t.close());
    afterEach(() => t.sql('DELETE FROM login_failures'));

    it('takes JSON only: a form body answers 415 and signs nobody in', async () => {
      const op = await newOperator(t);
      const form = new URLSearchParams(op).toString();
      for (const headers of [{ 'content-type': 'application/x-www-form-urlencoded' }, { 'content-type': 'text/plain' }]) {
        const res = await login(t, form, headers);
        expect(res.status).toBe(415);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(res.headers.get('set-cookie')).toBeNull();
      }
      // A form on another management route is refused the same way (API token; with a cookie it is a CSRF 403); the
      // player API still takes forms.
      const admin = await adminApi(t);
      const tenants = await admin.api('POST', '/tenants', 'slug=x&name=y', { 'content-type': 'application/x-www-form-urlencoded' });
      expect(tenants.status).toBe(415);
      const init = await player(t.url, 'demo-app').raw('POST', '/v2/sessions/idp/form-player', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'channel=news',
      });
      expect(init.status).toBe(202);
      const running = await player(t.url, 'demo-app').running('idp', 'form-player');
      expect(running.body.runningStreams[0].metadata).toEqual({ channel: 'news' });
    });

    it("refuses sign-in and sign-out from another site's page (Origin), not from scripts", async () => {
      const op = await newOperator(t);
      for (const origin of ['https://evil.example', 'null']) {
        const res = await login(t, op, { origin });
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('CSRF_REJECTED');
        expect(res.headers.get('set-cookie')).toBeNull();
      }
      expect((await login(t, op, { referer: 'https://evil.example/page' })).status).toBe(403);
      expect((await login(t, op)).status).toBe(200);
      const signedIn = await login(t, op, { origin: t.url });
      expect(signedIn.status).toBe(200);
      const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0];
      const foreignLogout = await call(t, 'POST', '/auth/logout', undefined, { cookie, origin: 'https://evil.example' });
      expect(foreignLogout.status).toBe(403);
      expect((await call(t, 'GET', '/auth/me', undefined, { cookie })).status).toBe(200);
      expect((await call(t, 'POST', '/auth/logout', undefined, { cookie, origin: t.url })).status).toBe(204);
      expect((await call(t, 'GET', '/auth/me', undefined, { cookie })).status).toBe(401);
    });

    it('refuses a sign-in body over 8 KiB with 413', async () => {
      const op = await newOperator(t);
      const res = await login(t, { ...op, padding: 'x'.repeat(9000) });
      expect(res.status).toBe(413);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });

    it('ignores X-Forwarded-For: spoofed addresses do not escape the per-address lockout', async () => {
      for (let i = 0; i < 20; i++) {
        expect((await login(t, { email: uniqueEmail('spray'), password: 'guess' }, from(address()))).status).toBe(401);
      }
      const op = await newOperator(t);
      const blocked = await login(t, op, from(address()));
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    });
  });

  describe('behind a trusted proxy (CM_TRUST_PROXY=loopback)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ adapter, env: { CM_TRUST_PROXY: 'loopback', CM_THROTTLE_SESSION_PER_MINUTE: '100000' } });
    });
    afterAll(() => t.close());
    afterEach(() => t.sql('DELETE FROM login_failures'));

    it('lets the owner in from an address that has not failed while another address guesses', async () => {
      const op = await newOperator(t);
      const attacker = address();
      let refused = 0;
      for (let i = 0; i < 12; i++) {
        const res = await login(t, { email: op.email, password: `guess-${i}` }, from(attacker));
        expect([401, 429]).toContain(res.status);
        if (res.status === 429) refused++;
      }
      // The guessing address is slowed down: past 5 failures it must wait between attempts, even with the password.
      expect(refused).toBeGreaterThan(0);
      const slowed = await login(t, op, from(attacker));
      expect(slowed.status).toBe(429);
      expect(Number(slowed.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(slowed.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      // The owner, elsewhere, is not.
      expect((await login(t, op, from('203.0.113.10'))).status).toBe(200);
    });

    it("locks out one client address after 20 failures, counted by X-Forwarded-For's client", async () => {
      const sprayer = address();
      for (let i = 0; i < 20; i++) {
        expect((await login(t, { email: uniqueEmail('spray'), password: 'guess' }, from(sprayer))).status).toBe(401);
      }
      const op = await newOperator(t);
      expect((await login(t, op, from(sprayer))).status).toBe(429);
      expect((await login(t, op, from('203.0.113.11'))).status).toBe(200);
    });

    it('keeps heartbeats answering through 50 concurrent bad sign-ins; excess sign-ins get 503 + Retry-After', async () => {
      const op = await newOperator(t);
      const demo = player(t.url, 'demo-app');
      const session = await demo.init('idp', 'during-logins');
      expect(session.status).toBe(202);
      let done = false;
      const heartbeats: number[] = [];
      const beating = (async () => {
        while (!done || heartbeats.length < 5)
          heartbeats.push((await demo.heartbeat('idp', 'during-logins', session.body.sessionId)).status);
      })();
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          login(t, { email: i % 2 ? op.email : uniqueEmail('nobody'), password: `bad-${i}` }, from(`192.0.2.${i + 1}`)),
        ),
      );
      done = true;
      await beating;
      for (const answer of answers) {
        expect([401, 503]).toContain(answer.status);
        if (answer.status === 503) {
          expect(answer.body.code).toBe('LOGIN_BUSY');
          expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
        }
      }
      expect(new Set(heartbeats)).toEqual(new Set([202]));
      expect((await login(t, op, from('203.0.113.12'))).status).toBe(200);
    });
  });
});
