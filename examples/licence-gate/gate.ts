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

function tokenOf(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers[TOKEN_HEADER];
  if (typeof header === 'string' && header !== '') return header.trim();
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (bearer) return bearer[1];
  return url.searchParams.get(TOKEN_QUERY) ?? undefined;
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

function forward(req: IncomingMessage, res: ServerResponse, url: URL, upstream: URL, claims: PlaybackTokenClaims | undefined): void {
  url.searchParams.delete(TOKEN_QUERY);
  url.searchParams.delete(SESSION_QUERY);
  const target = new URL(`${upstream.pathname.replace(/\/+$/, '')}${url.pathname}${url.search}`, upstream);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const outgoing = send(target, { method: req.method, headers: upstreamHeaders(req.headers, claims, upstream) }, (answer) => {
    const headers = { ...answer.headers };
    for (const name of HOP_BY_HOP) delete headers[name];
    // Browsers may send the token header cross-origin: let the upstream's CORS answer allow it.
    const allowed = headers['access-control-allow-headers'];
    if (typeof allowed === 'string' && !/x-cm-playback-token/i.test(allowed)) {
      headers['access-control-allow-headers'] = `${allowed}, X-CM-Playback-Token, X-CM-Session`;
    }
    res.writeHead(answer.statusCode ?? 502, headers);
    answer.pipe(res);
  });
  outgoing.on('error', () => {
    if (!res.headersSent) refuse(res, 502, 'upstream-unavailable', 'The licence server did not answer');
    else res.destroy();
  });
  req.pipe(outgoing);
}

/** Creates the gate (an unstarted node:http server): `createLicenceGate(options).listen(8443)`. */
export function createLicenceGate(options: LicenceGateOptions): Server {
  const upstream = new URL(options.upstream);
  const now = options.now ?? (() => new Date());
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://gate.invalid');
    const method = req.method ?? 'GET';
    // CORS preflights carry no token: the upstream answers them.
    if (method === 'OPTIONS' && req.headers['access-control-request-method']) {
      forward(req, res, url, upstream, undefined);
      return;
    }
    const session = req.headers[SESSION_HEADER];
    verifyPlaybackToken(tokenOf(req, url), {
      jwksUrl: options.jwksUrl,
      audience: options.audience,
      issuer: options.issuer,
      sessionId: (typeof session === 'string' ? session : undefined) ?? url.searchParams.get(SESSION_QUERY) ?? undefined,
      clockToleranceSeconds: options.clockToleranceSeconds ?? 5,
      currentDate: now(),
    }).then(
      (claims) => {
        options.onDecision?.({ method, path: url.pathname, allowed: true, claims });
        forward(req, res, url, upstream, claims);
      },
      (error: unknown) => {
        const reason = error instanceof PlaybackTokenError ? error.reason : 'keys-unavailable';
        const message = error instanceof Error ? error.message : String(error);
        options.onDecision?.({ method, path: url.pathname, allowed: false, reason });
        req.resume();
        if (reason === 'keys-unavailable') refuse(res, 503, reason, message);
        else refuse(res, reason === 'missing' ? 401 : 403, reason, message);
      },
    );
  });
}
