/**
 * A licence gate: a small reverse proxy that forwards DRM licence (or segment) requests to the real server only
 * when they carry a valid playback token of the Concurrency Monitor. A stream that was denied, dismissed, killed
 * or stopped gets no new token, so its next licence request after the token's expiry (at most one heartbeat
 * interval) is refused here, whatever the player does.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request as httpRequest,
  type Server,
  type ServerResponse,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import { type PlaybackTokenClaims, PlaybackTokenError, verifyPlaybackToken } from '@cm/client';

export interface LicenceGateOptions {
  /** The licence server or CDN origin requests are forwarded to, e.g. `http://127.0.0.1:8080`. */
  upstream: string;
  /** The Concurrency Monitor's keys: `<CM>/.well-known/jwks.json`. */
  jwksUrl: string;
  /** Application ids whose tokens open the gate. */
  audience: string[];
  /** The expected `iss` (the Concurrency Monitor's CM_PUBLIC_URL); not checked when absent. */
  issuer?: string;
  /** Seconds of clock difference tolerated on `exp` (default 5). */
  clockToleranceSeconds?: number;
  /** The time to judge expiry at (default the system clock; tests move it forward). */
  now?: () => Date;
  /** Called once per decision (e.g. to log it). */
  onDecision?: (decision: { method: string; path: string; allowed: boolean; reason?: string; claims?: PlaybackTokenClaims }) => void;
}

/** Where a player puts the token: the header, `Authorization: Bearer`, or `?cm_token=` for URLs it cannot add headers to. */
const TOKEN_HEADER = 'x-cm-playback-token';
const TOKEN_QUERY = 'cm_token';
/** Optional: the session the request is for (`X-CM-Session` or `?cm_session=`); the token must be that session's. */
const SESSION_HEADER = 'x-cm-session';
const SESSION_QUERY = 'cm_session';

const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

function tokenOf(req: IncomingMessage, target: RequestTarget): string | undefined {
  const header = req.headers[TOKEN_HEADER];
  if (typeof header === 'string' && header !== '') return header.trim();
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (bearer) return bearer[1];
  return target.query.get(TOKEN_QUERY) ?? undefined;
}

/** A request's target as the gate reads it: the path as received (text), and its query. */
interface RequestTarget {
  /** The path exactly as the client sent it, e.g. `/widevine/licence`. */
  path: string;
  /** The query as received, without the gate's own parameters (`cm_token`, `cm_session`): `?a=1&b=2`, or ''. */
  forwardedQuery: string;
  query: URLSearchParams;
}

/**
 * A dot segment, written plainly or percent-encoded (`.`, `..`, `%2e`, `.%2E`…), or with path parameters (`..;x`,
 * which some servers read as `..`): resolvers would remove it and the segment before it.
 */
const DOT_SEGMENT = /^(?:\.|%2e){1,2}(?:;.*)?$/i;

/**
 * Reads the request target (RFC 9112 origin-form only: `/path?query`). Refuses, with the reason, what a resolver
 * could turn into another place: absolute URLs and `*` in the request line, backslashes, and `.` / `..` segments.
 * A path starting with `//` stays a path: it is joined to the upstream's path as text, never resolved.
 */
function readTarget(raw: string): RequestTarget | string {
  if (!raw.startsWith('/')) return 'The request target must be a path (/…), not an absolute URL';
  const queryAt = raw.indexOf('?');
  const path = (queryAt === -1 ? raw : raw.slice(0, queryAt)).split('#')[0];
  const rawQuery = queryAt === -1 ? '' : raw.slice(queryAt + 1).split('#')[0];
  if (path.includes('\\')) return 'The request path must not contain a backslash';
  if (path.split('/').some((segment) => DOT_SEGMENT.test(segment))) return 'The request path must not contain "." or ".." segments';
  // Keep the upstream's parameters as they were sent (a signed CDN URL must not be re-encoded); drop only ours.
  const kept = rawQuery.split('&').filter((pair) => {
    if (pair === '') return false;
    const name = decodeQueryName(pair.split('=')[0]);
    return name !== TOKEN_QUERY && name !== SESSION_QUERY;
  });
  return { path, forwardedQuery: kept.length > 0 ? `?${kept.join('&')}` : '', query: new URLSearchParams(rawQuery) };
}

function decodeQueryName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

/**
 * The URL a request goes to: the upstream's origin, its path and the request's path joined as text. Checked before
 * anything is sent (a second wall behind `readTarget`): same origin as the upstream, and under its path.
 */
function targetUrl(upstream: URL, target: RequestTarget): URL | undefined {
  const base = upstream.pathname.replace(/\/+$/, '');
  const url = new URL(`${upstream.origin}${base}${target.path}${target.forwardedQuery}`);
  if (url.origin !== upstream.origin) return undefined;
  if (url.pathname !== base && !url.pathname.startsWith(`${base}/`)) return undefined;
  return url;
}

function refuse(res: ServerResponse, status: number, reason: string, message: string): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    ...(status === 401 ? { 'www-authenticate': 'Bearer realm="licence-gate"' } : {}),
  });
  res.end(JSON.stringify({ error: reason, message }));
}

/** The request headers to send upstream: no hop-by-hop headers, no token, plus who the session is. */
function upstreamHeaders(headers: IncomingHttpHeaders, claims: PlaybackTokenClaims | undefined, upstream: URL): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (HOP_BY_HOP.includes(name) || name === TOKEN_HEADER || name === SESSION_HEADER || name.startsWith('x-cm-')) continue;
    if (name === 'authorization' && /^Bearer\s/i.test(String(value))) continue;
    out[name] = value;
  }
  out.host = upstream.host;
  if (claims) {
    out['x-cm-application'] = claims.aud;
    out['x-cm-idp'] = encodeURIComponent(claims.idp);
    out['x-cm-subject'] = encodeURIComponent(claims.sub);
    out['x-cm-session-id'] = claims.sid;
  }
  return out;
}

function forward(
  req: IncomingMessage,
  res: ServerResponse,
  target: RequestTarget,
  upstream: URL,
  claims: PlaybackTokenClaims | undefined,
): void {
  const url = targetUrl(upstream, target);
  if (!url) {
    req.resume();
    refuse(res, 400, 'bad-path', 'The request path does not name a place on the licence server');
    return;
  }
  const send = upstream.protocol === 'https:' ? httpsRequest : httpRequest;
  const outgoing = send(
    {
      protocol: upstream.protocol,
      hostname: upstream.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: upstream.port,
      path: `${url.pathname}${url.search}`,
      method: req.method,
      headers: upstreamHeaders(req.headers, claims, upstream),
    },
    (answer) => {
      const headers = { ...answer.headers };
      for (const name of HOP_BY_HOP) delete headers[name];
      // Browsers may send the token header cross-origin: let the upstream's CORS answer allow it.
      const allowed = headers['access-control-allow-headers'];
      if (typeof allowed === 'string' && !/x-cm-playback-token/i.test(allowed)) {
        headers['access-control-allow-headers'] = `${allowed}, X-CM-Playback-Token, X-CM-Session`;
      }
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
    },
  );
  outgoing.on('error', () => {
    if (!res.headersSent) refuse(res, 502, 'upstream-unavailable', 'The licence server did not answer');
    else res.destroy();
  });
  req.pipe(outgoing);
}

/** The upstream as configured: an http(s) origin with an optional base path, nothing else. */
function parseUpstream(raw: string): URL {
  const upstream = new URL(raw);
  if (upstream.protocol !== 'http:' && upstream.protocol !== 'https:') throw new Error('upstream must be an http:// or https:// URL');
  if (upstream.username || upstream.password || upstream.search || upstream.hash) {
    throw new Error('upstream must be an origin with an optional path: no credentials, query or fragment');
  }
  return upstream;
}

/** Creates the gate (an unstarted node:http server): `createLicenceGate(options).listen(8443)`. */
export function createLicenceGate(options: LicenceGateOptions): Server {
  const upstream = parseUpstream(options.upstream);
  const now = options.now ?? (() => new Date());
  return createServer((req, res) => {
    const method = req.method ?? 'GET';
    const target = readTarget(req.url ?? '/');
    if (typeof target === 'string') {
      options.onDecision?.({ method, path: (req.url ?? '').slice(0, 200), allowed: false, reason: 'bad-path' });
      req.resume();
      refuse(res, 400, 'bad-path', target);
      return;
    }
    // CORS preflights carry no token: the upstream answers them (same path rules, same single origin).
    if (method === 'OPTIONS' && req.headers['access-control-request-method']) {
      forward(req, res, target, upstream, undefined);
      return;
    }
    const session = req.headers[SESSION_HEADER];
    verifyPlaybackToken(tokenOf(req, target), {
      jwksUrl: options.jwksUrl,
      audience: options.audience,
      issuer: options.issuer,
      sessionId: (typeof session === 'string' ? session : undefined) ?? target.query.get(SESSION_QUERY) ?? undefined,
      clockToleranceSeconds: options.clockToleranceSeconds ?? 5,
      currentDate: now(),
    }).then(
      (claims) => {
        options.onDecision?.({ method, path: target.path, allowed: true, claims });
        forward(req, res, target, upstream, claims);
      },
      (error: unknown) => {
        const reason = error instanceof PlaybackTokenError ? error.reason : 'keys-unavailable';
        const message = error instanceof Error ? error.message : String(error);
        options.onDecision?.({ method, path: target.path, allowed: false, reason });
        req.resume();
        if (reason === 'keys-unavailable') refuse(res, 503, reason, message);
        else refuse(res, reason === 'missing' ? 401 : 403, reason, message);
      },
    );
  });
}
