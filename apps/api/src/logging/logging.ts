import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DynamicModule, type LoggerService, Module } from '@nestjs/common';
import { LoggerModule, type Logger as PinoNestLogger } from 'nestjs-pino';
import { type DestinationStream, type Level, type Logger, pino } from 'pino';
import type { Env } from '../config/env';

export interface LoggingOptions {
  /** false: no log at all (the e2e harness). */
  enabled: boolean;
  level: Env['LOG_LEVEL'];
  /** Where the JSON lines go (default stdout; tests capture them). */
  destination?: DestinationStream;
  /** CM_LOG_HEARTBEATS */
  heartbeats?: boolean;
  /** CM_LOG_SLOW_MS */
  slowMs?: number;
  /** CM_ENV=production: JSON lines even on a terminal. */
  production?: boolean;
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

export type WithId = IncomingMessage & { id?: string };

const pathOf = (url: string | undefined) => {
  const u = url ?? '';
  const q = u.indexOf('?');
  return q < 0 ? u : u.slice(0, q);
};

/** The heartbeat route pattern (POST): its successful, quick answers are not logged unless CM_LOG_HEARTBEATS. */
export const HEARTBEAT_ROUTE = '/v2/sessions/:idp/:subject/:sessionId';

/**
 * One JSON line per answered request (pino-http's shape: `req`, `res`, `responseTime`), written by the request
 * pipeline (http/request-pipeline.ts) when the response closes: the line is built only when it is written. Probes
 * and scrapes are never logged; successful heartbeats only with CM_LOG_HEARTBEATS or when slower than CM_LOG_SLOW_MS
 * (marked `slow: true`, as is every slow line); 4xx at warn, 5xx at error.
 */
export class AccessLog {
  constructor(
    readonly logger: Logger,
    private readonly options: { heartbeats: boolean; slowMs: number },
  ) {}

  /** `clientAddress`: the client behind a trusted reverse proxy (CM_TRUST_PROXY), else the socket's address. */
  record(
    req: WithId,
    res: ServerResponse,
    ms: number,
    route: string | undefined,
    clientAddress: (req: WithId) => string | undefined,
  ): void {
    const url = req.url ?? '';
    if (NOT_LOGGED.has(pathOf(url))) return;
    const status = res.statusCode;
    const slow = ms >= this.options.slowMs;
    const level: Level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    if (level === 'info' && !slow && !this.options.heartbeats && route === HEARTBEAT_ROUTE && req.method === 'POST') return;
    if (!this.logger.isLevelEnabled(level)) return;
    this.logger[level](
      {
        req: {
          id: req.id,
          method: req.method,
          url: url.replace(SECRET_QUERY, '$1[Redacted]'),
          headers: req.headers,
          remoteAddress: req.socket?.remoteAddress,
          remotePort: req.socket?.remotePort,
          clientAddress: clientAddress(req),
        },
        res: { statusCode: status, headers: res.getHeaders() },
        responseTime: Math.round(ms),
        ...(slow ? { slow: true } : {}),
      },
      status >= 500 ? 'request errored' : 'request completed',
    );
  }
}

@Module({})
export class LoggingModule {}

/** Nest's start-up chatter: one line per module wired, per controller and per mapped route (about 100 lines). */
const START_UP_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/**
 * Nest's logger (nestjs-pino's), with Nest's own start-up lines at debug instead of info: at the default level a
 * start shows what the operator needs (listening on, console address), and LOG_LEVEL=debug shows every route.
 */
export class NestLogger implements LoggerService {
  constructor(private readonly pino: PinoNestLogger) {}

  log(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams.at(-1);
    if (typeof context === 'string' && START_UP_CONTEXTS.has(context)) this.pino.debug(message, ...optionalParams);
    else this.pino.log(message, ...optionalParams);
  }
  error(message: unknown, ...optionalParams: unknown[]): void {
    this.pino.error(message, ...optionalParams);
  }
  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.pino.warn(message, ...optionalParams);
  }
  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.pino.debug(message, ...optionalParams);
  }
  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.pino.verbose(message, ...optionalParams);
  }
  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.pino.fatal(message, ...optionalParams);
  }
}

/** A development terminal: one short line per entry, `HH:MM:ss LEVEL [context] message`. */
const PRETTY = {
  target: 'pino-pretty',
  options: {
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,context',
    messageFormat: '{if context}[{context}] {end}{msg}',
  },
};

/**
 * Structured JSON logs through pino: Nest's own logger goes through nestjs-pino (no per-request middleware: its
 * request logger serialised every request up front); access lines come from AccessLog. JSON lines wherever a
 * program reads them (a pipe, a file, a container's log collector) and always in production; pretty-printed
 * (pino-pretty) only on a development terminal.
 */
export function loggingModule(options: LoggingOptions): DynamicModule {
  const pretty = !options.destination && options.enabled && !options.production && process.stdout.isTTY === true;
  const pinoOptions = {
    enabled: options.enabled,
    level: PINO_LEVEL[options.level],
    redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
    ...(pretty ? { transport: PRETTY } : {}),
  };
  const logger = options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
  const accessLog = new AccessLog(logger, { heartbeats: options.heartbeats ?? false, slowMs: options.slowMs ?? 1000 });
  return {
    module: LoggingModule,
    global: true,
    imports: [LoggerModule.forRoot({ pinoHttp: { logger }, forRoutes: [] })],
    providers: [{ provide: AccessLog, useValue: accessLog }],
    exports: [AccessLog],
  };
}
