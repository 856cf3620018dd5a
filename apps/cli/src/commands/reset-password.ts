import { existsSync, readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import * as path from 'node:path';
import { parseEnv } from 'node:util';
import { AuditService, IdentityError, OperatorsService, type TenantRegistry } from '@cm/identity';
import { DataSource } from 'typeorm';
import { ConfigError, loadEnv } from '../../../api/src/config/env';
import { findRunningEmbeddedPostgres, startEmbeddedPostgres } from '../../../api/src/database/embedded-postgres';
import { runMigrations } from '../../../api/src/database/migrate';
import { dataSourceOptions } from '../../../api/src/database/options';
import type { CliCommand, CliIo } from '../command';
import { UsageError } from '../command';

const USAGE = `Usage: cm reset-password EMAIL   (npm run cm -- reset-password EMAIL)

Gives the operator EMAIL a one-time password, printed once: they sign in with it and must choose a new
password before anything else. Their login sessions end (API tokens stay); the audit log records it.

Run it in the server's shell, with the server's configuration (environment or .env): it uses DATABASE_URL,
or the embedded PostgreSQL under CM_DATA_DIR (the one the running server started, else it starts it for
the command and stops it after).
`;

/** The server's configuration: the environment, over a `.env` in the working directory (as the server reads it). */
function serverEnv(io: CliIo): Record<string, string | undefined> {
  const file = path.join(io.cwd, '.env');
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  return { ...fromFile, ...io.env };
}

async function withDatabase<T>(io: CliIo, work: (dataSource: DataSource) => Promise<T>): Promise<T> {
  const env = loadEnv(serverEnv(io));
  const dataDir = path.resolve(io.cwd, env.CM_DATA_DIR);
  let url = env.DATABASE_URL;
  let stop: (() => Promise<void>) | undefined;
  if (!url) {
    const running = findRunningEmbeddedPostgres(dataDir);
    if (running) {
      url = running.url;
    } else {
      if (!existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))) {
        throw new Error(`no database: DATABASE_URL is not set and ${dataDir}/pg holds no embedded PostgreSQL (set CM_DATA_DIR)`);
      }
      const embedded = await startEmbeddedPostgres({ dataDir });
      url = embedded.url;
      stop = embedded.stop;
    }
  }
  try {
    await runMigrations(url); // nothing to do beside a running server; a stopped server's database may be older
    const dataSource = new DataSource(dataSourceOptions(url, 1));
    await dataSource.initialize();
    try {
      return await work(dataSource);
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await stop?.();
  }
}

function whoAmI(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}@${hostname()}`; // no passwd entry for this uid (containers)
  }
}

export const resetPasswordCommand: CliCommand = {
  name: 'reset-password',
  summary: "Give an operator a one-time password (a lost admin password), from the server's shell",
  usage: USAGE,
  run: async (args, io) => {
    if (args.length !== 1 || args[0].startsWith('-'))
      throw new UsageError(args.length === 0 ? "the operator's EMAIL is missing" : 'one EMAIL, please');
    const email = args[0];
    try {
      return await withDatabase(io, async (dataSource) => {
        // A password reset changes no operator's tenant: nothing here asks the tenants library.
        const tenants: TenantRegistry = { unknownIds: () => Promise.reject(new Error('reset-password checks no tenant')) };
        const operators = new OperatorsService(dataSource, new AuditService(dataSource), tenants);
        try {
          const { operator, password } = await operators.resetPasswordByEmail(
            { kind: 'system', email: `cli:reset-password (${whoAmI()})` },
            email,
          );
          const rule = '='.repeat(72);
          io.out(
            `\n${rule}\n  One-time password for ${operator.email} (${operator.role}). Shown only once:\n\n    ${password}\n\n` +
              `  Sign in with it: the console then asks for a new password. Their login sessions were ended.\n${rule}\n\n`,
          );
          return 0;
        } catch (error) {
          if (!(error instanceof IdentityError)) throw error;
          const admins = await dataSource.query<{ email: string }[]>(
            `SELECT email FROM operators WHERE role = 'admin' ORDER BY email LIMIT 20`,
          );
          io.err(`cm reset-password: ${error.message}. Admins: ${admins.map((a) => a.email).join(', ') || '(none)'}\n`);
          return 1;
        }
      });
    } catch (error) {
      if (!(error instanceof ConfigError) && !(error instanceof Error && error.message.startsWith('no database'))) throw error;
      io.err(`cm reset-password: ${error.message}\n`);
      return 1;
    }
  },
};
