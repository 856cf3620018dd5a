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

/**
 * Why a cookie-authenticated request must be refused as a possible cross-site request, or null when it is fine:
 * writes need an Origin (or Referer) on the request's own host, and a JSON content type when they carry a body
 * (a cross-site form cannot send one without a CORS preflight, which we never grant).
 */
export function csrfViolation(request: ManagementRequest): string | null {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return null;
  const host = header(request, 'host')?.toLowerCase();
  const origin = header(request, 'origin');
  const referer = header(request, 'referer');
  const source = origin ?? referer;
  if (!source) {
    return 'A cookie-authenticated write needs an Origin or Referer header naming this server (or use an API token)';
  }
  const sourceHost = origin === 'null' ? null : hostOf(source);
  if (!host || sourceHost !== host) {
    return `Cross-site request refused: ${origin ? 'Origin' : 'Referer'} ${JSON.stringify(source)} is not this server (${host ?? 'no Host header'})`;
  }
  const length = header(request, 'content-length');
  const hasBody = (length !== undefined && length !== '0') || header(request, 'transfer-encoding') !== undefined;
  if (hasBody && !JSON_TYPE.test(header(request, 'content-type') ?? '')) {
    return 'A cookie-authenticated write must send its body as application/json';
  }
  return null;
}
