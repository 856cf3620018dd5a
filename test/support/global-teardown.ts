import { stopEmbeddedTestServer } from './global-setup';

/** Jest globalTeardown: stops the embedded PostgreSQL started by global-setup.ts (no-op with DATABASE_URL). */
export default async function globalTeardown(): Promise<void> {
  await stopEmbeddedTestServer();
}
