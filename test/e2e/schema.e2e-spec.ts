import { DataSource } from 'typeorm';
import { runMigrations } from '../../apps/api/src/database/migrate';
import { dataSourceOptions } from '../../apps/api/src/database/options';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * The entities and the migrations describe the same schema: on a database migrated from empty, TypeORM's schema
 * builder (what `migration:generate` runs) finds nothing to change. Fails naming the SQL a new migration would need.
 */
describe('entities and migrations', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('schema', { empty: true });
    await runMigrations(database.url);
    dataSource = await new DataSource(dataSourceOptions(database.url, 2)).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('agree: a migrated database needs no further migration', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });
});
