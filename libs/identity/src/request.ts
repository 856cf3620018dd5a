import { parseCookie } from 'cookie';
import type { Actor } from './actor';

export const SESSION_COOKIE = 'cm_session';

/** What the identity library reads from a request, on Express and on Fastify alike. */
export interface ManagementRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
  protocol?: string;
  cmActor?: Actor;
}

export function header(request: ManagementRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function sessionCookie(request: ManagementRequest): string | undefined {
  const raw = header(request, 'cookie');
  return raw ? parseCookie(raw)[SESSION_COOKIE] : undefined;
}

export function bearerToken(request: ManagementRequest): string | null | undefined {
  const raw = header(request, 'authorization');
  if (raw === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(raw);
  return match ? match[1] : null;
}

/** https directly, or behind a proxy that says so. */
export function isHttps(request: ManagementRequest): boolean {
  const forwarded = header(request, 'x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  return forwarded === 'https' || request.protocol === 'https';
}

export function clientAddress(request: ManagementRequest): string {
  return request.ip ?? 'unknown';
}
