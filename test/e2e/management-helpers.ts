import type { TestApp } from '../support/app';
import { loginAs } from '../support/management';

export type Role = 'admin' | 'tenant-admin' | 'viewer';

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

/** A management API client authenticated with an API token (what the README script uses). */
export function bearer(baseUrl: string, token: string) {
  return async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, headers: res.headers, body: json };
  };
}

export type Api = ReturnType<typeof bearer>;

/** An operator of `role` (of `tenantId` unless admin) and a client carrying their API token. */
export async function apiAs(t: TestApp, role: Role, tenantId?: string): Promise<Api> {
  return bearer(t.url, await apiToken(t, role, tenantId));
}

/** A new operator of `role` (of `tenantId` unless admin) and an API token of theirs. */
export async function apiToken(t: TestApp, role: Role, tenantId?: string): Promise<string> {
  return (await loginAs(t, role, tenantId)).token;
}

export const unique = (prefix: string) => `${prefix}-${Math.random().toString(16).slice(2, 10)}`;

/**
 * Retries `probe` until `done` holds (the CM API caches application settings per process and drops them when
 * the configuration epoch moves, polled every second) — a wait, not a timing assertion.
 */
export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, attempts = 40): Promise<T> {
  let value = await probe();
  for (let i = 0; i < attempts && !done(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await probe();
  }
  return value;
}
