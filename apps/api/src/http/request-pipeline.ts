import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import helmet, { type HelmetOptions } from 'helmet';
import { AccessLog, requestIdOf, type WithId } from '../logging/logging';
import { MetricsService } from './metrics.service';

/**
 * Security headers for what a browser loads as a page (the console, the API docs) and for the management API: the
 * console and the docs load only their own scripts; styles may be inline (Mantine, Swagger UI). No
 * `upgrade-insecure-requests`: a self-hosted server is often reached over plain HTTP, where it would send the
 * browser to https for every asset.
 */
export const SECURITY_HEADERS: HelmetOptions = {
  contentSecurityPolicy: {
    directives: { upgradeInsecureRequests: null, frameAncestors: ["'none'"], connectSrc: ["'self'"] },
  },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
};

/** helmet's headers for SECURITY_HEADERS, computed once (helmet itself stays the source of truth). */
function computeSecurityHeaders(): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  const response = {
    setHeader: (name: string, value: string | number | readonly string[]) => headers.push([name, String(value)]),
    removeHeader: () => undefined,
  };
  helmet(SECURITY_HEADERS)({} as IncomingMessage, response as unknown as ServerResponse, () => undefined);
  return headers;
}

/**
 * CORS, decided once per route family: the player API (`/v2/`) is called cross-origin by browsers, so it echoes the
 * caller's Origin (never `*`) with `Access-Control-Allow-Credentials: true`, so a player may call with
 * `fetch(..., { credentials: 'include' })` (the API itself authenticates with the Authorization header only); nothing
 * else answers cross-origin.
 */
export const CM_CORS = {
  methods: 'GET,POST,DELETE,OPTIONS',
  allowedHeaders: 'Authorization,X-Terminate,Content-Type,X-CM-Entitlement',
  exposedHeaders: 'Location,Expires,Date,Retry-After,X-CM-Playback-Token',
  maxAgeSeconds: 600,
};

const isPlayerApi = (url: string | undefined): boolean => url !== undefined && url.startsWith('/v2/');
const isProbe = (url: string): boolean => {
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  return path === '/healthz' || path === '/readyz' || path === '/metrics';
};

/** A CORS preflight on the player API. */
export const isPreflight = (req: IncomingMessage): boolean => req.method === 'OPTIONS' && isPlayerApi(req.url);

/** Answers a CORS preflight on the player API (204); false for any other request. */
export function answerPreflight(req: IncomingMessage, res: ServerResponse): boolean {
  if (!isPreflight(req)) return false;
  const origin = req.headers.origin;
  res.statusCode = 204;
  if (origin) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Vary', 'Origin');
  }
  res.setHeader('Access-Control-Allow-Methods', CM_CORS.methods);
  res.setHeader('Access-Control-Allow-Headers', CM_CORS.allowedHeaders);
  res.setHeader('Access-Control-Max-Age', String(CM_CORS.maxAgeSeconds));
  res.setHeader('Content-Length', '0');
  res.end();
  return true;
}

/** Fastify's request, noted on the Node request by an onRequest hook (bootstrap.ts): route pattern and client address. */
export const FASTIFY_REQUEST = Symbol('cm.fastifyRequest');
type Labelled = WithId & {
  [FASTIFY_REQUEST]?: { routeOptions?: { url?: string }; ip?: string };
  route?: { path?: unknown };
  ip?: string;
};

/** The matched route pattern: Fastify's `routeOptions.url`, or Express's `req.route.path`. */
const routeOf = (req: Labelled): string | undefined => {
  const fastify = req[FASTIFY_REQUEST];
  if (fastify) return fastify.routeOptions?.url;
  const path = req.route?.path;
  return typeof path === 'string' ? path : undefined;
};

/** The client address by CM_TRUST_PROXY's rule (each adapter's `ip`), read only when a line is logged. */
const clientAddressOf = (req: Labelled): string | undefined => (req[FASTIFY_REQUEST] ? req[FASTIFY_REQUEST].ip : req.ip);

/**
 * What every request needs, in one listener on the Node server (before either adapter sees it): its id (kept from a
 * sane `X-Request-Id`, else a new UUID, echoed), the headers of its route family, and at the end one duration sample
 * for the metrics and the access-log decision. Player API and probes answer JSON that no browser renders as a page:
 * they get `X-Content-Type-Options: nosniff` and, on `/v2/`, CORS; everything else gets the full security headers.
 */
@Injectable()
export class RequestPipeline implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly securityHeaders = computeSecurityHeaders();
  private server?: Server;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: MetricsService,
    private readonly accessLog: AccessLog,
  ) {}

  onApplicationBootstrap(): void {
    this.server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.server.prependListener('request', this.onRequest);
  }

  onApplicationShutdown(): void {
    this.server?.off('request', this.onRequest);
  }

  private readonly onRequest = (req: Labelled, res: ServerResponse): void => {
    const start = performance.now();
    const id = requestIdOf(req);
    req.id = id;
    res.setHeader('X-Request-Id', id);
    const url = req.url ?? '';
    if (isPlayerApi(url)) {
      res.setHeader('X-Content-Type-Options', 'nosniff');
      const origin = req.headers.origin;
      if (origin && req.method !== 'OPTIONS') {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Access-Control-Allow-Credentials', 'true');
        res.setHeader('Vary', 'Origin');
        res.setHeader('Access-Control-Expose-Headers', CM_CORS.exposedHeaders);
      }
    } else if (isProbe(url)) {
      res.setHeader('X-Content-Type-Options', 'nosniff');
    } else {
      for (const [name, value] of this.securityHeaders) res.setHeader(name, value);
    }
    res.once('close', () => {
      const ms = performance.now() - start;
      const route = routeOf(req);
      this.metrics.observeRequest(req.method ?? 'GET', route ?? 'unmatched', res.statusCode, ms / 1000);
      this.accessLog.record(req, res, ms, route, clientAddressOf);
    });
  };
}
