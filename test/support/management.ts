import { randomBytes } from 'node:crypto';
import { type Actor, OperatorsService, type Role } from '@cm/identity';
import type { TestApp } from './app';

export type { Actor, Role };

export interface Answer {
  status: number;
  headers: Headers;
  /** Parsed JSON (or the raw text when it is not JSON; undefined when empty). */
  body: any;
  text: string;
}

export type Call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Answer>;

export interface ManagementSession {
  actor: Actor;
  email: string;
  password: string;
  /** The API token (Bearer). */
  token: string;
  /** `cm_session=<value>`, ready for a Cookie header. */
  cookie: string;
  /** Calls the management API with the Bearer token. `path` is relative to /api/v1 unless it starts with /api/ or /v2/. */
  api: Call;
  /** The same with the session cookie and a same-origin Origin header (what the console sends). */
  cookieApi: Call;
}

const url = (t: TestApp, path: string) =>
  `${t.url}${/^\/(api|v2)\//.test(path) ? path : `/api/v1${path.startsWith('/') ? '' : '/'}${path}`}`;

/** One HTTP call; `body` is sent as JSON unless it is a string (sent as is). */
export async function call(
  t: TestApp,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(url(t, path), {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, body: json, text };
}

export const bearerApi =
  (t: TestApp, token: string): Call =>
  (method, path, body, headers = {}) =>
    call(t, method, path, body, { authorization: `Bearer ${token}`, ...headers });

export const cookieApi =
  (t: TestApp, cookie: string): Call =>
  (method, path, body, headers = {}) =>
    call(t, method, path, body, { cookie, origin: t.url, ...headers });

export const uniqueEmail = (prefix = 'op') => `${prefix}-${randomBytes(4).toString('hex')}@example.test`;

/** Signs in with email + password and creates an API token through the real API. */
export async function signIn(t: TestApp, email: string, password: string): Promise<ManagementSession> {
  const login = await call(t, 'POST', '/auth/login', { email, password });
  if (login.status !== 200) throw new Error(`login of ${email} failed: ${login.status} ${login.text}`);
  const setCookie = login.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0];
  const created = await cookieApi(t, cookie)('POST', '/tokens', { name: `test token of ${email}` });
  if (created.status !== 201) throw new Error(`token creation for ${email} failed: ${created.status} ${created.text}`);
  const token = created.body.token as string;
  return { actor: login.body as Actor, email, password, token, cookie, api: bearerApi(t, token), cookieApi: cookieApi(t, cookie) };
}

const admins = new WeakMap<object, Promise<ManagementSession>>();

/** An admin of this test app (created once per app, directly in the database, then signed in over HTTP). */
export function adminApi(t: TestApp): Promise<ManagementSession> {
  let session = admins.get(t.app);
  if (!session) {
    session = (async () => {
      const email = uniqueEmail('admin');
      const password = `pw-${randomBytes(12).toString('hex')}`;
      await t.app.get(OperatorsService).createUnchecked({ email, password, role: 'admin' });
      return signIn(t, email, password);
    })();
    admins.set(t.app, session);
  }
  return session;
}

/**
 * A new operator of `role` — of `tenantId` for tenant-admin and viewer (a fresh tenant when left out) — created by
 * an admin through POST /api/v1/operators, signed in, with an API token.
 */
export async function loginAs(t: TestApp, role: Role, tenantId?: string): Promise<ManagementSession> {
  const admin = await adminApi(t);
  let tenant = role === 'admin' ? undefined : tenantId;
  if (role !== 'admin' && !tenant) {
    const slug = `t-${randomBytes(4).toString('hex')}`;
    tenant = (await t.tenants.create({ slug, name: slug })).id;
  }
  const email = uniqueEmail(role);
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const created = await admin.api('POST', '/operators', { email, password, role, ...(tenant ? { tenantId: tenant } : {}) });
  if (created.status !== 201) throw new Error(`creating a ${role} failed: ${created.status} ${created.text}`);
  return signIn(t, email, password);
}
