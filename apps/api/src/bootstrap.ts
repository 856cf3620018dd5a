import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import type { Env } from './config/env';
import { runMigrations } from './database/migrate';
import { validationPipe } from './http/validation';
import { FirstRunSeeder } from './seed/first-run';

/** Largest request body either adapter reads (413 beyond); headers are capped by Node at 16 KiB (431). */
const BODY_LIMIT_BYTES = 256 * 1024;

/** CORS only for the player API: browsers call it cross-origin; the management API stays same-origin. */
const CM_CORS = {
  origin: true,
  methods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
  allowedHeaders: ['Authorization', 'X-Terminate', 'Content-Type'],
  exposedHeaders: ['Location', 'Expires', 'Date', 'Retry-After'],
  maxAge: 600,
};

function corsFor(url: string | undefined) {
  return url?.startsWith('/v2/') ? CM_CORS : { origin: false };
}

/**
 * Migrates the database, builds the Nest application on the configured HTTP adapter and seeds an empty
 * database. Used by main.ts and by the e2e tests, so both run the same application.
 */
export async function createApp(env: Env, databaseUrl: string, options: { logger?: false } = {}): Promise<INestApplication> {
  await runMigrations(databaseUrl);
  const module = AppModule.forRoot(env, databaseUrl);
  const logger =
    options.logger === false
      ? false
      : (['fatal', 'error', 'warn', 'log', 'debug', 'verbose'].slice(
          0,
          ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'].indexOf(env.LOG_LEVEL) + 1,
        ) as never);
  const app =
    env.CM_HTTP_ADAPTER === 'fastify'
      ? await NestFactory.create(module, new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, routerOptions: { maxParamLength: 1024 } }), {
          logger,
        })
      : await NestFactory.create<NestExpressApplication>(module, { logger, bodyParser: false });
  if (env.CM_HTTP_ADAPTER === 'express') {
    const express = app as NestExpressApplication;
    express.useBodyParser('json', { limit: BODY_LIMIT_BYTES });
    express.useBodyParser('urlencoded', { limit: BODY_LIMIT_BYTES, extended: false });
  }
  app.enableCors((req: { url?: string }, callback: (err: Error | null, options: object) => void) => callback(null, corsFor(req.url)));
  app.useGlobalPipes(validationPipe());
  if (env.CM_DEMO_SEED) await app.get(FirstRunSeeder).seedDemo();
  return app;
}
