import { header, type ManagementRequest } from './request';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

function hostOf(url: string): string | null {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return null;
  }
}

function hasBody(request: ManagementRequest): boolean {
  const length = header(request, 'content-length');
  return (length !== undefined && length !== '0') || header(request, 'transfer-encoding') !== undefined;
}

/**
 * Why the request's Origin (else Referer) shows it comes from another site, or null. With `requireSource` a request
 * naming neither is refused too (a cookie-authenticated write); without it (sign-in and sign-out, which no cookie
 * protects) it passes: browsers send Origin on every cross-site POST, so only non-browser clients omit both.
 */
export function foreignSource(request: ManagementRequest, requireSource: boolean): string | null {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return null;
  const host = header(request, 'host')?.toLowerCase();
  const origin = header(request, 'origin');
  const referer = header(request, 'referer');
  const source = origin ?? referer;
  if (!source) {
    return requireSource ? 'A cookie-authenticated write needs an Origin or Referer header naming this server (or use an API token)' : null;
  }
  const sourceHost = origin === 'null' ? null : hostOf(source);
  if (!host || sourceHost !== host) {
    return `Cross-site request refused: ${origin ? 'Origin' : 'Referer'} ${JSON.stringify(source)} is not this server (${host ?? 'no Host header'})`;
  }
  return null;
}

/** Why a write's body is refused for not being JSON (the management API takes nothing else), or null. */
export function nonJsonBody(request: ManagementRequest): string | null {
  if (SAFE_METHODS.has(request.method.toUpperCase()) || !hasBody(request)) return null;
  return JSON_TYPE.test(header(request, 'content-type') ?? '') ? null : 'The management API takes request bodies as application/json only';
}

/**
 * Why a cookie-authenticated request must be refused as a possible cross-site request, or null when it is fine:
 * writes need an Origin (or Referer) on the request's own host, and a JSON content type when they carry a body
 * (a cross-site form cannot send one without a CORS preflight, which we never grant).
 */
export function csrfViolation(request: ManagementRequest): string | null {
  const foreign = foreignSource(request, true);
  if (foreign) return foreign;
  return nonJsonBody(request) ? 'A cookie-authenticated write must send its body as application/json' : null;
}
