import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export interface TestDatabase {
  name: string;
  url: string;
  /** Terminates the database's connections and drops it. Safe to call more than once. */
  drop: () => Promise<void>;
}

export interface CreateTestDatabaseOptions {
  /**
   * Clone this database instead of the run's migrated template (CM_TEST_TEMPLATE_DB, made by global-setup.ts).
   * It must have no open connections.
   */
  template?: string;
  /** An empty database (cloned from template1), for tests of migrations themselves. */
  empty?: boolean;
}

/**
 * Creates a fresh, uniquely named database (`cm_test_<prefix>_<random>`) on the server chosen by
 * test/support/global-setup.ts and returns its URL. It is a clone of the run's migrated template unless
 * `empty` or another `template` is asked for.
 */
export async function createTestDatabase(prefix: string, options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const serverUrl = testServerUrl();
  const slug = prefix
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 40);
  const name = `cm_test_${slug}_${randomBytes(4).toString('hex')}`;
  const template = options.empty ? undefined : (options.template ?? process.env.CM_TEST_TEMPLATE_DB);

  await withServer(serverUrl, (client) =>
    client.query(`create database ${client.escapeIdentifier(name)}` + (template ? ` template ${client.escapeIdentifier(template)}` : '')),
  );

  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let dropped: Promise<void> | undefined;
  const drop = (): Promise<void> =>
    (dropped ??= withServer(serverUrl, async (client) => {
      await client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`);
    }));
  return { name, url: url.toString(), drop };
}

function testServerUrl(): string {
  const url = process.env.CM_TEST_SERVER_URL;
  if (!url) {
    throw new Error('CM_TEST_SERVER_URL is not set: run the suite with test/support/global-setup.ts as jest globalSetup');
  }
  return url;
}

async function withServer<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
