import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { FirstOperatorSeeder } from '@cm/identity';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger as PinoLogger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { ApplicationsService } from '@cm/tenants';
import { AppModule } from './app.module';
import type { Env } from './config/env';
import { assertNoOpenApplications } from './config/production-checks';
import { runMigrations } from './database/migrate';
import { NestLogger } from './logging/logging';
import { AllExceptionsFilter } from './http/all-exceptions.filter';
import { OpenApiDocument } from './http/docs.controller';
import { FastifyFrameworkErrors } from './http/framework-errors';
import { adapterTrustProxy, parseTrustProxy } from './http/trust-proxy';
import { buildOpenApiDocument } from './http/openapi';
import { answerPreflight, FASTIFY_REQUEST, isPreflight } from './http/request-pipeline';
import { validationPipe } from './http/validation';
import { FirstRunSeeder } from './seed/first-run';

/** Largest request body either adapter reads (413 beyond); headers are capped by Node at 16 KiB (431). */
const BODY_LIMIT_BYTES = 256 * 1024;

/**
 * Form bodies are for the player API only (players send metadata that way); the management API takes JSON only.
 */
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

function isPlayerForm(req: IncomingMessage): boolean {
  return (req.url ?? '').startsWith('/v2/') && FORM_TYPE.test(req.headers['content-type'] ?? '');
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
  const module = AppModule.forRoot(env, databaseUrl, {
    enabled: logging,
    level: env.LOG_LEVEL,
    destination: options.logStream,
    heartbeats: env.CM_LOG_HEARTBEATS,
    slowMs: env.CM_LOG_SLOW_MS,
    production: env.CM_ENV === 'production',
  });
  const logger = logging ? undefined : false;
  // CORS headers are already on the answer (http/request-pipeline.ts sets them before either adapter runs).
  const frameworkErrors = new FastifyFrameworkErrors(() => ({}));
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
  if (logging) app.useLogger(new NestLogger(app.get(PinoLogger)));
  const filter = new AllExceptionsFilter(app.get(HttpAdapterHost));
  frameworkErrors.bind((exception, host) => filter.catch(exception, host));
  // Security headers, CORS headers, request ids, metrics and access logs: http/request-pipeline.ts, before either
  // adapter. Here only what needs the adapter: answering preflights, and (Fastify) noting the matched route pattern.
  if (env.CM_HTTP_ADAPTER === 'express') {
    const express = app as NestExpressApplication;
    express.set('trust proxy', trustProxy);
    express.disable('x-powered-by');
    express.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
      if (!answerPreflight(req, res)) next();
    });
    express.useBodyParser('json', { limit: BODY_LIMIT_BYTES });
    // Form bodies are for the player API only (players send metadata that way); the management API takes JSON only,
    // which no cross-site form can send (its guard answers 415 to anything else, on Fastify too).
    express.useBodyParser('urlencoded', { limit: BODY_LIMIT_BYTES, extended: false, type: isPlayerForm });
  } else {
    const fastify = (app as NestFastifyApplication).getHttpAdapter().getInstance();
    fastify.addHook('onRequest', (request, reply, done) => {
      const raw = request.raw as IncomingMessage & { [FASTIFY_REQUEST]?: object };
      raw[FASTIFY_REQUEST] = request;
      if (!isPreflight(raw)) return done();
      reply.hijack();
      answerPreflight(raw, reply.raw);
    });
  }
  app.useGlobalPipes(validationPipe());
  app.get(OpenApiDocument).document = buildOpenApiDocument(app);
  await app.get(FirstOperatorSeeder).ensureFirstOperator({
    email: env.CM_ADMIN_EMAIL,
    password: env.CM_ADMIN_PASSWORD,
    // Tests run with logger: false and no print: they keep the banner out of their output.
    print: options.print ?? (options.logger === false ? () => undefined : undefined),
  });
  if (env.CM_DEMO_SEED) await app.get(FirstRunSeeder).seedDemo();
  await assertNoOpenApplications(env, app.get(ApplicationsService)).catch(async (error: unknown) => {
    await app.close();
    throw error;
  });
  return app;
}
