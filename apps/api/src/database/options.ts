import { DataSourceOptions } from 'typeorm';
import { HOUSEHOLDS_ENTITIES } from '@cm/households';
import { IDENTITY_ENTITIES } from '@cm/identity';
import { PLAYBACK_TOKEN_ENTITIES } from '@cm/playback-tokens';
import { POLICY_ENTITIES } from '@cm/policies';
import { SESSION_ENTITIES } from '@cm/sessions';
import { SHARING_ENTITIES } from '@cm/sharing';
import { TENANT_ENTITIES } from '@cm/tenants';
import { USAGE_ENTITIES } from '@cm/usage';
import { poolSettings } from './database-pools';
import { MIGRATIONS } from './migrations';

/** The one TypeORM configuration, used by the app, the tests and the TypeORM CLI (data-source.ts). */
export function dataSourceOptions(url: string, poolSize = 20): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [
      ...TENANT_ENTITIES,
      ...POLICY_ENTITIES,
      ...SESSION_ENTITIES,
      ...IDENTITY_ENTITIES,
      ...USAGE_ENTITIES,
      ...PLAYBACK_TOKEN_ENTITIES,
      ...HOUSEHOLDS_ENTITIES,
      ...SHARING_ENTITIES,
    ],
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    // A request never waits forever for the database: it fails fast and answers 503 instead.
    extra: poolSettings(poolSize),
  };
}
