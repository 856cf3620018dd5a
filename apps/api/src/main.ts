import cluster, { type Worker } from 'node:cluster';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { availableParallelism } from 'node:os';
import { Logger } from '@nestjs/common';
import { createApp } from './bootstrap';
import { HttpDrain } from './http/http-drain';
import { ConfigError, type Env, loadEnv } from './config/env';
import { startEmbeddedPostgres } from './database/embedded-postgres';
import { runMigrations } from './database/migrate';
import { DEMO } from './seed/first-run';

/** SIGHUP too: a closed terminal must not leave the embedded PostgreSQL running. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** CM_WORKERS as a number of processes. */
function workerCount(setting: string): number {
  return setting === 'auto' ? availableParallelism() : Number(setting);
}

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const env = loadEnv();
  const workers = workerCount(env.CM_WORKERS);
  if (cluster.isPrimary && workers > 1) return primary(env, workers);
  return serve(env);
}

function embeddedPostgresInstalled(): boolean {
  try {
    require.resolve('embedded-postgres');
    return true;
  } catch {
    return false;
  }
}

/** The embedded PostgreSQL when DATABASE_URL is unset (started once, by the process that owns the data directory). */
async function database(env: Env, logger: Logger): Promise<{ url: string; stop?: () => Promise<void> }> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL };
  // The container image leaves the embedded PostgreSQL out (Containerfile): say what to set instead of failing later.
  if (!embeddedPostgresInstalled()) {
    throw new ConfigError('DATABASE_URL is not set, and this install has no embedded PostgreSQL (the container image): set DATABASE_URL');
  }
  logger.log(`DATABASE_URL is not set: starting an embedded PostgreSQL under ${env.CM_DATA_DIR}`);
  const embedded = await startEmbeddedPostgres({ dataDir: env.CM_DATA_DIR });
  logger.log(`embedded PostgreSQL ready: ${embedded.url.replace(/:[^:@/]+@/, ':***@')} (password in ${env.CM_DATA_DIR}/pg-password)`);
  return { url: embedded.url, stop: embedded.stop };
}

/**
 * CM_WORKERS > 1: this process starts the database (embedded, when DATABASE_URL is unset) and migrates it once, then
 * runs that many workers sharing the port (node:cluster). The first one seeds an empty database before the others
 * start. A worker that dies is replaced; a stop signal is passed to every worker, each drains its requests, then the
 * database stops.
 */
async function primary(env: Env, count: number): Promise<void> {
  const logger = new Logger('Main');
  const db = await database(env, logger);
  await runMigrations(db.url);
  let stopping = false;
  const live = new Set<Worker>();
  const fork = (): Worker => {
    const worker = cluster.fork({ DATABASE_URL: db.url });
    live.add(worker);
    return worker;
  };
  const allExited = new Promise<void>((resolve) => {
    cluster.on('exit', (worker, code, signal) => {
      live.delete(worker);
      if (stopping) {
        if (live.size === 0) resolve();
        return;
      }
      logger.error(`worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
      setTimeout(() => {
        if (!stopping) fork();
      }, 1000).unref();
    });
  });
  const stop = async (reason: string): Promise<never> => {
    stopping = true;
    logger.log(`${reason}: every worker finishes its in-flight requests, then shuts down`);
    for (const worker of live) worker.process.kill('SIGTERM');
    if (live.size > 0) await allExited;
    await db.stop?.();
    logger.log('stopped');
    process.exit(0);
  };
  for (const signal of STOP_SIGNALS) process.once(signal, () => void stop(signal));

  const first = fork();
  const started = await new Promise<boolean>((resolve) => {
    first.once('listening', () => resolve(true));
    first.once('exit', () => resolve(false));
  });
  if (!started) {
    stopping = true;
    await db.stop?.();
    throw new Error('the first worker exited during start-up (see its output above)');
  }
  for (let i = 1; i < count; i++) fork();
  logger.log(`${count} workers share port ${env.PORT} (CM_WORKERS=${env.CM_WORKERS})`);
}

/** One server process: the whole application on PORT (alone, or as one worker of several). */
async function serve(env: Env): Promise<void> {
  const logger = new Logger(cluster.isWorker ? `Worker ${process.pid}` : 'Main');
  const db = cluster.isWorker ? { url: env.DATABASE_URL! } : await database(env, logger);
  const app = await createApp(env, db.url).catch(async (error: unknown) => {
    await db.stop?.();
    throw error;
  });
  const drain = new HttpDrain(app.getHttpServer() as Server);
  let shuttingDown = false;
  const shutdown = (reason: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.log(`${reason}: finishing in-flight requests, then shutting down`);
    void (async () => {
      await drain.drain();
      await app.close(); // flushes counters, stops the sweeper, closes the database pool
      await db.stop?.();
      logger.log('stopped');
      process.exit(0);
    })().catch((error: unknown) => {
      console.error('shutdown failed:', error);
      process.exit(1);
    });
  };
  for (const signal of STOP_SIGNALS) process.once(signal, () => shutdown(signal));
  // A worker whose primary is gone stops too.
  if (cluster.isWorker) process.once('disconnect', () => shutdown('the primary process is gone'));
  await app.listen(env.PORT);
  // The first worker says what a newcomer needs; the others say only that they serve too (one line each).
  if (cluster.isWorker && cluster.worker?.id !== 1) return logger.log(`listening on port ${env.PORT} too`);
  const base = `http://localhost:${env.PORT}`;
  logger.log(`Concurrency Monitor is listening on ${base} (${env.CM_HTTP_ADAPTER}, ${env.CM_ENV} mode)`);
  logger.log(`Console: ${base}/ (sign in as the first operator), API docs: ${base}/api/docs, player API: ${base}/v2`);
  if (env.CM_METRICS_PORT === undefined) {
    logger.log(
      `Metrics: ${base}/metrics${env.CM_METRICS_TOKEN ? ' (Authorization: Bearer <CM_METRICS_TOKEN>)' : ' (open: set CM_METRICS_PORT or CM_METRICS_TOKEN to close it)'}`,
    );
  }
  if (env.CM_DEMO_SEED) {
    // One line, so that a JSON log shows the command as it is (a line break would read `\n` there).
    logger.log(`Start a demo stream: curl -i -X POST -u ${DEMO.application.id}: '${base}/v2/sessions/demo-idp/alice?channel=news'`);
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
