import './library-aliases';
import * as path from 'node:path';
import { Redis } from 'ioredis';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from '../../apps/api/src/database/embedded-postgres';
import { runMigrations } from '../../apps/api/src/database/migrate';
import { createTestDatabase, type TestDatabase } from './database';

// Jest runs globalSetup and globalTeardown in the same process but may load them in separate module
// registries, so the embedded server handle travels on globalThis.
const SERVER_KEY = Symbol.for('cm.test.embeddedPostgres');
const TEMPLATE_KEY = Symbol.for('cm.test.templateDatabase');
type WithServer = typeof globalThis & { [SERVER_KEY]?: EmbeddedPostgresServer; [TEMPLATE_KEY]?: TestDatabase };

/**
 * Jest globalSetup: picks the PostgreSQL server the e2e suites create their databases on and publishes its URL
 * as CM_TEST_SERVER_URL (workers are spawned afterwards and inherit it). DATABASE_URL wins; otherwise an
 * embedded server is started under `.data/test-pg`, kept between runs so only the first run pays for initdb.
 */
export default async function globalSetup(): Promise<void> {
  await pickTestRedis();
  if (process.env.DATABASE_URL) {
    process.env.CM_TEST_SERVER_URL = process.env.DATABASE_URL;
  } else {
    const server = await startEmbeddedPostgres({ dataDir: path.resolve(__dirname, '..', '..', '.data', 'test-pg') });
    (globalThis as WithServer)[SERVER_KEY] = server;
    process.env.CM_TEST_SERVER_URL = server.url;
  }
  await migrateTemplate();
}

/**
 * Migrates one database per run and publishes its name as CM_TEST_TEMPLATE_DB: every suite's database is a
 * clone of it (CREATE DATABASE … TEMPLATE), so a suite starts on the current schema without replaying the
 * migrations. The application still runs its migrations at start; on a clone they find nothing to do.
 */
async function migrateTemplate(): Promise<void> {
  const template = await createTestDatabase('template', { empty: true });
  (globalThis as WithServer)[TEMPLATE_KEY] = template;
  await runMigrations(template.url);
  process.env.CM_TEST_TEMPLATE_DB = template.name;
}

export async function stopEmbeddedTestServer(): Promise<void> {
  const holder = globalThis as WithServer;
  await holder[TEMPLATE_KEY]?.drop();
  delete holder[TEMPLATE_KEY];
  delete process.env.CM_TEST_TEMPLATE_DB;
  await holder[SERVER_KEY]?.stop();
  delete holder[SERVER_KEY];
}

/**
 * The Redis node the Redis store variants use: CM_TEST_REDIS_URL (CI sets it), else the machine's 127.0.0.1:6379
 * when it answers. Suites use key prefixes of their own there and delete only their keys.
 */
async function pickTestRedis(): Promise<void> {
  if (process.env.CM_TEST_REDIS_URL) return;
  const client = new Redis('redis://127.0.0.1:6379', {
    lazyConnect: true,
    connectTimeout: 500,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    process.env.CM_TEST_REDIS_URL = 'redis://127.0.0.1:6379';
  } catch {
    // no Redis here: the Redis variants are skipped (test/support/stores.ts says so)
  } finally {
    client.disconnect();
  }
}
