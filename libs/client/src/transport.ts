import type { Metadata } from '@cm/contracts';
import { ConcurrencyError, type ConcurrencyErrorKind } from './errors';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface CmAnswer {
  status: number;
  headers: Headers;
  /** Parsed JSON body, or undefined when empty or not JSON. */
  body: unknown;
}

export interface CallOptions {
  /** Sent as an `application/x-www-form-urlencoded` body. */
  form?: Metadata;
  headers?: Record<string, string>;
  /** `fetch(..., { keepalive: true })`: lets the call outlive the page (stop on unload). */
  keepalive?: boolean;
}

/** Base64 of UTF-8 text, with browser-and-Node globals only (`btoa` alone refuses non-Latin-1 text). */
function base64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** HTTP for the CM v2 API: Basic auth, form bodies, timeouts, answers parsed; no retry policy here. */
export class CmTransport {
  private readonly baseUrl: string;
  private readonly authorization: string;
  private readonly fetch: FetchLike;
  private readonly requestTimeoutMs: number;

  constructor(options: { baseUrl: string; applicationId: string; secret?: string; fetch?: FetchLike; requestTimeoutMs: number }) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.authorization = `Basic ${base64(`${options.applicationId}:${options.secret ?? ''}`)}`;
    // Called as a plain function: a browser's `window.fetch` refuses to run as a method of another object.
    const f: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.fetch = f;
    this.requestTimeoutMs = options.requestTimeoutMs;
  }

  /** Resolves with any HTTP answer; rejects with a `network` ConcurrencyError when there is none. */
  async call(method: 'GET' | 'POST' | 'DELETE', path: string, options: CallOptions = {}): Promise<CmAnswer> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.requestTimeoutMs);
    const headers: Record<string, string> = { authorization: this.authorization, accept: 'application/json', ...options.headers };
    let body: string | undefined;
    if (options.form && Object.keys(options.form).length > 0) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    }
    try {
      const response = await this.fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body,
        signal: controller.signal,
        keepalive: options.keepalive,
        // The API answers with `Cache-Control: no-store`; never let an HTTP cache answer for it.
        cache: 'no-store',
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: parseJson(text) };
    } catch (error) {
      const message = controller.signal.aborted
        ? `${method} ${path}: no answer within ${this.requestTimeoutMs} ms`
        : `${method} ${path}: ${error instanceof Error ? error.message : String(error)}`;
      throw new ConcurrencyError('network', message, 0, undefined, undefined, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `Retry-After` in milliseconds (seconds or an HTTP date relative to the answer's `Date`). */
export function retryAfterMs(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  const date = Date.parse(headers.get('date') ?? '');
  return Number.isNaN(at) || Number.isNaN(date) ? undefined : Math.max(0, at - date);
}

/**
 * How long the server will keep the session, from the answer's own `Expires` − `Date` (both server clock),
 * so a wrong device clock cannot make a player heartbeat too late. Undefined when a header is missing.
 */
export function serverWindowMs(headers: Headers): number | undefined {
  const expires = Date.parse(headers.get('expires') ?? '');
  const date = Date.parse(headers.get('date') ?? '');
  if (Number.isNaN(expires) || Number.isNaN(date) || expires <= date) return undefined;
  return expires - date;
}

/** The error for an answer the caller does not treat as an outcome. */
export function errorFor(what: string, answer: CmAnswer): ConcurrencyError {
  const { status, body } = answer;
  const detail = problemDetail(body);
  let kind: ConcurrencyErrorKind;
  if (status === 401) kind = isEntitlementRejection(body) ? 'entitlement' : 'unauthorized';
  else if (status === 429) kind = 'throttled';
  else if (status === 400) kind = isMissingMetadata(body) ? 'missing-metadata' : 'bad-request';
  else if (status >= 500) kind = 'server';
  else kind = 'unexpected';
  const message = `${what}: HTTP ${status}${detail ? ` (${detail})` : ''}`;
  return new ConcurrencyError(kind, message, status, body, status === 429 ? retryAfterMs(answer.headers) : undefined);
}

function problemDetail(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { detail, title } = body as { detail?: unknown; title?: unknown };
  if (typeof detail === 'string') return detail;
  return typeof title === 'string' ? title : undefined;
}

function isEntitlementRejection(body: unknown): boolean {
  return (body as { code?: unknown } | undefined)?.code === 'ENTITLEMENT_REJECTED';
}

function isMissingMetadata(body: unknown): boolean {
  const obligations = (body as { obligations?: { action?: unknown; arguments?: unknown }[] } | undefined)?.obligations;
  return (
    Array.isArray(obligations) &&
    obligations.some((o) => o.action === 'refresh' && Array.isArray(o.arguments) && o.arguments.includes('metadata'))
  );
}
