import { DataSource } from 'typeorm';
import { dataSourceOptions } from './options';

/**
 * Applies pending migrations. Several processes may start at once on one database: an advisory lock lets
 * one migrate while the others wait, then find nothing left to do.
 */
export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = new DataSource({ ...dataSourceOptions(url, 2), migrationsTransactionMode: 'each' });
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query("SELECT pg_advisory_lock(hashtext('cm:migrations'))");
    const applied = await dataSource.runMigrations();
    return applied.map((m) => m.name);
  } finally {
    await runner.query("SELECT pg_advisory_unlock(hashtext('cm:migrations'))").catch(() => undefined);
    await runner.release();
    await dataSource.destroy();
  }
}
