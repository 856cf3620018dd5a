import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { Logger } from '@nestjs/common';
import { createApp } from './bootstrap';
import { HttpDrain } from './http/http-drain';
import { ConfigError, loadEnv } from './config/env';
import { startEmbeddedPostgres } from './database/embedded-postgres';
import { DEMO } from './seed/first-run';

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const env = loadEnv();
  const logger = new Logger('Main');

  let databaseUrl = env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!databaseUrl) {
    logger.log(`DATABASE_URL is not set: starting an embedded PostgreSQL under ${env.CM_DATA_DIR}`);
    const embedded = await startEmbeddedPostgres({ dataDir: env.CM_DATA_DIR });
    databaseUrl = embedded.url;
    stopEmbedded = embedded.stop;
    logger.log(`embedded PostgreSQL ready: ${embedded.url.replace(/:[^:@/]+@/, ':***@')} (password in ${env.CM_DATA_DIR}/pg-password)`);
  }

  const app = await createApp(env, databaseUrl).catch(async (error: unknown) => {
    await stopEmbedded?.();
    throw error;
  });
  const drain = new HttpDrain(app.getHttpServer() as Server);
  let shuttingDown = false;
  // SIGHUP too: a closed terminal must not leave the embedded PostgreSQL running.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      if (shuttingDown) return;
      shuttingDown = true;
      logger.log(`${signal}: finishing in-flight requests, then shutting down`);
      void (async () => {
        await drain.drain();
        await app.close(); // flushes counters, stops the sweeper, closes the database pool
        await stopEmbedded?.();
        logger.log('stopped');
        process.exit(0);
      })().catch((error: unknown) => {
        console.error('shutdown failed:', error);
        process.exit(1);
      });
    });
  }
  await app.listen(env.PORT);
  const base = `http://localhost:${env.PORT}`;
  logger.log(`Concurrency Monitor is listening on ${base} (${env.CM_HTTP_ADAPTER}, ${env.CM_ENV} mode)`);
  logger.log(`Console: ${base}/ (sign in as the first operator), API docs: ${base}/api/docs, player API: ${base}/v2`);
  if (env.CM_METRICS_PORT === undefined) {
    logger.log(
      `Metrics: ${base}/metrics${env.CM_METRICS_TOKEN ? ' (Authorization: Bearer <CM_METRICS_TOKEN>)' : ' (open: set CM_METRICS_PORT or CM_METRICS_TOKEN to close it)'}`,
    );
  }
  if (env.CM_DEMO_SEED) {
    logger.log(`Start a demo stream:\n  curl -i -X POST -u ${DEMO.application.id}: '${base}/v2/sessions/demo-idp/alice?channel=news'`);
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error('Concurrency Monitor failed to start:', error);
  }
  process.exit(1);
});
