import type { INestApplication } from '@nestjs/common';
import { createApp } from '../../apps/api/src/bootstrap';
import { loadEnv } from '../../apps/api/src/config/env';
import type { Adapter } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/database';

const ADMIN = { email: 'log-admin@example.test', password: 'log-admin-password-123' };
const BEARER = 'cm_tok_never-log-this-bearer-0123456789';
const BODY_SECRET = 'never-log-this-body-secret';

/**
 * The logging suite for one adapter. nestjs-pino keeps one pino-http instance per process (module state), so
 * each adapter runs in a test file, hence a module registry, of its own.
 */
export function describeLogging(adapter: Adapter): void {
  describe(`structured logs on ${adapter}`, () => {
    let database: TestDatabase;
    let app: INestApplication;
    let url: string;
    const lines: string[] = [];
    const entries = () => lines.map((l) => JSON.parse(l) as Record<string, any>);
    const requestLogs = () => entries().filter((e) => e.req);
    /** A request's line is written when its response closes, which may be just after the client has the answer. */
    const logged = async (count: number) => {
      for (let i = 0; i < 100 && requestLogs().length < count; i++) await new Promise((r) => setTimeout(r, 20));
      return requestLogs();
    };

    beforeAll(async () => {
      database = await createTestDatabase(`logging-${adapter}`);
      const env = loadEnv({
        CM_HTTP_ADAPTER: adapter,
        CM_DB_POOL_SIZE: '5',
        CM_ADMIN_EMAIL: ADMIN.email,
        CM_ADMIN_PASSWORD: ADMIN.password,
        CM_TRUST_PROXY: 'loopback',
      });
      app = await createApp(env, database.url, { logger: false, logStream: { write: (line: string) => void lines.push(line) } });
      await app.listen(0, '127.0.0.1');
      url = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
    });
    afterAll(async () => {
      await app?.close();
      await database?.drop();
    });

    it("keeps Nest's start-up lines (modules wired, routes mapped) at debug, out of the default level", () => {
      // Written while the app started (beforeAll), before any test cleared the lines.
      const startUp = entries().filter((e) =>
        ['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication'].includes(e.context),
      );
      expect(startUp).toEqual([]);
      expect(entries().every((e) => typeof e.level === 'number' && typeof e.msg === 'string')).toBe(true);
    });

    it('writes one JSON line per request, with secrets redacted and the request id echoed', async () => {
      lines.length = 0;
      const login = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'req-login-1', cookie: 'cm_session=never-log-this-cookie' },
        body: JSON.stringify(ADMIN),
      });
      expect(login.status).toBe(200);
      expect(login.headers.get('x-request-id')).toBe('req-login-1');
      expect(login.headers.get('set-cookie')).toBeTruthy();
      const denied = await fetch(`${url}/api/v1/usage/live?token=${BODY_SECRET}`, { headers: { authorization: `Bearer ${BEARER}` } });
      expect(denied.status).toBe(401);
      const generated = denied.headers.get('x-request-id');
      expect(generated).toMatch(/^[0-9a-f-]{36}$/);
      const withSecretBody = await fetch(`${url}/api/v1/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${BEARER}` },
        body: JSON.stringify({ name: 'x', secret: BODY_SECRET, password: BODY_SECRET }),
      });
      expect(withSecretBody.status).toBe(401);

      const logs = await logged(3);
      const output = lines.join('');
      for (const secret of [ADMIN.password, BEARER, BODY_SECRET, 'never-log-this-cookie']) expect(output).not.toContain(secret);

      const loginLog = logs.find((e) => e.req.id === 'req-login-1');
      expect(loginLog).toBeDefined();
      expect(loginLog!.req.headers.cookie).toBe('[Redacted]');
      expect(loginLog!.res.headers['set-cookie']).toBe('[Redacted]');
      expect(loginLog!.res.statusCode).toBe(200);
      expect(loginLog!.level).toBe(30);
      const deniedLog = logs.find((e) => e.req.id === generated);
      expect(deniedLog).toBeDefined();
      expect(deniedLog!.req.headers.authorization).toBe('[Redacted]');
      expect(deniedLog!.req.url).toBe('/api/v1/usage/live?token=[Redacted]');
      expect(deniedLog!.level).toBe(40); // 4xx: warn
      expect(typeof deniedLog!.responseTime).toBe('number');
    });

    it('logs the client address a trusted proxy names (CM_TRUST_PROXY), else the socket address', async () => {
      lines.length = 0;
      const proxied = { 'x-forwarded-for': '203.0.113.7', 'x-request-id': 'req-proxied-1' };
      expect((await fetch(`${url}/api/v1/auth/me`, { headers: proxied })).status).toBe(401);
      expect((await fetch(`${url}/api/v1/auth/me`, { headers: { 'x-request-id': 'req-direct-1' } })).status).toBe(401);
      const logs = await logged(2);
      expect(logs.find((e) => e.req.id === 'req-proxied-1')?.req.clientAddress).toBe('203.0.113.7');
      expect(logs.find((e) => e.req.id === 'req-direct-1')?.req.clientAddress).toBe('127.0.0.1');
    });

    it('logs inits and failed heartbeats, not successful quick heartbeats (CM_LOG_HEARTBEATS=false)', async () => {
      lines.length = 0;
      const auth = { authorization: `Basic ${Buffer.from('demo-app:').toString('base64')}` };
      const init = await fetch(`${url}/v2/sessions/log-idp/log-subject`, { method: 'POST', headers: auth });
      expect(init.status).toBe(202);
      const { sessionId } = (await init.json()) as { sessionId: string };
      const heartbeat = await fetch(`${url}/v2/sessions/log-idp/log-subject/${sessionId}`, { method: 'POST', headers: auth });
      expect(heartbeat.status).toBe(202);
      const unknown = await fetch(`${url}/v2/sessions/log-idp/log-subject/0190b6a0-0000-7000-8000-000000000000`, {
        method: 'POST',
        headers: auth,
      });
      expect(unknown.status).toBeGreaterThanOrEqual(400);
      const logs = await logged(2);
      await new Promise((r) => setTimeout(r, 100));
      const byUrl = requestLogs().map((e) => [e.req.url, e.res.statusCode, e.level]);
      expect(byUrl).toEqual([
        ['/v2/sessions/log-idp/log-subject', 202, 30],
        ['/v2/sessions/log-idp/log-subject/0190b6a0-0000-7000-8000-000000000000', unknown.status, 40],
      ]);
      expect(logs[0].req.headers.authorization).toBe('[Redacted]');
    });

    it('does not log health probes and scrapes', async () => {
      lines.length = 0;
      for (const path of ['/healthz', '/readyz', '/metrics']) expect((await fetch(`${url}${path}`)).status).toBe(200);
      await fetch(`${url}/v2/metadata`, { headers: { authorization: `Basic ${Buffer.from('demo-app:').toString('base64')}` } });
      const urls = (await logged(1)).map((e) => e.req.url);
      expect(urls).toEqual(['/v2/metadata']);
    });
  });
}
