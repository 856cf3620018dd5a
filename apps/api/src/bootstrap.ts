import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { FirstOperatorSeeder } from '@cm/identity';
import type { NestExpressApplication } from '@nestjs/platform-express';
import fastifyHelmet from '@fastify/helmet';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet from 'helmet';
import { Logger as PinoLogger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import type { Env } from './config/env';
import { assertNoOpenApplications } from './config/production-checks';
import { runMigrations } from './database/migrate';
import { AllExceptionsFilter } from './http/all-exceptions.filter';
import { OpenApiDocument } from './http/docs.controller';
import { FastifyFrameworkErrors } from './http/framework-errors';
import { adapterTrustProxy, parseTrustProxy } from './http/trust-proxy';
import { buildOpenApiDocument } from './http/openapi';
import { validationPipe } from './http/validation';
import { FirstRunSeeder } from './seed/first-run';

/** Largest request body either adapter reads (413 beyond); headers are capped by Node at 16 KiB (431). */
const BODY_LIMIT_BYTES = 256 * 1024;

/**
 * Security headers (helmet) on every answer: the console and the API docs load only their own scripts; styles may be
 * inline (Mantine, Swagger UI). No `upgrade-insecure-requests`: a self-hosted server is often reached over plain
 * HTTP, where it would send the browser to https for every asset.
 */
const SECURITY_HEADERS = {
  contentSecurityPolicy: {
    directives: { upgradeInsecureRequests: null, frameAncestors: ["'none'"], connectSrc: ["'self'"] },
  },
  frameguard: { action: 'deny' as const },
  referrerPolicy: { policy: 'no-referrer' as const },
};

/**
 * CORS only for the player API: browsers call it cross-origin; the management API stays same-origin. The caller's
 * Origin is echoed (never `*`) with `Access-Control-Allow-Credentials: true`, so a player may call with
 * `fetch(..., { credentials: 'include' })`; the API itself authenticates with the Authorization header only.
 */
const CM_CORS = {
  origin: true,
  credentials: true,
  methods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
  allowedHeaders: ['Authorization', 'X-Terminate', 'Content-Type', 'X-CM-Entitlement'],
  exposedHeaders: ['Location', 'Expires', 'Date', 'Retry-After', 'X-CM-Playback-Token'],
  maxAge: 600,
};

const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

function isPlayerForm(req: IncomingMessage): boolean {
  return (req.url ?? '').startsWith('/v2/') && FORM_TYPE.test(req.headers['content-type'] ?? '');
}

function corsFor(url: string | undefined) {
  return url?.startsWith('/v2/') ? CM_CORS : { origin: false };
}

/** The CORS headers CM_CORS gives an answer on /v2, for answers made before Fastify's CORS hook runs. */
function corsAnswerHeaders(url: string, origin: string | undefined): Record<string, string> {
  if (!origin || !url.startsWith('/v2/')) return {};
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Expose-Headers': CM_CORS.exposedHeaders.join(','),
    Vary: 'Origin',
  };
}

/**
 * Migrates the database, builds the Nest application on the configured HTTP adapter and seeds an empty
 * database. Used by main.ts and by the e2e tests, so both run the same application.
 */
export async function createApp(
  env: Env,
  databaseUrl: string,
  options: {
    logger?: false;
    /** where the generated first-operator password goes (default stdout) */
    print?: (text: string) => void;
    /** where the JSON log lines go instead of stdout (tests capture them; logs even with `logger: false`) */
    logStream?: DestinationStream;
  } = {},
): Promise<INestApplication> {
  await runMigrations(databaseUrl);
  // Structured logs (pino) unless the caller silenced them; Nest's own logger is routed through pino.
  const logging = options.logger !== false || options.logStream !== undefined;
  const module = AppModule.forRoot(env, databaseUrl, { enabled: logging, level: env.LOG_LEVEL, destination: options.logStream });
  const logger = logging ? undefined : false;
  const frameworkErrors = new FastifyFrameworkErrors(corsAnswerHeaders);
  // Validated by loadEnv; the same rule (proxy-addr) on both adapters decides `request.ip`.
  const trustProxy = adapterTrustProxy(parseTrustProxy(env.CM_TRUST_PROXY) ?? false);
  const app =
    env.CM_HTTP_ADAPTER === 'fastify'
      ? await NestFactory.create(
          module,
          new FastifyAdapter({
            bodyLimit: BODY_LIMIT_BYTES,
            trustProxy,
            routerOptions: { maxParamLength: 1024 },
            // A URL the router cannot decode answers like any other bad request (http/framework-errors.ts).
            frameworkErrors: frameworkErrors.handle,
            // The id RequestIds (logging/logging.ts) gave the request, so logs and X-Request-Id agree.
            genReqId: (req: object) => ('id' in req && typeof req.id === 'string' ? req.id : randomUUID()),
          }),
          {
            logger,
            bufferLogs: logging,
          },
        )
      : await NestFactory.create<NestExpressApplication>(module, { logger, bufferLogs: logging, bodyParser: false });
  if (logging) app.useLogger(app.get(PinoLogger));
  const filter = new AllExceptionsFilter(app.get(HttpAdapterHost));
  frameworkErrors.bind((exception, host) => filter.catch(exception, host));
  if (env.CM_HTTP_ADAPTER === 'express') {
    const express = app as NestExpressApplication;
    express.set('trust proxy', trustProxy);
    express.use(helmet(SECURITY_HEADERS));
    express.useBodyParser('json', { limit: BODY_LIMIT_BYTES });
    // Form bodies are for the player API only (players send metadata that way); the management API takes JSON only,
    // which no cross-site form can send (its guard answers 415 to anything else, on Fastify too).
    express.useBodyParser('urlencoded', { limit: BODY_LIMIT_BYTES, extended: false, type: isPlayerForm });
  } else {
    await (app as NestFastifyApplication).register(fastifyHelmet, SECURITY_HEADERS);
  }
  app.enableCors((req: { url?: string }, callback: (err: Error | null, options: object) => void) => callback(null, corsFor(req.url)));
  app.useGlobalPipes(validationPipe());
  app.get(OpenApiDocument).document = buildOpenApiDocument(app);
  await app.get(FirstOperatorSeeder).ensureFirstOperator({
    email: env.CM_ADMIN_EMAIL,
    password: env.CM_ADMIN_PASSWORD,
    // Tests run with logger: false and no print: they keep the banner out of their output.
    print: options.print ?? (options.logger === false ? () => undefined : undefined),
  });
  if (env.CM_DEMO_SEED) await app.get(FirstRunSeeder).seedDemo();
  await assertNoOpenApplications(env, app.get(DataSource)).catch(async (error: unknown) => {
    await app.close();
    throw error;
  });
  return app;
}
