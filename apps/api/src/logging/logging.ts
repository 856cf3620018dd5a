import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { type DynamicModule, Injectable, Module, OnApplicationBootstrap, RequestMethod } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream, Level } from 'pino';
import type { Env } from '../config/env';

export interface LoggingOptions {
  /** false: no log at all (the e2e harness). */
  enabled: boolean;
  level: Env['LOG_LEVEL'];
  /** Where the JSON lines go (default stdout; tests capture them). */
  destination?: DestinationStream;
}

/** Nest's levels (LOG_LEVEL) as pino's. */
export const PINO_LEVEL: Record<Env['LOG_LEVEL'], Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/** Probes and scrapes: answered, never logged. */
const NOT_LOGGED = new Set(['/healthz', '/readyz', '/metrics']);

/** Header values and fields that must never reach a log line, at any of the first three levels of an object. */
const SECRET_FIELDS = ['password', 'secret', 'token', 'currentPassword', 'newPassword', 'secretHash', 'passwordHash', 'tokenHash'];
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
];

/** Query parameters whose values are hidden in logged URLs. */
const SECRET_QUERY = /([?&](?:password|secret|token|access_token)=)[^&#]*/gi;

const REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** The incoming `X-Request-Id` when it is a sane token, else a new UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

type WithId = IncomingMessage & { id?: string };

/**
 * Gives every request its id before either adapter sees it (also 404s and refused ones) and echoes it in
 * `X-Request-Id`. pino-http logs `req.id`; Fastify is built with `genReqId: (req) => req.id` (bootstrap.ts).
 */
@Injectable()
export class RequestIds implements OnApplicationBootstrap {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    server.prependListener('request', (req: WithId, res: ServerResponse) => {
      req.id = requestIdOf(req);
      res.setHeader('X-Request-Id', req.id);
    });
  }
}

const pathOf = (url: string | undefined) => (url ?? '').split('?')[0];

@Module({})
export class LoggingModule {}

/**
 * Structured JSON logs through nestjs-pino: one line per request with its id, secrets redacted, probes skipped;
 * pretty-printed only when stdout is a terminal.
 */
export function loggingModule(options: LoggingOptions): DynamicModule {
  return { module: LoggingModule, imports: [pinoModule(options)], providers: [RequestIds] };
}

function pinoModule(options: LoggingOptions): DynamicModule {
  const pretty = !options.destination && options.enabled && process.stdout.isTTY;
  const httpOptions = {
    enabled: options.enabled,
    level: PINO_LEVEL[options.level],
    redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
    genReqId: (req: WithId) => req.id ?? requestIdOf(req),
    // Fastify's middleware runner rewrites `url`; `originalUrl` is the path the client asked for.
    autoLogging: { ignore: (req: IncomingMessage & { originalUrl?: string }) => NOT_LOGGED.has(pathOf(req.originalUrl ?? req.url)) },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    serializers: {
      req: (req: { url?: string; clientAddress?: string; raw?: { ip?: string } }) => {
        if (req.url) req.url = req.url.replace(SECRET_QUERY, '$1[Redacted]');
        // The client behind a trusted reverse proxy (CM_TRUST_PROXY), else the socket's address (remoteAddress).
        if (req.raw?.ip) req.clientAddress = req.raw.ip;
        return req;
      },
    },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { singleLine: true } } } : {}),
  };
  return LoggerModule.forRoot({
    // Every path on both adapters (nestjs-pino's default pattern is not matched by Nest 12's Fastify adapter).
    forRoutes: [{ path: '*path', method: RequestMethod.ALL }],
    pinoHttp: options.destination ? [httpOptions, options.destination] : httpOptions,
  });
}
