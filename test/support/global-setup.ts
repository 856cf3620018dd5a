import * as path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from '../../apps/api/src/database/embedded-postgres';

// Jest runs globalSetup and globalTeardown in the same process but may load them in separate module
// registries, so the embedded server handle travels on globalThis.
const SERVER_KEY = Symbol.for('cm.test.embeddedPostgres');
type WithServer = typeof globalThis & { [SERVER_KEY]?: EmbeddedPostgresServer };

/**
 * Jest globalSetup: picks the PostgreSQL server the e2e suites create their databases on and publishes its URL
 * as CM_TEST_SERVER_URL (workers are spawned afterwards and inherit it). DATABASE_URL wins; otherwise an
 * embedded server is started under `.data/test-pg`, kept between runs so only the first run pays for initdb.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) {
    process.env.CM_TEST_SERVER_URL = process.env.DATABASE_URL;
    return;
  }
  const server = await startEmbeddedPostgres({ dataDir: path.resolve(__dirname, '..', '..', '.data', 'test-pg') });
  (globalThis as WithServer)[SERVER_KEY] = server;
  process.env.CM_TEST_SERVER_URL = server.url;
}

export async function stopEmbeddedTestServer(): Promise<void> {
  const holder = globalThis as WithServer;
  await holder[SERVER_KEY]?.stop();
  delete holder[SERVER_KEY];
}
